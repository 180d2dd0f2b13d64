/**
 * Feature engine: indicator kernels (streaming + batch from one update rule), indicator spec strings, and the
 * DOMAIN.md feature sets with spec hashes. The only entry point of src-main/features.
 */
export type { BarKernel, BarRow, Kernel } from './kernel'
export { batch, emptyBarRow, onClose, snapshot } from './kernel'
export * from './averages'
export * from './oscillators'
export * from './rolling'
export * from './volatility'
export * from './trend'
export * from './volume'
export {
  barsToColumns,
  computeIndicators,
  IndicatorEngine,
  IndicatorSpecError,
  INDICATOR_NAMES,
  loadRow,
  parseIndicatorSpec,
  splitSpecList,
  type IndicatorSpec,
  type IndicatorTable,
} from './indicator-spec'
export { CONVERGENCE, convergenceBars, warmupBars } from './indicator-warmup'
export {
  canonicalJson,
  computeFeatureMatrix,
  emptyContext,
  featureColumn,
  FeatureStream,
  specHash,
  type ContextColumns,
  type FeatureMatrix,
  type FeatureSetDefinition,
  type FeatureStep,
  type MarketContext,
} from './feature-set'
export {
  contextColumns,
  contextLookbackMs,
  meanFundingColumn,
  type ContextEvents,
  type ContextResult,
  type ContextRules,
} from './market-context'
export { REGIME_DEFINITION, REGIME_FEATURES, regimeSet } from './regime'
export { LIQUIDATION_FEATURES, liquidationSet, type LiquidationParams } from './liquidation'
export { MICROSTRUCTURE_FEATURES, microstructureSet, type MicrostructureParams } from './microstructure'
export { BATTLE_NAVALE_FEATURES, battleNavaleSet, type BattleNavaleParams } from './battle-navale'
export { ALERTS_FEATURES, AlertsFeatures, alignBasket, type AlertsContext, type AlertsParams } from './alerts'
export {
  computeFeatures,
  featureStep,
  featureStream,
  FEATURE_SET_NAMES,
  isFeatureSetName,
  type FeatureResult,
  type FeatureSetName,
} from './feature-sets'
