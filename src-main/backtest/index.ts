/** Event-driven backtests (see README.md): engine, simulated broker, metrics, walk-forward ML, stored runs. */
export {
  runEngine,
  ENGINE_DEFAULTS,
  BacktestCancelled,
  type EngineConfig,
  type EngineOptions,
  type EngineResult,
} from './backtest-engine'
export { HistoricalBarFeed, type BarSeries } from './historical-bar-feed'
export {
  SimulatedBroker,
  type BrokerCosts,
  type ClosedTrade,
  type ExitReason,
  type SlippageModel,
} from './simulated-broker'
export { backtestMetrics, drawdownCurve, type BacktestMetrics } from './backtest-metrics'
export {
  fitSignalModel,
  promotionVerdict,
  ScheduledSignalScorer,
  SIGNAL_QUALITY_FEATURES,
  tradeRows,
  walkForwardSignalQuality,
  WALK_FORWARD_ML_DEFAULTS,
  type FittedSignalModel,
  type MlWindow,
  type PromotionCheck,
  type PromotionVerdict,
  type SignalLabel,
  type WalkForwardMl,
  type WalkForwardMlOptions,
} from './signal-quality'
export { loadSeries, runBacktest, type BacktestReport, type BacktestRequest, type MlSummary } from './run-backtest'
export {
  downsampleEquity,
  resolveVenue,
  runStoredBacktest,
  storeBacktest,
  STORED_EQUITY_POINTS,
} from './stored-backtest'
export { EnsembleRegimeProvider, STRATEGY_REGIME_HORIZON } from './regime-provider'
export { HmmRegimeProvider, isHmmCard } from './hmm-regime-provider'
export {
  NotEnoughTrades,
  signalQualityModelName,
  signalQualityTrainJob,
  trainSignalQuality,
  type SignalQualityTrainRequest,
  type SignalQualityTrainResult,
} from './signal-quality-training'
export { equalBlocks, mlImpact, ML_HELPED_CONFIDENCE, type MlImpact } from './ml-impact'
export { backtestJob, type BacktestJobResult } from './backtest-job'
