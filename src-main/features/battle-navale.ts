/**
 * The "battle-navale" feature set (DOMAIN.md §4): the 12 signal-quality features, with the Vikings-vs-Défenseurs
 * battle, base detection and golden rule behind `sierra_pattern_strength`. Options and gamma inputs are 0 with a
 * missing flag when absent; a missing paired instrument gives NaN with a flag; spread falls back to (H−L)/ATR.
 */
import * as averagesModule from './averages'
import type { SmaState } from './averages'
import * as featureSetModule from './feature-set'
import type { FeatureSetDefinition, FeatureStep, MarketContext } from './feature-set'
import type { BarRow } from './kernel'
import * as rollingModule from './rolling'
import type { PairState, RankState, SlopeState } from './rolling'
import * as volatilityModule from './volatility'
import type { AtrState } from './volatility'
import * as volumeModule from './volume'
import type { VwapState } from './volume'

// Bound once at load: tsx/vitest compile named imports into getter calls, which cost ~10 ns in hot loops.
const { smaInit, smaUpdate } = averagesModule
const { clip, missing } = featureSetModule
const { correlationUpdate, pairInit, rankInit, rankUpdate, slopeInit, slopeUpdate } = rollingModule
const { atrInit, atrUpdate } = volatilityModule
const { typicalPrice, vwapInit, vwapUpdate } = volumeModule

/** Parameters of the set. */
export interface BattleNavaleParams {
  /** Instrument tick; NaN → 0.05 % of price (DOMAIN.md §4). */
  readonly tickSize: number
  /** Session length and start offset from the epoch (ms), for session VWAP, volume profile and session time. */
  readonly sessionMs: number
  readonly sessionOffsetMs: number
}

/** Feature names in vector order: the 12 features, then missing flags. */
export const BATTLE_NAVALE_FEATURES: readonly string[] = Object.freeze([
  'vwap_trend_signal',
  'sierra_pattern_strength',
  'level_proximity',
  'volume_confirmation',
  'paired_correlation',
  'options_flow_bias',
  'gamma_proximity',
  'dow_trend',
  'market_volatility',
  'session_time',
  'spread',
  'recent_momentum',
  'paired_missing',
  'options_missing',
  'gamma_missing',
  'spread_is_proxy',
])

const BASE_LOOKBACK = 15
const BASE_BARS = 8
const PROFILE_BINS = 2048
const PROFILE_CENTER = 1024

/** Battle Navale state. */
export interface BattleNavaleState {
  atr: AtrState
  atrRank: RankState
  volMa: SmaState
  vik: Float64Array
  def: Float64Array
  battlePos: number
  battleCount: number
  closes: Float64Array
  highs: Float64Array
  lows: Float64Array
  vols: Float64Array
  ringPos: number
  ringCount: number
  baseQuality: number
  greenBaseLow: number
  redBaseHigh: number
  trend: number
  vwap: VwapState
  profile: Float64Array
  profileSession: number
  binWidth: number
  binBase: number
  profileLo: number
  profileHi: number
  /** The session's bins that received volume (and the centre), ascending: every other bin holds exactly 0. */
  touched: Int32Array
  touchedCount: number
  /** A negative volume this session: a 0 bin could then be the POC, so the profile is read bin by bin. */
  profileNegative: boolean
  pair: PairState
  prevClose: number
  prevPair: number
  slopeHigh: SlopeState
  slopeLow: SlopeState
}

/** Battle outcome V/(V+D) over the last 5 bars (DOMAIN.md §4); 0.5 when nothing was scored. */
function battleOutcome(s: BattleNavaleState, b: BarRow, vbar: number): number {
  let v = 0
  let d = 0
  if (vbar === vbar) {
    const green = b.close > b.open
    const range = b.high - b.low
    const br = range > 0 ? Math.abs(b.close - b.open) / range : 0
    if (br > 0.6) {
      if (green) v += 0.8 * br
      else d += 0.8 * br
    }
    const vt = 0.2 * Math.min(vbar > 0 ? b.volume / vbar : 0, 2)
    if (green) v += vt
    else d += vt
    const tb = b.takerBuyVolume
    if (tb === tb && vbar > 0) {
      const delta = 2 * tb - b.volume
      const t = 0.5 * Math.min(Math.abs(delta) / vbar, 1)
      if (delta > 0) v += t
      else if (delta < 0) d += t
    }
  } else {
    v = NaN
    d = NaN
  }
  s.vik[s.battlePos] = v
  s.def[s.battlePos] = d
  s.battlePos = (s.battlePos + 1) % 5
  if (s.battleCount < 5) s.battleCount++
  if (s.battleCount < 5) return NaN
  let sv = 0
  let sd = 0
  for (let i = 0; i < 5; i++) {
    sv += s.vik[i]
    sd += s.def[i]
  }
  return sv + sd > 0 ? sv / (sv + sd) : sv === sv && sd === sd ? 0.5 : NaN
}

/** Base detection and golden rule; returns trend_continuation and updates the latest base quality. */
function baseAndTrend(s: BattleNavaleState, b: BarRow, tick: number, outcome: number): number {
  const L = BASE_LOOKBACK
  // Ring slot of the bar k bars ago (0 = this bar); the rings read into locals once (this runs on every bar).
  const newest = s.ringPos - 1 + 2 * L
  const closes = s.closes
  const highs = s.highs
  const lows = s.lows
  const vols = s.vols
  let violation = false
  if (s.ringCount >= L) {
    let mean = 0
    let hi = -Infinity
    let lo = Infinity
    for (let k = 0; k < L; k++) {
      mean += closes[k]
      if (highs[k] > hi) hi = highs[k]
      if (lows[k] < lo) lo = lows[k]
    }
    mean /= L
    let v = 0
    for (let k = 0; k < L; k++) v += (closes[k] - mean) ** 2
    const sd = Math.sqrt(v / L)
    if (sd < 0.3 * (hi - lo)) {
      let bh = -Infinity
      let bl = Infinity
      let vm = 0
      for (let k = 0; k < BASE_BARS; k++) {
        const i = (newest - k) % L
        if (highs[i] > bh) bh = highs[i]
        if (lows[i] < bl) bl = lows[i]
        vm += vols[i]
      }
      const ticks = (bh - bl) / tick
      if (ticks <= 10) {
        vm /= BASE_BARS
        let vv = 0
        for (let k = 0; k < BASE_BARS; k++) vv += (vols[(newest - k) % L] - vm) ** 2
        const cv = vm > 0 ? Math.sqrt(vv / BASE_BARS) / vm : 1
        let inside = 0
        for (let k = 0; k < L; k++) if (closes[k] >= bl && closes[k] <= bh) inside++
        const size = ticks >= 2 && ticks <= 6 ? 1 : ticks >= 1 && ticks <= 8 ? 0.7 : 0.3
        const q = 0.3 * Math.min(BASE_BARS / 10, 1) + 0.2 * size + 0.25 * clip(1 - cv, 0, 1) + 0.25 * (inside / L)
        let rises = 0
        for (let k = 0; k < 5; k++) if (closes[(newest - k) % L] > closes[(newest - k - 1) % L]) rises++
        s.baseQuality = q
        if (q > 0.5 && rises >= 3) {
          s.greenBaseLow = bl
          s.trend = 1
        } else if (q > 0.5 && rises <= 1) {
          s.redBaseHigh = bh
          s.trend = -1
        }
      }
    }
  }
  // Golden rule: "rouge sous verte" (and its mirror) ends the trend.
  const red = b.close < b.open
  const green = b.close > b.open
  if (s.trend === 1 && red && b.close < s.greenBaseLow - 0.5 * tick) violation = true
  if (s.trend === -1 && green && b.close > s.redBaseHigh + 0.5 * tick) violation = true
  if (violation) {
    s.trend = 0
    return 0.2
  }
  if (outcome !== outcome) return NaN
  if (s.trend === 1) return outcome > 0.7 ? 0.8 : 0.6
  if (s.trend === -1) return outcome < 0.3 ? 0.2 : 0.4
  return 0.5
}

/** Session volume profile → distance of the close to the nearest of POC/VAH/VAL, in ATRs, mapped to [0, 1]. */
function levelProximity(
  s: BattleNavaleState,
  b: BarRow,
  tick: number,
  atr: number,
  sessionMs: number,
  offsetMs: number,
): number {
  const session = Math.floor((b.time - offsetMs) / sessionMs)
  if (session !== s.profileSession) {
    s.profileSession = session
    s.profile.fill(0)
    s.binWidth = tick
    s.binBase = Math.round(typicalPrice(b) / tick)
    s.profileLo = PROFILE_CENTER
    s.profileHi = PROFILE_CENTER
    s.touched[0] = PROFILE_CENTER
    s.touchedCount = 1
    s.profileNegative = false
  }
  const bin = clip(Math.round(typicalPrice(b) / s.binWidth) - s.binBase + PROFILE_CENTER, 0, PROFILE_BINS - 1)
  s.profile[bin] += b.volume
  if (bin < s.profileLo) s.profileLo = bin
  if (bin > s.profileHi) s.profileHi = bin
  if (b.volume < 0) s.profileNegative = true
  if (bin === bin) touch(s, bin)
  const levels = s.profileNegative ? valueAreaByBin(s) : valueAreaByTouchedBin(s)
  // Bin i's price is (i − PROFILE_CENTER + binBase) × binWidth.
  const base = s.binBase - PROFILE_CENTER
  const w = s.binWidth
  const c = b.close
  const d = Math.min(
    Math.abs(c - (levels.poc + base) * w),
    Math.abs(c - (levels.hi + base) * w),
    Math.abs(c - (levels.lo + base) * w),
  )
  return atr > 0 ? 1 - Math.min(1, d / atr) : NaN
}

/** Adds `bin` to the session's ascending list of touched bins (a no-op when it is there). */
function touch(s: BattleNavaleState, bin: number): void {
  const t = s.touched
  let at = s.touchedCount
  while (at > 0 && t[at - 1] > bin) at--
  if (at > 0 && t[at - 1] === bin) return
  t.copyWithin(at + 1, at, s.touchedCount)
  t[at] = bin
  s.touchedCount++
}

/** POC and value-area bounds (bin indices), reused between bars: the levels are read on every bar. */
const levels = { poc: 0, lo: 0, hi: 0 }

/**
 * POC (the first bin of the most volume) and the value area: grow from the POC towards the heavier neighbour until
 * 70 % of the session volume, bin by bin over the session's range.
 */
function valueAreaByBin(s: BattleNavaleState): typeof levels {
  const prof = s.profile
  const pLo = s.profileLo
  const pHi = s.profileHi
  let poc = pLo
  let pocVolume = prof[pLo]
  let total = 0
  for (let i = pLo; i <= pHi; i++) {
    const v = prof[i]
    total += v
    if (v > pocVolume) {
      poc = i
      pocVolume = v
    }
  }
  const valueArea = 0.7 * total
  let lo = poc
  let hi = poc
  let acc = pocVolume
  while (acc < valueArea && (lo > pLo || hi < pHi)) {
    const down = lo > pLo ? prof[lo - 1] : -1
    const up = hi < pHi ? prof[hi + 1] : -1
    if (up >= down) acc += prof[++hi]
    else acc += prof[--lo]
  }
  levels.poc = poc
  levels.lo = lo
  levels.hi = hi
  return levels
}

/**
 * `valueAreaByBin`'s result from the touched bins only (no volume is negative): the bins between them hold exactly 0,
 * which adds nothing to the sums and never beats the POC, and the walk takes a run of them whole (a 0 neighbour is
 * taken again and again while the other side does not change). Same sums in the same order, so the same levels.
 */
function valueAreaByTouchedBin(s: BattleNavaleState): typeof levels {
  const prof = s.profile
  const t = s.touched
  const k = s.touchedCount
  // The range's ends are touched bins: the centre and every bin that moved them.
  const pLo = t[0]
  const pHi = t[k - 1]
  let poc = pLo
  let pocAt = 0
  let pocVolume = prof[pLo]
  let total = 0
  for (let j = 0; j < k; j++) {
    const v = prof[t[j]]
    total += v
    if (v > pocVolume) {
      poc = t[j]
      pocAt = j
      pocVolume = v
    }
  }
  const valueArea = 0.7 * total
  let lo = poc
  let hi = poc
  let acc = pocVolume
  // Next touched bin above hi and below lo (indices into t).
  let up = pocAt + 1
  let down = pocAt - 1
  while (acc < valueArea && (lo > pLo || hi < pHi)) {
    const downV = lo > pLo ? (t[down] === lo - 1 ? prof[lo - 1] : 0) : -1
    const upV = hi < pHi ? (t[up] === hi + 1 ? prof[hi + 1] : 0) : -1
    if (upV >= downV) {
      if (t[up] === hi + 1) {
        acc += prof[++hi]
        up++
      } else hi = t[up] - 1 // the zero bins up to the next touched one, taken one by one, would add nothing
    } else if (t[down] === lo - 1) {
      acc += prof[--lo]
      down--
    } else lo = t[down] + 1
  }
  levels.poc = poc
  levels.lo = lo
  levels.hi = hi
  return levels
}

/** Builds the Battle Navale step. */
export function battleNavaleSet(
  p: BattleNavaleParams = { tickSize: NaN, sessionMs: 86_400_000, sessionOffsetMs: 0 },
): FeatureStep<BattleNavaleState> {
  const definition: FeatureSetDefinition = Object.freeze({
    name: 'battle-navale',
    version: 1,
    params: Object.freeze({
      tickSize: Number.isNaN(p.tickSize) ? '0.05% of price' : p.tickSize,
      sessionMs: p.sessionMs,
      sessionOffsetMs: p.sessionOffsetMs,
      atr: 14,
      atrPercentileWindow: 100,
      correlation: '20 bars of 1-bar log returns',
      dowTrend: 'slopes of 20-bar highs and lows',
    }),
    features: BATTLE_NAVALE_FEATURES,
  })
  return {
    definition,
    init: () => ({
      atr: atrInit(14),
      atrRank: rankInit(100),
      volMa: smaInit(20),
      vik: new Float64Array(5),
      def: new Float64Array(5),
      battlePos: 0,
      battleCount: 0,
      closes: new Float64Array(BASE_LOOKBACK),
      highs: new Float64Array(BASE_LOOKBACK),
      lows: new Float64Array(BASE_LOOKBACK),
      vols: new Float64Array(BASE_LOOKBACK),
      ringPos: 0,
      ringCount: 0,
      baseQuality: 0,
      greenBaseLow: NaN,
      redBaseHigh: NaN,
      trend: 0,
      vwap: vwapInit(p.sessionMs, p.sessionOffsetMs),
      profile: new Float64Array(PROFILE_BINS),
      profileSession: NaN,
      binWidth: NaN,
      binBase: 0,
      profileLo: PROFILE_CENTER,
      profileHi: PROFILE_CENTER,
      touched: new Int32Array(PROFILE_BINS + 1),
      touchedCount: 0,
      profileNegative: false,
      pair: pairInit(20),
      prevClose: NaN,
      prevPair: NaN,
      slopeHigh: slopeInit(20),
      slopeLow: slopeInit(20),
    }),
    step(s: BattleNavaleState, b: BarRow, x: MarketContext, out: Float64Array): void {
      const c = b.close
      const tick = p.tickSize === p.tickSize ? p.tickSize : 0.0005 * c
      const atr = atrUpdate(s.atr, b.high, b.low, c)
      const vbar = smaUpdate(s.volMa, b.volume)
      const i = s.ringPos
      const c5 = s.ringCount >= 5 ? s.closes[(i - 5 + BASE_LOOKBACK) % BASE_LOOKBACK] : NaN
      s.closes[i] = c
      s.highs[i] = b.high
      s.lows[i] = b.low
      s.vols[i] = b.volume
      s.ringPos = (i + 1) % BASE_LOOKBACK
      if (s.ringCount < BASE_LOOKBACK) s.ringCount++

      const vwap = vwapUpdate(s.vwap, b)
      out[0] = atr > 0 ? clip((c - vwap) / atr, -1, 1) : NaN
      const outcome = battleOutcome(s, b, vbar)
      const tc = baseAndTrend(s, b, tick, outcome)
      out[1] = 2 * (0.4 * outcome + 0.35 * tc + 0.25 * (0.5 + 0.5 * s.baseQuality)) - 1
      out[2] = levelProximity(s, b, tick, atr, p.sessionMs, p.sessionOffsetMs)
      out[3] = vbar > 0 ? (Math.sign(c - b.open) * Math.min(b.volume / vbar, 2)) / 2 : NaN
      // Log returns only with a paired instrument (two logs a bar otherwise spent on a NaN).
      let corr = NaN
      if (x.pairClose === x.pairClose) {
        const rc = Math.log(c / s.prevClose)
        const rp = Math.log(x.pairClose / s.prevPair)
        if (rc === rc && rp === rp) corr = correlationUpdate(s.pair, rc, rp)
      }
      s.prevClose = c
      s.prevPair = x.pairClose
      out[4] = corr
      out[5] = x.optionsFlowBias === x.optionsFlowBias ? x.optionsFlowBias : 0
      out[6] = x.gammaProximity === x.gammaProximity ? x.gammaProximity : 0
      const sh = slopeUpdate(s.slopeHigh, b.high)
      const sl = slopeUpdate(s.slopeLow, b.low)
      out[7] = sh === sh ? (sh > 0 && sl > 0 ? 1 : sh < 0 && sl < 0 ? -1 : 0) : NaN
      out[8] = atr === atr ? rankUpdate(s.atrRank, atr) : NaN
      const inSession = (((b.time - p.sessionOffsetMs) % p.sessionMs) + p.sessionMs) % p.sessionMs
      out[9] = inSession / p.sessionMs
      const spread = x.askPrice - x.bidPrice
      out[10] =
        spread === spread ? Math.min(spread / (4 * tick), 1) : atr > 0 ? Math.min((b.high - b.low) / atr, 1) : NaN
      out[11] = atr > 0 ? clip((c / c5 - 1) / ((2 * atr) / c), -1, 1) : NaN
      out[12] = missing(x.pairClose)
      out[13] = missing(x.optionsFlowBias)
      out[14] = missing(x.gammaProximity)
      out[15] = missing(spread)
    },
  }
}
