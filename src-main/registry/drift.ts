import type { ModelCard } from '../../src-shared'
import { classificationMetrics } from '../ml'
import {
  binProportions,
  classProportions,
  column,
  psi,
  psiLevel,
  type FeatureReference,
  type PsiLevel,
  type ReferenceDistribution,
} from './reference'

/** Model health (DOMAIN.md §6). */
export type Health = 'healthy' | 'degrading' | 'failed'

/** Thresholds of the drift rules; defaults are DOMAIN.md §6. */
export interface DriftThresholds {
  /** Recent F1 below this share of the validation F1 is performance decay (0.9). */
  readonly decayRatio: number
  /** More than this share of rows predicting the same class is an anomaly (0.9). */
  readonly identicalShare: number
  /** More than this share of missing feature values is an anomaly (0.2). */
  readonly missingShare: number
  /** Resolved outcomes needed before decay is judged (30). */
  readonly minOutcomes: number
}

export const DRIFT_DEFAULTS: DriftThresholds = {
  decayRatio: 0.9,
  identicalShare: 0.9,
  missingShare: 0.2,
  minOutcomes: 30,
}

export interface FeatureDrift {
  readonly feature: string
  readonly psi: number
  readonly level: PsiLevel
  /** Share of missing values in the recent rows. */
  readonly missing: number
}

/** Rows a drift check scored: open times of the first and last row (ms) and a one-line description. */
export interface DriftWindow {
  readonly from: number
  readonly to: number
  readonly label: string
}

/** One drift check of one version on recent rows; stored with history. */
export interface DriftReport {
  readonly id?: number
  readonly name: string
  readonly versionId: string
  readonly time: number
  readonly rows: number
  /** The rows checked: open times of the first and last, and what they are ("its training window", "the last 500 bars"). */
  readonly window?: DriftWindow
  /** What they were compared with: the version's training distribution (its rows and training window). */
  readonly reference?: { readonly rows: number; readonly from?: number; readonly to?: number }
  readonly features: readonly FeatureDrift[]
  readonly driftedFeatures: readonly string[]
  readonly watchFeatures: readonly string[]
  /** Predicted-class distribution vs the training one. */
  readonly predictions?: {
    readonly psi: number
    readonly level: PsiLevel
    readonly proportions: readonly number[]
    readonly reference: readonly number[]
  }
  readonly performance?: {
    readonly n: number
    readonly recentF1: number
    readonly validationF1: number
    readonly decayed: boolean
  }
  /** One line per anomaly (identical predictions, missing features). */
  readonly anomalies: readonly string[]
  readonly health: Health
  /** One line per rule that fired; empty when healthy. */
  readonly reasons: readonly string[]
  /** Feature or prediction drift found (a retraining trigger). */
  readonly drift: boolean
  /** Performance decay found (a retraining trigger). */
  readonly decay: boolean
}

/** Recent rows a model scored: features `[n, F]`, its probabilities `[n, C]`, and outcomes where known (−1 = not yet). */
export interface RecentWindow {
  readonly x: Float32Array
  readonly n: number
  readonly probabilities: ArrayLike<number>
  readonly outcomes?: Int32Array
}

/** The reference stored in a card, if it has one in the registry's format. */
export function cardReference(card: ModelCard): ReferenceDistribution | undefined {
  const r = card.reference as Partial<ReferenceDistribution> | undefined
  return r && typeof r.features === 'object' && r.features !== null ? (r as ReferenceDistribution) : undefined
}

/**
 * Applies the drift rules: per-feature PSI vs the card's reference, predicted-class PSI, decay (recent F1 <
 * ratio × validation F1) and anomalies. Health: failed on decay, an anomaly, prediction drift or half the
 * features drifting; degrading on any drifted feature, prediction watch or a quarter of features on watch.
 */
export function assessDrift(
  card: ModelCard,
  validationF1: number | undefined,
  w: RecentWindow,
  t: DriftThresholds = DRIFT_DEFAULTS,
): Omit<DriftReport, 'name' | 'versionId' | 'time'> {
  const f = card.features.length
  const c = card.classes.length
  if (w.x.length !== w.n * f) throw new Error(`drift window has ${w.x.length} values; expected ${w.n} × ${f}`)
  const ref = cardReference(card)
  const features: FeatureDrift[] = []
  let missingCells = 0
  card.features.forEach((name, j) => {
    const col = column(w.x, w.n, f, j)
    const fr: FeatureReference | undefined = ref?.features[name]
    const got = binProportions(col, fr?.edges ?? [])
    missingCells += got.missing * w.n
    if (fr && fr.proportions.some((p) => p > 0) && got.proportions.some((p) => p > 0)) {
      const v = psi(fr.proportions, got.proportions)
      features.push({ feature: name, psi: v, level: psiLevel(v), missing: got.missing })
    }
  })
  const driftedFeatures = features.filter((d) => d.level === 'drift').map((d) => d.feature)
  const watchFeatures = features.filter((d) => d.level === 'watch').map((d) => d.feature)
  const proportions = classProportions(w.probabilities, w.n, c)
  const refPred = ref?.predictions?.classProportions
  const predictions =
    refPred && refPred.length === c
      ? (() => {
          const v = psi(refPred, proportions)
          return { psi: v, level: psiLevel(v), proportions, reference: refPred }
        })()
      : undefined
  let performance: DriftReport['performance']
  if (w.outcomes && validationF1 !== undefined) {
    const idx: number[] = []
    for (let i = 0; i < w.n; i++) if (w.outcomes[i] >= 0) idx.push(i)
    if (idx.length >= t.minOutcomes) {
      const y = Int32Array.from(idx, (i) => w.outcomes![i])
      const p = new Float64Array(idx.length * c)
      idx.forEach((i, q) => {
        for (let k = 0; k < c; k++) p[q * c + k] = w.probabilities[i * c + k]
      })
      const recentF1 = classificationMetrics(y, p, idx.length, c).f1
      performance = { n: idx.length, recentF1, validationF1, decayed: recentF1 < t.decayRatio * validationF1 }
    }
  }
  const anomalies: string[] = []
  const top = Math.max(...proportions)
  if (w.n > 0 && top > t.identicalShare)
    anomalies.push(
      `${(100 * top).toFixed(1)} % of predictions are "${card.classes[proportions.indexOf(top)]}" (> ${100 * t.identicalShare} %)`,
    )
  const missing = w.n * f ? missingCells / (w.n * f) : 0
  if (missing > t.missingShare)
    anomalies.push(`${(100 * missing).toFixed(1)} % of feature values are missing (> ${100 * t.missingShare} %)`)

  const reasons: string[] = []
  if (performance?.decayed)
    reasons.push(
      `performance decay: recent F1 ${performance.recentF1.toFixed(3)} < ${t.decayRatio} × validation F1 ${performance.validationF1.toFixed(3)}`,
    )
  reasons.push(...anomalies.map((a) => `anomaly: ${a}`))
  if (predictions && predictions.level !== 'stable')
    reasons.push(`prediction distribution ${predictions.level}: PSI ${predictions.psi.toFixed(3)}`)
  if (driftedFeatures.length)
    reasons.push(
      `${driftedFeatures.length} of ${features.length} features drifted (PSI > 0.2): ${driftedFeatures.slice(0, 5).join(', ')}${driftedFeatures.length > 5 ? ', …' : ''}`,
    )
  if (watchFeatures.length) reasons.push(`${watchFeatures.length} features on watch (PSI 0.1–0.2)`)
  const failed =
    !!performance?.decayed ||
    anomalies.length > 0 ||
    predictions?.level === 'drift' ||
    (features.length > 0 && driftedFeatures.length >= features.length / 2)
  const degrading =
    driftedFeatures.length > 0 ||
    predictions?.level === 'watch' ||
    (features.length > 0 && watchFeatures.length >= features.length / 4)
  const health: Health = failed ? 'failed' : degrading ? 'degrading' : 'healthy'
  return {
    rows: w.n,
    features,
    driftedFeatures,
    watchFeatures,
    ...(predictions ? { predictions } : {}),
    ...(performance ? { performance } : {}),
    anomalies,
    health,
    reasons: health === 'healthy' ? [] : reasons,
    drift: driftedFeatures.length > 0 || (predictions !== undefined && predictions.level === 'drift'),
    decay: !!performance?.decayed,
  }
}
