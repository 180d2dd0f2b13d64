/**
 * The "microstructure" feature set (DOMAIN.md §5): dynamic ATR, order-flow and book imbalance, slippage estimate,
 * trade aggressiveness, the HMM inputs (1-bar log return, log volume) and option-derived IV skew/term structure.
 * Missing sources give NaN plus a missing flag.
 */
import * as averagesModule from './averages'
import type { SmaState } from './averages'
import * as featureSetModule from './feature-set'
import type { FeatureSetDefinition, FeatureStep, MarketContext } from './feature-set'
import type { BarRow } from './kernel'
import * as volatilityModule from './volatility'
import type { TrState } from './volatility'

// Bound once at load: tsx/vitest compile named imports into getter calls, which cost ~10 ns in hot loops.
const { smaInit, smaUpdate } = averagesModule
const { missing } = featureSetModule
const { trueRange } = volatilityModule

/** Feature names in vector order. */
export const MICROSTRUCTURE_FEATURES: readonly string[] = Object.freeze([
  'atr_dynamic',
  'orderflow_imbalance',
  'depth_imbalance',
  'spread_pct',
  'slippage_estimate',
  'trade_aggressiveness',
  'log_return',
  'log_volume',
  'iv_skew',
  'iv_term_structure',
  'taker_missing',
  'book_missing',
  'options_missing',
])

/** Parameters: order size for the slippage estimate as a share of the 20-bar mean volume. */
export interface MicrostructureParams {
  readonly orderSizeShareOfVolume: number
}

/** Microstructure state. */
export interface MicrostructureState {
  tr: TrState
  atr: SmaState
  vol: SmaState
  prevClose: number
}

/** Builds the microstructure step. */
export function microstructureSet(
  p: MicrostructureParams = { orderSizeShareOfVolume: 0.01 },
): FeatureStep<MicrostructureState> {
  const definition: FeatureSetDefinition = Object.freeze({
    name: 'microstructure',
    version: 1,
    params: Object.freeze({
      ...p,
      atrDynamic: 'mean TR 5',
      slippage: 'half spread + size/depth·spread, relative to mid',
    }),
    features: MICROSTRUCTURE_FEATURES,
  })
  return {
    definition,
    init: () => ({ tr: { prevClose: NaN }, atr: smaInit(5), vol: smaInit(20), prevClose: NaN }),
    step(s: MicrostructureState, b: BarRow, x: MarketContext, out: Float64Array): void {
      out[0] = smaUpdate(s.atr, trueRange(s.tr, b.high, b.low, b.close))
      const v = b.volume
      const tb = b.takerBuyVolume
      out[1] = v > 0 ? (2 * tb - v) / v : NaN
      const depth = x.bidDepth + x.askDepth
      out[2] = depth > 0 ? (x.bidDepth - x.askDepth) / depth : NaN
      const mid = (x.askPrice + x.bidPrice) / 2
      const spread = x.askPrice - x.bidPrice
      out[3] = spread / mid
      const size = p.orderSizeShareOfVolume * smaUpdate(s.vol, v)
      out[4] = depth > 0 ? (spread / 2 + (size / depth) * spread) / mid : NaN
      // Share of the bar's volume taken by its dominant aggressor side (0.5 balanced … 1 one-sided).
      out[5] = v > 0 ? Math.max(tb, v - tb) / v : NaN
      out[6] = Math.log(b.close / s.prevClose)
      s.prevClose = b.close
      out[7] = Math.log1p(v)
      out[8] = x.ivSkew
      out[9] = x.ivTermStructure
      out[10] = missing(tb)
      out[11] = missing(depth)
      out[12] = x.ivSkew === x.ivSkew || x.ivTermStructure === x.ivTermStructure ? 0 : 1
    },
  }
}
