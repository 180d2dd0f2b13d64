/**
 * Volatility from whole bars: true range, ATR, Bollinger bands, Keltner and Donchian channels, and the Parkinson and
 * Garman–Klass range estimators. Each is a `BarKernel` (init + update writing its outputs); multi-output names follow
 * DESIGN.md.
 */
import * as averagesModule from './averages'
import type { EmaSeed, EmaState, SmaState } from './averages'
import * as kernelModule from './kernel'
import type { BarKernel } from './kernel'
import * as rollingModule from './rolling'
import type { RangeState, VarState } from './rolling'

// Bound once at load: tsx/vitest compile named imports into getter calls, which cost ~10 ns in hot loops.
const { emaInit, emaStep, emaUpdate, smaInit, smaUpdate } = averagesModule
const { assertPeriod, RECOMPUTE_EVERY, unaliased, windowSquares, windowSum } = kernelModule
const { extremumInit, maxUpdate, minUpdate, varInit, varM2Step, varMeanStep, varPush } = rollingModule

/** True-range state (previous close). */
export interface TrState {
  prevClose: number
}

/** True range from the previous close: max(H−L, |H−C₋₁|, |L−C₋₁|). */
export function trueRangeOf(h: number, l: number, pc: number): number {
  const a = h - l
  const b = Math.abs(h - pc)
  const d = Math.abs(l - pc)
  return a > b ? (a > d ? a : d) : b > d ? b : d
}

/** True range: max(H−L, |H−C₋₁|, |L−C₋₁|); the first bar has no previous close and gives H−L. */
export function trueRange(s: TrState, h: number, l: number, c: number): number {
  const pc = s.prevClose
  s.prevClose = c
  return pc === pc ? trueRangeOf(h, l, pc) : h - l
}

/** `tr` as a bar kernel. */
export const trKernel: BarKernel<TrState> = {
  outputs: [''],
  init: () => ({ prevClose: NaN }),
  update: (s, b, out, at) => {
    out[at] = trueRange(s, b.high, b.low, b.close)
  },
}

/**
 * ATR smoothing. `wilder`: Wilder's RMA seeded with the mean of the first n true ranges including the first bar's
 * H−L (StockCharts, Tulip). `wilder-talib`: same but the first bar's range is skipped (TA-Lib, first value at
 * index n). `sma`: simple mean of the last n true ranges (DESIGN.md `atr:N:sma`).
 */
export type AtrMode = 'wilder' | 'wilder-talib' | 'sma'

/** ATR state (also a TrState: it carries the previous close). */
export interface AtrState {
  prevClose: number
  n: number
  /** 1/n, Wilder's smoothing factor. */
  k: number
  skipFirst: boolean
  simple: boolean
  /** True once the Wilder average is seeded: the hot path is one true range and one multiply-add. */
  ready: boolean
  count: number
  sum: number
  v: number
  sma: SmaState
}

/** Fresh ATR state. */
export function atrInit(n: number, mode: AtrMode = 'wilder'): AtrState {
  assertPeriod('atr', n)
  return {
    prevClose: NaN,
    n,
    k: 1 / n,
    skipFirst: mode === 'wilder-talib',
    simple: mode === 'sma',
    ready: false,
    count: 0,
    sum: 0,
    v: NaN,
    sma: smaInit(n),
  }
}

/** Adds a bar; returns the ATR (NaN during warm-up). */
export function atrUpdate(s: AtrState, h: number, l: number, c: number): number {
  if (s.ready) {
    const tr = trueRangeOf(h, l, s.prevClose)
    s.prevClose = c
    return (s.v = emaStep(s.v, tr, s.k))
  }
  return atrWarmUp(s, h, l, c)
}

function atrWarmUp(s: AtrState, h: number, l: number, c: number): number {
  const first = s.prevClose !== s.prevClose
  const tr = trueRange(s, h, l, c)
  if (s.simple) return smaUpdate(s.sma, tr)
  if (first && s.skipFirst) return NaN
  s.sum += tr
  if (++s.count === s.n) {
    s.ready = true
    s.v = s.sum / s.n
  }
  return s.v
}

/** Batch ATR over columns: `atrUpdate` until the Wilder average is seeded, then the same steps on local scalars. */
export function atrBatch(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  n: number,
  mode: AtrMode = 'wilder',
  out = new Float64Array(close.length),
): Float64Array {
  const len = close.length
  const s = atrInit(n, mode)
  let i = 0
  for (; i < len && !s.ready; i++) out[i] = atrUpdate(s, high[i], low[i], close[i])
  const k = s.k
  let pc = s.prevClose
  let v = s.v
  for (; i < len; i++) {
    out[i] = v = emaStep(v, trueRangeOf(high[i], low[i], pc), k)
    pc = close[i]
  }
  return out
}

/** `atr:N[:sma]` as a bar kernel. */
export function atrKernel(n: number, mode: AtrMode = 'wilder'): BarKernel<AtrState> {
  return {
    outputs: [''],
    init: () => atrInit(n, mode),
    update: (s, b, out, at) => {
      out[at] = atrUpdate(s, b.high, b.low, b.close)
    },
  }
}

/** Bollinger state: rolling mean and population variance. */
export interface BollingerState {
  v: VarState
  k: number
  upper: number
  middle: number
  lower: number
}

/** Fresh Bollinger state (n bars, k population standard deviations). */
export function bollingerInit(n: number, k: number): BollingerState {
  return { v: varInit(n), k, upper: NaN, middle: NaN, lower: NaN }
}

/** Adds a close; sets upper/middle/lower on the state; returns the middle band. */
export function bollingerUpdate(s: BollingerState, x: number): number {
  if (!varPush(s.v, x)) return NaN
  const mean = s.v.mean
  const d = bandOffset(s.v.m2, s.v.inv, s.k)
  s.middle = mean
  s.upper = mean + d
  s.lower = mean - d
  return mean
}

/** Band half-width: k population standard deviations of a window of n with squared deviations `m2` (`inv` = 1/n). */
export function bandOffset(m2: number, inv: number, k: number): number {
  return k * Math.sqrt(m2 * inv)
}

/**
 * Batch Bollinger bands; returns [upper, middle, lower]. `bollingerUpdate` through the warm-up, then `varPush`'s
 * steps (`varMeanStep`, `varM2Step`, same rebuild schedule and order) on local scalars, reading the leaving value
 * from the series. Between rebuilds the bars run without the NaN check: a NaN m2 stays NaN to the end of the block,
 * so a finite m2 proves no bar needed it; otherwise the block is redone with the check.
 */
export function bollingerBatch(
  xs: ArrayLike<number>,
  n: number,
  k: number,
  up = new Float64Array(xs.length),
  mid = new Float64Array(xs.length),
  lo = new Float64Array(xs.length),
): [Float64Array, Float64Array, Float64Array] {
  const src = unaliased(xs, up, mid, lo)
  const len = src.length
  const s = bollingerInit(n, k)
  const v = s.v
  let i = 0
  for (; i < len && v.count < n; i++) {
    mid[i] = bollingerUpdate(s, src[i])
    up[i] = s.upper
    lo[i] = s.lower
  }
  const inv = v.inv
  let mean = v.mean
  let m2 = v.m2
  let since = v.sinceRebuild
  while (i < len) {
    const start = i
    const mean0 = mean
    const m20 = m2
    const since0 = since
    const room = start + (RECOMPUTE_EVERY - 1 - since)
    const end = room < len ? room : len
    // Four bars per iteration, loads first and stores last (same steps, same order): V8 re-checks the four arrays
    // and reloads their data pointers after every store, so a one-bar loop paid that per bar (~30 % of its time).
    for (const end4 = end - 3; i < end4; i += 4) {
      const x0 = src[i]
      const o0 = src[i - n]
      const x1 = src[i + 1]
      const o1 = src[i + 1 - n]
      const x2 = src[i + 2]
      const o2 = src[i + 2 - n]
      const x3 = src[i + 3]
      const o3 = src[i + 3 - n]
      const a0 = varMeanStep(mean, x0, o0, inv)
      const q0 = varM2Step(m2, x0, o0, mean, a0)
      const a1 = varMeanStep(a0, x1, o1, inv)
      const q1 = varM2Step(q0, x1, o1, a0, a1)
      const a2 = varMeanStep(a1, x2, o2, inv)
      const q2 = varM2Step(q1, x2, o2, a1, a2)
      mean = varMeanStep(a2, x3, o3, inv)
      m2 = varM2Step(q2, x3, o3, a2, mean)
      const d0 = bandOffset(q0, inv, k)
      const d1 = bandOffset(q1, inv, k)
      const d2 = bandOffset(q2, inv, k)
      const d3 = bandOffset(m2, inv, k)
      mid[i] = a0
      mid[i + 1] = a1
      mid[i + 2] = a2
      mid[i + 3] = mean
      up[i] = a0 + d0
      up[i + 1] = a1 + d1
      up[i + 2] = a2 + d2
      up[i + 3] = mean + d3
      lo[i] = a0 - d0
      lo[i + 1] = a1 - d1
      lo[i + 2] = a2 - d2
      lo[i + 3] = mean - d3
    }
    for (; i < end; i++) {
      const x = src[i]
      const old = src[i - n]
      const prev = mean
      mean = varMeanStep(prev, x, old, inv)
      m2 = varM2Step(m2, x, old, prev, mean)
      const d = bandOffset(m2, inv, k)
      mid[i] = mean
      up[i] = mean + d
      lo[i] = mean - d
    }
    since += end - start
    const stop = end < len ? end + 1 : len
    if (m2 === m2 && i < stop) {
      // The scheduled rebuild (++since reaches RECOMPUTE_EVERY).
      since = 0
      mean = windowSum(src, i - n + 1, n) * inv
      m2 = windowSquares(src, i - n + 1, n, mean)
      const d = bandOffset(m2, inv, k)
      mid[i] = mean
      up[i] = mean + d
      lo[i] = mean - d
      i++
    } else if (m2 !== m2) {
      mean = mean0
      m2 = m20
      since = since0
      for (i = start; i < stop; i++) {
        const x = src[i]
        const old = src[i - n]
        if (++since < RECOMPUTE_EVERY && m2 === m2) {
          const prev = mean
          mean = varMeanStep(prev, x, old, inv)
          m2 = varM2Step(m2, x, old, prev, mean)
        } else {
          since = 0
          mean = windowSum(src, i - n + 1, n) * inv
          m2 = windowSquares(src, i - n + 1, n, mean)
        }
        const d = bandOffset(m2, inv, k)
        mid[i] = mean
        up[i] = mean + d
        lo[i] = mean - d
      }
    }
  }
  return [up, mid, lo]
}

/** `bb:N:K`: .upper .middle .lower .width ((upper−lower)/middle) .percent_b ((C−lower)/(upper−lower)). */
export function bollingerKernel(n: number, k: number): BarKernel<BollingerState> {
  return {
    outputs: ['upper', 'middle', 'lower', 'width', 'percent_b'],
    init: () => bollingerInit(n, k),
    update: (s, b, out, at) => {
      const m = bollingerUpdate(s, b.close)
      const w = s.upper - s.lower
      out[at] = m === m ? s.upper : NaN
      out[at + 1] = m
      out[at + 2] = m === m ? s.lower : NaN
      out[at + 3] = w / m
      out[at + 4] = w > 0 ? (b.close - s.lower) / w : m === m ? 0.5 : NaN
    },
  }
}

/** Keltner channel state: EMA of close ± k·ATR. */
export interface KeltnerState {
  mid: EmaState
  atr: AtrState
  k: number
}

/** `keltner:N:K:ATR_N[:first]`: .upper .middle .lower. */
export function keltnerKernel(n: number, k: number, atrN: number, seed: EmaSeed = 'sma'): BarKernel<KeltnerState> {
  return {
    outputs: ['upper', 'middle', 'lower'],
    init: () => ({ mid: emaInit(n, seed), atr: atrInit(atrN, 'wilder'), k }),
    update: (s, b, out, at) => {
      const m = emaUpdate(s.mid, b.close)
      const a = atrUpdate(s.atr, b.high, b.low, b.close)
      out[at] = m + s.k * a
      out[at + 1] = a === a ? m : NaN
      out[at + 2] = m - s.k * a
    },
  }
}

/** Donchian state: the range deques and, for `prev`, the channel as of the bar before. */
export interface DonchianState extends RangeState {
  prior: boolean
  upper: number
  lower: number
}

/**
 * `donchian:N[:prev]`: .upper (max high) .lower (min low) .middle over the last n bars; `prev` gives the channel of the
 * n bars before this one (the breakout channel a close is compared with; bukosabino-ta's offset=1).
 */
export function donchianKernel(n: number, prior = false): BarKernel<DonchianState> {
  return {
    outputs: ['upper', 'lower', 'middle'],
    init: () => ({ hi: extremumInit(n), lo: extremumInit(n), prior, upper: NaN, lower: NaN }),
    update: (s, b, out, at) => {
      const h = maxUpdate(s.hi, b.high)
      const l = minUpdate(s.lo, b.low)
      const u = s.prior ? s.upper : h
      const d = s.prior ? s.lower : l
      s.upper = h
      s.lower = l
      out[at] = u
      out[at + 1] = d
      out[at + 2] = (u + d) / 2
    },
  }
}

const FOUR_LN2 = 4 * Math.LN2
const GK_C = 2 * Math.LN2 - 1

/** Parkinson per-bar variance term ln(H/L)²/(4 ln 2). */
export function parkinsonTerm(h: number, l: number): number {
  const r = Math.log(h / l)
  return (r * r) / FOUR_LN2
}

/** `parkinson:N`: √(mean over n of ln(H/L)²/(4 ln 2)) — per-bar volatility, not annualised (DOMAIN.md §1). */
export function parkinsonKernel(n: number): BarKernel<SmaState> {
  return {
    outputs: [''],
    init: () => smaInit(n),
    update: (s, b, out, at) => {
      out[at] = Math.sqrt(smaUpdate(s, parkinsonTerm(b.high, b.low)))
    },
  }
}

/** `gk:N`: Garman–Klass √(mean of ½·ln(H/L)² − (2 ln 2 − 1)·ln(C/O)²) — per-bar volatility. */
export function garmanKlassKernel(n: number): BarKernel<SmaState> {
  return {
    outputs: [''],
    init: () => smaInit(n),
    update: (s, b, out, at) => {
      const hl = Math.log(b.high / b.low)
      const co = Math.log(b.close / b.open)
      out[at] = Math.sqrt(smaUpdate(s, 0.5 * hl * hl - GK_C * co * co))
    },
  }
}
