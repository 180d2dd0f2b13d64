/** Shared contract and domain types: no node modules, no DOM, no electron. */
export * from './domain'
export * from './bar-aggregation'
export * from './time-zones'
export * from './ids'
export * from './api'
export * from './clock'
export * from './backtest-text'
export * from './strategy-catalog'
