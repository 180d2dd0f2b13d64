/** Live trading: strategies running on the core's closed bars with paper brokers (see README.md). */
export {
  DEFAULT_WARMUP_BARS,
  LiveStrategyNode,
  strategyNodeKey,
  type NodeMl,
  type StrategyNodeDeps,
} from './strategy-node'
export {
  LIVE_STRATEGIES_SETTING,
  normaliseSpec,
  StrategyService,
  StrategySpecError,
  type StrategyServiceDeps,
} from './strategy-service'
