import type { JobInfo, JobState } from '../../src-shared'
import type { Db } from './database'

interface JobRow {
  id: string
  kind: string
  state: JobState
  progress: number
  message: string
  params: string | null
  result: string | null
  error: string | null
  created_at: number
  updated_at: number
}

function toJob(r: JobRow): JobInfo {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    progress: r.progress,
    message: r.message,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.result !== null ? { result: JSON.parse(r.result) as unknown } : {}),
    ...(r.error !== null ? { error: r.error } : {}),
  }
}

/** Persistent job records, so a restart shows what ran, what failed and what was interrupted. */
export class SqliteJobStore {
  constructor(private readonly db: Db) {}

  create(id: string, kind: string, params: unknown, now: number): JobInfo {
    this.db
      .prepare(
        `INSERT INTO jobs (id, kind, state, progress, message, params, created_at, updated_at) VALUES (?, ?, 'queued', 0, '', ?, ?, ?)`,
      )
      .run(id, kind, JSON.stringify(params ?? {}), now, now)
    return this.get(id)!
  }

  /** Updates the mutable fields of a job and returns it. */
  update(
    id: string,
    patch: { state?: JobState; progress?: number; message?: string; result?: unknown; error?: string },
    now: number,
  ): JobInfo {
    const cur = this.get(id)
    if (!cur) throw new Error(`job ${id} not found`)
    this.db
      .prepare(
        `UPDATE jobs SET state = ?, progress = ?, message = ?, result = ?, error = ?, updated_at = ? WHERE id = ?`,
      )
      .run(
        patch.state ?? cur.state,
        patch.progress ?? cur.progress,
        patch.message ?? cur.message,
        patch.result !== undefined
          ? JSON.stringify(patch.result)
          : cur.result !== undefined
            ? JSON.stringify(cur.result)
            : null,
        patch.error ?? cur.error ?? null,
        now,
        id,
      )
    return this.get(id)!
  }

  get(id: string): JobInfo | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined
    return row ? toJob(row) : undefined
  }

  /** Parameters a job was started with. */
  params(id: string): unknown {
    const row = this.db.prepare('SELECT params FROM jobs WHERE id = ?').get(id) as { params: string | null } | undefined
    return row?.params ? (JSON.parse(row.params) as unknown) : undefined
  }

  /** Most recent jobs first. */
  list(limit = 50): JobInfo[] {
    return (this.db.prepare('SELECT * FROM jobs ORDER BY created_at DESC, id DESC LIMIT ?').all(limit) as JobRow[]).map(
      toJob,
    )
  }

  /** Marks jobs left queued/running by a process that died as failed; returns how many. */
  failInterrupted(now: number): number {
    return this.db
      .prepare(
        `UPDATE jobs SET state = 'failed', error = 'interrupted: the process exited while the job ran', updated_at = ? WHERE state IN ('queued', 'running')`,
      )
      .run(now).changes
  }
}
