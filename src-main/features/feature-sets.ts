/**
 * The catalogue of single-instrument feature sets and the call a feature cache needs:
 * (symbol, timeframe, bars) → (specHash, names, rows). The alerts set is multi-asset (alerts.ts).
 */
import { TIMEFRAME_MS, type BarColumns, type Timeframe } from '../../src-shared/domain'
import { battleNavaleSet } from './battle-navale'
import {
  computeFeatureMatrix,
  FeatureStream,
  type ContextColumns,
  type FeatureMatrix,
  type FeatureStep,
} from './feature-set'
import { liquidationSet } from './liquidation'
import { microstructureSet } from './microstructure'
import { regimeSet } from './regime'

/** Names of the single-instrument sets. */
export const FEATURE_SET_NAMES = ['regime', 'liquidation', 'microstructure', 'battle-navale'] as const
export type FeatureSetName = (typeof FEATURE_SET_NAMES)[number]

/** True when `s` names a single-instrument feature set. */
export function isFeatureSetName(s: string): s is FeatureSetName {
  return (FEATURE_SET_NAMES as readonly string[]).includes(s)
}

/** The step of a set, with windows in bars derived from the timeframe where the set needs them. */
export function featureStep(name: FeatureSetName, timeframe: Timeframe = '1h'): FeatureStep<unknown> {
  const barsPerDay = Math.max(1, Math.round(TIMEFRAME_MS['1d'] / TIMEFRAME_MS[timeframe]))
  const fundingLagBars = Math.max(1, Math.round((8 * 3_600_000) / TIMEFRAME_MS[timeframe]))
  const step =
    name === 'regime'
      ? regimeSet
      : name === 'liquidation'
        ? liquidationSet({ barsPerDay, window: 20, fundingLagBars })
        : name === 'microstructure'
          ? microstructureSet()
          : battleNavaleSet()
  return step as FeatureStep<unknown>
}

/** A streaming computer for a set on one instrument. */
export function featureStream(name: FeatureSetName, timeframe: Timeframe = '1h'): FeatureStream<unknown> {
  return new FeatureStream(featureStep(name, timeframe))
}

/** What a feature cache stores for one (symbol, timeframe, set): rows keyed by bar open time. */
export interface FeatureResult extends FeatureMatrix {
  readonly symbol: string
  readonly timeframe: Timeframe
  readonly set: FeatureSetName
}

/** Computes a set over a symbol's bars (batch path). */
export function computeFeatures(req: {
  symbol: string
  timeframe: Timeframe
  set: FeatureSetName
  bars: BarColumns
  context?: ContextColumns
}): FeatureResult {
  const m = computeFeatureMatrix(featureStep(req.set, req.timeframe), req.bars, req.context)
  return { ...m, symbol: req.symbol, timeframe: req.timeframe, set: req.set }
}
