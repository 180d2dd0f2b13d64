import { describe, expect, it } from 'vitest'
import type { Drawing } from '../../src-shared'
import {
  distanceToSegment,
  dragDrawing,
  hitTestDrawings,
  logicalToTime,
  timeToLogical,
  type ScreenDrawing,
} from './drawing-geometry'

const H = 3_600_000
const T0 = Date.UTC(2024, 0, 1)
// Hourly bars with a two-hour gap after the third.
const times = [T0, T0 + H, T0 + 2 * H, T0 + 5 * H, T0 + 6 * H]

describe('drawing geometry', () => {
  it('a time maps to its bar, between bars (across a gap) and beyond both ends by the bar length', () => {
    expect(timeToLogical(times, H, T0 + H)).toBe(1)
    expect(timeToLogical(times, H, T0 + 30 * 60_000)).toBe(0.5)
    expect(timeToLogical(times, H, T0 + 3.5 * H)).toBe(2.5)
    expect(timeToLogical(times, H, T0 - 2 * H)).toBe(-2)
    expect(timeToLogical(times, H, T0 + 9 * H)).toBe(7)
    expect(timeToLogical([], H, T0)).toBeNull()
  })

  it('a logical index maps back to the same time (a 5-minute anchor keeps its time on an hourly chart)', () => {
    for (const t of [T0 - 3 * H, T0, T0 + 25 * 60_000, T0 + 2.2 * H, T0 + 4 * H, T0 + 6 * H, T0 + 40 * H]) {
      expect(logicalToTime(times, H, timeToLogical(times, H, t)!)).toBeCloseTo(t, 3)
    }
    expect(logicalToTime(times, H, NaN)).toBeNull()
  })

  it('hits a level by its y, a trendline by its line and its ends (ends first), the topmost drawing first', () => {
    const screen: ScreenDrawing[] = [
      { id: 'L', kind: 'level', y: 100 },
      { id: 'T', kind: 'trendline', a: { x: 10, y: 10 }, b: { x: 110, y: 110 } },
    ]
    expect(hitTestDrawings(screen, 500, 104)).toEqual({ id: 'L' })
    expect(hitTestDrawings(screen, 500, 108)).toBeUndefined()
    expect(hitTestDrawings(screen, 60, 62)).toEqual({ id: 'T' })
    expect(hitTestDrawings(screen, 12, 9)).toEqual({ id: 'T', handle: 'a' })
    expect(hitTestDrawings(screen, 100, 101)).toEqual({ id: 'T' })
    expect(hitTestDrawings(screen, 109, 109)).toEqual({ id: 'T', handle: 'b' })
    expect(hitTestDrawings(screen, 200, 200)).toBeUndefined()
    expect(distanceToSegment(0, 5, -10, 0, 10, 0)).toBe(5)
    expect(distanceToSegment(20, 0, -10, 0, 10, 0)).toBe(10)
  })

  it('a drag moves a level in price, a trendline by whole bars and price, one end alone when it was grabbed', () => {
    const level: Drawing = { id: 'L', kind: 'level', price: 10 }
    expect(dragDrawing(level, { id: 'L' }, 3, 1.5, times, H)).toEqual({ id: 'L', kind: 'level', price: 11.5 })
    const line: Drawing = { id: 'T', kind: 'trendline', a: { time: T0, price: 1 }, b: { time: T0 + H, price: 2 } }
    // Two bars right from bar 1 crosses the gap: bar 3 opens at T0 + 5h.
    expect(dragDrawing(line, { id: 'T' }, 2, 0.5, times, H)).toEqual({
      id: 'T',
      kind: 'trendline',
      a: { time: T0 + 2 * H, price: 1.5 },
      b: { time: T0 + 5 * H, price: 2.5 },
    })
    expect(dragDrawing(line, { id: 'T', handle: 'b' }, 1, 0, times, H)).toEqual({
      ...line,
      b: { time: T0 + 2 * H, price: 2 },
    })
  })
})
