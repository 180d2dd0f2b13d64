/**
 * Backtests over the database: resolve the series, run (`runBacktest`), store the run (config, metrics, trades,
 * equity downsampled for charts). Used by the CLI, the `backtest.run` job and the bench.
 */
import { HINT_WORDS, venuesStoring, type BacktestTrade, type Clock, type Timeframe } from '../../src-shared'
import { SqliteBacktestStore, SqliteBarStore, type BacktestEquityPoint, type Db } from '../store'
import type { RegimeForecastProvider } from '../strategies'
import type { EngineResult } from './backtest-engine'
import { loadSeries, runBacktest, type BacktestReport, type BacktestRequest } from './run-backtest'

/** At most this many equity points are stored per curve (charts need no more). */
export const STORED_EQUITY_POINTS = 2000

/** Equity at ≤ `max` evenly spaced bars, always including the first and the last. */
export function downsampleEquity(
  time: Float64Array,
  equity: Float64Array,
  max = STORED_EQUITY_POINTS,
): BacktestEquityPoint[] {
  const n = equity.length
  if (n <= max) return Array.from(equity, (e, i) => ({ time: time[i], equity: e }))
  const out: BacktestEquityPoint[] = []
  for (let k = 0; k < max; k++) {
    const i = Math.round((k * (n - 1)) / (max - 1))
    out.push({ time: time[i], equity: equity[i] })
  }
  return out
}

function tradeRows(r: EngineResult, variant: 'base' | 'ml'): BacktestTrade[] {
  return r.trades.map((t) => ({
    variant,
    symbol: t.symbol,
    side: t.side,
    qty: t.qty,
    entryTime: t.entryTime,
    entryPrice: t.entryPrice,
    exitTime: t.exitTime,
    exitPrice: t.exitPrice,
    exitReason: t.exitReason,
    pnl: t.pnl,
    r: t.r,
    fees: t.fees,
    confidence: t.tag.confidence,
    mlProbability: t.tag.mlProbability === t.tag.mlProbability ? t.tag.mlProbability : null,
    signalQuality: t.signalQuality,
    profitable: t.profitable,
  }))
}

/** The venue of `symbol`/`timeframe` when only one stores it; throws naming the choices otherwise. */
export function resolveVenue(bars: SqliteBarStore, symbol: string, timeframe: Timeframe, venue?: string): string {
  if (venue) return venue
  const venues = venuesStoring(bars.listSeries(), symbol, timeframe)
  if (venues.length === 0) throw new Error(`no stored bars for ${symbol} ${timeframe} (import some first)`)
  if (venues.length > 1)
    throw new Error(`${symbol} ${timeframe} is stored for several venues (${venues.join(', ')}); ${HINT_WORDS.venue}`)
  return venues[0]
}

/** Stores a finished report; returns the run id. */
export function storeBacktest(db: Db, clock: Clock, report: BacktestReport): number {
  const q = report.request
  const b = report.base
  return new SqliteBacktestStore(db).insert({
    createdAt: clock.now(),
    strategy: q.strategy,
    symbols: [...q.symbols],
    venue: q.venue,
    timeframe: q.timeframe,
    ml: q.ml,
    from: b.time.length ? b.time[0] : (q.from ?? 0),
    to: b.time.length ? b.time[b.time.length - 1] : (q.to ?? 0),
    config: { ...q, engine: report.engine },
    metrics: { ...b.metrics, signals: b.signals },
    mlMetrics: report.enhanced ? { ...report.enhanced.metrics, signals: report.enhanced.signals } : null,
    mlSummary: report.ml ? { ...report.ml } : null,
    trades: [...tradeRows(b, 'base'), ...(report.enhanced ? tradeRows(report.enhanced, 'ml') : [])],
    equity: {
      base: downsampleEquity(b.time, b.equity),
      ml: report.enhanced ? downsampleEquity(report.enhanced.time, report.enhanced.equity) : [],
    },
  })
}

/** Loads the bars, runs the backtest and stores it. */
export async function runStoredBacktest(
  db: Db,
  clock: Clock,
  request: Omit<BacktestRequest, 'venue'> & { venue?: string },
  opts: {
    regime?: RegimeForecastProvider | null
    onProgress?: (fraction: number, message: string) => void
    signal?: AbortSignal
  } = {},
): Promise<{ id: number; report: BacktestReport }> {
  const bars = new SqliteBarStore(db)
  const venue = resolveVenue(bars, request.symbols[0], request.timeframe, request.venue)
  const full: BacktestRequest = { ...request, venue }
  const series = loadSeries(bars, full)
  const report = await runBacktest(series, full, opts)
  return { id: storeBacktest(db, clock, report), report }
}
