import type Database from 'better-sqlite3'
import type { Alert, AlertsQuery, AlertSeverity, AlertType, Timeframe } from '../../src-shared'
import { transactionRunner, type Db, type TransactionRunner } from './database'

/** What a new alert stores (everything but its acknowledgement and outcome). */
export type NewAlert = Omit<
  Alert,
  'acknowledged' | 'acknowledgedAt' | 'outcome' | 'resolvedAt' | 'escalatedAt' | 'escalatedProbability'
>

/** Filters of {@link SqliteAlertStore.list}: the `listAlerts` query, optionally for one basket. */
export interface AlertFilter extends AlertsQuery {
  readonly basket?: string
}

/** Fired / resolved / hit counts of one model name (the live record beside the validation metrics). */
export interface AlertModelRecord {
  readonly modelName: string
  readonly fired: number
  /** Alerts with a known outcome (hit or miss). */
  readonly resolved: number
  readonly hits: number
}

interface Raw {
  id: string
  type: string
  severity: string
  time: number
  target_time: number
  horizon_hours: number
  probability: number
  p_rf: number
  p_gbdt: number
  confidence: number
  escalated: number
  model_name: string
  model_version: string
  basket: string
  timeframe: string
  assets: string
  acknowledged_at: number | null
  outcome: string | null
  resolved_at: number | null
  muted: number
  escalated_at: number | null
  escalated_probability: number | null
}

function toAlert(r: Raw): Alert {
  return {
    id: r.id,
    type: r.type as AlertType,
    severity: r.severity as AlertSeverity,
    time: r.time,
    targetTime: r.target_time,
    horizonHours: r.horizon_hours,
    probability: r.probability,
    pRf: r.p_rf,
    pGbdt: r.p_gbdt,
    confidence: r.confidence,
    escalated: r.escalated === 1,
    ...(r.escalated_at !== null ? { escalatedAt: r.escalated_at } : {}),
    ...(r.escalated_probability !== null ? { escalatedProbability: r.escalated_probability } : {}),
    ...(r.muted === 1 ? { muted: true } : {}),
    modelName: r.model_name,
    modelVersion: r.model_version,
    basket: r.basket,
    timeframe: r.timeframe as Timeframe,
    assets: JSON.parse(r.assets) as string[],
    acknowledged: r.acknowledged_at !== null,
    ...(r.acknowledged_at !== null ? { acknowledgedAt: r.acknowledged_at } : {}),
    ...(r.outcome !== null ? { outcome: r.outcome as 'hit' | 'miss' } : {}),
    ...(r.resolved_at !== null ? { resolvedAt: r.resolved_at } : {}),
  }
}

/**
 * The alerts table: one row per fired predictive alert (DOMAIN.md §2) with its model version, probabilities,
 * severity and assets; acknowledged by the user and resolved hit/miss once its target time has passed. A row
 * resolved with no outcome is one whose label could not be computed from the stored bars (it counts in no hit rate).
 */
export class SqliteAlertStore {
  private readonly insertStmt: Database.Statement
  private readonly getStmt: Database.Statement
  private readonly ackStmt: Database.Statement
  private readonly dueStmt: Database.Statement
  private readonly resolveStmt: Database.Statement
  private readonly recordStmt: Database.Statement
  private readonly openStmt: Database.Statement
  private readonly escalateStmt: Database.Statement

  /** Runs `fn` in one transaction. */
  readonly transaction: TransactionRunner

  constructor(private readonly db: Db) {
    this.transaction = transactionRunner(db)
    this.insertStmt = db.prepare(
      `INSERT INTO alerts (id, type, severity, time, target_time, horizon_hours, probability, p_rf, p_gbdt, confidence, escalated, model_name, model_version, basket, timeframe, assets, muted)
       VALUES (@id, @type, @severity, @time, @targetTime, @horizonHours, @probability, @pRf, @pGbdt, @confidence, @escalated, @modelName, @modelVersion, @basket, @timeframe, @assets, @muted)
       ON CONFLICT (id) DO NOTHING`,
    )
    this.getStmt = db.prepare('SELECT * FROM alerts WHERE id = ?')
    this.ackStmt = db.prepare('UPDATE alerts SET acknowledged_at = coalesce(acknowledged_at, ?) WHERE id = ?')
    this.dueStmt = db.prepare(
      'SELECT * FROM alerts WHERE basket = ? AND resolved_at IS NULL AND target_time <= ? ORDER BY target_time',
    )
    this.resolveStmt = db.prepare('UPDATE alerts SET outcome = ?, resolved_at = ? WHERE id = ? AND resolved_at IS NULL')
    this.recordStmt = db.prepare(
      `SELECT model_name AS modelName, count(*) AS fired, sum(outcome IS NOT NULL) AS resolved, sum(outcome = 'hit') AS hits FROM alerts WHERE basket = ? GROUP BY model_name`,
    )
    this.openStmt = db.prepare(
      'SELECT count(*) AS n FROM alerts WHERE basket = ? AND resolved_at IS NULL AND muted = 0',
    )
    this.escalateStmt = db.prepare(
      "UPDATE alerts SET severity = 'S3', escalated = 1, escalated_at = ?, escalated_probability = ? WHERE id = ? AND severity = 'S2' AND resolved_at IS NULL",
    )
  }

  /** Stores a fired alert; the stored alert, or null when an alert with that id exists already. */
  insert(a: NewAlert): Alert | null {
    const r = this.insertStmt.run({
      ...a,
      escalated: a.escalated ? 1 : 0,
      muted: a.muted ? 1 : 0,
      assets: JSON.stringify(a.assets),
    })
    return r.changes === 1 ? this.get(a.id)! : null
  }

  get(id: string): Alert | undefined {
    const r = this.getStmt.get(id) as Raw | undefined
    return r ? toAlert(r) : undefined
  }

  /** Marks an alert acknowledged at `at` (a second acknowledgement keeps the first time). Throws for an unknown id. */
  acknowledge(id: string, at: number): Alert {
    if (this.ackStmt.run(at, id).changes !== 1) throw new Error(`no alert "${id}"`)
    return this.get(id)!
  }

  /**
   * Raises an open S2 alert to S3 (DOMAIN.md §2: an S3 inside the type's interval escalates it) at `at` with the raising
   * candidate's probability; the updated alert, or undefined when it is not an open S2 (already S3, resolved, unknown).
   */
  escalate(id: string, at: number, probability: number): Alert | undefined {
    return this.escalateStmt.run(at, probability, id).changes === 1 ? this.get(id) : undefined
  }

  /** Unresolved alerts of a basket whose target time is at or before `time`, oldest target first. */
  due(basket: string, time: number): Alert[] {
    return (this.dueStmt.all(basket, time) as Raw[]).map(toAlert)
  }

  /** Records the outcome (null: the label could not be computed) of an unresolved alert; false if it was resolved already. */
  resolve(id: string, outcome: 'hit' | 'miss' | null, at: number): boolean {
    return this.resolveStmt.run(outcome, at, id).changes === 1
  }

  /** Alerts newest first, filtered; `limit` defaults to 500 (at most 10 000). */
  list(q: AlertFilter = {}): Alert[] {
    const where: string[] = []
    const args: unknown[] = []
    if (q.from !== undefined) (where.push('time >= ?'), args.push(q.from))
    if (q.to !== undefined) (where.push('time <= ?'), args.push(q.to))
    if (q.types?.length) (where.push(`type IN (${q.types.map(() => '?').join(', ')})`), args.push(...q.types))
    if (q.minSeverity === 'S3') where.push("severity = 'S3'")
    if (q.status === 'open') where.push('resolved_at IS NULL')
    if (q.status === 'resolved') where.push('resolved_at IS NOT NULL')
    if (q.acknowledged !== undefined)
      where.push(q.acknowledged ? 'acknowledged_at IS NOT NULL' : 'acknowledged_at IS NULL')
    if (q.symbol !== undefined)
      (where.push('EXISTS (SELECT 1 FROM json_each(alerts.assets) WHERE json_each.value = ?)'), args.push(q.symbol))
    if (q.basket !== undefined) (where.push('basket = ?'), args.push(q.basket))
    if (!q.includeMuted) where.push('muted = 0')
    const limit = Math.max(1, Math.min(Math.floor(q.limit ?? 500), 10_000))
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY time DESC, id LIMIT ${limit}`
    return (this.db.prepare(sql).all(...args) as Raw[]).map(toAlert)
  }

  /** Fired / resolved / hit counts per model name of a basket. */
  records(basket: string): AlertModelRecord[] {
    return (
      this.recordStmt.all(basket) as {
        modelName: string
        fired: number
        resolved: number | null
        hits: number | null
      }[]
    ).map((r) => ({
      modelName: r.modelName,
      fired: r.fired,
      resolved: r.resolved ?? 0,
      hits: r.hits ?? 0,
    }))
  }

  /** Shown (not muted) alerts of a basket not resolved yet. */
  openCount(basket: string): number {
    return (this.openStmt.get(basket) as { n: number }).n
  }
}
