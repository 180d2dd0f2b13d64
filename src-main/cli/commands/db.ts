import { DB_CHECK_JOB_KIND } from '../../../src-shared'
import type { Command } from '../command'
import { runJob } from '../run-job'

export const dbCheckCommand: Command = {
  name: 'db check',
  summary: 'check the database: integrity, schema version and row counts',
  usage: 'db check [--db PATH] [--json]',
  async run(ctx) {
    const core = ctx.openCore()
    const done = await runJob(core, DB_CHECK_JOB_KIND, {})
    if (done.state !== 'succeeded') throw new Error(done.error ?? 'check failed')
    const health = await core.health()
    const result = {
      database: ctx.dbPath,
      schemaVersion: health.schemaVersion,
      ...(done.result as { integrity: string; counts: Record<string, number> }),
    }
    ctx.out(result, (r) =>
      [
        `${r.database}: integrity ${r.integrity}, schema v${r.schemaVersion}`,
        ...Object.entries(r.counts).map(([t, n]) => `  ${t.padEnd(22)} ${n}`),
      ].join('\n'),
    )
    return result.integrity === 'ok' ? 0 : 1
  },
}
