import type { BacktestDetail, BacktestSummary, BacktestTrade } from '../../src-shared'
import type { Db } from './database'

/** One equity point. */
export interface BacktestEquityPoint {
  readonly time: number
  readonly equity: number
}

/** What `insert` takes: a run as `get` returns it (the API's `BacktestDetail`), without its id. */
export interface NewBacktestRun extends Omit<BacktestDetail, 'id'> {}

interface RunRow {
  id: number
  created_at: number
  strategy: string
  symbols: string
  venue: string
  timeframe: string
  ml: number
  from_time: number
  to_time: number
  metrics: string
  ml_metrics: string | null
  config?: string
  ml_summary?: string | null
}

// JSON has no NaN/Infinity: store them as strings and read them back.
const encode = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x))
const decode = (s: string): Record<string, unknown> =>
  JSON.parse(s, (_k, x) =>
    x === 'NaN' ? NaN : x === 'Infinity' ? Infinity : x === '-Infinity' ? -Infinity : x,
  ) as Record<string, unknown>

function summary(r: RunRow): BacktestSummary {
  return {
    id: r.id,
    createdAt: r.created_at,
    strategy: r.strategy,
    symbols: JSON.parse(r.symbols) as string[],
    venue: r.venue,
    timeframe: r.timeframe,
    ml: r.ml === 1,
    from: r.from_time,
    to: r.to_time,
    metrics: decode(r.metrics),
    mlMetrics: r.ml_metrics === null ? null : decode(r.ml_metrics),
  }
}

/** A `backtest_trades` row as read. */
interface TradeRow {
  variant: 'base' | 'ml'
  symbol: string
  side: 'long' | 'short'
  qty: number
  entry_time: number
  entry_price: number
  exit_time: number
  exit_price: number
  exit_reason: string
  pnl: number
  r: number | null
  fees: number
  confidence: number
  ml_probability: number | null
  signal_quality: number
  profitable: number
}

// A non-finite `r` is stored as NULL and read back as NaN; `mlProbability` NaN is stored as NULL and read back as null.
function trade(x: TradeRow): BacktestTrade {
  return {
    variant: x.variant,
    symbol: x.symbol,
    side: x.side,
    qty: x.qty,
    entryTime: x.entry_time,
    entryPrice: x.entry_price,
    exitTime: x.exit_time,
    exitPrice: x.exit_price,
    exitReason: x.exit_reason,
    pnl: x.pnl,
    r: x.r ?? NaN,
    fees: x.fees,
    confidence: x.confidence,
    mlProbability: x.ml_probability,
    signalQuality: x.signal_quality,
    profitable: x.profitable,
  }
}

/**
 * Stored backtest runs (config, metrics, trades, equity), newest first; one transaction per run. Reads them as the
 * API's `BacktestSummary` / `BacktestDetail` (JSON objects as stored), which `getBacktest` returns unchanged.
 */
export class SqliteBacktestStore {
  constructor(private readonly db: Db) {}

  /** Stores a run with its trades and equity curves; returns its id. */
  insert(run: NewBacktestRun): number {
    return this.db.transaction(() => {
      const id = Number(
        this.db
          .prepare(
            `INSERT INTO backtests (created_at, strategy, symbols, venue, timeframe, ml, from_time, to_time, config, metrics, ml_metrics, ml_summary)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            run.createdAt,
            run.strategy,
            JSON.stringify(run.symbols),
            run.venue,
            run.timeframe,
            run.ml ? 1 : 0,
            run.from,
            run.to,
            encode(run.config),
            encode(run.metrics),
            run.mlMetrics ? encode(run.mlMetrics) : null,
            run.mlSummary ? encode(run.mlSummary) : null,
          ).lastInsertRowid,
      )
      const t = this.db.prepare(
        `INSERT INTO backtest_trades (backtest_id, variant, seq, symbol, side, qty, entry_time, entry_price, exit_time, exit_price, exit_reason, pnl, r, fees, confidence, ml_probability, signal_quality, profitable)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      run.trades.forEach((x, i) =>
        t.run(
          id,
          x.variant,
          i,
          x.symbol,
          x.side,
          x.qty,
          x.entryTime,
          x.entryPrice,
          x.exitTime,
          x.exitPrice,
          x.exitReason,
          x.pnl,
          Number.isFinite(x.r) ? x.r : null,
          x.fees,
          x.confidence,
          x.mlProbability !== null && Number.isFinite(x.mlProbability) ? x.mlProbability : null,
          x.signalQuality,
          x.profitable,
        ),
      )
      const e = this.db.prepare(
        `INSERT INTO backtest_equity (backtest_id, variant, seq, time, equity) VALUES (?, ?, ?, ?, ?)`,
      )
      run.equity.base.forEach((p, i) => e.run(id, 'base', i, p.time, p.equity))
      run.equity.ml.forEach((p, i) => e.run(id, 'ml', i, p.time, p.equity))
      return id
    })()
  }

  /** Runs, newest first. */
  list(limit = 200): BacktestSummary[] {
    return (
      this.db
        .prepare(
          `SELECT id, created_at, strategy, symbols, venue, timeframe, ml, from_time, to_time, metrics, ml_metrics FROM backtests ORDER BY id DESC LIMIT ?`,
        )
        .all(limit) as RunRow[]
    ).map(summary)
  }

  /** One run with trades and equity, or undefined. */
  get(id: number): BacktestDetail | undefined {
    const r = this.db.prepare(`SELECT * FROM backtests WHERE id = ?`).get(id) as RunRow | undefined
    if (!r) return undefined
    const trades = (
      this.db.prepare(`SELECT * FROM backtest_trades WHERE backtest_id = ? ORDER BY variant, seq`).all(id) as TradeRow[]
    ).map(trade)
    const eq = this.db.prepare(
      `SELECT time, equity FROM backtest_equity WHERE backtest_id = ? AND variant = ? ORDER BY seq`,
    )
    return {
      ...summary(r),
      config: decode(r.config ?? '{}'),
      mlSummary: r.ml_summary ? decode(r.ml_summary) : null,
      trades,
      equity: { base: eq.all(id, 'base') as BacktestEquityPoint[], ml: eq.all(id, 'ml') as BacktestEquityPoint[] },
    }
  }

  /** Deletes a run and its rows; false when it did not exist. */
  delete(id: number): boolean {
    return this.db.transaction(() => {
      this.db.prepare(`DELETE FROM backtest_trades WHERE backtest_id = ?`).run(id)
      this.db.prepare(`DELETE FROM backtest_equity WHERE backtest_id = ?`).run(id)
      return this.db.prepare(`DELETE FROM backtests WHERE id = ?`).run(id).changes > 0
    })()
  }
}
