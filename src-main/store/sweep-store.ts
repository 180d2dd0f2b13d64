import { sweepBest, type SweepDetail, type SweepGrid, type SweepRow, type SweepSummary } from '../../src-shared'
import type { Db } from './database'

/** What `create` takes: a sweep as listed, without its id, progress and state. */
export type NewSweep = Omit<SweepSummary, 'id' | 'done' | 'state'> & {
  readonly config: Readonly<Record<string, unknown>>
}

interface SweepRecord {
  id: number
  created_at: number
  strategy: string
  symbols: string
  venue: string
  timeframe: string
  ml: number
  grid: string
  split: number
  metric: string
  total: number
  state: SweepSummary['state']
  done: number
}

interface ResultRecord {
  cell: number
  symbol: string
  params: string
  in_sample: string
  out_of_sample: string | null
}

// Metrics are JSON: NaN and ±Infinity (no losing trade, no drawdown) are stored as null, as stored backtests read back.
const encode = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x))

function summary(r: SweepRecord): SweepSummary {
  return {
    id: r.id,
    createdAt: r.created_at,
    strategy: r.strategy,
    symbols: JSON.parse(r.symbols) as string[],
    venue: r.venue,
    timeframe: r.timeframe,
    ml: r.ml === 1,
    grid: JSON.parse(r.grid) as SweepGrid,
    split: r.split,
    metric: r.metric,
    total: r.total,
    done: r.done,
    state: r.state,
  }
}

const SUMMARY_SQL = `SELECT s.*, (SELECT count(*) FROM sweep_results WHERE sweep_id = s.id) AS done FROM sweeps s`

/**
 * Stored sweeps and their rows. Rows are written one at a time as backtests finish (streamed, never held) and keyed by
 * (sweep, cell): storing a row twice keeps the first, so a re-delivered shard changes nothing.
 */
export class SqliteSweepStore {
  constructor(private readonly db: Db) {}

  /** Stores a new running sweep; returns its id. */
  create(s: NewSweep): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO sweeps (created_at, strategy, symbols, venue, timeframe, ml, grid, config, split, metric, total, state)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')`,
        )
        .run(
          s.createdAt,
          s.strategy,
          JSON.stringify(s.symbols),
          s.venue,
          s.timeframe,
          s.ml ? 1 : 0,
          JSON.stringify(s.grid),
          encode(s.config),
          s.split,
          s.metric,
          s.total,
        ).lastInsertRowid,
    )
  }

  /** Stores one row unless its cell is already stored; true when it was new. */
  addRow(sweepId: number, row: SweepRow): boolean {
    return (
      this.db
        .prepare(
          `INSERT OR IGNORE INTO sweep_results (sweep_id, cell, symbol, params, in_sample, out_of_sample) VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(
          sweepId,
          row.cell,
          row.symbol,
          JSON.stringify(row.params),
          encode(row.inSample),
          row.outOfSample ? encode(row.outOfSample) : null,
        ).changes > 0
    )
  }

  /** Marks the sweep done or failed. */
  finish(sweepId: number, state: 'done' | 'failed'): void {
    this.db.prepare(`UPDATE sweeps SET state = ? WHERE id = ?`).run(state, sweepId)
  }

  /** Sweeps, newest first. */
  list(limit = 200): SweepSummary[] {
    return (this.db.prepare(`${SUMMARY_SQL} ORDER BY s.id DESC LIMIT ?`).all(limit) as SweepRecord[]).map(summary)
  }

  /** The rows of a sweep in cell order, read one at a time. */
  *rows(sweepId: number): Generator<SweepRow> {
    const it = this.db
      .prepare(
        `SELECT cell, symbol, params, in_sample, out_of_sample FROM sweep_results WHERE sweep_id = ? ORDER BY cell`,
      )
      .iterate(sweepId) as IterableIterator<ResultRecord>
    for (const r of it)
      yield {
        cell: r.cell,
        symbol: r.symbol,
        params: JSON.parse(r.params) as SweepRow['params'],
        inSample: JSON.parse(r.in_sample) as SweepRow['inSample'],
        outOfSample: r.out_of_sample === null ? null : (JSON.parse(r.out_of_sample) as SweepRow['inSample']),
      }
  }

  /** One sweep with its rows and each symbol's in-sample best, or undefined. */
  get(sweepId: number): SweepDetail | undefined {
    const r = this.db.prepare(`${SUMMARY_SQL} WHERE s.id = ?`).get(sweepId) as SweepRecord | undefined
    if (!r) return undefined
    const s = summary(r)
    const rows = [...this.rows(sweepId)]
    return { ...s, rows, best: sweepBest(rows, s.metric) }
  }
}
