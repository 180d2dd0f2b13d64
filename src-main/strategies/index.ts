/** Strategies as plug-ins (see README.md): one contract for live and backtest, the shipped strategies, ML enhancement. */
export type {
  BarFeed,
  Broker,
  FeedBar,
  OrderRequest,
  PositionView,
  Side,
  Strategy,
  StrategyContext,
  StrategyDecision,
  StrategySignal,
  Subscription,
  TradeTag,
} from './strategy'
export { NO_DECISIONS } from './strategy'
export { StrategyRunner, type RunnerOptions, type SignalCounts } from './strategy-runner'
export { enhancedConfidence, sizeTier, type SignalQualityScorer } from './ml-enhancement'
export {
  BattleNavaleStrategy,
  BATTLE_NAVALE_DEFAULTS,
  SIGNAL_FEATURE_COUNT,
  navalePattern,
  type BattleNavaleStrategyParams,
  type NavalePattern,
} from './battle-navale-strategy'
export { MaCrossoverStrategy, MA_CROSSOVER_DEFAULTS, type MaCrossoverParams } from './ma-crossover-strategy'
export {
  RegimeFollowingStrategy,
  InjectedRegimeProvider,
  REGIME_FOLLOWING_DEFAULTS,
  type RegimeForecastProvider,
  type RegimeFollowingParams,
  type RegimeProbabilities,
} from './regime-following-strategy'
export { SignalFeatureTracker } from './signal-features'
export {
  flooredWeights,
  SwitcherStrategy,
  SWITCHER_DEFAULTS,
  SWITCHER_WEIGHT_FLOOR,
  type SwitcherParams,
  type SwitcherRegime,
  type SwitcherWeights,
} from './switcher-strategy'
export { STRATEGY_NAMES, createStrategy, isStrategyName, type StrategyName } from './strategy-catalog'
