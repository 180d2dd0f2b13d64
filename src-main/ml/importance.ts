import { classificationMetrics } from './metrics'
import { Rng } from './types'

/**
 * Permutation importance: mean drop of a score (default ROC AUC; log loss is negated so larger = better)
 * when one feature's column is shuffled, over `repeats` seeded shuffles. Works for any scorer.
 */
export function permutationImportance(
  predict: (x: Float32Array, n: number) => Float32Array,
  x: Float32Array,
  y: Int32Array,
  n: number,
  f: number,
  c: number,
  opts: { repeats?: number; seed?: number; metric?: 'rocAuc' | 'logLoss' | 'accuracy' } = {},
): Float64Array {
  const repeats = opts.repeats ?? 3
  const metric = opts.metric ?? 'rocAuc'
  const score = (p: Float32Array) => {
    const m = classificationMetrics(y, p, n, c)
    return metric === 'logLoss' ? -m.logLoss : m[metric]
  }
  const base = score(predict(x, n))
  const rng = new Rng(opts.seed ?? 0)
  const work = Float32Array.from(x)
  const out = new Float64Array(f)
  for (let j = 0; j < f; j++) {
    let drop = 0
    for (let r = 0; r < repeats; r++) {
      for (let i = n - 1; i > 0; i--) {
        const k = rng.int(i + 1)
        const t = work[i * f + j]
        work[i * f + j] = work[k * f + j]
        work[k * f + j] = t
      }
      drop += base - score(predict(work, n))
    }
    for (let i = 0; i < n; i++) work[i * f + j] = x[i * f + j]
    out[j] = drop / repeats
  }
  return out
}
