/**
 * Indicators that read whole bars (high/low/close/volume/time): true range, ATR, Bollinger, Keltner, Donchian,
 * Stochastic, StochRSI, Williams %R, CCI, MFI, OBV, ADX/DMI, Parabolic SAR, VWAP, Parkinson and Garman–Klass.
 * Each is a `BarKernel` (init + update writing its outputs); multi-output names follow DESIGN.md.
 */
import * as averagesModule from './averages'
import type { EmaSeed, EmaState, SmaState } from './averages'
import * as kernelModule from './kernel'
import type { BarKernel, BarRow, Kernel } from './kernel'
import * as oscillatorsModule from './oscillators'
import type { RsiSeed, RsiState } from './oscillators'
import * as rollingModule from './rolling'
import type { ExtremumState, VarState } from './rolling'

// Bound once at load: tsx/vitest compile named imports into getter calls, which cost ~10 ns in hot loops.
const { emaInit, emaStep, emaUpdate, smaInit, smaUpdate } = averagesModule
const { assertPeriod, RECOMPUTE_EVERY, unaliased, windowSquares, windowSum } = kernelModule
const { rsiInit, rsiUpdate } = oscillatorsModule
const { extremumInit, maxUpdate, minUpdate, varInit, varM2Step, varMeanStep, varPush } = rollingModule

/** Wraps a one-series kernel as a bar kernel reading the close. */
export function onClose<S>(k: Kernel<S>): BarKernel<S> {
  return {
    outputs: [''],
    init: k.init,
    update: (s, b, out, at) => {
      out[at] = k.update(s, b.close)
    },
  }
}

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
  return { prevClose: NaN, n, k: 1 / n, skipFirst: mode === 'wilder-talib', simple: mode === 'sma', ready: false, count: 0, sum: 0, v: NaN, sma: smaInit(n) }
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
export function atrBatch(high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, n: number, mode: AtrMode = 'wilder', out = new Float64Array(close.length)): Float64Array {
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

/** Highest-high / lowest-low deques. */
export interface RangeState {
  hi: ExtremumState
  lo: ExtremumState
}

/** Fresh highest-high/lowest-low state over n bars. */
export function rangeInit(n: number): RangeState {
  return { hi: extremumInit(n), lo: extremumInit(n) }
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

/** Stochastic state: range deques, %K smoothing SMA, %D SMA. */
export interface StochState {
  r: RangeState
  k: SmaState
  d: SmaState
}

/** Fast %K = 100·(C − LL)/(HH − LL); 0 when the range is flat (TA-Lib). */
function fastK(c: number, hh: number, ll: number): number {
  const w = hh - ll
  return w > 0 ? (100 * (c - ll)) / w : hh === hh ? 0 : NaN
}

/** Feeds a value to an SMA only once it is defined, so warm-ups chain instead of poisoning. */
function smaDefined(s: SmaState, x: number): number {
  return x === x ? smaUpdate(s, x) : NaN
}

/** `stoch:N:KSMOOTH:D`: .k = SMA(KSMOOTH) of fast %K, .d = SMA(D) of .k. */
export function stochKernel(n: number, kSmooth: number, d: number): BarKernel<StochState> {
  return {
    outputs: ['k', 'd'],
    init: () => ({ r: rangeInit(n), k: smaInit(kSmooth), d: smaInit(d) }),
    update: (s, b, out, at) => {
      const hh = maxUpdate(s.r.hi, b.high)
      const ll = minUpdate(s.r.lo, b.low)
      const k = smaDefined(s.k, fastK(b.close, hh, ll))
      out[at] = k
      out[at + 1] = smaDefined(s.d, k)
    },
  }
}

/** StochRSI state. */
export interface StochRsiState {
  rsi: RsiState
  r: RangeState
  k: SmaState
  d: SmaState
}

/** `stochrsi:RSI_N:N:KSMOOTH:D`: stochastic (0–100) of RSI over N; .k smoothed, .d = SMA of .k. */
export function stochRsiKernel(rsiN: number, n: number, kSmooth: number, d: number, seed: RsiSeed = 'sma'): BarKernel<StochRsiState> {
  return {
    outputs: ['k', 'd'],
    init: () => ({ rsi: rsiInit(rsiN, seed), r: rangeInit(n), k: smaInit(kSmooth), d: smaInit(d) }),
    update: (s, b, out, at) => {
      const r = rsiUpdate(s.rsi, b.close)
      let raw = NaN
      if (r === r) {
        const hh = maxUpdate(s.r.hi, r)
        const ll = minUpdate(s.r.lo, r)
        raw = fastK(r, hh, ll)
      }
      const k = smaDefined(s.k, raw)
      out[at] = k
      out[at + 1] = smaDefined(s.d, k)
    },
  }
}

/** `willr:N`: −100·(HH − C)/(HH − LL). */
export function willrKernel(n: number): BarKernel<RangeState> {
  return {
    outputs: [''],
    init: () => rangeInit(n),
    update: (s, b, out, at) => {
      const hh = maxUpdate(s.hi, b.high)
      const ll = minUpdate(s.lo, b.low)
      const w = hh - ll
      out[at] = w > 0 ? (-100 * (hh - b.close)) / w : hh === hh ? 0 : NaN
    },
  }
}

/** CCI state: ring of typical prices. */
export interface CciState {
  sma: SmaState
}

/** `cci:N`: (TP − SMA(TP))/(0.015·mean deviation). Mean deviation is O(n) per bar by definition. */
export function cciKernel(n: number): BarKernel<CciState> {
  return {
    outputs: [''],
    init: () => ({ sma: smaInit(n) }),
    update: (s, b, out, at) => {
      const tp = (b.high + b.low + b.close) / 3
      const m = smaUpdate(s.sma, tp)
      if (m !== m) {
        out[at] = NaN
        return
      }
      let md = 0
      const ring = s.sma.ring
      for (let i = 0; i < n; i++) md += Math.abs(ring[i] - m)
      md /= n
      out[at] = md > 0 ? (tp - m) / (0.015 * md) : 0
    },
  }
}

/** MFI state. */
export interface MfiState {
  n: number
  prevTp: number
  pos: Float64Array
  neg: Float64Array
  at: number
  count: number
}

/** `mfi:N`: 100 − 100/(1 + Σ positive money flow / Σ negative money flow) over n flows; first value at index n. */
export function mfiKernel(n: number): BarKernel<MfiState> {
  assertPeriod('mfi', n)
  return {
    outputs: [''],
    init: () => ({ n, prevTp: NaN, pos: new Float64Array(n), neg: new Float64Array(n), at: 0, count: 0 }),
    update: (s, b, out, at) => {
      const tp = (b.high + b.low + b.close) / 3
      const prev = s.prevTp
      s.prevTp = tp
      if (prev !== prev) {
        out[at] = NaN
        return
      }
      const flow = tp * b.volume
      s.pos[s.at] = tp > prev ? flow : 0
      s.neg[s.at] = tp < prev ? flow : 0
      s.at = (s.at + 1) % s.n
      if (s.count < s.n) s.count++
      if (s.count < s.n) {
        out[at] = NaN
        return
      }
      let p = 0
      let q = 0
      for (let i = 0; i < s.n; i++) {
        p += s.pos[i]
        q += s.neg[i]
      }
      out[at] = p + q > 0 ? (100 * p) / (p + q) : 50
    },
  }
}

/** `obv`: cumulative ±volume by close direction, 0 on the first bar (Tulip, StockCharts). */
export const obvKernel: BarKernel<{ prev: number; v: number }> = {
  outputs: [''],
  init: () => ({ prev: NaN, v: 0 }),
  update: (s, b, out, at) => {
    if (s.prev === s.prev) {
      if (b.close > s.prev) s.v += b.volume
      else if (b.close < s.prev) s.v -= b.volume
    }
    s.prev = b.close
    out[at] = s.v
  },
}

/**
 * Directional-movement seeding. `wilder`: the smoothed TR and ±DM start as the sum of the first n one-bar values (bars
 * 1..n), so DI and DX start at bar n and ADX at bar 2n−1 (Wilder, StockCharts, TA-Lib). `tulip`: they start as the sum
 * of n−1 values (bars 1..n−1), so DI and DX start at bar n−1 and ADX at bar 2n−2, and an up-move equal to the
 * down-move counts on both sides (Wilder counts neither) — Tulip Indicators and the Achelis companion spreadsheet.
 */
export type DmiMode = 'wilder' | 'tulip'

/** ADX/DMI state (Wilder's smoothed TR and ±DM, DX and its average). */
export interface AdxState {
  n: number
  /** One-bar values summed before Wilder's smoothing starts (n, or n−1 with `tulip`). */
  seed: number
  /** Tulip's tie rule: equal up- and down-moves both count. */
  ties: boolean
  count: number
  prevH: number
  prevL: number
  tr: TrState
  trS: number
  pS: number
  mS: number
  dxSum: number
  dxCount: number
  pdi: number
  mdi: number
  dx: number
  adx: number
}

/** Fresh ADX/DMI state. */
export function adxInit(n: number, mode: DmiMode = 'wilder'): AdxState {
  assertPeriod('adx', n, mode === 'tulip' ? 2 : 1)
  const tulip = mode === 'tulip'
  return {
    n,
    seed: tulip ? n - 1 : n,
    ties: tulip,
    count: 0,
    prevH: NaN,
    prevL: NaN,
    tr: { prevClose: NaN },
    trS: 0,
    pS: 0,
    mS: 0,
    dxSum: 0,
    dxCount: 0,
    pdi: NaN,
    mdi: NaN,
    dx: NaN,
    adx: NaN,
  }
}

/**
 * Adds a bar; sets the smoothed sums (trS, pS, mS), pdi, mdi, dx and adx on the state (NaN until defined) and returns
 * whether DI and DX are defined for this bar.
 */
export function adxUpdate(s: AdxState, h: number, l: number, c: number): boolean {
  const tr = trueRange(s.tr, h, l, c)
  const ph = s.prevH
  const pl = s.prevL
  s.prevH = h
  s.prevL = l
  if (ph !== ph) return false
  const n = s.n
  const up = h - ph
  const down = pl - l
  const pdm = up > 0 && (up > down || (s.ties && up === down)) ? up : 0
  const mdm = down > 0 && (down > up || (s.ties && up === down)) ? down : 0
  s.count++
  if (s.count <= s.seed) {
    s.trS += tr
    s.pS += pdm
    s.mS += mdm
    if (s.count < s.seed) return false
  } else {
    s.trS += tr - s.trS / n
    s.pS += pdm - s.pS / n
    s.mS += mdm - s.mS / n
  }
  const pdi = s.trS > 0 ? (100 * s.pS) / s.trS : 0
  const mdi = s.trS > 0 ? (100 * s.mS) / s.trS : 0
  const dx = pdi + mdi > 0 ? (100 * Math.abs(pdi - mdi)) / (pdi + mdi) : 0
  if (s.dxCount < n) {
    s.dxSum += dx
    if (++s.dxCount === n) s.adx = s.dxSum / n
  } else s.adx = (s.adx * (n - 1) + dx) / n
  s.pdi = pdi
  s.mdi = mdi
  s.dx = dx
  return true
}

/** `adx:N[:tulip]`: .adx .plus_di .minus_di; DIs from bar n, ADX from bar 2n−1 (StockCharts, TA-Lib). */
export function adxKernel(n: number, mode: DmiMode = 'wilder'): BarKernel<AdxState> {
  adxInit(n, mode)
  return {
    outputs: ['adx', 'plus_di', 'minus_di'],
    init: () => adxInit(n, mode),
    update: (s, b, out, at) => {
      const ok = adxUpdate(s, b.high, b.low, b.close)
      out[at] = ok ? s.adx : NaN
      out[at + 1] = ok ? s.pdi : NaN
      out[at + 2] = ok ? s.mdi : NaN
    },
  }
}

/** `dx:N[:tulip]`: 100·|+DI − −DI|/(+DI + −DI), the un-averaged ADX. */
export function dxKernel(n: number, mode: DmiMode = 'wilder'): BarKernel<AdxState> {
  adxInit(n, mode)
  return {
    outputs: [''],
    init: () => adxInit(n, mode),
    update: (s, b, out, at) => {
      out[at] = adxUpdate(s, b.high, b.low, b.close) ? s.dx : NaN
    },
  }
}

/** `dm:N[:tulip]`: .plus .minus — Wilder-smoothed directional movement (the sums ±DI divides by smoothed TR). */
export function dmKernel(n: number, mode: DmiMode = 'wilder'): BarKernel<AdxState> {
  adxInit(n, mode)
  return {
    outputs: ['plus', 'minus'],
    init: () => adxInit(n, mode),
    update: (s, b, out, at) => {
      const ok = adxUpdate(s, b.high, b.low, b.close)
      out[at] = ok ? s.pS : NaN
      out[at + 1] = ok ? s.mS : NaN
    },
  }
}

/** ADXR state: the ADX state and a ring of the last n ADX values. */
export interface AdxrState {
  adx: AdxState
  ring: Float64Array
  pos: number
}

/** `adxr:N[:tulip]`: (ADX + ADX n−1 bars earlier)/2 (Wilder, TA-Lib, StockCharts, Tulip); from bar 3n−2 (3n−3 with tulip). */
export function adxrKernel(n: number, mode: DmiMode = 'wilder'): BarKernel<AdxrState> {
  adxInit(n, mode)
  return {
    outputs: [''],
    init: () => ({ adx: adxInit(n, mode), ring: new Float64Array(n).fill(NaN), pos: 0 }),
    update: (s, b, out, at) => {
      const a = adxUpdate(s.adx, b.high, b.low, b.close) ? s.adx.adx : NaN
      // The ring holds the last n ADX values; after writing today's, the next slot is the one from n−1 bars ago.
      s.ring[s.pos] = a
      s.pos = s.pos + 1 === n ? 0 : s.pos + 1
      out[at] = (a + s.ring[s.pos]) / 2
    },
  }
}

/** Parabolic SAR state. */
export interface SarState {
  step: number
  max: number
  /** Reverse when the bar touches the SAR, not only when it goes through it. */
  touch: boolean
  i: number
  long: boolean
  sar: number
  ep: number
  af: number
  h1: number
  l1: number
  h2: number
  l2: number
}

/**
 * `sar:AF:MAX[:touch]` (Wilder). Direction at bar 1 from whether (H+L) rose; SAR is clamped by the two previous bars'
 * lows (highs when short) and flips to the extreme point when the bar goes through it (Tulip's formulation, the
 * Achelis companion sheet). `touch`: a bar that only touches the SAR (low = SAR in an up-trend) also reverses it, as in
 * the StockCharts/bukosabino-ta sheet. NaN at bar 0.
 */
export function sarKernel(step: number, max: number, touch = false): BarKernel<SarState> {
  return {
    outputs: [''],
    init: () => ({ step, max, touch, i: 0, long: true, sar: NaN, ep: NaN, af: step, h1: NaN, l1: NaN, h2: NaN, l2: NaN }),
    update: (s, b, out, at) => {
      const h = b.high
      const l = b.low
      const i = s.i++
      if (i === 0) {
        s.h1 = h
        s.l1 = l
        out[at] = NaN
        return
      }
      if (i === 1) {
        s.long = s.h1 + s.l1 <= h + l
        s.ep = s.long ? s.h1 : s.l1
        s.sar = s.long ? s.l1 : s.h1
      }
      let sar = (s.ep - s.sar) * s.af + s.sar
      if (s.long) {
        if (i >= 2 && sar > s.l2) sar = s.l2
        if (sar > s.l1) sar = s.l1
        if (h > s.ep) {
          s.ep = h
          s.af = Math.min(s.max, s.af + s.step)
        }
      } else {
        if (i >= 2 && sar < s.h2) sar = s.h2
        if (sar < s.h1) sar = s.h1
        if (l < s.ep) {
          s.ep = l
          s.af = Math.min(s.max, s.af + s.step)
        }
      }
      if (s.long ? (s.touch ? l <= sar : l < sar) : s.touch ? h >= sar : h > sar) {
        s.af = s.step
        sar = s.ep
        s.long = !s.long
        s.ep = s.long ? h : l
      }
      s.sar = sar
      s.h2 = s.h1
      s.l2 = s.l1
      s.h1 = h
      s.l1 = l
      out[at] = sar
    },
  }
}

/** Session VWAP state. */
export interface VwapState {
  sessionMs: number
  offsetMs: number
  session: number
  pv: number
  v: number
}

/** Typical price (H+L+C)/3. */
export function typicalPrice(b: BarRow): number {
  return (b.high + b.low + b.close) / 3
}

/**
 * Adds a bar to a session VWAP (Σ TP·V / Σ V since the session opened); sessions are `sessionMs` long,
 * starting at `offsetMs` after the epoch (default: UTC days). NaN until the session has volume.
 */
export function vwapUpdate(s: VwapState, b: BarRow): number {
  const session = Math.floor((b.time - s.offsetMs) / s.sessionMs)
  if (session !== s.session) {
    s.session = session
    s.pv = 0
    s.v = 0
  }
  s.pv += typicalPrice(b) * b.volume
  s.v += b.volume
  return s.v > 0 ? s.pv / s.v : NaN
}

/** Fresh session-VWAP state. */
export function vwapInit(sessionMs = 86_400_000, offsetMs = 0): VwapState {
  return { sessionMs, offsetMs, session: NaN, pv: 0, v: 0 }
}

/** `vwap`: session VWAP. */
export function vwapKernel(sessionMs = 86_400_000, offsetMs = 0): BarKernel<VwapState> {
  return {
    outputs: [''],
    init: () => vwapInit(sessionMs, offsetMs),
    update: (s, b, out, at) => {
      out[at] = vwapUpdate(s, b)
    },
  }
}

/** Rolling VWAP state: rolling sums of TP·V and V. */
export interface RollingVwapState {
  pv: SmaState
  v: SmaState
}

/** `vwap:N`: Σ TP·V / Σ V over the last n bars. */
export function rollingVwapKernel(n: number): BarKernel<RollingVwapState> {
  return {
    outputs: [''],
    init: () => ({ pv: smaInit(n), v: smaInit(n) }),
    update: (s, b, out, at) => {
      const pv = smaUpdate(s.pv, typicalPrice(b) * b.volume)
      const v = smaUpdate(s.v, b.volume)
      out[at] = v > 0 ? pv / v : NaN
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
