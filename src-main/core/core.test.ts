import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { JobInfo } from '../../src-shared'
import { openDatabase, SqliteJobStore } from '../store'
import { REPO_ROOT, testData } from '../testing'
import { createCore, type WorkstationCore } from './index'

const cores: WorkstationCore[] = []
const dirs: string[] = []
function core(): WorkstationCore {
  const dir = mkdtempSync(join(tmpdir(), 'armada-core-'))
  dirs.push(dir)
  const c = createCore({ dbPath: join(dir, 'a.db'), shell: 'cli' })
  c.start()
  cores.push(c)
  return c
}
afterEach(async () => {
  for (const c of cores.splice(0)) await c.dispose()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('WorkstationCore', () => {
  it('answers health with version, database and schema version', async () => {
    const c = core()
    const h = await c.health()
    expect(h.ok).toBe(true)
    expect(h.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(h.schemaVersion).toBeGreaterThanOrEqual(1)
  })

  it('runs a job in a worker thread with progress events and persists the result', async () => {
    const c = core()
    const events: JobInfo[] = []
    const sub = c.subscribe('job', (j) => events.push(j))
    const job = await c.startJob({ kind: 'db.check' })
    const done = await c.jobs.wait(job.id)
    sub.dispose()
    expect(done.state).toBe('succeeded')
    expect(done.result).toMatchObject({ integrity: 'ok' })
    expect(events.some((e) => e.state === 'running' && e.progress > 0 && e.progress < 1 + 1e-9)).toBe(true)
    expect((await c.listJobs()).find((j) => j.id === job.id)?.state).toBe('succeeded')
  })

  it('cancels a running job and records it as cancelled', async () => {
    const c = core()
    const job = await c.startJob({ kind: 'diagnostics.wait', params: { steps: 1000, stepMs: 20 } })
    await new Promise<void>((resolve) => {
      const sub = c.subscribe('job', (j) => {
        if (j.id === job.id && j.progress > 0) {
          sub.dispose()
          resolve()
        }
      })
    })
    await c.cancelJob({ id: job.id })
    const done = await c.jobs.wait(job.id)
    expect(done.state).toBe('cancelled')
    expect(done.progress).toBeLessThan(1)
  })

  it('a failing job reports its one-line reason', async () => {
    const c = core()
    await expect(c.startJob({ kind: 'no.such.kind' })).rejects.toThrow(/unknown job kind/)
  })

  it('jobs left running by a crashed process are marked failed on the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'armada-core-'))
    dirs.push(dir)
    const path = join(dir, 'a.db')
    const db = openDatabase(path)
    new SqliteJobStore(db).create('orphan', 'db.check', {}, 1)
    db.close()
    const c = createCore({ dbPath: path, shell: 'cli' })
    c.start()
    cores.push(c)
    const [j] = await c.listJobs()
    expect(j).toMatchObject({ id: 'orphan', state: 'failed' })
    expect(j.error).toMatch(/interrupted/)
  })

  it('imports real files as a job: per-file reports, refused files named, bars queryable', async () => {
    const c = core()
    const good = testData('freqtrade', 'futures', 'XRP_USDT_USDT-1h-futures.json')
    const bad = testData('freqtrade', 'PROVENANCE.md')
    const job = await c.importFiles({ files: [good, bad] })
    const done = await c.jobs.wait(job.id)
    expect(done.state).toBe('succeeded')
    const result = done.result as { reports: { file: string; imported: number; symbol: string; timeframe: string }[]; refused: { file: string; reason: string }[] }
    expect(result.reports).toHaveLength(1)
    expect(result.reports[0].imported).toBeGreaterThan(0)
    expect(result.refused).toHaveLength(1)
    expect(result.refused[0].reason).toContain('PROVENANCE.md')
    const series = await c.listSeries()
    expect(series.map((s) => s.count)).toContain(result.reports[0].imported)
  })

  it('reports the rows stored so far while a big file imports (the job message moves within the file)', async () => {
    const c = core()
    const messages: string[] = []
    c.subscribe('job', (j) => messages.push(j.message))
    const file = join(REPO_ROOT, 'resources', 'sample-data', 'BTC_USDT-5m.json.gz')
    const job = await c.importFiles({ files: [file] })
    const done = await c.jobs.wait(job.id)
    expect(done.state).toBe('succeeded')
    expect((done.result as { reports: { imported: number }[] }).reports[0].imported).toBe(10_999)
    expect(messages).toContain(`importing ${file}: 5,000 rows stored`)
  })

  it('says a series has no regime model, and has them once the card-started training job registers them', async () => {
    const c = core()
    const file = testData('freqtrade', 'futures', 'XRP_USDT_USDT-5m-futures.json.gz')
    const imported = await c.jobs.wait((await c.importFiles({ files: [file], symbol: 'XRPUSDT', venue: 'BINANCE', timeframe: '5m' })).id)
    expect(imported.state).toBe('succeeded')
    const series = { symbol: 'XRPUSDT', timeframe: '5m' as const }
    expect(await c.getForecast(series)).toMatchObject({ modelCount: 0, horizons: [] })
    const registered: string[] = []
    c.subscribe('models', (e) => registered.push(`${e.change} ${e.name}`))
    const job = await c.retrainForecast(series)
    const done = await c.jobs.wait(job.id)
    expect(done.state, done.error).toBe('succeeded')
    expect((await c.getForecast(series)).modelCount).toBe(2)
    // The Models view hears of both versions.
    expect(registered).toEqual(['trained regime-xrpusdt-5m-h12', 'trained regime-xrpusdt-5m-h48'])
  }, 120_000)
})
