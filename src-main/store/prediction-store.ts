import type Database from 'better-sqlite3'
import { transactionRunner, type Db, type TransactionRunner } from './database'
import type { SeriesKey } from './bar-store'

/** One stored forecast (DOMAIN.md §1 outputs); `outcome`/`hit` are null until its horizon has passed. */
export interface PredictionRow {
  readonly id: number
  readonly modelVersion: string
  readonly modelName: string
  readonly symbol: string
  readonly venue: string
  readonly timeframe: string
  /** Open time of the bar whose close produced it (ms). */
  readonly time: number
  readonly horizon: number
  /** Open time of the bar H bars later, whose close resolves it. */
  readonly targetTime: number
  readonly probabilities: readonly number[]
  readonly confidence: number
  readonly quality: number
  readonly transition: boolean
  readonly sizeMultiplier: number
  /** Realised regime at prediction time (−1 unknown). */
  readonly currentRegime: number
  /** Close of the bar at `time` and σ of the §1 label there (null when undefined): enough to resolve the outcome. */
  readonly close: number
  readonly sigma: number | null
  readonly outcome: number | null
  readonly hit: boolean | null
  readonly resolvedAt: number | null
}

/** What a new forecast stores. */
export type NewPrediction = Omit<PredictionRow, 'id' | 'outcome' | 'hit' | 'resolvedAt'>

interface Raw {
  id: number
  model_version: string
  model_name: string
  symbol: string
  venue: string
  timeframe: string
  time: number
  horizon: number
  target_time: number
  probabilities: string
  confidence: number
  quality: number
  transition: number
  size_multiplier: number
  current_regime: number
  close: number
  sigma: number | null
  outcome: number | null
  hit: number | null
  resolved_at: number | null
}

function toRow(r: Raw): PredictionRow {
  return {
    id: r.id,
    modelVersion: r.model_version,
    modelName: r.model_name,
    symbol: r.symbol,
    venue: r.venue,
    timeframe: r.timeframe,
    time: r.time,
    horizon: r.horizon,
    targetTime: r.target_time,
    probabilities: JSON.parse(r.probabilities) as number[],
    confidence: r.confidence,
    quality: r.quality,
    transition: r.transition === 1,
    sizeMultiplier: r.size_multiplier,
    currentRegime: r.current_regime,
    close: r.close,
    sigma: r.sigma,
    outcome: r.outcome,
    hit: r.hit === null ? null : r.hit === 1,
    resolvedAt: r.resolved_at,
  }
}

/** The predictions table: forecasts per model version and bar, and their resolution. Statements prepared once. */
export class SqlitePredictionStore {
  private readonly insertStmt: Database.Statement
  private readonly dueStmt: Database.Statement
  private readonly resolveStmt: Database.Statement
  private readonly rangeStmt: Database.Statement
  private readonly latestStmt: Database.Statement
  private readonly latestOfStmt: Database.Statement

  /** Runs `fn` in one transaction (a bar's forecasts and resolutions commit together). */
  readonly transaction: TransactionRunner

  constructor(private readonly db: Db) {
    this.transaction = transactionRunner(db)
    this.insertStmt = db.prepare(
      `INSERT INTO predictions (model_version, model_name, symbol, venue, timeframe, time, horizon, target_time, probabilities, confidence, quality, transition, size_multiplier, current_regime, close, sigma)
       VALUES (@modelVersion, @modelName, @symbol, @venue, @timeframe, @time, @horizon, @targetTime, @probabilities, @confidence, @quality, @transition, @sizeMultiplier, @currentRegime, @close, @sigma)
       ON CONFLICT (model_version, symbol, venue, timeframe, time) DO NOTHING`,
    )
    this.dueStmt = db.prepare(
      'SELECT * FROM predictions WHERE symbol = ? AND venue = ? AND timeframe = ? AND resolved_at IS NULL AND target_time <= ? ORDER BY target_time',
    )
    this.resolveStmt = db.prepare('UPDATE predictions SET outcome = ?, hit = ?, resolved_at = ? WHERE id = ?')
    this.rangeStmt = db.prepare(
      'SELECT * FROM predictions WHERE symbol = ? AND venue = ? AND timeframe = ? AND time >= ? AND time <= ? ORDER BY time, horizon LIMIT ?',
    )
    this.latestStmt = db.prepare(
      'SELECT * FROM predictions WHERE symbol = ? AND venue = ? AND timeframe = ? AND horizon = ? ORDER BY time DESC LIMIT 1',
    )
    this.latestOfStmt = db.prepare(
      'SELECT * FROM predictions WHERE symbol = ? AND venue = ? AND timeframe = ? AND horizon = ? AND model_name = ? ORDER BY time DESC LIMIT 1',
    )
  }

  /** Stores a forecast; its row id, or null when the same version already forecast that bar. */
  insert(p: NewPrediction): number | null {
    const r = this.insertStmt.run({
      ...p,
      probabilities: JSON.stringify(p.probabilities),
      transition: p.transition ? 1 : 0,
      sigma: p.sigma !== null && Number.isFinite(p.sigma) ? p.sigma : null,
    })
    return r.changes === 1 ? Number(r.lastInsertRowid) : null
  }

  /** Unresolved forecasts of a series whose target bar is at or before `time`. */
  due(key: SeriesKey, time: number): PredictionRow[] {
    return (this.dueStmt.all(key.symbol, key.venue, key.timeframe, time) as Raw[]).map(toRow)
  }

  /** Records the realised class (−1 when it cannot be known, e.g. σ undefined) and whether the argmax hit it. */
  resolve(id: number, outcome: number, hit: boolean | null, at: number): void {
    this.resolveStmt.run(outcome, hit === null ? null : hit ? 1 : 0, at, id)
  }

  /** Forecasts of a series with `time` in [from, to], oldest first (at most `limit`). */
  range(key: SeriesKey, from = -Infinity, to = Infinity, limit = 50_000): PredictionRow[] {
    const lo = Number.isFinite(from) ? from : Number.MIN_SAFE_INTEGER
    const hi = Number.isFinite(to) ? to : Number.MAX_SAFE_INTEGER
    return (this.rangeStmt.all(key.symbol, key.venue, key.timeframe, lo, hi, limit) as Raw[]).map(toRow)
  }

  /** Stored, resolved (with a known outcome) and hit forecasts per model name: the live record behind the metrics. */
  records(): {
    readonly modelName: string
    readonly predictions: number
    readonly resolved: number
    readonly hits: number
  }[] {
    return this.db
      .prepare(
        'SELECT model_name AS modelName, count(*) AS predictions, count(hit) AS resolved, coalesce(sum(hit), 0) AS hits FROM predictions GROUP BY model_name ORDER BY model_name',
      )
      .all() as { modelName: string; predictions: number; resolved: number; hits: number }[]
  }

  /** The newest forecast of a series at one horizon (of one model name when given: a backfilled member has its own). */
  latest(key: SeriesKey, horizon: number, modelName?: string): PredictionRow | undefined {
    const r = (
      modelName === undefined
        ? this.latestStmt.get(key.symbol, key.venue, key.timeframe, horizon)
        : this.latestOfStmt.get(key.symbol, key.venue, key.timeframe, horizon, modelName)
    ) as Raw | undefined
    return r ? toRow(r) : undefined
  }
}
