import type { ModelMetricSummary, OverfittingLevel } from '../../src-shared'

/**
 * Classification metrics of DOMAIN.md §6 from labels `y` (0..C-1) and probabilities `[n, C]`.
 * Binary: precision/recall/F1 of class 1, ROC/PR AUC of p1. Multiclass: macro F1, one-vs-rest macro ROC/PR AUC.
 */
export interface ClassificationMetrics extends ModelMetricSummary {
  readonly prAuc: number
  /** `confusion[actual][predicted]` counts. */
  readonly confusion: number[][]
  /** Reliability bins of the top-class probability: mean predicted vs observed hit rate. */
  readonly calibration: {
    readonly lo: number
    readonly hi: number
    readonly count: number
    readonly meanPredicted: number
    readonly observed: number
  }[]
}

const EPS = 1e-15

function argmax(p: ArrayLike<number>, o: number, c: number): number {
  let b = 0
  for (let k = 1; k < c; k++) if (p[o + k] > p[o + b]) b = k
  return b
}

/** ROC AUC of scores for a binary target (ties get half credit); NaN when one class is absent. */
export function rocAuc(score: ArrayLike<number>, pos: ArrayLike<boolean>): number {
  const n = score.length
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b])
  let nPos = 0
  for (let i = 0; i < n; i++) if (pos[i]) nPos++
  const nNeg = n - nPos
  if (!nPos || !nNeg) return NaN
  let rankSum = 0
  for (let i = 0; i < n;) {
    let j = i
    while (j + 1 < n && score[idx[j + 1]] === score[idx[i]]) j++
    const rank = (i + j) / 2 + 1
    for (let k = i; k <= j; k++) if (pos[idx[k]]) rankSum += rank
    i = j + 1
  }
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg)
}

/** Average precision (area under the precision–recall curve, step-wise as scikit-learn). */
export function averagePrecision(score: ArrayLike<number>, pos: ArrayLike<boolean>): number {
  const n = score.length
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a])
  let nPos = 0
  for (let i = 0; i < n; i++) if (pos[i]) nPos++
  if (!nPos) return NaN
  let tp = 0
  let fp = 0
  let ap = 0
  let prevRecall = 0
  for (let i = 0; i < n;) {
    let j = i
    while (j + 1 < n && score[idx[j + 1]] === score[idx[i]]) j++
    for (let k = i; k <= j; k++) pos[idx[k]] ? tp++ : fp++
    const recall = tp / nPos
    ap += (recall - prevRecall) * (tp / (tp + fp))
    prevRecall = recall
    i = j + 1
  }
  return ap
}

/** All metrics for `n` rows; `c` classes. */
export function classificationMetrics(
  y: ArrayLike<number>,
  proba: ArrayLike<number>,
  n: number,
  c: number,
  bins = 10,
): ClassificationMetrics {
  const confusion = Array.from({ length: c }, () => new Array<number>(c).fill(0))
  let correct = 0
  let ll = 0
  let brier = 0
  const cal = Array.from({ length: bins }, () => ({ count: 0, sumP: 0, hits: 0 }))
  for (let i = 0; i < n; i++) {
    const pred = argmax(proba, i * c, c)
    confusion[y[i]][pred]++
    if (pred === y[i]) correct++
    ll -= Math.log(Math.min(1 - EPS, Math.max(EPS, proba[i * c + y[i]])))
    if (c === 2) brier += (proba[i * c + 1] - (y[i] === 1 ? 1 : 0)) ** 2
    else for (let k = 0; k < c; k++) brier += (proba[i * c + k] - (y[i] === k ? 1 : 0)) ** 2
    const pTop = c === 2 ? proba[i * c + 1] : proba[i * c + pred]
    const b = Math.min(bins - 1, Math.floor(pTop * bins))
    cal[b].count++
    cal[b].sumP += pTop
    cal[b].hits += c === 2 ? (y[i] === 1 ? 1 : 0) : pred === y[i] ? 1 : 0
  }
  const prf = (k: number) => {
    const tp = confusion[k][k]
    let pp = 0
    let ap = 0
    for (let q = 0; q < c; q++) {
      pp += confusion[q][k]
      ap += confusion[k][q]
    }
    const precision = pp ? tp / pp : 0
    const recall = ap ? tp / ap : 0
    return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 }
  }
  let precision: number
  let recall: number
  let f1: number
  let auc: number
  let pr: number
  const col = (k: number) => Float64Array.from({ length: n }, (_, i) => proba[i * c + k])
  const isK = (k: number) => Array.from({ length: n }, (_, i) => y[i] === k)
  if (c === 2) {
    ;({ precision, recall, f1 } = prf(1))
    auc = rocAuc(col(1), isK(1))
    pr = averagePrecision(col(1), isK(1))
  } else {
    precision = recall = f1 = auc = pr = 0
    let present = 0
    for (let k = 0; k < c; k++) {
      const m = prf(k)
      precision += m.precision / c
      recall += m.recall / c
      f1 += m.f1 / c
      const a = rocAuc(col(k), isK(k))
      if (a === a) {
        auc += a
        pr += averagePrecision(col(k), isK(k))
        present++
      }
    }
    auc = present ? auc / present : NaN
    pr = present ? pr / present : NaN
  }
  return {
    n,
    accuracy: n ? correct / n : NaN,
    precision,
    recall,
    f1,
    rocAuc: auc,
    prAuc: pr,
    logLoss: ll / n,
    brier: brier / n,
    confusion,
    calibration: cal.map((b, i) => ({
      lo: i / bins,
      hi: (i + 1) / bins,
      count: b.count,
      meanPredicted: b.count ? b.sumP / b.count : NaN,
      observed: b.count ? b.hits / b.count : NaN,
    })),
  }
}

/** The headline numbers of a metrics record: what training results and registry records store. */
export function metricSummary(m: ClassificationMetrics): ModelMetricSummary {
  return {
    n: m.n,
    accuracy: m.accuracy,
    precision: m.precision,
    recall: m.recall,
    f1: m.f1,
    rocAuc: m.rocAuc,
    logLoss: m.logLoss,
    brier: m.brier,
  }
}

/** Majority-class baseline: every test row gets the training class frequencies (so it predicts the majority class). */
export function majorityBaseline(
  yTrain: ArrayLike<number>,
  yTest: ArrayLike<number>,
  c: number,
): ClassificationMetrics {
  const freq = new Float64Array(c)
  for (let i = 0; i < yTrain.length; i++) freq[yTrain[i]]++
  for (let k = 0; k < c; k++) freq[k] /= yTrain.length || 1
  const n = yTest.length
  const p = new Float64Array(n * c)
  for (let i = 0; i < n; i++) p.set(freq, i * c)
  return classificationMetrics(yTest, p, n, c)
}

/**
 * Persistence baseline: predict the latest label already known (probability 1). With forward-looking labels of
 * horizon H, the label of row t−1 is only known at t−1+H, so pass `lag` = H to stay honest; rows before the first
 * known label use `first`.
 */
export function persistenceBaseline(yTest: ArrayLike<number>, c: number, first = 0, lag = 1): ClassificationMetrics {
  const n = yTest.length
  const p = new Float64Array(n * c)
  for (let i = 0; i < n; i++) p[i * c + (i < lag ? first : yTest[i - lag])] = 1
  return classificationMetrics(yTest, p, n, c)
}

/** DOMAIN.md §6 overfitting level from the train–test gap g. */
export function overfittingLevel(gap: number): OverfittingLevel {
  if (gap < 0.05) return 'none'
  if (gap < 0.1) return 'mild'
  if (gap < 0.15) return 'moderate'
  if (gap < 0.25) return 'severe'
  return 'critical'
}

/** A model's test metrics next to both naive baselines, with the train–test gap (of ROC AUC; accuracy when AUC is undefined). */
export interface EvaluationReport {
  readonly train: ClassificationMetrics
  readonly test: ClassificationMetrics
  readonly majority: ClassificationMetrics
  readonly persistence: ClassificationMetrics
  readonly gap: number
  readonly gapMetric: 'rocAuc' | 'accuracy'
  readonly overfitting: OverfittingLevel
}

/**
 * Builds the report; `trainP`/`testP` are `[n, C]` probabilities. Test rows must be in time order for persistence;
 * `labelLag` is how many rows after its own row a label becomes known (the label horizon; default 1).
 */
export function evaluationReport(
  yTrain: ArrayLike<number>,
  trainP: ArrayLike<number>,
  yTest: ArrayLike<number>,
  testP: ArrayLike<number>,
  c: number,
  labelLag = 1,
): EvaluationReport {
  const train = classificationMetrics(yTrain, trainP, yTrain.length, c)
  const test = classificationMetrics(yTest, testP, yTest.length, c)
  const useAuc = train.rocAuc === train.rocAuc && test.rocAuc === test.rocAuc
  const gap = useAuc ? train.rocAuc - test.rocAuc : train.accuracy - test.accuracy
  return {
    train,
    test,
    majority: majorityBaseline(yTrain, yTest, c),
    persistence: persistenceBaseline(yTest, c, yTrain.length ? yTrain[yTrain.length - 1] : 0, Math.max(1, labelLag)),
    gap,
    gapMetric: useAuc ? 'rocAuc' : 'accuracy',
    overfitting: overfittingLevel(gap),
  }
}
