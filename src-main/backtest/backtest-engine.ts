/**
 * The event-driven backtest: a `HistoricalBarFeed` replays stored bars through the same `StrategyRunner` used live,
 * with a `ManualClock` set to each bar's close and a `SimulatedBroker`. Signals at a bar's close fill at the next
 * open. Deterministic: same bars + config ⇒ same trades and equity.
 */
import { ManualClock, TIMEFRAME_MS, type SignalRecord, type Timeframe } from '../../src-shared'
import { StrategyRunner, type SignalCounts, type SignalQualityScorer, type Strategy } from '../strategies'
import { backtestMetrics, type BacktestMetrics } from './backtest-metrics'
import { HistoricalBarFeed, type BarSeries } from './historical-bar-feed'
import { SimulatedBroker, type ClosedTrade, type SlippageModel } from './simulated-broker'

/** Costs, sizing and ML settings of one run. */
export interface EngineConfig {
  readonly initialEquity: number
  readonly makerFeeBps: number
  readonly takerFeeBps: number
  readonly slippage: SlippageModel
  readonly riskFraction: number
  readonly maxLeverage: number
  readonly threshold: number
}

export const ENGINE_DEFAULTS: EngineConfig = {
  initialEquity: 10_000,
  makerFeeBps: 2,
  takerFeeBps: 5,
  slippage: { kind: 'bps', bps: 2 },
  riskFraction: 0.01,
  maxLeverage: 2,
  threshold: 0.6,
}

/** What one engine pass produces. */
export interface EngineResult {
  readonly metrics: BacktestMetrics
  readonly trades: readonly ClosedTrade[]
  /** Bar open time and equity after each distinct bar time. */
  readonly time: Float64Array
  readonly equity: Float64Array
  readonly signals: SignalCounts
}

/** Raised when the run was cancelled through its signal. */
export class BacktestCancelled extends Error {
  constructor() {
    super('backtest cancelled')
    this.name = 'BacktestCancelled'
  }
}

/** Options of one engine pass: `scorer` turns ML enhancement on; `onSignal` receives every signal record. */
export interface EngineOptions {
  readonly scorer?: SignalQualityScorer
  readonly onProgress?: (fraction: number) => void
  readonly signal?: AbortSignal
  readonly onSignal?: (record: SignalRecord) => void
  /** Venue written into signal records. */
  readonly venue?: string
}

/** Runs `strategy` over `series`. */
export async function runEngine(
  series: readonly BarSeries[],
  strategy: Strategy,
  config: EngineConfig,
  opts: EngineOptions = {},
): Promise<EngineResult> {
  if (strategy.unavailableReason) throw new Error(strategy.unavailableReason)
  if (series.length === 0) throw new Error('no bar series to backtest')
  const timeframe: Timeframe = series[0].timeframe
  if (series.some((s) => s.timeframe !== timeframe))
    throw new Error('all series of a backtest must share one timeframe')
  const barMs = TIMEFRAME_MS[timeframe]
  const clock = new ManualClock(0)
  const broker = new SimulatedBroker(config.initialEquity, {
    makerFeeBps: config.makerFeeBps,
    takerFeeBps: config.takerFeeBps,
    slippage: config.slippage,
  })
  const runner = new StrategyRunner(strategy, broker, clock, {
    riskFraction: config.riskFraction,
    maxLeverage: config.maxLeverage,
    threshold: config.threshold,
    scorer: opts.scorer,
    ...(opts.venue !== undefined ? { venue: opts.venue } : {}),
    ...(opts.onSignal ? { onSignal: opts.onSignal } : {}),
  })
  const feed = new HistoricalBarFeed(series)
  const total = feed.length
  let time = new Float64Array(Math.max(1, series.length === 1 ? total : 1024))
  let equity = new Float64Array(time.length)
  let inPos = new Uint8Array(time.length)
  let n = 0
  const every = Math.max(1, Math.floor(total / 100))
  const sub = feed.subscribe((bar) => {
    clock.set(bar.time + barMs)
    return runner.onBar(bar)
  })
  try {
    await feed.run((i, bar) => {
      if (n > 0 && time[n - 1] === bar.time) n--
      else if (n === time.length) {
        const grow = <T extends Float64Array | Uint8Array>(a: T): T => {
          const b = new (a.constructor as new (k: number) => T)(a.length * 2)
          b.set(a)
          return b
        }
        time = grow(time)
        equity = grow(equity)
        inPos = grow(inPos)
      }
      time[n] = bar.time
      equity[n] = broker.equity()
      inPos[n] = broker.openPositions > 0 ? 1 : 0
      n++
      if (i % every === 0) {
        if (opts.signal?.aborted) throw new BacktestCancelled()
        opts.onProgress?.(i / total)
      }
    })
  } finally {
    sub.dispose()
  }
  if (n > 0) {
    broker.closeAll(time[n - 1])
    equity[n - 1] = broker.equity()
    inPos[n - 1] = 0
  }
  const eq = equity.slice(0, n)
  opts.onProgress?.(1)
  return {
    metrics: backtestMetrics(eq, inPos.subarray(0, n), broker.trades, config.initialEquity, barMs),
    trades: broker.trades,
    time: time.slice(0, n),
    equity: eq,
    signals: { ...runner.counts },
  }
}
