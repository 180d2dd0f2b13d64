import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock, TIMEFRAME_MS, type Bar, type StoredBar } from '../../../src-shared'
import { testData } from '../../testing'
import { openDatabase, SqliteBarStore, SqliteTradeStore } from '../../store'
import { BinanceFeed } from '../live'
import {
  defaultBasketReplayFiles,
  defaultReplayFiles,
  DEMO_WINDOWS,
  loadReplayDataset,
  resumeIndex,
  sampleDataDir,
  startEmbeddedReplay,
} from './embedded-replay'
import { MarketDataImporter } from '../import'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const t0 = performance.now()
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('bundled sample data and the embedded default replay', () => {
  it('every bundled file imports with the row count its PROVENANCE.md states', () => {
    const expected: Record<string, number> = {
      'Coinbase_BTCUSD_1h.csv.gz': 20106,
      'lean/equity_hour/aapl.csv.gz': 40831,
      'lean/equity_hour/ibm.csv.gz': 40813,
      'lean/equity_hour/spy.csv.gz': 40832,
      'lean/equity_hour/vxx.csv.gz': 20915,
    }
    const files = readdirSync(sampleDataDir(), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name !== 'PROVENANCE.md')
      .map((e) => relative(sampleDataDir(), join(e.parentPath, e.name)))
    expect(files.sort()).toEqual(Object.keys(expected).sort())
    const db = openDatabase(':memory:')
    const importer = new MarketDataImporter(db)
    for (const f of files) expect(importer.importFile(join(sampleDataDir(), f)).imported).toBe(expected[f])
    db.close()
  })

  it('the default replay serves only the window the shipped models never saw, and loops forward in time with REST history', async () => {
    const all = loadReplayDataset(defaultReplayFiles()).bars[0].bars
    const source = all.filter((b) => b.time >= DEMO_WINDOWS.regime.from)
    expect(source[0].time).toBe(DEMO_WINDOWS.regime.from)
    const end = source.length - 10
    const replay = await startEmbeddedReplay(
      undefined,
      { speed: { barsPerSecond: 2000 }, startIndex: end, from: DEMO_WINDOWS.regime.from },
      systemClock,
    )
    cleanups.push(() => replay.stop())
    expect(replay.streams).toEqual([{ kind: 'kline', symbol: 'BTCUSD', timeframe: '1h' }])
    expect(replay.dataset.bars[0].bars).toHaveLength(source.length)
    const store = new SqliteBarStore(openDatabase(':memory:'))
    const feed = new BinanceFeed(
      {
        wsBase: replay.wsBase,
        restBase: replay.restBase,
        market: 'spot',
        streams: replay.streams,
        initialHistoryBars: 50,
        venue: 'COINBASE',
      },
      { bars: store },
      systemClock,
    )
    cleanups.push(() => feed.dispose())
    feed.start()
    const key = { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' as const }
    await until(() => store.count(key) >= 80, '80 bars')
    await feed.idle()
    const bars = [...store.pages(key)].flat()
    // History from REST (no bar before the window), then 10 bars to the end of the file, then the window again one period later.
    expect(bars[0].time).toBeGreaterThanOrEqual(DEMO_WINDOWS.regime.from)
    expect(bars[0].time).toBe(source[end - 50].time)
    const period = source.at(-1)!.time - source[0].time + TIMEFRAME_MS['1h']
    expect(bars.find((b) => b.time === source[0].time + period)?.close).toBe(source[0].close)
    expect(bars.every((b, i) => i === 0 || b.time > bars[i - 1].time)).toBe(true)
  })

  it('the basket replay of US-equity hours backfills every history bar despite the overnight gaps (historyPeriods)', async () => {
    const replay = await startEmbeddedReplay(
      { files: defaultBasketReplayFiles() },
      { speed: { barsPerSecond: 1 }, startIndex: 300, from: DEMO_WINDOWS.alerts.from },
      systemClock,
    )
    cleanups.push(() => replay.stop())
    expect(replay.streams.map((s) => s.symbol)).toEqual(['SPY', 'AAPL', 'IBM', 'VXX'])
    const spy = replay.dataset.bars[0].bars
    expect(spy[0].time).toBeGreaterThanOrEqual(DEMO_WINDOWS.alerts.from)
    // 300 trading hours span about 43 calendar days: asking for 300 bars of history by time would get a third of them.
    expect(replay.historyPeriods).toBe((spy[300].time - spy[0].time) / TIMEFRAME_MS['1h'] + 1)
    const store = new SqliteBarStore(openDatabase(':memory:'))
    const feed = new BinanceFeed(
      {
        wsBase: replay.wsBase,
        restBase: replay.restBase,
        market: 'spot',
        streams: replay.streams.slice(0, 1),
        initialHistoryBars: replay.historyPeriods,
        venue: 'USA',
      },
      { bars: store },
      systemClock,
    )
    cleanups.push(() => feed.dispose())
    feed.start()
    const key = { symbol: 'SPY', venue: 'USA', timeframe: '1h' as const }
    await until(() => store.count(key) >= 300, '300 bars')
    expect([...store.pages(key)].flat()[0].time).toBe(spy[0].time)
  })

  it('replays stored bars and stored trades from a database into a second one, unchanged', async () => {
    const src = openDatabase(':memory:')
    const importer = new MarketDataImporter(src)
    importer.importFile(testData('freqtrade/spot/XRP_ETH-5m.json'), { venue: 'BINANCE' })
    importer.importFile(testData('nautilus_trader/trades/tardis_binance-futures_trades_BTCUSDT.csv.gz'))
    const barKey = { symbol: 'XRPETH', venue: 'BINANCE', timeframe: '5m' as const }
    const tradeKey = { symbol: 'BTCUSDT', venue: 'BINANCE' }
    const replay = await startEmbeddedReplay(
      {
        store: new SqliteBarStore(src),
        series: [barKey],
        trades: { store: new SqliteTradeStore(src), instruments: [tradeKey] },
      },
      { speed: { barsPerSecond: 3000 }, startIndex: 0, loop: false },
      systemClock,
    )
    cleanups.push(() => replay.stop())
    expect(replay.streams).toEqual([
      { kind: 'kline', symbol: 'XRPETH', timeframe: '5m' },
      { kind: 'aggTrade', symbol: 'BTCUSDT' },
    ])
    const dst = openDatabase(':memory:')
    const bars = new SqliteBarStore(dst)
    const trades = new SqliteTradeStore(dst)
    const feed = new BinanceFeed(
      { wsBase: replay.wsBase, restBase: replay.restBase, market: 'spot', streams: replay.streams },
      { bars, trades },
      systemClock,
    )
    cleanups.push(() => feed.dispose())
    feed.start()
    await until(() => bars.count(barKey) === 712, 'all 712 bars')
    const strip = ({ symbol: _s, venue: _v, timeframe: _t, ...b }: StoredBar): Bar => b
    expect([...bars.pages(barKey)].flat().map(strip)).toEqual(
      [...new SqliteBarStore(src).pages(barKey)].flat().map(strip),
    )
    // Trades follow in time order with their taker side; the replay numbers them (aggTrade id = position in the list).
    const got = [...trades.pages(tradeKey)].flat().sort((a, b) => Number(a.id) - Number(b.id))
    const sent = replay.dataset.trades![0].trades
    expect(got.map((t) => [t.time, t.price, t.qty, t.side])).toEqual(
      sent.slice(0, got.length).map((t) => [t.time, t.price, t.qty, t.side]),
    )
  })
})

describe('resumeIndex', () => {
  const bars = [0, 1, 2, 3].map((i) => ({ time: i * 60_000, open: 1, high: 1, low: 1, close: 1, volume: 1 }))
  it('keeps the default start when nothing newer is stored', () => {
    expect(resumeIndex(bars, '1m', undefined, 2)).toBe(2)
    expect(resumeIndex(bars, '1m', -60_000, 2)).toBe(2)
  })
  it('continues right after the stored bar, across loops (period = 4 bars)', () => {
    expect(resumeIndex(bars, '1m', 2 * 60_000, 0)).toBe(3)
    expect(resumeIndex(bars, '1m', 3 * 60_000, 0)).toBe(4)
    expect(resumeIndex(bars, '1m', 9 * 60_000, 0)).toBe(10)
  })
})
