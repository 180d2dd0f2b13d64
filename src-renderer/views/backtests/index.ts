export { BacktestsView } from './backtests-view'
export { BacktestsStoreContext, useBacktests, useBacktestsStore, useWiredBacktestsStore } from './use-backtests'
