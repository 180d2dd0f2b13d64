import { describe, expect, it } from 'vitest'
import type { ModelCard } from '../../src-shared'
import { assessDrift, dueReasons, trainingWindow, type DriftReport, type RetrainingPolicy } from './index'

const DAY = 86_400_000
const card: ModelCard = {
  name: 'm',
  predictor: 'regime',
  task: 'multiclass',
  classes: ['bearish', 'neutral', 'bullish'],
  features: ['a'],
  inputShape: [null, 1],
  reference: {
    rows: 100,
    features: { a: { edges: [0], proportions: [0.5, 0.5], missing: 0 } },
    predictions: { classProportions: [0.3, 0.4, 0.3] },
  },
}
/** `n` rows whose feature alternates −1/+1 (matching the reference) with predicted classes in the given shares. */
function window(shares: number[], n = 100): { x: Float32Array; n: number; probabilities: Float32Array } {
  const probabilities = new Float32Array(n * 3)
  let i = 0
  shares.forEach((s, k) => {
    for (let q = 0; q < Math.round(s * n); q++, i++)
      probabilities.set(k === 0 ? [0.6, 0.2, 0.2] : k === 1 ? [0.2, 0.6, 0.2] : [0.2, 0.2, 0.6], i * 3)
  })
  return { x: Float32Array.from({ length: n }, (_, r) => (r % 2 ? 1 : -1)), n, probabilities }
}

describe('drift rules', () => {
  it('a shifted prediction distribution fails the model even when every feature is stable', () => {
    const stable = assessDrift(card, undefined, window([0.3, 0.4, 0.3]))
    expect(stable.health).toBe('healthy')
    expect(stable.predictions?.psi).toBeCloseTo(0, 9)
    const shifted = assessDrift(card, undefined, window([0.75, 0.05, 0.2]))
    expect(shifted.features[0].level).toBe('stable')
    expect(shifted.predictions?.level).toBe('drift')
    expect(shifted.drift).toBe(true)
    expect(shifted.health).toBe('failed')
    expect(shifted.reasons).toContain(`prediction distribution drift: PSI ${shifted.predictions!.psi.toFixed(3)}`)
  })
})

describe('retraining policy', () => {
  const policy: RetrainingPolicy = {
    window: { kind: 'expanding', start: 10 * DAY },
    cadenceMs: 7 * DAY,
    triggers: ['decay'],
  }
  const report = (decay: boolean, time: number): DriftReport => ({
    name: 'm',
    versionId: 'v',
    time,
    rows: 1,
    features: [],
    driftedFeatures: [],
    watchFeatures: [],
    anomalies: [],
    health: decay ? 'failed' : 'healthy',
    reasons: [],
    drift: false,
    decay,
    performance: { n: 50, recentF1: 0.3, validationF1: 0.5, decayed: decay },
  })

  it('expanding windows start at the policy start, sliding windows cover the last length', () => {
    expect(trainingWindow(policy, 0, 100 * DAY)).toEqual({ from: 10 * DAY, to: 100 * DAY })
    expect(trainingWindow({ ...policy, window: { kind: 'sliding', lengthMs: 30 * DAY } }, 0, 100 * DAY)).toEqual({
      from: 70 * DAY,
      to: 100 * DAY,
    })
  })

  it('a decay report newer than the last run triggers it; drift alone does not when only decay is enabled; the schedule needs its trigger', () => {
    expect(dueReasons(policy, 50 * DAY, 40 * DAY, 0, report(true, 45 * DAY))[0]).toMatch(
      /^decay: recent F1 0.300 vs validation 0.500/,
    )
    expect(dueReasons(policy, 50 * DAY, 46 * DAY, 0, report(true, 45 * DAY))).toEqual([])
    expect(dueReasons(policy, 50 * DAY, 40 * DAY, 0, { ...report(false, 45 * DAY), drift: true })).toEqual([])
    expect(dueReasons(policy, 500 * DAY, 40 * DAY, 0, undefined)).toEqual([])
    expect(dueReasons({ ...policy, triggers: ['schedule'] }, 47 * DAY, 40 * DAY, 0, undefined)[0]).toMatch(
      /^schedule: 168.0 h since the last run/,
    )
  })
})
