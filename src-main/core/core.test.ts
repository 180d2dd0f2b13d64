import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { HINT_WORDS, readImportJobResult, type JobInfo } from '../../src-shared'
import { openDatabase, SqliteJobStore } from '../store'
import { REPO_ROOT, testData, writeDamagedBtcCsv } from '../testing'
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
    const result = readImportJobResult(done.result)!
    expect(result.reports).toHaveLength(1)
    expect(result.reports[0].imported).toBeGreaterThan(0)
    // Some files failed: the job succeeds, and its result and its one-line message name each failed file and why.
    expect(result.failed).toEqual([{ file: bad, line: 1, reason: expect.stringMatching(/unrecognised format/) }])
    expect(done.message).toMatch(
      new RegExp(
        `^imported 100 bars from 1 file · 0 duplicates · 0 rejected · 0 gaps — 1 of 2 files failed: ${bad}:1: unrecognised format`,
      ),
    )
    const series = await c.listSeries()
    expect(series.map((s) => s.count)).toContain(result.reports[0].imported)
  })

  it('an import whose every file fails ends as failed, naming each file and why (missing, garbage CSV, random .json.gz)', async () => {
    const c = core()
    const dir = dirs[dirs.length - 1]
    const missing = join(dir, 'missing.csv')
    const garbage = join(dir, 'garbage.csv')
    writeFileSync(garbage, 'hello,world\nfoo,bar\n1,2\n')
    const random = join(dir, 'XRP_USDT-5m.json.gz')
    writeFileSync(random, randomBytes(4096))
    const job = await c.importFiles({ files: [missing, garbage, random] })
    const done = await c.jobs.wait(job.id)
    expect(done.state).toBe('failed')
    expect(done.error).toMatch(
      /^all 3 files failed: .*missing\.csv: cannot read \(ENOENT\); .*garbage\.csv:1: unrecognised format .*; .*XRP_USDT-5m\.json\.gz: /,
    )
    const result = readImportJobResult(done.result)!
    expect(result.reports).toEqual([])
    expect(result.failed.map((f) => f.file)).toEqual([missing, garbage, random])
    expect(await c.listSeries()).toEqual([])
    // Stored as it was published: a client listing jobs later sees the same failure.
    expect((await c.listJobs()).find((j) => j.id === job.id)).toMatchObject({ state: 'failed', error: done.error })
  })

  it('a file whose every row is rejected counts as failed: one such file fails the job with the first rejected line, storing nothing', async () => {
    const c = core()
    const file = join(dirs[dirs.length - 1], 'BTCUSDT-1h-bad.csv')
    writeFileSync(
      file,
      'time,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,0.5,0.4,0.9,1\n2024-01-01T01:00:00Z,1,0.5,0.4,0.9,1\n',
    )
    const done = await c.jobs.wait((await c.importFiles({ files: [file] })).id)
    expect(done.state).toBe('failed')
    expect(done.error).toBe(`${file}: every row was rejected (2); line 2: high 0.5 is below max(open 1, close 0.9)`)
    expect(await c.listInstruments()).toEqual([])
    expect(await c.listSeries()).toEqual([])
  })

  it("the core's inflate limits bind its import jobs: a real gzip past a lowered cap fails the job, storing nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'armada-core-'))
    dirs.push(dir)
    const c = createCore({ dbPath: join(dir, 'a.db'), shell: 'headless', inflateLimits: { maxInflatedBytes: 2 ** 20 } })
    c.start()
    cores.push(c)
    const file = testData('nautilus_trader', 'ftx_BTC-PERP_1m_20211231-20220201.csv.gz')
    const done = await c.jobs.wait((await c.importFiles({ files: [file] })).id)
    expect(done.state).toBe('failed')
    expect(done.error).toBe(`${file}: inflates past 1 MiB (${HINT_WORDS.maxInflated}); refusing`)
    expect(await c.listInstruments()).toEqual([])
  })

  it('a good import reports imported, duplicates, rejected rows (line and reason) and gaps per file; again, all duplicates', async () => {
    const c = core()
    const damaged = writeDamagedBtcCsv(dirs[dirs.length - 1])
    const first = await c.jobs.wait((await c.importFiles({ files: [damaged.path] })).id)
    expect(first.state).toBe('succeeded')
    const [r] = readImportJobResult(first.result)!.reports
    expect(r).toMatchObject({
      file: damaged.path,
      symbol: 'BTCUSDT',
      timeframe: '1h',
      kind: 'bars',
      imported: damaged.imported,
      duplicates: 0,
      rejected: 1,
      gaps: damaged.gaps,
      missingBars: 2,
    })
    expect(r.rejectedRows).toEqual([
      { line: damaged.rejectedLine, reason: expect.stringMatching(damaged.rejectedReason) },
    ])
    expect(first.message).toBe('imported 37 bars from 1 file · 0 duplicates · 1 rejected · 2 gaps')
    const again = await c.jobs.wait((await c.importFiles({ files: [damaged.path] })).id)
    expect(readImportJobResult(again.result)!.reports[0]).toMatchObject({
      imported: 0,
      duplicates: damaged.imported,
      rejected: 1,
    })
  })

  it('imports uploads under the name the user gave them and deletes them when the job ends', async () => {
    const c = core()
    const damaged = writeDamagedBtcCsv(dirs[dirs.length - 1])
    const up = await c.uploads.receive('btc_usdt_1h.csv', Readable.from([readFileSync(damaged.path)]))
    const held = c.uploads.resolve([up.id])[0].path
    expect(existsSync(held)).toBe(true)
    expect(statSync(dirname(dirname(held))).mode & 0o777).toBe(0o700)
    const done = await c.jobs.wait((await c.importFiles({ files: [], uploads: [up.id] })).id)
    expect(done.state).toBe('succeeded')
    expect(readImportJobResult(done.result)!.reports[0]).toMatchObject({
      file: 'btc_usdt_1h.csv',
      symbol: 'BTCUSDT',
      imported: damaged.imported,
    })
    await vi.waitFor(() => expect(existsSync(dirname(held))).toBe(false))
    expect(c.uploads.size).toBe(0)
    await expect(c.importFiles({ files: [], uploads: [up.id] })).rejects.toThrow(/no upload/)
  })

  it('reports the rows stored so far while a big file imports (the job message moves within the file)', async () => {
    const c = core()
    const messages: string[] = []
    c.subscribe('job', (j) => messages.push(j.message))
    const file = testData('freqtrade', 'orderflow', 'candles.json.gz')
    const job = await c.importFiles({ files: [file], symbol: 'BTCUSDT' })
    const done = await c.jobs.wait(job.id)
    expect(done.state).toBe('succeeded')
    expect((done.result as { reports: { imported: number }[] }).reports[0].imported).toBe(10_999)
    expect(messages).toContain(`importing ${file}: 5,000 rows stored`)
  })

  it('says a series has no regime model, and has them once the card-started training job registers them', async () => {
    const c = core()
    const file = testData('freqtrade', 'futures', 'XRP_USDT_USDT-5m-futures.json.gz')
    const imported = await c.jobs.wait(
      (await c.importFiles({ files: [file], symbol: 'XRPUSDT', venue: 'BINANCE', timeframe: '5m' })).id,
    )
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
