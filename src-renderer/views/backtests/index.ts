export { BacktestsView } from './backtests-view'
export { useBacktests, useBacktestsStore } from './use-backtests'
