import { describe, expect, it } from 'vitest'
import { alertConfidence, AlertNoisePolicy, type AlertCandidate } from './alert-policy'

const MIN = 60_000
const c = (minute: number, probability: number, type: AlertCandidate['type'] = 'SPIKE_LIKELY'): AlertCandidate => ({ type, horizonHours: 12, time: minute * MIN, probability, pRf: probability, pGbdt: probability - 0.1 })

describe('AlertNoisePolicy (DOMAIN.md §2 triggers and anti-noise)', () => {
  it('fires S2 and S3 by the per-type thresholds and nothing below S2', () => {
    const p = new AlertNoisePolicy()
    expect(p.decide(c(0, 0.69))).toEqual({ fire: false, reason: 'below-threshold' })
    expect(p.decide(c(0, 0.72))).toMatchObject({ fire: true, severity: 'S2' })
    expect(new AlertNoisePolicy().decide(c(0, 0.86))).toMatchObject({ fire: true, severity: 'S3' })
    // VOLATILITY_SPIKE_IMMINENT needs 0.80 for S2.
    expect(new AlertNoisePolicy().decide(c(0, 0.79, 'VOLATILITY_SPIKE_IMMINENT'))).toMatchObject({ fire: false, reason: 'below-threshold' })
  })

  it('drops duplicates within 15 min and S2 repeats inside the 360 min interval, but lets an S3 through the interval', () => {
    const p = new AlertNoisePolicy()
    expect(p.decide(c(0, 0.72)).fire).toBe(true)
    expect(p.decide(c(10, 0.9))).toEqual({ fire: false, reason: 'duplicate' })
    expect(p.decide(c(100, 0.72))).toEqual({ fire: false, reason: 'min-interval' })
    expect(p.decide(c(120, 0.9))).toMatchObject({ fire: true, severity: 'S3' })
    expect(p.decide(c(500, 0.72, 'CORRELATION_BREAKDOWN'))).toMatchObject({ fire: false, reason: 'below-threshold' })
  })

  it('escalates the third S2 of a type within 30 min to S3', () => {
    const p = new AlertNoisePolicy()
    expect(p.decide(c(0, 0.72))).toMatchObject({ fire: true, severity: 'S2', escalated: false })
    expect(p.decide(c(16, 0.72)).fire).toBe(false)
    expect(p.decide(c(29, 0.72))).toMatchObject({ fire: true, severity: 'S3', escalated: true })
  })

  it('caps a type at 4 per day and all types at 20 per hour', () => {
    const p = new AlertNoisePolicy({ minIntervalMinutes: 0, maxPerTypePerDay: 4, maxPerHour: 20, dedupMinutes: 0, escalateWithinMinutes: 0 })
    const fired = [0, 60, 120, 180, 240, 300].map((m) => p.decide(c(m, 0.72)).fire)
    expect(fired).toEqual([true, true, true, true, false, false])
    const q = new AlertNoisePolicy({ minIntervalMinutes: 0, maxPerTypePerDay: 100, maxPerHour: 3, dedupMinutes: 0, escalateWithinMinutes: 0 })
    expect([1, 2, 3, 4].map((m) => q.decide(c(m, 0.72)).fire)).toEqual([true, true, true, false])
  })

  it('measures confidence as 1 − |p_rf − p_gbdt|', () => {
    expect(alertConfidence(0.8, 0.6)).toBeCloseTo(0.8, 12)
    expect(new AlertNoisePolicy().decide(c(0, 0.9))).toMatchObject({ confidence: expect.closeTo(0.9, 9) })
  })
})
