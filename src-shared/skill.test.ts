import { describe, expect, it } from 'vitest'
import { baseRateRefusal, walkForwardSkill } from './skill'

describe('walkForwardSkill', () => {
  it('has skill only when it beats the majority on log loss and both baselines on F1', () => {
    const majority = { logLoss: 0.642, f1: 0.801 }
    expect(
      walkForwardSkill({ validation: { logLoss: 0.547, f1: 0.82 }, majority, persistence: { f1: 0.696 } }),
    ).toEqual({
      skill: true,
      detail: 'log loss 0.547 < majority 0.642; F1 0.820 > majority 0.801 and > label of t−H 0.696',
    })
    // Worse log loss than always predicting the base rate: no skill, whatever F1 says.
    expect(walkForwardSkill({ validation: { logLoss: 0.7, f1: 0.9 }, majority, persistence: { f1: 0.5 } }).skill).toBe(
      false,
    )
    // Equal F1, or better by less than the 0.001 the verdict can show, is not better (REGIME_CHANGE_PENDING 12 h: 0.887 vs 0.887).
    expect(
      walkForwardSkill({ validation: { logLoss: 0.499, f1: 0.886 }, majority: { logLoss: 0.507, f1: 0.886 } }).skill,
    ).toBe(false)
    expect(
      walkForwardSkill({ validation: { logLoss: 0.499, f1: 0.8874 }, majority: { logLoss: 0.504, f1: 0.8871 } }).skill,
    ).toBe(false)
    // A rare event predicted never: F1 0 loses to the label of t−H.
    const v = walkForwardSkill({
      validation: { logLoss: 0.241, f1: 0 },
      majority: { logLoss: 0.265, f1: 0 },
      persistence: { f1: 0.282 },
    })
    expect(v).toEqual({
      skill: false,
      detail: 'log loss 0.241 < majority 0.265; F1 0.000 ≤ majority 0.000 and ≤ label of t−H 0.282',
    })
  })
})

describe('baseRateRefusal', () => {
  const classes = ['quiet', 'fires']
  it('refuses a binary label firing above 95 % or below 0.5 % of the rows, and nothing between', () => {
    expect(baseRateRefusal([31, 969], classes, 1)).toMatch(
      /^base rate too high: "fires" fires on 96\.9 % of 1000 labelled rows \(above 95\.0 %\)/,
    )
    expect(baseRateRefusal([996, 4], classes, 1)).toMatch(
      /^base rate too low: "fires" fires on 0\.4 % of 1000 labelled rows \(below 0\.5 %\)/,
    )
    // A rare but learnable event (CORRELATION_BREAKDOWN 12 h fires on 0.9 %) and a common one are trained.
    expect(baseRateRefusal([991, 9], classes, 1)).toBeUndefined()
    expect(baseRateRefusal([50, 950], classes, 1)).toBeUndefined()
    expect(baseRateRefusal([0, 0], classes, 1)).toBe('no labelled rows')
  })

  it('refuses a multiclass label with a class above 95 % or below 0.5 %', () => {
    const regimes = ['bearish', 'neutral', 'bullish']
    expect(baseRateRefusal([300, 400, 300], regimes)).toBeUndefined()
    expect(baseRateRefusal([10, 980, 10], regimes)).toMatch(/^base rate too high: class "neutral" holds 98\.0 %/)
    expect(baseRateRefusal([2, 500, 498], regimes)).toMatch(/^base rate too low: class "bearish" holds 0\.2 %/)
  })
})
