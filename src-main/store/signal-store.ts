import type { SignalRecord, SignalsQuery, Timeframe } from '../../src-shared'
import type { Db } from './database'

/** A stored signal: the record plus its row id. */
export interface StoredSignal extends SignalRecord {
  readonly id: number
}

interface Raw {
  id: number
  time: number
  symbol: string
  venue: string
  timeframe: string
  strategy: string
  side: 'long' | 'short'
  score: number | null
  base_confidence: number
  ml_probability: number | null
  enhanced_confidence: number
  tier: number
  outcome: 'taken' | 'skipped'
  reason: string
  ml: number
  model_version: string | null
}

/** NaN is stored as NULL (SQLite has no NaN) and read back as NaN. */
const nanToNull = (v: number): number | null => (v === v ? v : null)
const nullToNan = (v: number | null): number => (v === null ? NaN : v)

function toSignal(r: Raw): StoredSignal {
  return {
    id: r.id,
    time: r.time,
    symbol: r.symbol,
    venue: r.venue,
    timeframe: r.timeframe as Timeframe,
    strategy: r.strategy,
    side: r.side,
    score: nullToNan(r.score),
    baseConfidence: r.base_confidence,
    mlProbability: nullToNan(r.ml_probability),
    enhancedConfidence: r.enhanced_confidence,
    tier: r.tier,
    outcome: r.outcome,
    reason: r.reason,
    ml: r.ml === 1,
    modelVersion: r.model_version,
  }
}

/** Strategy signals (migration 11): appended by the live strategy node, read by the API and the chart. */
export class SqliteSignalStore {
  private readonly insertStmt

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT OR IGNORE INTO signals (time, symbol, venue, timeframe, strategy, side, score, base_confidence, ml_probability, enhanced_confidence, tier, outcome, reason, ml, model_version)
       VALUES (@time, @symbol, @venue, @timeframe, @strategy, @side, @score, @baseConfidence, @mlProbability, @enhancedConfidence, @tier, @outcome, @reason, @ml, @modelVersion)`,
    )
  }

  /** Stores a signal; returns its id, or undefined when that bar's signal was already stored (a re-run warm-up). */
  insert(s: SignalRecord): number | undefined {
    const r = this.insertStmt.run({
      ...s,
      score: nanToNull(s.score),
      mlProbability: nanToNull(s.mlProbability),
      ml: s.ml ? 1 : 0,
    })
    return r.changes === 1 ? Number(r.lastInsertRowid) : undefined
  }

  /** Signals matching the query, newest first (`limit` default 500, at most 10,000). */
  list(q: SignalsQuery = {}): StoredSignal[] {
    const where: string[] = []
    const args: Record<string, unknown> = {}
    if (q.symbol) {
      where.push('symbol = @symbol')
      args.symbol = q.symbol
    }
    if (q.venue) {
      where.push('venue = @venue')
      args.venue = q.venue
    }
    if (q.timeframe) {
      where.push('timeframe = @timeframe')
      args.timeframe = q.timeframe
    }
    if (q.strategy) {
      where.push('strategy = @strategy')
      args.strategy = q.strategy
    }
    if (q.from !== undefined) {
      where.push('time >= @from')
      args.from = q.from
    }
    if (q.to !== undefined) {
      where.push('time < @to')
      args.to = q.to
    }
    args.limit = Math.min(Math.max(1, q.limit ?? 500), 10_000)
    const sql = `SELECT * FROM signals ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY time DESC, id DESC LIMIT @limit`
    return (this.db.prepare(sql).all(args) as Raw[]).map(toSignal)
  }
}
