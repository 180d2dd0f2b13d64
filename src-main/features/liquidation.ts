/**
 * The "liquidation" feature set (DOMAIN.md §3). Inputs that a source lacks (taker volume, book depth, quotes,
 * funding, mark price, liquidations) give NaN plus a missing flag — never a made-up number.
 */
import * as averagesModule from './averages'
import type { SmaState } from './averages'
import * as featureSetModule from './feature-set'
import type { FeatureSetDefinition, FeatureStep, MarketContext } from './feature-set'
import type { BarRow } from './kernel'
import * as rollingModule from './rolling'
import type { ExtremumState, VarState } from './rolling'

// Bound once at load: tsx/vitest compile named imports into getter calls, which cost ~10 ns in hot loops.
const { smaInit, smaUpdate } = averagesModule
const { clip, missing } = featureSetModule
const { extremumInit, maxUpdate, minUpdate, varInit, varPush, varSample } = rollingModule

/** Parameters (bars, not minutes: the caller picks them from the timeframe). */
export interface LiquidationParams {
  /** Bars in 24 h (24 on 1h bars, 1440 on 1m). */
  readonly barsPerDay: number
  /** Window for volume ratio, breakout, realised vol, trade shares and recent liquidations. */
  readonly window: number
  /** Bars between funding observations compared by funding_change (8 h). */
  readonly fundingLagBars: number
}

/** Feature names in vector order. */
export const LIQUIDATION_FEATURES: readonly string[] = Object.freeze([
  'taker_imbalance',
  'depth_imbalance',
  'depth_pressure',
  'spread',
  'spread_pct',
  'volume_ratio',
  'breakout',
  'buy_share',
  'sell_share',
  'realized_vol',
  'change_24h',
  'funding_rate',
  'funding_change',
  'basis',
  'liquidation_notional',
  'imbalance_x_vol',
  'volume_ratio_x_imbalance',
  'taker_missing',
  'book_missing',
  'quotes_missing',
  'funding_missing',
  'mark_missing',
  'liquidations_missing',
])

interface Lag {
  ring: Float64Array
  pos: number
  count: number
}

function lagInit(n: number): Lag {
  return { ring: new Float64Array(n + 1).fill(NaN), pos: 0, count: 0 }
}

function lagPush(l: Lag, x: number): number {
  const m = l.ring.length
  l.ring[l.pos] = x
  l.pos = (l.pos + 1) % m
  if (l.count < m) l.count++
  return l.count === m ? l.ring[l.pos] : NaN
}

/** Liquidation set state. */
export interface LiquidationState {
  volMa: SmaState
  prevHigh: ExtremumState
  prevLow: ExtremumState
  lastHigh: number
  lastLow: number
  buySum: SmaState
  volSum: SmaState
  ret: VarState
  prevClose: number
  dayLag: Lag
  fundLag: Lag
  liqSum: SmaState
}

/** Builds the liquidation step for the given windows. */
export function liquidationSet(
  p: LiquidationParams = { barsPerDay: 24, window: 20, fundingLagBars: 8 },
): FeatureStep<LiquidationState> {
  const definition: FeatureSetDefinition = Object.freeze({
    name: 'liquidation',
    version: 1,
    params: Object.freeze({ ...p, depthBand: '1% of mid', realizedVol: 'sample std of log returns' }),
    features: LIQUIDATION_FEATURES,
  })
  const w = p.window
  return {
    definition,
    init: () => ({
      volMa: smaInit(w),
      prevHigh: extremumInit(w),
      prevLow: extremumInit(w),
      lastHigh: NaN,
      lastLow: NaN,
      buySum: smaInit(w),
      volSum: smaInit(w),
      ret: varInit(w),
      prevClose: NaN,
      dayLag: lagInit(p.barsPerDay),
      fundLag: lagInit(p.fundingLagBars),
      liqSum: smaInit(w),
    }),
    step(s: LiquidationState, b: BarRow, x: MarketContext, out: Float64Array): void {
      const v = b.volume
      const tb = b.takerBuyVolume
      const imb = v > 0 ? (2 * tb - v) / v : NaN
      out[0] = imb
      const depthSum = x.bidDepth + x.askDepth
      out[1] = depthSum > 0 ? (x.bidDepth - x.askDepth) / depthSum : NaN
      const vma = smaUpdate(s.volMa, v)
      // Book imbalance in units of a typical bar's traded volume: how hard the resting book leans.
      out[2] = vma > 0 ? (x.bidDepth - x.askDepth) / vma : NaN
      const spread = x.askPrice - x.bidPrice
      out[3] = spread
      out[4] = spread / ((x.askPrice + x.bidPrice) / 2)
      const vr = vma > 0 ? v / vma : vma === vma ? 0 : NaN
      out[5] = vr
      // Breakout against the previous window's extremes (this bar excluded: no look-ahead, no self-reference).
      out[6] = s.lastHigh === s.lastHigh ? (b.close > s.lastHigh ? 1 : b.close < s.lastLow ? -1 : 0) : NaN
      s.lastHigh = maxUpdate(s.prevHigh, b.high)
      s.lastLow = minUpdate(s.prevLow, b.low)
      const buy = tb === tb ? smaUpdate(s.buySum, tb) : NaN
      const tot = tb === tb ? smaUpdate(s.volSum, v) : NaN
      out[7] = tot > 0 ? buy / tot : NaN
      out[8] = tot > 0 ? 1 - buy / tot : NaN
      const lr = Math.log(b.close / s.prevClose)
      s.prevClose = b.close
      out[9] = lr === lr && varPush(s.ret, lr) ? Math.sqrt(varSample(s.ret)) : NaN
      out[10] = Math.log(b.close / lagPush(s.dayLag, b.close))
      out[11] = x.fundingRate
      out[12] = x.fundingRate - lagPush(s.fundLag, x.fundingRate)
      out[13] = (x.markPrice - b.close) / b.close
      out[14] = x.liquidationNotional === x.liquidationNotional ? smaUpdate(s.liqSum, x.liquidationNotional) * w : NaN
      out[15] = imb * out[9]
      out[16] = clip(vr, 0, 1e9) * imb
      out[17] = missing(tb)
      out[18] = missing(depthSum)
      out[19] = missing(spread)
      out[20] = missing(x.fundingRate)
      out[21] = missing(x.markPrice)
      out[22] = missing(x.liquidationNotional)
    },
  }
}
