/**
 * Moving averages: SMA, EMA (SMA-seeded or first-value-seeded), Wilder (RMA), WMA, DEMA, TEMA, KAMA.
 * Each is an `init` + `update` pair. Each update rule is a small pure step over scalars (`smaStep`, `emaStep`):
 * `update` keeps those scalars in its state object, the `*Batch` helpers run the kernel's own `update` through the
 * warm-up and then the very same step with the scalars in local variables (no state reads/writes per bar), so
 * batch and streaming do identical arithmetic.
 */
import * as kernelModule from './kernel'
import type { Kernel } from './kernel'

// Bound once at load: tsx/vitest compile named imports into getter calls, which cost ~10 ns in hot loops.
const { assertPeriod, RECOMPUTE_EVERY, unaliased, windowSum } = kernelModule

/** Rolling-sum state over a ring of the last `n` inputs. */
export interface SmaState {
  n: number
  /** 1/n: the mean is sum × inv (a multiply; a division per bar was most of the batch kernel's time). */
  inv: number
  ring: Float64Array
  pos: number
  count: number
  sum: number
  sinceRebuild: number
}

/** Fresh SMA state for window `n`. */
export function smaInit(n: number): SmaState {
  assertPeriod('sma', n)
  return { n, inv: 1 / n, ring: new Float64Array(n), pos: 0, count: 0, sum: 0, sinceRebuild: 0 }
}

/** SMA step on the running window sum: `x` enters, `old` leaves. */
export function smaStep(sum: number, x: number, old: number): number {
  return sum + (x - old)
}

/** Adds `x`; returns the mean of the last `n` inputs, NaN before `n` inputs. */
export function smaUpdate(s: SmaState, x: number): number {
  const n = s.n
  const ring = s.ring
  const pos = s.pos
  const old = ring[pos]
  ring[pos] = x
  const next = pos + 1 === n ? 0 : pos + 1
  s.pos = next
  if (s.count === n) {
    // A NaN input poisons the running sum; rebuilding while it is NaN recovers as soon as the NaN leaves the window.
    if (++s.sinceRebuild < RECOMPUTE_EVERY && s.sum === s.sum) return (s.sum = smaStep(s.sum, x, old)) * s.inv
    s.sinceRebuild = 0
    return (s.sum = windowSum(ring, next, n)) * s.inv
  }
  s.sum += x
  return ++s.count === n ? s.sum * s.inv : NaN
}

/** Simple moving average of the last `n` values. */
export const sma = (n: number): Kernel<SmaState> => ({ init: () => smaInit(n), update: smaUpdate })

/**
 * Batch SMA over a typed array: `smaUpdate` through the warm-up, then `smaStep` on a local sum, reading the leaving
 * value from the series (the ring would hold the same value) and rebuilding at the same bars from the same values.
 * Between two scheduled rebuilds the bars run without the NaN check: a NaN sum stays NaN, so a finite sum at the end
 * of the block proves no bar needed it; otherwise the block is redone with `smaUpdate`'s exact rule.
 */
export function smaBatch(xs: ArrayLike<number>, n: number, out = new Float64Array(xs.length)): Float64Array {
  const src = unaliased(xs, out)
  const len = src.length
  const s = smaInit(n)
  let i = 0
  for (; i < len && s.count < n; i++) out[i] = smaUpdate(s, src[i])
  const inv = s.inv
  let sum = s.sum
  let since = s.sinceRebuild
  while (i < len) {
    const start = i
    const sum0 = sum
    const since0 = since
    const room = start + (RECOMPUTE_EVERY - 1 - since)
    const end = room < len ? room : len
    // Eight bars per iteration (same steps, same order): V8 re-checks both arrays' maps and reloads their lengths and
    // data pointers once per iteration, which is most of the cost of a one-bar loop; eight bars share one set.
    for (const end8 = end - 7; i < end8; i += 8) {
      const s1 = smaStep(sum, src[i], src[i - n])
      out[i] = s1 * inv
      const s2 = smaStep(s1, src[i + 1], src[i + 1 - n])
      out[i + 1] = s2 * inv
      const s3 = smaStep(s2, src[i + 2], src[i + 2 - n])
      out[i + 2] = s3 * inv
      const s4 = smaStep(s3, src[i + 3], src[i + 3 - n])
      out[i + 3] = s4 * inv
      const s5 = smaStep(s4, src[i + 4], src[i + 4 - n])
      out[i + 4] = s5 * inv
      const s6 = smaStep(s5, src[i + 5], src[i + 5 - n])
      out[i + 5] = s6 * inv
      const s7 = smaStep(s6, src[i + 6], src[i + 6 - n])
      out[i + 6] = s7 * inv
      sum = smaStep(s7, src[i + 7], src[i + 7 - n])
      out[i + 7] = sum * inv
    }
    for (; i < end; i++) out[i] = (sum = smaStep(sum, src[i], src[i - n])) * inv
    since += end - start
    const stop = end < len ? end + 1 : len
    if (sum === sum && i < stop) {
      // The scheduled rebuild (++since reaches RECOMPUTE_EVERY).
      since = 0
      sum = windowSum(src, i - n + 1, n)
      out[i] = sum * inv
      i++
    } else if (sum !== sum) {
      sum = sum0
      since = since0
      for (i = start; i < stop; i++) {
        if (++since < RECOMPUTE_EVERY && sum === sum) sum = smaStep(sum, src[i], src[i - n])
        else {
          since = 0
          sum = windowSum(src, i - n + 1, n)
        }
        out[i] = sum * inv
      }
    }
  }
  return out
}

/**
 * EMA seeding convention. `sma`: first value is the SMA of the first n inputs (TA-Lib, LEAN, DESIGN.md `ema:N`).
 * `first`: seeded with the first input and defined from bar 0 (Tulip, StockCharts' MACD/Keltner worksheets).
 */
export type EmaSeed = 'sma' | 'first'

/** EMA state; `alpha` is the smoothing factor (2/(n+1) for EMA, 1/n for Wilder). */
export interface EmaState {
  n: number
  alpha: number
  seedFirst: boolean
  /** True once seeded: the hot path is a single multiply-add. */
  ready: boolean
  count: number
  sum: number
  v: number
}

/** Fresh EMA state: period `n`, alpha 2/(n+1). */
export function emaInit(n: number, seed: EmaSeed = 'sma', alpha = 2 / (n + 1)): EmaState {
  assertPeriod('ema', n)
  return { n, alpha, seedFirst: seed === 'first', ready: false, count: 0, sum: 0, v: NaN }
}

/** EMA step: `v` moves toward `x` by `alpha` (also Wilder's smoothing with alpha 1/n, as in RSI and ATR). */
export function emaStep(v: number, x: number, alpha: number): number {
  return v + alpha * (x - v)
}

/** Adds `x`; returns the EMA (NaN before `n` inputs with SMA seeding). NaN inputs are skipped (state unchanged). */
export function emaUpdate(s: EmaState, x: number): number {
  if (x !== x) return s.v
  if (s.ready) return (s.v = emaStep(s.v, x, s.alpha))
  if (s.seedFirst) {
    s.ready = true
    return (s.v = x)
  }
  s.sum += x
  if (++s.count === s.n) {
    s.ready = true
    s.v = s.sum / s.n
  }
  return s.v
}

/** Exponential moving average, alpha 2/(n+1). */
export const ema = (n: number, seed: EmaSeed = 'sma'): Kernel<EmaState> => ({
  init: () => emaInit(n, seed),
  update: emaUpdate,
})

/** Bars per optimistic block in the EMA-style batch loops (see `emaBatch`). */
const BLOCK = 4096

/**
 * Batch EMA over a typed array: `emaUpdate` until seeded, then `emaStep` on a local value. Blocks of bars run
 * without the NaN-input check: a NaN input makes the value NaN to the end of the block, so a finite value at the
 * end proves none occurred; otherwise the block is redone skipping NaN inputs as `emaUpdate` does.
 */
export function emaBatch(
  xs: ArrayLike<number>,
  n: number,
  seed: EmaSeed = 'sma',
  out = new Float64Array(xs.length),
): Float64Array {
  const len = xs.length
  const s = emaInit(n, seed)
  let i = 0
  for (; i < len && !s.ready; i++) out[i] = emaUpdate(s, xs[i])
  const alpha = s.alpha
  let v = s.v
  while (i < len) {
    const start = i
    const v0 = v
    const end = start + BLOCK < len ? start + BLOCK : len
    for (; i < end; i++) out[i] = v = emaStep(v, xs[i], alpha)
    if (v !== v) {
      v = v0
      for (i = start; i < end; i++) {
        const x = xs[i]
        if (x === x) v = emaStep(v, x, alpha)
        out[i] = v
      }
    }
  }
  return out
}

/** Wilder's smoothing (RMA): alpha 1/n, seeded with the SMA of the first n inputs. */
export function wilderInit(n: number): EmaState {
  return emaInit(n, 'sma', 1 / n)
}

/** Wilder's moving average (RMA, SMMA). */
export const wilder = (n: number): Kernel<EmaState> => ({ init: () => wilderInit(n), update: emaUpdate })

/** WMA state: linear weights 1..n (newest heaviest), running plain and weighted sums. */
export interface WmaState {
  n: number
  ring: Float64Array
  pos: number
  count: number
  sum: number
  wsum: number
  sinceRebuild: number
}

/** Fresh WMA state. */
export function wmaInit(n: number): WmaState {
  assertPeriod('wma', n)
  return { n, ring: new Float64Array(n), pos: 0, count: 0, sum: 0, wsum: 0, sinceRebuild: 0 }
}

/** Adds `x`; returns Σ w_i x_i / Σ w_i with w = 1..n, NaN before n inputs. */
export function wmaUpdate(s: WmaState, x: number): number {
  const n = s.n
  const old = s.ring[s.pos]
  s.ring[s.pos] = x
  if (++s.pos === n) s.pos = 0
  const denom = (n * (n + 1)) / 2
  if (s.count < n) {
    s.count++
    s.wsum += s.count * x
    s.sum += x
    return s.count === n ? s.wsum / denom : NaN
  }
  if (++s.sinceRebuild >= RECOMPUTE_EVERY || s.wsum !== s.wsum) {
    s.sinceRebuild = 0
    let t = 0
    let w = 0
    for (let i = 0; i < n; i++) {
      const y = s.ring[(s.pos + i) % n]
      t += y
      w += (i + 1) * y
    }
    s.sum = t
    s.wsum = w
  } else {
    s.wsum += n * x - s.sum
    s.sum += x - old
  }
  return s.wsum / denom
}

/** Weighted moving average (linear weights). */
export const wma = (n: number): Kernel<WmaState> => ({ init: () => wmaInit(n), update: wmaUpdate })

/**
 * DEMA/TEMA seeding. `sma` and `first` seed every stage as `EmaSeed` does, each stage fed once the one before is
 * defined. `tulip` (Tulip Indicators, Achelis' worked examples): every stage is seeded with its first input, and a stage
 * starts only after the stage before has seen n inputs, so stage k starts at bar (k−1)(n−1): the same warm-up as `sma`.
 */
export type MultiEmaSeed = EmaSeed | 'tulip'

/** DEMA/TEMA state: chained EMAs, each fed only once the previous one is defined (TA-Lib convention). */
export interface MultiEmaState {
  e1: EmaState
  e2: EmaState
  e3: EmaState
  /** Inputs a stage must have seen before the next stage starts (n with `tulip`, else 0: no extra wait). */
  warm: number
  seen1: number
  seen2: number
  seen3: number
}

/** Fresh DEMA/TEMA state. */
export function multiEmaInit(n: number, seed: MultiEmaSeed = 'sma'): MultiEmaState {
  const stage: EmaSeed = seed === 'tulip' ? 'first' : seed
  return {
    e1: emaInit(n, stage),
    e2: emaInit(n, stage),
    e3: emaInit(n, stage),
    warm: seed === 'tulip' ? n : 0,
    seen1: 0,
    seen2: 0,
    seen3: 0,
  }
}

/** DEMA = 2·EMA − EMA(EMA); defined after 2n−1 inputs. */
export function demaUpdate(s: MultiEmaState, x: number): number {
  const a = emaUpdate(s.e1, x)
  if (a !== a || ++s.seen1 < s.warm) return NaN
  const b = emaUpdate(s.e2, a)
  return ++s.seen2 < s.warm ? NaN : 2 * a - b
}

/** TEMA = 3·E1 − 3·E2 + E3; defined after 3n−2 inputs. */
export function temaUpdate(s: MultiEmaState, x: number): number {
  const a = emaUpdate(s.e1, x)
  if (a !== a || ++s.seen1 < s.warm) return NaN
  const b = emaUpdate(s.e2, a)
  if (b !== b || ++s.seen2 < s.warm) return NaN
  const c = emaUpdate(s.e3, b)
  return ++s.seen3 < s.warm ? NaN : 3 * a - 3 * b + c
}

/** Double exponential moving average. */
export const dema = (n: number, seed: MultiEmaSeed = 'sma'): Kernel<MultiEmaState> => ({
  init: () => multiEmaInit(n, seed),
  update: demaUpdate,
})
/** Triple exponential moving average. */
export const tema = (n: number, seed: MultiEmaSeed = 'sma'): Kernel<MultiEmaState> => ({
  init: () => multiEmaInit(n, seed),
  update: temaUpdate,
})

/** KAMA state: efficiency ratio over n changes, smoothing constant between fast and slow EMA alphas. */
export interface KamaState {
  n: number
  fastAlpha: number
  slowAlpha: number
  ring: Float64Array
  pos: number
  count: number
  v: number
}

/** Fresh KAMA state (Kaufman: n=10, fast=2, slow=30). */
export function kamaInit(n: number, fast = 2, slow = 30): KamaState {
  assertPeriod('kama', n)
  return {
    n,
    fastAlpha: 2 / (fast + 1),
    slowAlpha: 2 / (slow + 1),
    ring: new Float64Array(n + 1),
    pos: 0,
    count: 0,
    v: NaN,
  }
}

/**
 * Adds `x`; returns KAMA. Seeded with the input at index n−1, first adaptive value at index n (TA-Lib, StockCharts).
 * The volatility sum is recomputed over the n+1 ring each bar (O(n), n is small) so it never drifts.
 */
export function kamaUpdate(s: KamaState, x: number): number {
  const m = s.n + 1
  s.ring[s.pos] = x
  s.pos = (s.pos + 1) % m
  s.count++
  if (s.count < s.n) return NaN
  if (s.count === s.n) return (s.v = x)
  const oldest = s.ring[s.pos % m]
  let vol = 0
  let prev = oldest
  for (let i = 1; i < m; i++) {
    const y = s.ring[(s.pos + i) % m]
    vol += Math.abs(y - prev)
    prev = y
  }
  const er = vol === 0 ? 0 : Math.abs(x - oldest) / vol
  const sc = er * (s.fastAlpha - s.slowAlpha) + s.slowAlpha
  return (s.v += sc * sc * (x - s.v))
}

/** Kaufman adaptive moving average. */
export const kama = (n: number, fast = 2, slow = 30): Kernel<KamaState> => ({
  init: () => kamaInit(n, fast, slow),
  update: kamaUpdate,
})
