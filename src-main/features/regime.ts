/**
 * The "regime" feature set (DOMAIN.md §1): exactly 43 features; price levels are expressed relative to close.
 */
import * as averagesModule from './averages'
import type { EmaState, SmaState } from './averages'
import type { FeatureSetDefinition, FeatureStep } from './feature-set'
import type { BarRow } from './kernel'
import * as oscillatorsModule from './oscillators'
import type { MacdState, RsiState } from './oscillators'
import * as rollingModule from './rolling'
import type { VarState } from './rolling'
import * as volatilityModule from './volatility'
import type { AtrState, BollingerState } from './volatility'

// Bound once at load: tsx/vitest compile named imports into getter calls, which cost ~10 ns in hot loops.
const { emaInit, emaUpdate, smaInit, smaUpdate } = averagesModule
const { macdInit, macdUpdate, rsiInit, rsiUpdate } = oscillatorsModule
const { varInit, varPush, varSample, zscoreUpdate } = rollingModule
const { atrInit, atrUpdate, bollingerInit, bollingerUpdate, parkinsonTerm } = volatilityModule

const WINDOWS = [5, 10, 20, 50] as const

/** Feature names in vector order. */
export const REGIME_FEATURES: readonly string[] = Object.freeze([
  'rsi_14',
  'rsi_14_lt_30',
  'rsi_14_gt_70',
  'macd',
  'macd_signal',
  'macd_hist',
  'macd_hist_sign',
  'ema_20_ratio',
  'ema_50_ratio',
  'ema_20_gt_ema_50',
  'bb_upper_ratio',
  'bb_lower_ratio',
  'bb_width',
  'bb_position',
  'atr_14',
  'atr_14_ratio',
  'hl_range',
  'close_position',
  'volume',
  'volume_ma_20',
  'volume_ratio',
  'ret_1',
  'ret_5',
  'ret_10',
  ...WINDOWS.map((w) => `ret_std_${w}`),
  ...WINDOWS.map((w) => `parkinson_${w}`),
  'vol_regime',
  ...WINDOWS.map((w) => `roc_${w}`),
  ...WINDOWS.map((w) => `sma_${w}_change`),
  'trend_strength',
  'momentum_regime',
])

/** Versioned definition of the regime set. */
export const REGIME_DEFINITION: FeatureSetDefinition = Object.freeze({
  name: 'regime',
  version: 1,
  params: Object.freeze({
    rsi: 14,
    macd: '12:26:9',
    ema: '20:50',
    bb: '20:2',
    atr: 'wilder:14',
    volumeMa: 20,
    windows: '5,10,20,50',
    returns: 'simple',
    returnStd: 'sample',
    zscoreWindow: 50,
    smaChange: 'diff/close',
    roc: 'percent',
  }),
  features: REGIME_FEATURES,
})

/** Regime set state. */
export interface RegimeState {
  rsi: RsiState
  macd: MacdState
  ema20: EmaState
  ema50: EmaState
  bb: BollingerState
  atr: AtrState
  volMa: SmaState
  closes: Float64Array
  pos: number
  count: number
  retVar: VarState[]
  park: SmaState[]
  sma: SmaState[]
  smaPrev: Float64Array
  volZ: VarState
  momZ: VarState
}

/** Ring of the last closes: a power of two above the longest lag (50), so wrapping is a mask, not a division. */
const LAGS = 64
const LAG_MASK = LAGS - 1

/** Close k bars ago (k < LAGS), NaN before it exists. */
function lagClose(s: RegimeState, k: number): number {
  return k < s.count ? s.closes[(s.pos - 1 - k) & LAG_MASK] : NaN
}

function flag(x: number, cond: boolean): number {
  return x === x ? (cond ? 1 : 0) : NaN
}

/** The regime step (one implementation for streaming and batch). */
export const regimeSet: FeatureStep<RegimeState> = {
  definition: REGIME_DEFINITION,
  init: () => ({
    rsi: rsiInit(14),
    macd: macdInit(12, 26, 9),
    ema20: emaInit(20),
    ema50: emaInit(50),
    bb: bollingerInit(20, 2),
    atr: atrInit(14, 'wilder'),
    volMa: smaInit(20),
    closes: new Float64Array(LAGS).fill(NaN),
    pos: 0,
    count: 0,
    retVar: WINDOWS.map((w) => varInit(w)),
    park: WINDOWS.map((w) => smaInit(w)),
    sma: WINDOWS.map((w) => smaInit(w)),
    smaPrev: new Float64Array(WINDOWS.length).fill(NaN),
    volZ: varInit(50),
    momZ: varInit(50),
  }),
  step(s: RegimeState, b: BarRow, _ctx, out: Float64Array): void {
    const c = b.close
    // Close ring: lag k is closes[(pos − 1 − k) mod LAGS] after the push.
    s.closes[s.pos] = c
    s.pos = (s.pos + 1) & LAG_MASK
    s.count++

    const rsi = rsiUpdate(s.rsi, c)
    out[0] = rsi
    out[1] = flag(rsi, rsi < 30)
    out[2] = flag(rsi, rsi > 70)
    const line = macdUpdate(s.macd, c)
    const sigDefined = line === line && s.macd.signal === s.macd.signal
    out[3] = line
    out[4] = sigDefined ? s.macd.signal : NaN
    out[5] = sigDefined ? s.macd.hist : NaN
    out[6] = sigDefined ? Math.sign(s.macd.hist) : NaN
    const e20 = emaUpdate(s.ema20, c)
    const e50 = emaUpdate(s.ema50, c)
    out[7] = e20 / c
    out[8] = e50 / c
    out[9] = e50 === e50 && e20 === e20 ? (e20 > e50 ? 1 : 0) : NaN
    const mid = bollingerUpdate(s.bb, c)
    const ok = mid === mid
    const width = s.bb.upper - s.bb.lower
    out[10] = ok ? s.bb.upper / c : NaN
    out[11] = ok ? s.bb.lower / c : NaN
    out[12] = ok ? width / c : NaN
    out[13] = ok ? (width > 0 ? (c - s.bb.lower) / width : 0.5) : NaN
    const atr = atrUpdate(s.atr, b.high, b.low, c)
    out[14] = atr
    out[15] = atr / c
    const range = b.high - b.low
    out[16] = range / c
    out[17] = range > 0 ? (c - b.low) / range : 0.5
    const vma = smaUpdate(s.volMa, b.volume)
    out[18] = b.volume
    out[19] = vma
    out[20] = vma > 0 ? b.volume / vma : vma === vma ? 0 : NaN
    const r1 = c / lagClose(s, 1) - 1
    out[21] = r1
    out[22] = c / lagClose(s, 5) - 1
    out[23] = c / lagClose(s, 10) - 1
    const pk = parkinsonTerm(b.high, b.low)
    for (let k = 0; k < WINDOWS.length; k++) {
      let sd = NaN
      if (r1 === r1 && varPush(s.retVar[k], r1)) sd = Math.sqrt(varSample(s.retVar[k]))
      out[24 + k] = sd
      out[28 + k] = Math.sqrt(smaUpdate(s.park[k], pk))
    }
    const vol20 = out[26]
    out[32] = vol20 === vol20 ? zscoreUpdate(s.volZ, vol20) : NaN
    for (let k = 0; k < WINDOWS.length; k++) {
      const w = WINDOWS[k]
      out[33 + k] = 100 * (c / lagClose(s, w) - 1)
      const m = smaUpdate(s.sma[k], c)
      out[37 + k] = (m - s.smaPrev[k]) / c
      s.smaPrev[k] = m
    }
    out[41] = (e20 - e50) / c
    const roc20 = out[35]
    out[42] = roc20 === roc20 ? zscoreUpdate(s.momZ, roc20) : NaN
  },
}
