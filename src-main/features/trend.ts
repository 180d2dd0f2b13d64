/**
 * Trend strength and direction from whole bars: ADX/DMI (with DX, DM and ADXR) and Parabolic SAR. Each is a
 * `BarKernel` (init + update writing its outputs); multi-output names follow DESIGN.md.
 */
import * as kernelModule from './kernel'
import type { BarKernel } from './kernel'
import * as volatilityModule from './volatility'
import type { TrState } from './volatility'

// Bound once at load: tsx/vitest compile named imports into getter calls, which cost ~10 ns in hot loops.
const { assertPeriod } = kernelModule
const { trueRange } = volatilityModule

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
    init: () => ({
      step,
      max,
      touch,
      i: 0,
      long: true,
      sar: NaN,
      ep: NaN,
      af: step,
      h1: NaN,
      l1: NaN,
      h2: NaN,
      l2: NaN,
    }),
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
