import type { Mutable, TickMarkWeightValue, TimeScalePoint } from 'lightweight-charts'
import { describe, expect, it } from 'vitest'
import { ZonedTimeScale, zonedTickWeight } from './zoned-time-scale'

/** Hourly time-scale points (UTC seconds) from `from` for `hours`. */
function hourly(from: number, hours: number): Mutable<TimeScalePoint>[] {
  return Array.from({ length: hours }, (_, i) => ({
    timeWeight: 0 as TickMarkWeightValue,
    time: {} as TimeScalePoint['time'],
    originalTime: from / 1000 + i * 3600,
  }))
}

const dayTicks = (points: readonly TimeScalePoint[]) =>
  points.filter((p) => p.timeWeight >= 50).map((p) => new Date((p.originalTime as number) * 1000).toISOString())

describe('zoned time scale', () => {
  it('puts day ticks on New York midnights across the 2021-03-14 and 2021-11-07 changes (05:00 UTC, then 04:00, then 05:00)', () => {
    const scale = new ZonedTimeScale('America/New_York')
    const spring = hourly(Date.UTC(2021, 2, 12, 12), 4 * 24)
    scale.fillWeightsForPoints(spring, 0)
    expect(dayTicks(spring)).toEqual([
      '2021-03-13T05:00:00.000Z',
      '2021-03-14T05:00:00.000Z',
      '2021-03-15T04:00:00.000Z',
      '2021-03-16T04:00:00.000Z',
    ])
    const autumn = hourly(Date.UTC(2021, 10, 6, 12), 3 * 24)
    scale.fillWeightsForPoints(autumn, 0)
    expect(dayTicks(autumn)).toEqual([
      '2021-11-07T04:00:00.000Z',
      '2021-11-08T05:00:00.000Z',
      '2021-11-09T05:00:00.000Z',
    ])
  })

  it('weighs in UTC like lightweight-charts when the zone is UTC, and refills from startIndex', () => {
    const scale = new ZonedTimeScale('UTC')
    const pts = hourly(Date.UTC(2021, 11, 31, 20), 8)
    scale.fillWeightsForPoints(pts, 0)
    expect(pts.map((p) => p.timeWeight)).toEqual([30, 31, 30, 30, 70, 30, 30, 31])
    pts[6].timeWeight = 0 as TickMarkWeightValue
    scale.fillWeightsForPoints(pts, 6)
    expect(pts[6].timeWeight).toBe(30)
    expect(zonedTickWeight(Date.UTC(2022, 1, 1), Date.UTC(2022, 0, 31, 23))).toBe(60)
    expect(zonedTickWeight(Date.UTC(2022, 1, 1, 0, 5), Date.UTC(2022, 1, 1, 0, 4))).toBe(21)
  })
})
