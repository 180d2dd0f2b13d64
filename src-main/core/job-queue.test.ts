import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Queue, QueueEvents } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKTEST_JOB_KIND, parseJobRequest, SWEEP_JOB_KIND, type SweepDetail, type SweepRow } from '../../src-shared'
import { backtestJob, inThreadExecutor, sweepJob, sweepRanges } from '../backtest'
import { openDatabase, SqliteBarStore, SqliteSweepStore } from '../store'
import { ARMADA_CLI_ARGS, REPO_ROOT, redisUnavailable, startRedis, testData, type TestRedis } from '../testing'
import { JOB_QUEUE_NAME, QueueShardExecutor, redisConnection } from './job-queue'

/**
 * Sweeps on a real redis-server with real `armada worker` processes (spawned from source) over four real Bittrex 5m
 * series (freqtrade test data): their rows equal the same backtests run locally, and a worker killed with SIGKILL
 * mid-shard loses and duplicates nothing.
 */
const SYMBOLS = ['ADABTC', 'DASHBTC', 'ETHBTC', 'TRXBTC']
const unavailable = redisUnavailable()

let dir: string
let db: string
let redis: TestRedis

/** A started `armada worker` with its log so far. */
interface WorkerProcess {
  readonly child: ChildProcess
  log: string
  /** Resolves once the process has exited and its stderr is read to the end. */
  readonly closed: Promise<void>
}

function startWorker(lockMs: number, workerDb = join(dir, `worker-${Math.random()}.db`)): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    [...ARMADA_CLI_ARGS, 'worker', '--queue', redis.url, '--db', workerDb, '--lock-ms', String(lockMs)],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const w: WorkerProcess = { child, log: '', closed: new Promise((r) => child.once('close', () => r())) }
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      w.log += d.toString()
      if (w.log.includes('taking jobs from')) resolve(w)
    })
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${w.log}`)))
  })
}

/** The real CLI from source, without blocking this process (its workers' logs keep flowing). */
function armada(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...ARMADA_CLI_ARGS, ...args], { cwd: REPO_ROOT })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()))
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })))
}

async function stopWorker(w: WorkerProcess): Promise<void> {
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGTERM')
  await w.closed
}

/** Metrics as a sweep stores them: JSON, non-finite numbers as null. */
const asStored = (m: unknown) =>
  JSON.parse(JSON.stringify(m, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x))) as unknown

describe.skipIf(unavailable)(`sweeps on BullMQ workers${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'armada-sweep-queue-'))
    db = join(dir, 'a.db')
    const files = SYMBOLS.map((s) => testData('freqtrade', 'spot', `${s.replace('BTC', '_BTC')}-5m.json.gz`))
    const imported = await armada(['import', ...files, '--db', db])
    expect(imported.code, imported.stderr).toBe(0)
    redis = await startRedis()
  }, 120_000)

  afterAll(async () => {
    await redis?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('a 32-backtest sweep over 4 real series on 2 worker processes equals the same backtests run locally', async () => {
    const workers = await Promise.all([startWorker(10_000), startWorker(10_000)])
    let sweep: SweepDetail
    try {
      const grid = 'fast=5,10;slow=30,60;stopAtr=1.5,3'
      const run = await armada(
        [
          'sweep',
          '--strategy',
          'ma-crossover',
          '--symbols',
          SYMBOLS.join(','),
          '--timeframe',
          '5m',
          '--grid',
          grid,
        ].concat(['--queue', redis.url, '--json', '--db', db]),
      )
      expect(run.code, run.stderr).toBe(0)
      sweep = JSON.parse(run.stdout) as SweepDetail
    } finally {
      await Promise.all(workers.map(stopWorker))
    }
    expect(sweep.rows).toHaveLength(32)
    expect(new Set(sweep.rows.map((r) => r.symbol))).toEqual(new Set(SYMBOLS))
    expect(sweep.rows.map((r) => r.cell)).toEqual([...Array(32).keys()])
    // Both processes ran shards.
    for (const w of workers) expect(w.log).toMatch(/done sweep\.shard/)

    // Each row equals `backtest.run` (what `armada backtest --from --to` runs) over the same two time ranges.
    const h = openDatabase(db, { readonly: true })
    const bars = new SqliteBarStore(h)
    const ranges = new Map(
      SYMBOLS.map((s) => {
        const page = [...bars.pages({ symbol: s, venue: 'LOCAL', timeframe: '5m' })].flat()
        return [
          s,
          sweepRanges(
            Float64Array.from(page, (b) => b.time),
            sweep.split,
          ),
        ]
      }),
    )
    h.close()
    const ctx = { progress: () => undefined, signal: new AbortController().signal, dbPath: db }
    for (const row of sweep.rows) {
      const r = ranges.get(row.symbol)!
      const local = async ([from, to]: [number, number]) =>
        asStored(
          (
            await backtestJob(
              parseJobRequest(BACKTEST_JOB_KIND, {
                strategy: 'ma-crossover',
                strategyParams: row.params,
                symbols: [row.symbol],
                timeframe: '5m',
                ml: false,
                from,
                to,
              }),
              ctx,
            )
          ).metrics,
        )
      expect(row.inSample, `cell ${row.cell} in-sample`).toEqual(await local(r.inSample))
      expect(row.outOfSample, `cell ${row.cell} out-of-sample`).toEqual(await local(r.outOfSample!))
    }
  }, 600_000)

  it('a worker runs a backtest.run job on its own database once per job id, and fails a bad request without retry', async () => {
    const worker = await startWorker(10_000, db)
    const connection = redisConnection(redis.url)
    const queue = new Queue(JOB_QUEUE_NAME, { connection })
    const events = new QueueEvents(JOB_QUEUE_NAME, { connection })
    try {
      await events.waitUntilReady()
      const request = { strategy: 'ma-crossover', symbols: ['ETHBTC'], timeframe: '5m', ml: false }
      const opts = { jobId: 'bt-1', attempts: 3, backoff: { type: 'exponential', delay: 1000 } }
      const job = await queue.add(BACKTEST_JOB_KIND, request, opts)
      const result = (await job.waitUntilFinished(events)) as { id: number; metrics: unknown }
      const ctx = { progress: () => undefined, signal: new AbortController().signal, dbPath: db }
      const local = await backtestJob(parseJobRequest(BACKTEST_JOB_KIND, request), ctx)
      expect(asStored(result.metrics)).toEqual(asStored(local.metrics))
      // The same job id again is the same job: not run a second time.
      const again = await queue.add(BACKTEST_JOB_KIND, request, opts)
      expect(again.id).toBe('bt-1')
      expect(await again.waitUntilFinished(events)).toEqual(result)
      await expect.poll(() => worker.log).toContain('done backtest.run bt-1')
      expect(worker.log.match(/start backtest\.run bt-1 /g)).toHaveLength(1)

      // waitUntilFinished rejects once the job has failed for good: after one attempt, not three.
      const bad = await queue.add(BACKTEST_JOB_KIND, { ...request, strategy: 'nope' }, { ...opts, jobId: 'bt-bad' })
      await expect(bad.waitUntilFinished(events)).rejects.toThrow('unknown strategy "nope"')
      expect((await queue.getJob('bt-bad'))?.attemptsMade).toBe(1)
    } finally {
      await events.close()
      await queue.close()
      await stopWorker(worker)
    }
  }, 300_000)

  it('a worker killed with SIGKILL mid-shard: the shard completes on the other worker, no row lost or duplicated', async () => {
    const request = parseJobRequest(SWEEP_JOB_KIND, {
      strategy: 'battle-navale',
      symbols: ['ETHBTC'],
      timeframe: '5m',
      grid: { signalThreshold: [0.2, 0.25, 0.3, 0.35], stopAtr: [1, 1.5, 2, 2.5], targetR: [1.5, 2, 3] },
      ml: false,
      shardSize: 48,
    })
    const events = new QueueEvents(JOB_QUEUE_NAME, { connection: redisConnection(redis.url) })
    await events.waitUntilReady()
    const first = await startWorker(1500)
    let second: WorkerProcess | undefined
    let killedJob = ''
    events.once('progress', ({ jobId }) => {
      killedJob = jobId
      first.child.kill('SIGKILL')
      void startWorker(1500).then((w) => (second = w))
    })
    const ctx = { progress: () => undefined, signal: new AbortController().signal, dbPath: db }
    let result
    try {
      result = await sweepJob(request, ctx, new QueueShardExecutor(redis.url), 1)
    } finally {
      await events.close()
      if (second) await stopWorker(second)
    }
    await first.closed
    expect(first.child.signalCode).toBe('SIGKILL')
    expect(killedJob).not.toBe('')
    expect(first.log).toContain(`start sweep.shard ${killedJob}`)
    expect(first.log).not.toContain(`done sweep.shard ${killedJob}`)
    expect(second!.log).toContain(`done sweep.shard ${killedJob}`)

    const h = openDatabase(db, { readonly: true })
    const stored = [...new SqliteSweepStore(h).rows(result.id)]
    h.close()
    expect(result.backtests).toBe(48)
    expect(stored.map((r) => r.cell)).toEqual([...Array(48).keys()])
    // Value for value what the same shard gives on this thread.
    const local: SweepRow[] = []
    const again = await sweepJob(
      request,
      ctx,
      { run: (s, onRow, sig) => inThreadExecutor.run(s, (r) => (local.push(r), onRow(r)), sig) },
      1,
    )
    expect(again.backtests).toBe(48)
    expect(stored).toEqual(local.map((r) => asStored(r)))
  }, 600_000)
})
