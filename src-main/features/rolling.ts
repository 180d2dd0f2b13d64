/**
 * Rolling-window statistics: variance/std, z-score, min/max (monotonic deques), quantile (sorted window),
 * percentile rank, linear-regression slope, Pearson correlation and covariance, and a pairwise correlation
 * matrix with its largest eigenvalue. Every `update` is O(1) amortised except quantile/percentile (O(n) shifts).
 */
import * as kernelModule from './kernel'
import type { Kernel } from './kernel'

// Bound once at load: tsx/vitest compile named imports into getter calls, which cost ~10 ns in hot loops.
const { assertPeriod, RECOMPUTE_EVERY, windowSquares, windowSum } = kernelModule

/** Rolling mean and sum of squared deviations (Welford's update for a sliding window). */
export interface VarState {
  n: number
  /** 1/n: the mean steps by (x − old) × inv (a multiply instead of a division per bar). */
  inv: number
  ring: Float64Array
  pos: number
  count: number
  mean: number
  m2: number
  sinceRebuild: number
}

/** Fresh rolling variance state. */
export function varInit(n: number): VarState {
  assertPeriod('variance', n)
  return { n, inv: 1 / n, ring: new Float64Array(n), pos: 0, count: 0, mean: 0, m2: 0, sinceRebuild: 0 }
}

/** Sliding-window mean step: `x` enters, `old` leaves a window of n (`inv` = 1/n). */
export function varMeanStep(mean: number, x: number, old: number, inv: number): number {
  return mean + (x - old) * inv
}

/**
 * Sliding-window Welford step for Σ(v − mean)², given the mean before (`prev`) and after (`mean`) the step;
 * clamped at 0 against rounding.
 */
export function varM2Step(m2: number, x: number, old: number, prev: number, mean: number): number {
  const next = m2 + (x - old) * (x - mean + old - prev)
  return next < 0 ? 0 : next
}

/** Adds `x` to the window; call `varPopulation`/`varSample` afterwards. Returns true once the window is full. */
export function varPush(s: VarState, x: number): boolean {
  const n = s.n
  const ring = s.ring
  const pos = s.pos
  const old = ring[pos]
  ring[pos] = x
  const next = pos + 1 === n ? 0 : pos + 1
  s.pos = next
  if (s.count === n) {
    const m2 = s.m2
    if (++s.sinceRebuild < RECOMPUTE_EVERY && m2 === m2) {
      const prev = s.mean
      const mean = varMeanStep(prev, x, old, s.inv)
      s.m2 = varM2Step(m2, x, old, prev, mean)
      s.mean = mean
      return true
    }
    // Exact two-pass rebuild (drift reset, or recovery once a NaN has left), oldest to newest.
    s.sinceRebuild = 0
    const mean = windowSum(ring, next, n) * s.inv
    s.mean = mean
    s.m2 = windowSquares(ring, next, n, mean)
    return true
  }
  s.count++
  const d = x - s.mean
  s.mean += d / s.count
  s.m2 += d * (x - s.mean)
  return s.count === n
}

/** Population variance of a full window (divide by n). */
export function varPopulation(s: VarState): number {
  return s.count === s.n ? s.m2 / s.n : NaN
}

/** Sample variance of a full window (divide by n−1). */
export function varSample(s: VarState): number {
  return s.count === s.n && s.n > 1 ? s.m2 / (s.n - 1) : NaN
}

/** Rolling standard deviation; `ddof` 0 = population (Bollinger, TA-Lib STDDEV), 1 = sample. */
export const stddev = (n: number, ddof: 0 | 1 = 0): Kernel<VarState> => ({
  init: () => varInit(n),
  update: ddof === 0 ? stdPopulationUpdate : stdSampleUpdate,
})

/** Adds `x`; population standard deviation of the last n inputs. */
export function stdPopulationUpdate(s: VarState, x: number): number {
  varPush(s, x)
  return Math.sqrt(varPopulation(s))
}

/** Adds `x`; sample standard deviation of the last n inputs. */
export function stdSampleUpdate(s: VarState, x: number): number {
  varPush(s, x)
  return Math.sqrt(varSample(s))
}

/** Rolling variance; `ddof` 0 = population, 1 = sample. */
export const variance = (n: number, ddof: 0 | 1 = 0): Kernel<VarState> => ({
  init: () => varInit(n),
  update: ddof === 0 ? (s, x) => (varPush(s, x), varPopulation(s)) : (s, x) => (varPush(s, x), varSample(s)),
})

/** Adds `x`; z-score of x against the window's mean and population std (0 when the window is constant). */
export function zscoreUpdate(s: VarState, x: number): number {
  if (!varPush(s, x)) return NaN
  const sd = Math.sqrt(s.m2 / s.n)
  return sd > 0 ? (x - s.mean) / sd : 0
}

/** Rolling z-score of the newest value. */
export const zscore = (n: number): Kernel<VarState> => ({ init: () => varInit(n), update: zscoreUpdate })

/** Monotonic deque over the last n inputs. */
export interface ExtremumState {
  n: number
  vals: Float64Array
  idx: Float64Array
  head: number
  size: number
  t: number
}

/** Fresh rolling min/max state. */
export function extremumInit(n: number): ExtremumState {
  assertPeriod('min/max', n)
  return { n, vals: new Float64Array(n), idx: new Float64Array(n), head: 0, size: 0, t: 0 }
}

/** Adds `x`; maximum of the last n inputs (NaN before n inputs). */
export function maxUpdate(s: ExtremumState, x: number): number {
  const n = s.n
  const t = s.t++
  while (s.size > 0 && s.vals[(s.head + s.size - 1) % n] <= x) s.size--
  if (s.size > 0 && s.idx[s.head] <= t - n) {
    s.head = (s.head + 1) % n
    s.size--
  }
  const tail = (s.head + s.size) % n
  s.vals[tail] = x
  s.idx[tail] = t
  s.size++
  return t >= n - 1 ? s.vals[s.head] : NaN
}

/** Adds `x`; minimum of the last n inputs (NaN before n inputs). */
export function minUpdate(s: ExtremumState, x: number): number {
  const n = s.n
  const t = s.t++
  while (s.size > 0 && s.vals[(s.head + s.size - 1) % n] >= x) s.size--
  if (s.size > 0 && s.idx[s.head] <= t - n) {
    s.head = (s.head + 1) % n
    s.size--
  }
  const tail = (s.head + s.size) % n
  s.vals[tail] = x
  s.idx[tail] = t
  s.size++
  return t >= n - 1 ? s.vals[s.head] : NaN
}

/** Rolling maximum. */
export const rollingMax = (n: number): Kernel<ExtremumState> => ({ init: () => extremumInit(n), update: maxUpdate })
/** Rolling minimum. */
export const rollingMin = (n: number): Kernel<ExtremumState> => ({ init: () => extremumInit(n), update: minUpdate })

/** Highest-high / lowest-low deques. */
export interface RangeState {
  hi: ExtremumState
  lo: ExtremumState
}

/** Fresh highest-high/lowest-low state over n bars. */
export function rangeInit(n: number): RangeState {
  return { hi: extremumInit(n), lo: extremumInit(n) }
}

/** Sorted copy of the window beside its ring, for quantiles. */
export interface QuantileState {
  n: number
  q: number
  ring: Float64Array
  sorted: Float64Array
  pos: number
  count: number
}

/** Fresh rolling-quantile state; q in [0, 1]. */
export function quantileInit(n: number, q: number): QuantileState {
  assertPeriod('quantile', n)
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`)
  return { n, q, ring: new Float64Array(n), sorted: new Float64Array(n), pos: 0, count: 0 }
}

function lowerBound(a: Float64Array, len: number, x: number): number {
  let lo = 0
  let hi = len
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (a[mid] < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Adds `x`; the q-quantile of the last n inputs with linear interpolation (NumPy's default), NaN before n. */
export function quantileUpdate(s: QuantileState, x: number): number {
  const n = s.n
  const a = s.sorted
  let len = s.count
  if (s.count === n) {
    const old = s.ring[s.pos]
    const i = lowerBound(a, len, old)
    a.copyWithin(i, i + 1, len)
    len--
  } else s.count++
  s.ring[s.pos] = x
  if (++s.pos === n) s.pos = 0
  const j = lowerBound(a, len, x)
  a.copyWithin(j + 1, j, len)
  a[j] = x
  if (s.count < n) return NaN
  const h = s.q * (n - 1)
  const lo = Math.floor(h)
  return lo + 1 < n ? a[lo] + (h - lo) * (a[lo + 1] - a[lo]) : a[lo]
}

/** Rolling quantile (q = 0.5 is the rolling median). */
export const rollingQuantile = (n: number, q: number): Kernel<QuantileState> => ({
  init: () => quantileInit(n, q),
  update: quantileUpdate,
})

/** Ring of the last n inputs for percentile ranks, and the same inputs kept sorted. */
export interface RankState {
  n: number
  ring: Float64Array
  pos: number
  count: number
  /** The ring's inputs in ascending order (its first `count` slots). */
  sorted: Float64Array
}

/** Fresh percentile-rank state. */
export function rankInit(n: number): RankState {
  assertPeriod('percentile rank', n)
  return { n, ring: new Float64Array(n), pos: 0, count: 0, sorted: new Float64Array(n) }
}

/** First index in `a[0, len)` (ascending) whose value is > x: the count of values ≤ x. */
function countAtMost(a: Float64Array, len: number, x: number): number {
  let lo = 0
  let hi = len
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] <= x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Adds `x` (NaN inputs are skipped); share of the last n inputs ≤ x, in [0, 1]; NaN until n inputs. The window is
 * also kept sorted (the leaving value taken out and `x` put in by one shift of the values between them), so the
 * count is a binary search instead of a pass over the window: the same count, about half the time for n = 100.
 */
export function rankUpdate(s: RankState, x: number): number {
  if (x !== x) return NaN
  const n = s.n
  const sorted = s.sorted
  const len = s.count
  const old = s.ring[s.pos]
  s.ring[s.pos] = x
  if (++s.pos === n) s.pos = 0
  if (len < n) {
    let at = len
    while (at > 0 && sorted[at - 1] > x) {
      sorted[at] = sorted[at - 1]
      at--
    }
    sorted[at] = x
    s.count = len + 1
    return len + 1 < n ? NaN : countAtMost(sorted, n, x) / n
  }
  // The last slot holding a value ≤ the leaving one holds an equal value (any of them will do); le counts values ≤ x.
  const out = countAtMost(sorted, n, old) - 1
  const le = countAtMost(sorted, n, x)
  if (le > out + 1) {
    sorted.copyWithin(out, out + 1, le)
    sorted[le - 1] = x
  } else if (le <= out) {
    sorted.copyWithin(le + 1, le, out)
    sorted[le] = x
  } else sorted[out] = x
  // Values ≤ x after the swap: those counted before, less the leaving one when it was among them, plus x itself.
  return (old <= x ? le : le + 1) / n
}

/** Rolling percentile rank of the newest value within its window. */
export const percentileRank = (n: number): Kernel<RankState> => ({ init: () => rankInit(n), update: rankUpdate })

/** Least-squares slope state over x = 0..n−1. */
export interface SlopeState {
  n: number
  ring: Float64Array
  pos: number
  count: number
  sy: number
  sxy: number
  sinceRebuild: number
}

/** Fresh regression-slope state. */
export function slopeInit(n: number): SlopeState {
  assertPeriod('slope', n, 2)
  return { n, ring: new Float64Array(n), pos: 0, count: 0, sy: 0, sxy: 0, sinceRebuild: 0 }
}

/** Adds `y`; slope per bar of the least-squares line through the last n inputs (TA-Lib LINEARREG_SLOPE). */
export function slopeUpdate(s: SlopeState, y: number): number {
  const n = s.n
  const old = s.ring[s.pos]
  s.ring[s.pos] = y
  if (++s.pos === n) s.pos = 0
  if (s.count < n) {
    s.sxy += s.count * y
    s.sy += y
    s.count++
    if (s.count < n) return NaN
  } else if (++s.sinceRebuild >= RECOMPUTE_EVERY || s.sxy !== s.sxy) {
    s.sinceRebuild = 0
    let sy = 0
    let sxy = 0
    for (let i = 0; i < n; i++) {
      const v = s.ring[(s.pos + i) % n]
      sy += v
      sxy += i * v
    }
    s.sy = sy
    s.sxy = sxy
  } else {
    s.sxy += -s.sy + old + (n - 1) * y
    s.sy += y - old
  }
  const sx = (n * (n - 1)) / 2
  const sxx = ((n - 1) * n * (2 * n - 1)) / 6
  return (n * s.sxy - sx * s.sy) / (n * sxx - sx * sx)
}

/** Rolling linear-regression slope. */
export const slope = (n: number): Kernel<SlopeState> => ({ init: () => slopeInit(n), update: slopeUpdate })

/** Co-moment state for two series; sums are kept about a shift (first seen values, reset at rebuilds). */
export interface PairState {
  n: number
  rx: Float64Array
  ry: Float64Array
  pos: number
  count: number
  kx: number
  ky: number
  sx: number
  sy: number
  sxx: number
  syy: number
  sxy: number
  sinceRebuild: number
}

/** Fresh pair state for rolling correlation/covariance over n points. */
export function pairInit(n: number): PairState {
  assertPeriod('correlation', n, 2)
  return {
    n,
    rx: new Float64Array(n),
    ry: new Float64Array(n),
    pos: 0,
    count: 0,
    kx: NaN,
    ky: NaN,
    sx: 0,
    sy: 0,
    sxx: 0,
    syy: 0,
    sxy: 0,
    sinceRebuild: 0,
  }
}

function pairRebuild(s: PairState): void {
  const n = s.n
  let mx = 0
  let my = 0
  for (let i = 0; i < n; i++) {
    mx += s.rx[i]
    my += s.ry[i]
  }
  s.kx = mx / n
  s.ky = my / n
  let sx = 0,
    sy = 0,
    sxx = 0,
    syy = 0,
    sxy = 0
  for (let i = 0; i < n; i++) {
    const a = s.rx[i] - s.kx
    const b = s.ry[i] - s.ky
    sx += a
    sy += b
    sxx += a * a
    syy += b * b
    sxy += a * b
  }
  s.sx = sx
  s.sy = sy
  s.sxx = sxx
  s.syy = syy
  s.sxy = sxy
}

/** Adds the pair (x, y); returns true once the window is full. A NaN in either input poisons the window until it leaves. */
export function pairPush(s: PairState, x: number, y: number): boolean {
  const n = s.n
  if (s.kx !== s.kx) {
    s.kx = x
    s.ky = y
  }
  const ox = s.rx[s.pos]
  const oy = s.ry[s.pos]
  s.rx[s.pos] = x
  s.ry[s.pos] = y
  if (++s.pos === n) s.pos = 0
  const a = x - s.kx
  const b = y - s.ky
  if (s.count < n) {
    s.count++
    s.sx += a
    s.sy += b
    s.sxx += a * a
    s.syy += b * b
    s.sxy += a * b
    return s.count === n
  }
  if (++s.sinceRebuild >= RECOMPUTE_EVERY || s.sxx !== s.sxx) {
    s.sinceRebuild = 0
    pairRebuild(s)
    return true
  }
  const oa = ox - s.kx
  const ob = oy - s.ky
  s.sx += a - oa
  s.sy += b - ob
  s.sxx += a * a - oa * oa
  s.syy += b * b - ob * ob
  s.sxy += a * b - oa * ob
  return true
}

/** Population covariance of a full window. */
export function pairCovariance(s: PairState): number {
  if (s.count < s.n) return NaN
  return (s.sxy - (s.sx * s.sy) / s.n) / s.n
}

/** Pearson correlation of a full window; NaN when either series is constant (correlation undefined). */
export function pairCorrelation(s: PairState): number {
  if (s.count < s.n) return NaN
  const n = s.n
  const vx = s.sxx - (s.sx * s.sx) / n
  const vy = s.syy - (s.sy * s.sy) / n
  if (!(vx > 0 && vy > 0)) return NaN
  const r = (s.sxy - (s.sx * s.sy) / n) / Math.sqrt(vx * vy)
  return r > 1 ? 1 : r < -1 ? -1 : r
}

/** Rolling Pearson correlation of two series (streaming: `update(s, x, y)`). */
export function correlationUpdate(s: PairState, x: number, y: number): number {
  pairPush(s, x, y)
  return pairCorrelation(s)
}

/** Rolling population covariance of two series. */
export function covarianceUpdate(s: PairState, x: number, y: number): number {
  pairPush(s, x, y)
  return pairCovariance(s)
}

/** Batch rolling Pearson correlation of two equal-length series. */
export function correlationBatch(xs: ArrayLike<number>, ys: ArrayLike<number>, n: number): Float64Array {
  const s = pairInit(n)
  const out = new Float64Array(xs.length)
  for (let i = 0; i < xs.length; i++) out[i] = correlationUpdate(s, xs[i], ys[i])
  return out
}

/** Rolling k×k correlation matrix of k series (upper triangle of pair states). */
export interface CorrMatrixState {
  k: number
  pairs: PairState[]
  matrix: Float64Array
}

/** Fresh correlation-matrix state for k series over n points. */
export function corrMatrixInit(k: number, n: number): CorrMatrixState {
  assertPeriod('correlation matrix size', k, 2)
  const pairs: PairState[] = []
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) pairs.push(pairInit(n))
  return { k, pairs, matrix: new Float64Array(k * k).fill(NaN) }
}

/** Adds one observation per series (xs.length === k); refreshes `s.matrix` (row-major, unit diagonal). */
export function corrMatrixUpdate(s: CorrMatrixState, xs: ArrayLike<number>): Float64Array {
  const k = s.k
  const m = s.matrix
  let p = 0
  for (let i = 0; i < k; i++) {
    m[i * k + i] = 1
    for (let j = i + 1; j < k; j++) {
      const r = correlationUpdate(s.pairs[p++], xs[i], xs[j])
      m[i * k + j] = r
      m[j * k + i] = r
    }
  }
  return m
}

/** Mean of the off-diagonal correlations that are defined (NaN when none is). */
export function meanOffDiagonal(m: Float64Array, k: number): number {
  let sum = 0
  let cnt = 0
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++) {
      const v = m[i * k + j]
      if (v === v) {
        sum += v
        cnt++
      }
    }
  return cnt > 0 ? sum / cnt : NaN
}

/**
 * Largest eigenvalue of a symmetric k×k matrix (cyclic Jacobi rotations; exact to rounding for small k).
 * NaN when any entry is NaN. `work` (k·k) may be passed to avoid allocation.
 */
export function largestEigenvalue(
  m: ArrayLike<number>,
  k: number,
  work: Float64Array = new Float64Array(k * k),
): number {
  for (let i = 0; i < k * k; i++) {
    const v = m[i]
    if (v !== v) return NaN
    work[i] = v
  }
  const a = work
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0
    for (let p = 0; p < k; p++) for (let q = p + 1; q < k; q++) off += a[p * k + q] * a[p * k + q]
    if (off < 1e-30) break
    for (let p = 0; p < k; p++)
      for (let q = p + 1; q < k; q++) {
        const apq = a[p * k + q]
        if (Math.abs(apq) < 1e-300) continue
        const theta = (a[q * k + q] - a[p * k + p]) / (2 * apq)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const sn = t * c
        for (let r = 0; r < k; r++) {
          const arp = a[r * k + p]
          const arq = a[r * k + q]
          a[r * k + p] = c * arp - sn * arq
          a[r * k + q] = sn * arp + c * arq
        }
        for (let r = 0; r < k; r++) {
          const apr = a[p * k + r]
          const aqr = a[q * k + r]
          a[p * k + r] = c * apr - sn * aqr
          a[q * k + r] = sn * apr + c * aqr
        }
      }
  }
  let best = -Infinity
  for (let i = 0; i < k; i++) if (a[i * k + i] > best) best = a[i * k + i]
  return best
}
