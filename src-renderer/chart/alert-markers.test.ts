import { describe, expect, it } from 'vitest'
import type { Alert, PredictionPoint, StoredBar, Timeframe } from '../../src-shared'
import { alertMarker, mergeMarkers, placeAlerts } from './alert-markers'
import { barIndexAt } from './use-focus-time'
import { transitionMarker } from './use-markers'
import { alertLines } from './use-regime-tooltip'

const T0 = Date.UTC(2024, 2, 1)
const MIN = 60_000

function bars(timeframe: Timeframe, stepMs: number, n: number): StoredBar[] {
  return Array.from({ length: n }, (_, i) => ({
    symbol: 'ETHBTC',
    venue: 'BINANCE',
    timeframe,
    time: T0 + i * stepMs,
    open: 1,
    high: 2,
    low: 0.5,
    close: 1.5,
    volume: 1,
  }))
}

function alert(id: string, time: number, over: Partial<Alert> = {}): Alert {
  return {
    id,
    type: 'CORRELATION_BREAKDOWN',
    severity: 'S2',
    time,
    targetTime: time + 4 * 60 * MIN,
    horizonHours: 4,
    probability: 0.78,
    pRf: 0.75,
    pGbdt: 0.82,
    confidence: 0.93,
    escalated: false,
    modelName: 'alerts-correlation_breakdown-h4h',
    modelVersion: 'd'.repeat(64),
    basket: 'alt-btc-5m',
    timeframe: '5m',
    assets: ['ETHBTC', 'ADABTC'],
    acknowledged: false,
    ...over,
  }
}

const transition = (id: number, time: number): PredictionPoint => ({
  id,
  modelName: 'regime-ethbtc-5m-h12',
  modelVersion: 'a'.repeat(64),
  time,
  horizon: 12,
  probabilities: [0.8, 0.1, 0.1],
  regime: 'bearish',
  confidence: 0.5,
  quality: 0.8,
  transition: true,
  sizeMultiplier: 0.2,
  outcome: null,
  hit: null,
})

describe('alert markers', () => {
  it('places an alert on the bar of its own time at the same timeframe', () => {
    const b = bars('5m', 5 * MIN, 10)
    expect(placeAlerts([alert('x', T0 + 15 * MIN)], b)).toEqual([
      { alert: expect.objectContaining({ id: 'x' }), barTime: T0 + 15 * MIN },
    ])
  })

  it('places a 5-minute alert on the hourly bar that contains it and leaves out alerts outside the loaded bars', () => {
    const b = bars('1h', 60 * MIN, 3)
    const placed = placeAlerts(
      [
        alert('before', T0 - 5 * MIN),
        alert('in', T0 + 65 * MIN),
        alert('last', T0 + 175 * MIN),
        alert('after', T0 + 180 * MIN),
      ],
      b,
    )
    expect(placed.map((p) => [p.alert.id, p.barTime])).toEqual([
      ['in', T0 + 60 * MIN],
      ['last', T0 + 120 * MIN],
    ])
    expect(placeAlerts([alert('x', T0)], [])).toEqual([])
  })

  it('the bar of a time is the last one opening at or before it', () => {
    const b = bars('5m', 5 * MIN, 4)
    expect([T0 - 1, T0, T0 + 4 * MIN, T0 + 5 * MIN, T0 + 60 * MIN].map((t) => barIndexAt(b, t))).toEqual([
      -1, 0, 0, 1, 3,
    ])
    expect(barIndexAt([], T0)).toBe(-1)
  })

  it('colours S2 amber and S3 red, above the bar, with an id that tells it from a transition', () => {
    const s2 = alertMarker({ alert: alert('a', T0), barTime: T0 })
    const s3 = alertMarker({ alert: alert('b', T0, { severity: 'S3' }), barTime: T0 })
    expect(s2).toMatchObject({
      id: 'alert:a',
      time: T0 / 1000,
      position: 'aboveBar',
      shape: 'square',
      color: '#e0a43a',
    })
    expect(s3).toMatchObject({ id: 'alert:b', color: '#ef5350' })
    expect(s3.size).toBeGreaterThan(s2.size!)
  })

  it('merges transition and alert markers into one list ascending by time, transitions first at equal times', () => {
    const transitions = [transition(1, T0 + 10 * MIN), transition(2, T0)].map(transitionMarker)
    const alerts = [alert('late', T0 + 20 * MIN), alert('same', T0 + 10 * MIN), alert('early', T0 - 5 * MIN)].map((a) =>
      alertMarker({ alert: a, barTime: a.time }),
    )
    const merged = mergeMarkers(transitions, alerts)
    expect(merged.map((m) => m.id)).toEqual(['alert:early', '2', '1', 'alert:same', 'alert:late'])
    expect(mergeMarkers(transitions, [])).toHaveLength(2)
    expect(mergeMarkers([], alerts).map((m) => m.id)).toEqual(['alert:early', 'alert:same', 'alert:late'])
  })

  it('the tooltip names type, severity, probability, confidence, horizon, model version and the outcome once resolved', () => {
    const open = alertLines(alert('a', T0, { escalated: true, severity: 'S3' }))
    expect(open[0]).toBe('S3 correlation breakdown (p 78%) · escalated')
    expect(open[1]).toBe('confidence 0.93 · horizon 4 h → 2024-03-01 04:00')
    expect(open[2]).toBe(`model alerts-correlation_breakdown-h4h @ ${'d'.repeat(12)}`)
    expect(open[3]).toBe('open until 2024-03-01 04:00')
    const resolved = alertLines(alert('a', T0, { outcome: 'miss', resolvedAt: T0 + 245 * MIN, acknowledged: true }))
    expect(resolved[3]).toBe('outcome miss (resolved 2024-03-01 04:05)')
    expect(resolved[4]).toBe('2024-03-01 00:00 · alt-btc-5m · acknowledged')
  })
})
