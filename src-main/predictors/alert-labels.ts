import type { AlertType, BarColumns } from '../../src-shared'
import { NO_LABEL, regimeLabels } from './regime-label'

/** Bars per day of the correlation and volatility windows, given bars per hour (DOMAIN.md §2 speaks in hours). */
const hours = (h: number, barsPerHour: number): number => Math.max(2, Math.round(h * barsPerHour))

/** Thresholds of the correlation labels (DOMAIN.md §2): ≥ 0.20 absolute and ≥ 15 % relative. */
export const CORRELATION_JUMP = { absolute: 0.2, relative: 0.15 } as const
/** Window of the volatility label's rolling 90th percentile: 30 days of bars (we define). */
export const VOL_PERCENTILE_DAYS = 30

/** 1-bar log returns of a close column (NaN at 0 and around non-positive prices). */
export function logReturns(close: Float64Array): Float64Array {
  const r = new Float64Array(close.length).fill(NaN)
  for (let i = 1; i < close.length; i++) if (close[i] > 0 && close[i - 1] > 0) r[i] = Math.log(close[i] / close[i - 1])
  return r
}

/** Rolling Pearson correlation of two return columns over `w` bars ending at each bar (NaN until full or on a NaN). */
export function rollingCorrelation(a: Float64Array, b: Float64Array, w: number): Float64Array {
  const n = a.length
  const out = new Float64Array(n).fill(NaN)
  for (let t = w; t < n; t++) {
    let sa = 0
    let sb = 0
    let saa = 0
    let sbb = 0
    let sab = 0
    let ok = true
    for (let j = t - w + 1; j <= t; j++) {
      const x = a[j]
      const y = b[j]
      if (x !== x || y !== y) {
        ok = false
        break
      }
      sa += x
      sb += y
      saa += x * x
      sbb += y * y
      sab += x * y
    }
    if (!ok) continue
    const va = saa - (sa * sa) / w
    const vb = sbb - (sb * sb) / w
    if (va > 0 && vb > 0) out[t] = (sab - (sa * sb) / w) / Math.sqrt(va * vb)
  }
  return out
}

/** Rolling population std of a column over `w` bars (NaN until full or on a NaN). */
export function rollingStd(x: Float64Array, w: number): Float64Array {
  const n = x.length
  const out = new Float64Array(n).fill(NaN)
  for (let t = w; t < n; t++) {
    let s = 0
    let s2 = 0
    let ok = true
    for (let j = t - w + 1; j <= t; j++) {
      const v = x[j]
      if (v !== v) {
        ok = false
        break
      }
      s += v
      s2 += v * v
    }
    if (ok) out[t] = Math.sqrt(Math.max(0, s2 / w - (s / w) ** 2))
  }
  return out
}

/** A rise (or fall) of `to` over `from` by ≥ 0.20 absolute and ≥ 15 % of |from| (DOMAIN.md §2). */
function jumped(from: number, to: number, direction: 1 | -1): boolean {
  const d = direction * (to - from)
  return d >= CORRELATION_JUMP.absolute && d >= CORRELATION_JUMP.relative * Math.abs(from)
}

/** What the labels are computed from: an aligned basket (asset 0 = lead) and its bar length. */
export interface AlertLabelInput {
  readonly basket: readonly BarColumns[]
  readonly barsPerHour: number
}

/** Per-bar series the four labels read, computed once per basket. */
export interface AlertLabelSeries {
  /** Lead asset's 24 h realised vol (std of 1-bar log returns) and its rolling 90th percentile over 30 days before t. */
  readonly vol24: Float64Array
  readonly vol24p90: Float64Array
  /** 24 h correlation per pair (pairs in (i < j) order) and their mean. */
  readonly pairCorr: readonly Float64Array[]
  readonly meanCorr: Float64Array
  /** The lead's realised §1 regime known at t (the label of t − 12, H = 12, k = 0.5), −1 when unknown. */
  readonly currentRegime: Int32Array
}

/** Computes the series behind the §2 labels. */
export function alertLabelSeries(input: AlertLabelInput): AlertLabelSeries {
  const { basket, barsPerHour } = input
  if (basket.length < 3) throw new RangeError(`alerts: a basket needs ≥ 3 instruments, got ${basket.length}`)
  const n = basket[0].close.length
  for (const b of basket)
    if (b.close.length !== n) throw new RangeError('alerts: the basket must be aligned (alignBasket)')
  const w24 = hours(24, barsPerHour)
  const rets = basket.map((b) => logReturns(b.close))
  const vol24 = rollingStd(rets[0], w24)
  const pw = hours(24 * VOL_PERCENTILE_DAYS, barsPerHour)
  const vol24p90 = new Float64Array(n).fill(NaN)
  // 90th percentile of the previous pw defined values, from a sorted window kept by binary insertion and removal.
  const sorted: number[] = []
  const lowerBound = (v: number): number => {
    let lo = 0
    let hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (sorted[mid] < v) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  for (let t = 1; t < n; t++) {
    const add = vol24[t - 1]
    if (add === add) sorted.splice(lowerBound(add), 0, add)
    const drop = t - 1 - pw >= 0 ? vol24[t - 1 - pw] : NaN
    if (drop === drop) sorted.splice(lowerBound(drop), 1)
    if (t >= pw && sorted.length >= pw / 2)
      vol24p90[t] = sorted[Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))]
  }
  const pairCorr: Float64Array[] = []
  for (let i = 0; i < basket.length; i++)
    for (let j = i + 1; j < basket.length; j++) pairCorr.push(rollingCorrelation(rets[i], rets[j], w24))
  const meanCorr = new Float64Array(n).fill(NaN)
  for (let t = 0; t < n; t++) {
    let s = 0
    let k = 0
    for (const c of pairCorr) if (c[t] === c[t]) ((s += c[t]), k++)
    if (k === pairCorr.length) meanCorr[t] = s / k
  }
  const regime = regimeLabels(basket[0].close, 12, 0.5)
  const currentRegime = new Int32Array(n).fill(-1)
  for (let t = 12; t < n; t++) currentRegime[t] = regime[t - 12]
  return { vol24, vol24p90, pairCorr, meanCorr, currentRegime }
}

/**
 * DOMAIN.md §2 label of one alert type at every bar t for a horizon of `h` bars: 1 when the rule fires within
 * (t, t+h], 0 when it does not, NO_LABEL (−1) when t+h is beyond the data or an input is undefined at t.
 * - VOLATILITY_SPIKE_IMMINENT: the lead's 24 h realised vol crosses above its rolling 90th percentile.
 * - SPIKE_LIKELY: some pair's 24 h correlation rises ≥ 0.20 absolute and ≥ 15 % relative above its value at t.
 * - CORRELATION_BREAKDOWN: the mean pairwise correlation falls ≥ 0.20 absolute and ≥ 15 % relative below t's.
 * - REGIME_CHANGE_PENDING: the current §1 regime (H = 12) changes from t's and the new regime holds ≥ 2 bars.
 */
export function alertLabels(type: AlertType, s: AlertLabelSeries, h: number): Int32Array {
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`horizon must be a positive integer, got ${h}`)
  const n = s.vol24.length
  const out = new Int32Array(n).fill(NO_LABEL)
  for (let t = 0; t + h < n; t++) out[t] = labelAt(type, s, h, t)
  return out
}

/** The label of {@link alertLabels} at one bar t only (resolving a few alerts need not label the whole window). */
export function alertLabelAt(type: AlertType, s: AlertLabelSeries, h: number, t: number): number {
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`horizon must be a positive integer, got ${h}`)
  return Number.isInteger(t) && t >= 0 && t + h < s.vol24.length ? labelAt(type, s, h, t) : NO_LABEL
}

function labelAt(type: AlertType, s: AlertLabelSeries, h: number, t: number): number {
  let fired = false
  switch (type) {
    case 'VOLATILITY_SPIKE_IMMINENT': {
      if (!(s.vol24[t] === s.vol24[t]) || !(s.vol24p90[t] === s.vol24p90[t])) return NO_LABEL
      for (let u = t + 1; u <= t + h && !fired; u++)
        fired = s.vol24[u] > s.vol24p90[u] && s.vol24[u - 1] <= s.vol24p90[u - 1]
      break
    }
    case 'SPIKE_LIKELY': {
      if (s.pairCorr.some((c) => c[t] !== c[t])) return NO_LABEL
      for (const c of s.pairCorr)
        for (let u = t + 1; u <= t + h && !fired; u++) fired = c[u] === c[u] && jumped(c[t], c[u], 1)
      break
    }
    case 'CORRELATION_BREAKDOWN': {
      const m = s.meanCorr
      if (m[t] !== m[t]) return NO_LABEL
      for (let u = t + 1; u <= t + h && !fired; u++) fired = m[u] === m[u] && jumped(m[t], m[u], -1)
      break
    }
    case 'REGIME_CHANGE_PENDING': {
      const r = s.currentRegime
      if (r[t] < 0) return NO_LABEL
      for (let u = t + 1; u < t + h && !fired; u++) fired = r[u] >= 0 && r[u] !== r[t] && r[u + 1] === r[u]
      break
    }
  }
  return fired ? 1 : 0
}
