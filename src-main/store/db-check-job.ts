import { throwIfCancelled, type DbCheckJobRequest, type JobContext } from '../../src-shared'
import { openDatabase } from './database'

/** What `db.check` reports: SQLite's quick check and the rows of every table. */
export interface DbCheckResult {
  readonly integrity: string
  readonly counts: Readonly<Record<string, number>>
}

/** The `db.check` job: integrity check of the database plus a row count per table, table by table (read-only). */
export async function dbCheckJob(_request: DbCheckJobRequest, ctx: JobContext): Promise<DbCheckResult> {
  const db = openDatabase(ctx.dbPath, { readonly: true })
  try {
    const listed = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
    const tables = (listed.all() as { name: string }[]).map((r) => r.name)
    const counts: Record<string, number> = {}
    ctx.progress(0, 'integrity check')
    const integrity = db.pragma('quick_check', { simple: true }) as string
    for (const [i, t] of tables.entries()) {
      throwIfCancelled(ctx.signal)
      counts[t] = (db.prepare(`SELECT count(*) AS n FROM "${t.replaceAll('"', '""')}"`).get() as { n: number }).n
      ctx.progress((i + 1) / tables.length, `counted ${t}`)
    }
    return { integrity, counts }
  } finally {
    db.close()
  }
}
