import { Rng } from './types'

/**
 * Time-ordered, purged splits (DOMAIN.md §6). Row i's label looks `horizon` rows ahead, so a train row
 * within `horizon` rows of any test row (either side) is purged, and train rows in the `embargo` rows after
 * a test block are dropped as well. Indices are row positions in time order.
 */
export interface Split {
  readonly train: Int32Array
  readonly test: Int32Array
}

export interface PurgeOptions {
  /** Label horizon in rows (purge distance). */
  readonly horizon: number
  /** Rows after each test block excluded from training (DOMAIN.md: max(H, 1 day of bars)). */
  readonly embargo: number
}

/** Train rows in [0, n) outside the test block [s, e), purged by horizon on both sides and embargoed after it. */
export function purgeAndEmbargo(candidates: Int32Array, s: number, e: number, o: PurgeOptions): Int32Array {
  const lo = s - o.horizon
  const hi = e - 1 + Math.max(o.horizon, o.embargo)
  return candidates.filter((i) => i < lo || i > hi)
}

function range(a: number, b: number): Int32Array {
  const out = new Int32Array(Math.max(0, b - a))
  for (let i = 0; i < out.length; i++) out[i] = a + i
  return out
}

function check(n: number, o: PurgeOptions): void {
  if (!(n > 0)) throw new Error(`need rows, got n=${n}`)
  if (o.horizon < 0 || o.embargo < 0) throw new Error('horizon and embargo must be ≥ 0')
}

/**
 * Walk-forward splits: `nSplits` consecutive test blocks of `testSize` rows at the end of the data; the train
 * window is everything before (expanding) or the last `trainSize` rows before (sliding), purged by horizon.
 */
export function walkForwardSplits(
  n: number,
  o: PurgeOptions & { nSplits: number; testSize: number; mode: 'expanding' | 'sliding'; trainSize?: number },
): Split[] {
  check(n, o)
  const first = n - o.nSplits * o.testSize
  if (first <= o.horizon)
    throw new Error(`walk-forward needs more rows: ${o.nSplits} × ${o.testSize} test rows leave ${first} for training`)
  const out: Split[] = []
  for (let k = 0; k < o.nSplits; k++) {
    const s = first + k * o.testSize
    const e = s + o.testSize
    const end = s - o.horizon
    const start = o.mode === 'sliding' ? Math.max(0, end - (o.trainSize ?? first - o.horizon)) : 0
    out.push({ train: range(start, end), test: range(s, e) })
  }
  return out
}

/** Purged k-fold: k contiguous test folds; train = all other rows, purged and embargoed around the fold. */
export function purgedKFold(n: number, k: number, o: PurgeOptions): Split[] {
  check(n, o)
  if (k < 2 || k > n) throw new Error(`k must be in [2, n], got ${k}`)
  const all = range(0, n)
  const out: Split[] = []
  for (let f = 0; f < k; f++) {
    const s = Math.floor((f * n) / k)
    const e = Math.floor(((f + 1) * n) / k)
    out.push({ train: purgeAndEmbargo(all, s, e, o), test: range(s, e) })
  }
  return out
}

/** Monte Carlo splits: `nSplits` random contiguous test blocks of `testSize` rows (seeded), purged and embargoed. */
export function monteCarloSplits(
  n: number,
  o: PurgeOptions & { nSplits: number; testSize: number; seed: number },
): Split[] {
  check(n, o)
  if (o.testSize >= n) throw new Error(`testSize ${o.testSize} must be < n ${n}`)
  const rng = new Rng(o.seed)
  const all = range(0, n)
  const out: Split[] = []
  for (let k = 0; k < o.nSplits; k++) {
    const s = rng.int(n - o.testSize + 1)
    const e = s + o.testSize
    out.push({ train: purgeAndEmbargo(all, s, e, o), test: range(s, e) })
  }
  return out
}

/** Rows of a row-major `[n, F]` matrix picked by `idx`. */
export function takeRows(x: Float32Array, f: number, idx: Int32Array): Float32Array {
  const out = new Float32Array(idx.length * f)
  for (let i = 0; i < idx.length; i++) out.set(x.subarray(idx[i] * f, idx[i] * f + f), i * f)
  return out
}
