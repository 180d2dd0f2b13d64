import type { Timeframe } from '../domain'

// ── Backtests: runs of a strategy over stored bars, as listed and in full ─────────────────────────────────

/** `runBacktest`: a strategy over stored bars as a `backtest.run` job (ML on also runs ML off, for comparison). */
export interface RunBacktestRequest {
  readonly strategy: string
  /** The strategy's parameters (STRATEGY_CATALOG names); absent ones take their defaults. The run stores them all. */
  readonly strategyParams?: Readonly<Record<string, number | boolean>>
  readonly symbols: readonly string[]
  readonly venue?: string
  readonly timeframe: Timeframe
  readonly from?: number
  readonly to?: number
  readonly ml: boolean
  /** Taker fee (market and stop fills) and maker fee (target fills), bps of notional. */
  readonly takerFeeBps?: number
  readonly makerFeeBps?: number
  readonly slippageBps?: number
  readonly riskFraction?: number
  readonly threshold?: number
}

/** A stored backtest as listed; `metrics` is the run without ML, `mlMetrics` the ML-enhanced run (null with ML off). */
export interface BacktestSummary {
  readonly id: number
  readonly createdAt: number
  readonly strategy: string
  readonly symbols: readonly string[]
  readonly venue: string
  readonly timeframe: string
  readonly ml: boolean
  readonly from: number
  readonly to: number
  readonly metrics: Readonly<Record<string, unknown>>
  readonly mlMetrics: Readonly<Record<string, unknown>> | null
}

/** One closed trade of a stored run (`variant`: 'base' for the run without ML, 'ml' for the ML-enhanced run). */
export interface BacktestTrade {
  readonly variant: 'base' | 'ml'
  readonly symbol: string
  readonly side: 'long' | 'short'
  readonly qty: number
  readonly entryTime: number
  readonly entryPrice: number
  readonly exitTime: number
  readonly exitPrice: number
  readonly exitReason: string
  readonly pnl: number
  readonly r: number
  readonly fees: number
  readonly confidence: number
  readonly mlProbability: number | null
  readonly signalQuality: number
  readonly profitable: number
}

/** A stored run in full: config, ML summary (walk-forward windows, out-of-sample metrics, promotion checks), trades, equity. */
export interface BacktestDetail extends BacktestSummary {
  readonly config: Readonly<Record<string, unknown>>
  readonly mlSummary: Readonly<Record<string, unknown>> | null
  readonly trades: readonly BacktestTrade[]
  readonly equity: {
    readonly base: readonly { readonly time: number; readonly equity: number }[]
    readonly ml: readonly { readonly time: number; readonly equity: number }[]
  }
}
