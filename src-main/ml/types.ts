import type { ModelCard } from '../../src-shared'

/**
 * A tabular training set: row-major float32 features (NaN = missing), integer class labels 0..C-1.
 * Plain typed arrays only, so it crosses `worker_threads` by structured clone.
 */
export interface Dataset {
  /** Row-major features, length `n * features.length`. */
  readonly x: Float32Array
  /** Class index per row, in [0, classes.length). */
  readonly y: Int32Array
  readonly n: number
  /** Ordered feature names (the model card's `features`). */
  readonly features: readonly string[]
  /** Class names in output order. */
  readonly classes: readonly string[]
  /** Optional per-row sample weights (default 1). */
  readonly weights?: Float32Array
  /** Optional validation rows (same columns), used for early stopping. */
  readonly valid?: {
    readonly x: Float32Array
    readonly y: Int32Array
    readonly n: number
    readonly weights?: Float32Array
  }
  /** Extra card fields (name, predictor, horizon, label, featureSpecHash, training window). */
  readonly card?: Partial<ModelCard>
}

/** Progress callback: fraction done in [0, 1]. */
export type ProgressFn = (fraction: number) => void

/** Per-feature importance, aligned with `card.features`. */
export interface FeatureImportance {
  /** Total split gain (trees) or |standardised coefficient| (linear), normalised to sum 1. */
  readonly gain: Float64Array
}

/** What a trainer returns: immutable ONNX bytes, the card inside them, and a side-effect-free JS scorer. */
export interface TrainedModel {
  readonly onnx: Uint8Array
  readonly card: ModelCard
  /** Class probabilities for `n` rows (row-major `[n, F]`), `[n, C]` row-major; equals ONNX Runtime's output to 1e-6. */
  predict(rows: Float32Array, n: number): Float32Array
  readonly importance: FeatureImportance
}

/** One estimator contract (STYLE.md rule 15). `fit` never mutates `data`; same params + seed ⇒ identical ONNX bytes. */
export interface Trainer<P> {
  readonly algo: string
  /** The defaults overlaid with `given`, each checked (what `fit` uses); throws `TrainerParamError` naming a bad one. */
  params(given: object): P
  fit(data: Dataset, params?: Partial<P>, onProgress?: ProgressFn, signal?: AbortSignal): Promise<TrainedModel>
}

/** Thrown when a fit is cancelled through its AbortSignal. */
export class TrainingCancelled extends Error {
  constructor() {
    super('training cancelled')
    this.name = 'TrainingCancelled'
  }
}

/** Throws `TrainingCancelled` when the signal fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TrainingCancelled()
}

/** Yields to the event loop so an abort or progress listener can run during a long fit. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** Checks the dataset's shapes and labels at the door; throws naming the first problem. */
export function validateDataset(d: Dataset): void {
  const f = d.features.length
  const c = d.classes.length
  if (f < 1) throw new Error('dataset has no features')
  if (c < 2) throw new Error(`dataset needs at least 2 classes, got ${c}`)
  if (d.n < 2) throw new Error(`dataset needs at least 2 rows, got ${d.n}`)
  if (d.x.length !== d.n * f) throw new Error(`x has length ${d.x.length}, expected n*F = ${d.n}*${f}`)
  if (d.y.length !== d.n) throw new Error(`y has length ${d.y.length}, expected ${d.n}`)
  for (let i = 0; i < d.n; i++)
    if (d.y[i] < 0 || d.y[i] >= c) throw new Error(`label ${d.y[i]} at row ${i} is outside [0, ${c})`)
  if (d.weights && d.weights.length !== d.n) throw new Error(`weights have length ${d.weights.length}, expected ${d.n}`)
  if (d.valid) {
    if (d.valid.x.length !== d.valid.n * f)
      throw new Error(`valid.x has length ${d.valid.x.length}, expected ${d.valid.n}*${f}`)
    if (d.valid.y.length !== d.valid.n) throw new Error(`valid.y has length ${d.valid.y.length}, expected ${d.valid.n}`)
  }
}

/** Small fast seeded PRNG (mulberry32); the only randomness trainers use. */
export class Rng {
  private s: number
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** Uniform integer in [0, k). */
  int(k: number): number {
    return Math.floor(this.next() * k)
  }
  /** `k` distinct indices from [0, n), in increasing order. */
  sample(n: number, k: number): Int32Array {
    const idx = new Int32Array(n)
    for (let i = 0; i < n; i++) idx[i] = i
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i)
      const t = idx[i]
      idx[i] = idx[j]
      idx[j] = t
    }
    return idx.slice(0, k).sort()
  }
}

/** Class weights so each class contributes equally (sklearn `class_weight='balanced'`: n / (C · count_c)). */
export function balancedClassWeights(y: Int32Array, c: number, sampleWeights?: Float32Array): Float64Array {
  const counts = new Float64Array(c)
  let total = 0
  for (let i = 0; i < y.length; i++) {
    const w = sampleWeights ? sampleWeights[i] : 1
    counts[y[i]] += w
    total += w
  }
  const out = new Float64Array(c)
  for (let k = 0; k < c; k++) out[k] = counts[k] > 0 ? total / (c * counts[k]) : 0
  return out
}
