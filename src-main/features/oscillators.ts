/**
 * Momentum and oscillator kernels: on one series RSI (Wilder), MACD, momentum, ROC, ROCP; on whole bars (`BarKernel`)
 * Stochastic, StochRSI, Williams %R, CCI and MFI.
 */
import * as averagesModule from './averages'
import type { EmaSeed, EmaState, SmaState } from './averages'
import * as kernelModule from './kernel'
import type { BarKernel, Kernel } from './kernel'
import * as rollingModule from './rolling'
import type { RangeState } from './rolling'

// Bound once at load: tsx/vitest compile named imports into getter calls, which cost ~10 ns in hot loops.
const { emaInit, emaStep, emaUpdate, smaInit, smaUpdate } = averagesModule
const { assertPeriod } = kernelModule
const { maxUpdate, minUpdate, rangeInit } = rollingModule

/** Wilder RSI state. */
export interface RsiState {
  n: number
  /** 1/n, Wilder's smoothing factor. */
  k: number
  /** pandas-ewm convention: averages start at 0 on bar 0 and are Wilder-smoothed from the first change. */
  ewm: boolean
  count: number
  prev: number
  sumGain: number
  sumLoss: number
  avgGain: number
  avgLoss: number
}

/** Fresh RSI state. */
/**
 * RSI seeding. `sma` (StockCharts article, TA-Lib, Tulip): first averages are the means of the first n changes.
 * `ewm` (bukosabino-ta, pandas `ewm(alpha=1/n, adjust=False)`): averages start at 0 and are smoothed from the
 * first change. Both report from index n and converge as (1 − 1/n)^t.
 */
export type RsiSeed = 'sma' | 'ewm'

/** Fresh RSI state. */
export function rsiInit(n: number, seed: RsiSeed = 'sma'): RsiState {
  assertPeriod('rsi', n)
  const z = seed === 'ewm' ? 0 : NaN
  return { n, k: 1 / n, ewm: seed === 'ewm', count: 0, prev: NaN, sumGain: 0, sumLoss: 0, avgGain: z, avgLoss: z }
}

/** Close-to-close change; a NaN input counts as no change (no gain, no loss). */
export function rsiChange(x: number, prev: number): number {
  const ch = x - prev
  return ch === ch ? ch : 0
}

/**
 * Gain part of a change: ch when positive, else 0 (exactly, for finite ch). Written without a comparison because
 * the sign of a price change is unpredictable and a mispredicted branch costs more than the whole update.
 */
export function rsiGain(ch: number): number {
  return (Math.abs(ch) + ch) * 0.5
}

/** Loss part of a change: −ch when negative, else 0 (exactly, for finite ch). */
export function rsiLoss(ch: number): number {
  return (Math.abs(ch) - ch) * 0.5
}

/** RSI from the average gain and loss; a flat window (no gains, no losses) gives 50. */
export function rsiOf(avgGain: number, avgLoss: number): number {
  const tot = avgGain + avgLoss
  return tot > 0 ? (100 * avgGain) / tot : 50
}

/**
 * Adds a close; RSI in [0, 100]. First value at index n from the mean of the first n changes, then Wilder's
 * smoothing (StockCharts, TA-Lib, Tulip). A flat window (no gains, no losses) gives 50.
 */
export function rsiUpdate(s: RsiState, x: number): number {
  const ch = rsiChange(x, s.prev)
  s.prev = x
  if (s.count > s.n) {
    // Wilder smoothing avg += (v − avg)/n, written with a multiply to keep the loop-carried chain short.
    const k = s.k
    const ag = (s.avgGain = emaStep(s.avgGain, rsiGain(ch), k))
    const al = (s.avgLoss = emaStep(s.avgLoss, rsiLoss(ch), k))
    return rsiOf(ag, al)
  }
  return rsiWarmUp(s, ch)
}

function rsiWarmUp(s: RsiState, ch: number): number {
  const n = s.n
  if (s.count === 0) {
    s.count = 1
    return NaN
  }
  const g = rsiGain(ch)
  const l = rsiLoss(ch)
  if (s.ewm) {
    s.avgGain = emaStep(s.avgGain, g, s.k)
    s.avgLoss = emaStep(s.avgLoss, l, s.k)
  } else {
    s.sumGain += g
    s.sumLoss += l
    if (s.count === n) {
      s.avgGain = s.sumGain / n
      s.avgLoss = s.sumLoss / n
    }
  }
  if (s.count++ < n) return NaN
  return rsiOf(s.avgGain, s.avgLoss)
}

/** Relative Strength Index (Wilder). */
export const rsi = (n: number, seed: RsiSeed = 'sma'): Kernel<RsiState> => ({
  init: () => rsiInit(n, seed),
  update: rsiUpdate,
})

/** Batch RSI over a typed array: `rsiUpdate` through the warm-up, then the same steps on local scalars. */
export function rsiBatch(xs: ArrayLike<number>, n: number, out = new Float64Array(xs.length)): Float64Array {
  const len = xs.length
  const s = rsiInit(n)
  let i = 0
  for (; i < len && s.count <= n; i++) out[i] = rsiUpdate(s, xs[i])
  const k = s.k
  let prev = s.prev
  let ag = s.avgGain
  let al = s.avgLoss
  for (; i < len; i++) {
    const x = xs[i]
    const ch = rsiChange(x, prev)
    prev = x
    ag = emaStep(ag, rsiGain(ch), k)
    al = emaStep(al, rsiLoss(ch), k)
    out[i] = rsiOf(ag, al)
  }
  return out
}

/** MACD state: fast and slow EMAs of the input, signal EMA of the line. `line/signal/hist` hold the latest outputs. */
export interface MacdState {
  fast: EmaState
  slow: EmaState
  sig: EmaState
  slowN: number
  count: number
  line: number
  signal: number
  hist: number
}

/** MACD conventions: EMA seeding (`sma`, `first`) or `tulip` (first-value seed; 12/26 use Appel's 0.15/0.075). */
export type MacdSeed = EmaSeed | 'tulip'

/**
 * Fresh MACD state. `sma` seeding: each EMA starts from the SMA of its first inputs (line from index slow−1,
 * signal from slow+signal−2). `first` seeding (Tulip, StockCharts): EMAs start at the first input, line and
 * signal are reported from index slow−1 with the signal seeded by the line there.
 */
export function macdInit(fast: number, slow: number, signal: number, seed: MacdSeed = 'sma'): MacdState {
  const ema = seed === 'sma' ? 'sma' : 'first'
  // Appel's (and Achelis') fixed 15 % / 7.5 % smoothing for the classic 12/26 pair, as Tulip does.
  const appel = seed === 'tulip' && fast === 12 && slow === 26
  return {
    fast: emaInit(fast, ema, appel ? 0.15 : 2 / (fast + 1)),
    slow: emaInit(slow, ema, appel ? 0.075 : 2 / (slow + 1)),
    sig: emaInit(signal, ema),
    slowN: slow,
    count: 0,
    line: NaN,
    signal: NaN,
    hist: NaN,
  }
}

/** Adds a close; updates `line`, `signal`, `hist` on the state and returns the line. */
export function macdUpdate(s: MacdState, x: number): number {
  const f = emaUpdate(s.fast, x)
  const sl = emaUpdate(s.slow, x)
  if (++s.count < s.slowN) return NaN
  const line = f - sl
  s.line = line
  s.signal = emaUpdate(s.sig, line)
  s.hist = line - s.signal
  return line
}

/** Ring of the last n+1 inputs for momentum-style differences. */
export interface LagState {
  n: number
  ring: Float64Array
  pos: number
  count: number
}

/** Fresh lag state (compares with the input n bars ago). */
export function lagInit(n: number): LagState {
  assertPeriod('lag', n)
  return { n, ring: new Float64Array(n + 1), pos: 0, count: 0 }
}

/** Adds `x`; returns the input n bars ago (NaN before that exists). */
export function lagPush(s: LagState, x: number): number {
  const m = s.n + 1
  s.ring[s.pos] = x
  s.pos = s.pos + 1 === m ? 0 : s.pos + 1
  if (s.count < m) s.count++
  return s.count === m ? s.ring[s.pos] : NaN
}

/** Momentum C − C[n]. */
export const mom = (n: number): Kernel<LagState> => ({ init: () => lagInit(n), update: (s, x) => x - lagPush(s, x) })
/** Rate of change in percent: 100·(C/C[n] − 1). */
export const roc = (n: number): Kernel<LagState> => ({
  init: () => lagInit(n),
  update: (s, x) => 100 * (x / lagPush(s, x) - 1),
})
/** Rate of change as a fraction: (C − C[n])/C[n]. */
export const rocp = (n: number): Kernel<LagState> => ({
  init: () => lagInit(n),
  update: (s, x) => {
    const p = lagPush(s, x)
    return (x - p) / p
  },
})
/** Rate of change as a ratio: C/C[n] (TA-Lib ROCR). */
export const rocr = (n: number): Kernel<LagState> => ({ init: () => lagInit(n), update: (s, x) => x / lagPush(s, x) })
/** Log return over n bars: ln(C/C[n]). */
export const logr = (n: number): Kernel<LagState> => ({
  init: () => lagInit(n),
  update: (s, x) => Math.log(x / lagPush(s, x)),
})

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
export function stochRsiKernel(
  rsiN: number,
  n: number,
  kSmooth: number,
  d: number,
  seed: RsiSeed = 'sma',
): BarKernel<StochRsiState> {
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
