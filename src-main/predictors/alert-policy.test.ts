import { describe, expect, it } from 'vitest'
import { alertConfidence, AlertNoisePolicy, type AlertCandidate } from './alert-policy'

const MIN = 60_000
const c = (
  minute: number,
  probability: number,
  type: AlertCandidate['type'] = 'SPIKE_LIKELY',
  horizonHours = 12,
): AlertCandidate => ({
  type,
  horizonHours,
  time: minute * MIN,
  probability,
  pRf: probability,
  pGbdt: probability - 0.1,
  ref: `${type}@${minute}`,
})

describe('AlertNoisePolicy (DOMAIN.md §2 triggers and anti-noise)', () => {
  it('fires S2 and S3 by the per-type thresholds and nothing below S2', () => {
    const p = new AlertNoisePolicy()
    expect(p.decide(c(0, 0.69))).toEqual({ fire: false, reason: 'below-threshold' })
    expect(p.decide(c(0, 0.72))).toMatchObject({ fire: true, severity: 'S2' })
    expect(new AlertNoisePolicy().decide(c(0, 0.86))).toMatchObject({ fire: true, severity: 'S3' })
    // VOLATILITY_SPIKE_IMMINENT needs 0.80 for S2.
    expect(new AlertNoisePolicy().decide(c(0, 0.79, 'VOLATILITY_SPIKE_IMMINENT'))).toMatchObject({
      fire: false,
      reason: 'below-threshold',
    })
  })

  it('drops duplicates within 15 min and S2 repeats inside the 360 min interval', () => {
    const p = new AlertNoisePolicy()
    expect(p.decide(c(0, 0.72)).fire).toBe(true)
    expect(p.decide(c(10, 0.9))).toEqual({ fire: false, reason: 'duplicate' })
    expect(p.decide(c(100, 0.72))).toEqual({ fire: false, reason: 'min-interval' })
    expect(p.decide(c(361, 0.72))).toMatchObject({ fire: true, severity: 'S2' })
    expect(p.decide(c(500, 0.72, 'CORRELATION_BREAKDOWN'))).toMatchObject({ fire: false, reason: 'below-threshold' })
  })

  it('inside the interval an S3 opens no alert: it raises the open S2 of its type to S3 once, else it is dropped', () => {
    const p = new AlertNoisePolicy()
    expect(p.decide(c(0, 0.72))).toMatchObject({ fire: true, severity: 'S2' })
    // Four S3-strength candidates 15+ minutes apart (what the demo showed as four S3 alerts): one escalation, nothing new.
    expect(p.decide(c(20, 0.9))).toEqual({
      fire: false,
      reason: 'escalates',
      ref: 'SPIKE_LIKELY@0',
      confidence: expect.closeTo(0.9, 9),
    })
    expect(p.decide(c(40, 0.9))).toEqual({ fire: false, reason: 'min-interval' })
    expect(p.decide(c(60, 0.92))).toEqual({ fire: false, reason: 'min-interval' })
    // An S3 after the interval opens a new alert.
    expect(p.decide(c(400, 0.9))).toMatchObject({ fire: true, severity: 'S3' })
    // An S2 whose horizon has passed (resolved) is not raised: the S3 inside the interval is dropped.
    const q = new AlertNoisePolicy()
    expect(q.decide(c(0, 0.72, 'SPIKE_LIKELY', 4)).fire).toBe(true)
    expect(q.decide(c(300, 0.9))).toEqual({ fire: false, reason: 'min-interval' })
    // An open S3 is not raised again.
    const r = new AlertNoisePolicy()
    expect(r.decide(c(0, 0.9)).fire).toBe(true)
    expect(r.decide(c(30, 0.95))).toEqual({ fire: false, reason: 'min-interval' })
  })

  it('the third S2 of a type within 30 min is an S3: inside the interval it raises the open S2', () => {
    const p = new AlertNoisePolicy({
      minIntervalMinutes: 20,
      maxPerTypePerDay: 4,
      maxPerHour: 20,
      dedupMinutes: 15,
      escalateWithinMinutes: 30,
    })
    expect(p.decide(c(0, 0.72))).toMatchObject({ fire: true, severity: 'S2', escalated: false })
    expect(p.decide(c(16, 0.72))).toEqual({ fire: false, reason: 'min-interval' })
    expect(p.decide(c(19, 0.72))).toEqual({
      fire: false,
      reason: 'escalates',
      ref: 'SPIKE_LIKELY@0',
      confidence: expect.closeTo(0.9, 9),
    })
    // Past the interval the escalated S2 rule opens a new S3.
    const q = new AlertNoisePolicy({
      minIntervalMinutes: 0,
      maxPerTypePerDay: 4,
      maxPerHour: 20,
      dedupMinutes: 0,
      escalateWithinMinutes: 30,
    })
    q.decide(c(0, 0.72))
    q.decide(c(10, 0.72))
    expect(q.decide(c(20, 0.72))).toMatchObject({ fire: true, severity: 'S3', escalated: true })
  })

  it('caps a type at 4 per day and all types at 20 per hour', () => {
    const p = new AlertNoisePolicy({
      minIntervalMinutes: 0,
      maxPerTypePerDay: 4,
      maxPerHour: 20,
      dedupMinutes: 0,
      escalateWithinMinutes: 0,
    })
    const fired = [0, 60, 120, 180, 240, 300].map((m) => p.decide(c(m, 0.72)).fire)
    expect(fired).toEqual([true, true, true, true, false, false])
    const q = new AlertNoisePolicy({
      minIntervalMinutes: 0,
      maxPerTypePerDay: 100,
      maxPerHour: 3,
      dedupMinutes: 0,
      escalateWithinMinutes: 0,
    })
    expect([1, 2, 3, 4].map((m) => q.decide(c(m, 0.72)).fire)).toEqual([true, true, true, false])
  })

  it('measures confidence as 1 − |p_rf − p_gbdt|', () => {
    expect(alertConfidence(0.8, 0.6)).toBeCloseTo(0.8, 12)
    expect(new AlertNoisePolicy().decide(c(0, 0.9))).toMatchObject({ confidence: expect.closeTo(0.9, 9) })
  })
})
