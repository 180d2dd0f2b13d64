import type { AliasMoveKind, ModelAlias } from '../../src-shared'
import type { Db } from './database'

/** One stored model version (JSON columns left as text; the registry parses them). */
export interface ModelVersionRow {
  readonly id: string
  readonly name: string
  readonly card: string
  readonly lineage: string
  readonly metrics: string
  readonly tags: string
  readonly notes: string
  readonly size: number
  readonly created_at: number
}

/** One row of `aliases`. */
export interface AliasRow {
  readonly name: string
  readonly alias: ModelAlias
  readonly version_id: string
  readonly updated_at: number
}

/** One append-only row of `alias_history`. */
export interface AliasHistoryRow {
  readonly seq: number
  readonly name: string
  readonly alias: ModelAlias
  readonly from_version: string | null
  readonly to_version: string | null
  readonly time: number
  readonly kind: AliasMoveKind
  readonly actor: string
  readonly reason: string
  readonly detail: string | null
}

/** One stored promotion-gate evaluation. */
export interface GateRow {
  readonly id: number
  readonly name: string
  readonly candidate: string
  readonly champion: string | null
  readonly time: number
  readonly passed: number
  readonly result: string
}

/** One A/B test. */
export interface AbTestRow {
  readonly id: number
  readonly name: string
  readonly champion: string
  readonly challenger: string
  readonly started_at: number
  readonly ended_at: number | null
  readonly status: 'running' | 'won' | 'expired' | 'stopped'
  readonly winner: string | null
  readonly config: string
  readonly result: string | null
}

/** One scored bar of an A/B test. */
export interface AbSampleRow {
  readonly time: number
  readonly probs_champion: string
  readonly probs_challenger: string
  readonly outcome: number | null
  readonly resolved_at: number | null
}

/** One stored drift report. */
export interface DriftReportRow {
  readonly id: number
  readonly name: string
  readonly version_id: string
  readonly time: number
  readonly health: 'healthy' | 'degrading' | 'failed'
  readonly report: string
}

/** One retraining run. */
export interface RetrainingRunRow {
  readonly id: number
  readonly name: string
  readonly time: number
  readonly reasons: string
  readonly version_id: string | null
  readonly result: string
}

const VERSION_COLUMNS = 'id, name, card, lineage, metrics, tags, notes, size, created_at'

/** Tables the registry owns, for row-count checks. */
export const REGISTRY_TABLES = [
  'models',
  'aliases',
  'alias_history',
  'promotion_gates',
  'ab_tests',
  'ab_samples',
  'drift_reports',
  'retraining_policies',
  'retraining_runs',
] as const

/**
 * SQL for the model registry (versions, aliases with their append-only history, gate results, A/B tests,
 * drift reports, retraining policies and runs). Holds no policy: the registry decides, this stores.
 */
export class SqliteModelRegistryStore {
  constructor(private readonly db: Db) {}

  /** Runs `fn` in one IMMEDIATE transaction (all or nothing, even if the process is killed). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate()
  }

  /** Inserts a version unless its id exists; true when inserted. */
  insertVersion(v: Omit<ModelVersionRow, 'size'>, onnx: Uint8Array): boolean {
    return (
      this.db
        .prepare(
          `INSERT INTO models (${VERSION_COLUMNS}, onnx) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        )
        .run(v.id, v.name, v.card, v.lineage, v.metrics, v.tags, v.notes, onnx.length, v.created_at, onnx).changes > 0
    )
  }

  getVersion(id: string): ModelVersionRow | undefined {
    return this.db.prepare(`SELECT ${VERSION_COLUMNS} FROM models WHERE id = ?`).get(id) as ModelVersionRow | undefined
  }

  /** Ids starting with `prefix` (at most `limit`). */
  idsWithPrefix(prefix: string, limit = 2): string[] {
    return (
      this.db
        .prepare(`SELECT id FROM models WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT ?`)
        .all(prefix.length, prefix, limit) as { id: string }[]
    ).map((r) => r.id)
  }

  /** Versions, oldest first; all names when `name` is absent. */
  listVersions(name?: string): ModelVersionRow[] {
    return (
      name === undefined
        ? this.db.prepare(`SELECT ${VERSION_COLUMNS} FROM models ORDER BY created_at, rowid`).all()
        : this.db.prepare(`SELECT ${VERSION_COLUMNS} FROM models WHERE name = ? ORDER BY created_at, rowid`).all(name)
    ) as ModelVersionRow[]
  }

  /** The ONNX bytes of a version. */
  onnx(id: string): Uint8Array | undefined {
    const row = this.db.prepare('SELECT onnx FROM models WHERE id = ?').get(id) as { onnx: Buffer } | undefined
    return row ? new Uint8Array(row.onnx) : undefined
  }

  /** Replaces the annotations (tags, notes) of a version; the ONNX, card and lineage never change. */
  annotate(id: string, tags: string, notes: string): void {
    this.db.prepare('UPDATE models SET tags = ?, notes = ? WHERE id = ?').run(tags, notes, id)
  }

  /** Model names with at least one version. */
  modelNames(): string[] {
    return (this.db.prepare('SELECT DISTINCT name FROM models ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    )
  }

  getAlias(name: string, alias: ModelAlias): AliasRow | undefined {
    return this.db.prepare('SELECT * FROM aliases WHERE name = ? AND alias = ?').get(name, alias) as
      AliasRow | undefined
  }

  aliases(name?: string): AliasRow[] {
    return (
      name === undefined
        ? this.db.prepare('SELECT * FROM aliases ORDER BY name, alias').all()
        : this.db.prepare('SELECT * FROM aliases WHERE name = ? ORDER BY alias').all(name)
    ) as AliasRow[]
  }

  /**
   * Moves (or clears, when `to` is null) an alias and appends the history row, in one transaction.
   * `from` is read inside the transaction, so concurrent writers cannot lose a move.
   */
  moveAlias(m: {
    name: string
    alias: ModelAlias
    to: string | null
    time: number
    kind: AliasMoveKind
    actor: string
    reason: string
    detail?: unknown
  }): AliasHistoryRow {
    return this.transaction(() => {
      const from = this.getAlias(m.name, m.alias)?.version_id ?? null
      if (m.to === null) this.db.prepare('DELETE FROM aliases WHERE name = ? AND alias = ?').run(m.name, m.alias)
      else
        this.db
          .prepare(
            'INSERT INTO aliases (name, alias, version_id, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name, alias) DO UPDATE SET version_id = excluded.version_id, updated_at = excluded.updated_at',
          )
          .run(m.name, m.alias, m.to, m.time)
      const seq = this.db
        .prepare(
          'INSERT INTO alias_history (name, alias, from_version, to_version, time, kind, actor, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          m.name,
          m.alias,
          from,
          m.to,
          m.time,
          m.kind,
          m.actor,
          m.reason,
          m.detail === undefined ? null : JSON.stringify(m.detail),
        ).lastInsertRowid
      return this.db.prepare('SELECT * FROM alias_history WHERE seq = ?').get(seq) as AliasHistoryRow
    })
  }

  /** Alias moves in the order they happened. */
  aliasHistory(name: string, alias?: ModelAlias): AliasHistoryRow[] {
    return (
      alias === undefined
        ? this.db.prepare('SELECT * FROM alias_history WHERE name = ? ORDER BY seq').all(name)
        : this.db.prepare('SELECT * FROM alias_history WHERE name = ? AND alias = ? ORDER BY seq').all(name, alias)
    ) as AliasHistoryRow[]
  }

  insertGate(g: Omit<GateRow, 'id'>): GateRow {
    const id = this.db
      .prepare(
        'INSERT INTO promotion_gates (name, candidate, champion, time, passed, result) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(g.name, g.candidate, g.champion, g.time, g.passed, g.result).lastInsertRowid
    return { ...g, id: Number(id) }
  }

  /** Gate results of a model name (or of one candidate), newest first. */
  gates(filter: { name?: string; candidate?: string }): GateRow[] {
    if (filter.candidate !== undefined)
      return this.db
        .prepare('SELECT * FROM promotion_gates WHERE candidate = ? ORDER BY time DESC, id DESC')
        .all(filter.candidate) as GateRow[]
    return this.db
      .prepare('SELECT * FROM promotion_gates WHERE name = ? ORDER BY time DESC, id DESC')
      .all(filter.name ?? '') as GateRow[]
  }

  insertAbTest(t: Omit<AbTestRow, 'id' | 'ended_at' | 'winner' | 'result' | 'status'>): AbTestRow {
    const id = this.db
      .prepare(
        `INSERT INTO ab_tests (name, champion, challenger, started_at, status, config) VALUES (?, ?, ?, ?, 'running', ?)`,
      )
      .run(t.name, t.champion, t.challenger, t.started_at, t.config).lastInsertRowid
    return this.getAbTest(Number(id))!
  }

  getAbTest(id: number): AbTestRow | undefined {
    return this.db.prepare('SELECT * FROM ab_tests WHERE id = ?').get(id) as AbTestRow | undefined
  }

  /** A/B tests of a name (all names when absent), newest first. */
  abTests(name?: string): AbTestRow[] {
    return (
      name === undefined
        ? this.db.prepare('SELECT * FROM ab_tests ORDER BY started_at DESC, id DESC').all()
        : this.db.prepare('SELECT * FROM ab_tests WHERE name = ? ORDER BY started_at DESC, id DESC').all(name)
    ) as AbTestRow[]
  }

  updateAbTest(
    id: number,
    patch: { status: AbTestRow['status']; ended_at: number | null; winner: string | null; result: string },
  ): void {
    this.db
      .prepare('UPDATE ab_tests SET status = ?, ended_at = ?, winner = ?, result = ? WHERE id = ?')
      .run(patch.status, patch.ended_at, patch.winner, patch.result, id)
  }

  /** Stores one scored bar; false when that time was already recorded. */
  insertAbSample(testId: number, time: number, probsChampion: string, probsChallenger: string): boolean {
    return (
      this.db
        .prepare(
          'INSERT INTO ab_samples (test_id, time, probs_champion, probs_challenger) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
        )
        .run(testId, time, probsChampion, probsChallenger).changes > 0
    )
  }

  /** Sets the outcome of a recorded, unresolved bar; false when there is none. */
  resolveAbSample(testId: number, time: number, outcome: number, resolvedAt: number): boolean {
    return (
      this.db
        .prepare(
          'UPDATE ab_samples SET outcome = ?, resolved_at = ? WHERE test_id = ? AND time = ? AND outcome IS NULL',
        )
        .run(outcome, resolvedAt, testId, time).changes > 0
    )
  }

  abSamples(testId: number, resolvedOnly = false): AbSampleRow[] {
    return this.db
      .prepare(
        `SELECT time, probs_champion, probs_challenger, outcome, resolved_at FROM ab_samples WHERE test_id = ?${resolvedOnly ? ' AND outcome IS NOT NULL' : ''} ORDER BY time`,
      )
      .all(testId) as AbSampleRow[]
  }

  abSampleCounts(testId: number): { recorded: number; resolved: number } {
    return this.db
      .prepare('SELECT count(*) AS recorded, count(outcome) AS resolved FROM ab_samples WHERE test_id = ?')
      .get(testId) as { recorded: number; resolved: number }
  }

  insertDriftReport(r: Omit<DriftReportRow, 'id'>): DriftReportRow {
    const id = this.db
      .prepare('INSERT INTO drift_reports (name, version_id, time, health, report) VALUES (?, ?, ?, ?, ?)')
      .run(r.name, r.version_id, r.time, r.health, r.report).lastInsertRowid
    return { ...r, id: Number(id) }
  }

  /** Drift reports of a name, newest first. */
  driftReports(name: string, limit = 100): DriftReportRow[] {
    return this.db
      .prepare('SELECT * FROM drift_reports WHERE name = ? ORDER BY time DESC, id DESC LIMIT ?')
      .all(name, limit) as DriftReportRow[]
  }

  setPolicy(name: string, policy: string, time: number): void {
    this.db
      .prepare(
        'INSERT INTO retraining_policies (name, policy, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at',
      )
      .run(name, policy, time)
  }

  getPolicy(name: string): string | undefined {
    return (
      this.db.prepare('SELECT policy FROM retraining_policies WHERE name = ?').get(name) as
        { policy: string } | undefined
    )?.policy
  }

  insertRetrainingRun(r: Omit<RetrainingRunRow, 'id'>): RetrainingRunRow {
    const id = this.db
      .prepare('INSERT INTO retraining_runs (name, time, reasons, version_id, result) VALUES (?, ?, ?, ?, ?)')
      .run(r.name, r.time, r.reasons, r.version_id, r.result).lastInsertRowid
    return { ...r, id: Number(id) }
  }

  /** Retraining runs of a name, newest first. */
  retrainingRuns(name: string): RetrainingRunRow[] {
    return this.db
      .prepare('SELECT * FROM retraining_runs WHERE name = ? ORDER BY time DESC, id DESC')
      .all(name) as RetrainingRunRow[]
  }

  /** Row count of every registry table. */
  counts(): Record<(typeof REGISTRY_TABLES)[number], number> {
    const out = {} as Record<(typeof REGISTRY_TABLES)[number], number>
    for (const t of REGISTRY_TABLES)
      out[t] = (this.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n
    return out
  }

  /** `PRAGMA integrity_check` and `foreign_key_check` results ('ok' and [] when sound). */
  integrity(): { integrity: string; foreignKeyViolations: number } {
    const integrity = (this.db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('; ')
    return { integrity, foreignKeyViolations: this.db.prepare('PRAGMA foreign_key_check').all().length }
  }
}
