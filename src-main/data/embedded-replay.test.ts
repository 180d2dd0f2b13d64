import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock, TIMEFRAME_MS, type Bar, type StoredBar } from '../../src-shared'
import { testData } from '../testing'
import { openDatabase, SqliteBarStore, SqliteTradeStore } from '../store'
import { BinanceFeed } from './binance-feed'
import { defaultReplayFiles, loadReplayDataset, resumeIndex, sampleDataDir, startEmbeddedReplay } from './embedded-replay'
import { MarketDataImporter } from './market-data-importer'

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
      'BTC_USDT-5m.json.gz': 10999,
      'ADA_BTC-5m.json.gz': 5720,
      'DASH_BTC-5m.json.gz': 5758,
      'ETC_BTC-5m.json.gz': 5759,
      'ETH_BTC-5m.json.gz': 5760,
      'NXT_BTC-5m.json.gz': 5760,
      'TRX_BTC-5m.json.gz': 5754,
      'XLM_BTC-5m.json.gz': 5760,
      'XRP_USDT_USDT-5m-futures.json.gz': 1999,
      'XRP_USDT_USDT-8h-funding_rate.json': 91,
    }
    const files = readdirSync(sampleDataDir()).filter((f) => f !== 'PROVENANCE.md')
    expect(files.sort()).toEqual(Object.keys(expected).sort())
    const db = openDatabase(':memory:')
    const importer = new MarketDataImporter(db)
    for (const f of files) expect(importer.importFile(join(sampleDataDir(), f)).imported).toBe(expected[f])
    db.close()
  })

  it('the default replay streams BTCUSDT 5m past the end of the data, looping forward in time with REST history', async () => {
    const replay = await startEmbeddedReplay(undefined, { speed: { barsPerSecond: 2000 }, startIndex: 10_990 }, systemClock)
    cleanups.push(() => replay.stop())
    expect(replay.streams).toEqual([{ kind: 'kline', symbol: 'BTCUSDT', timeframe: '5m' }])
    const store = new SqliteBarStore(openDatabase(':memory:'))
    const feed = new BinanceFeed({ wsBase: replay.wsBase, restBase: replay.restBase, market: 'spot', streams: replay.streams, initialHistoryBars: 50 }, { bars: store }, systemClock)
    cleanups.push(() => feed.dispose())
    feed.start()
    const key = { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '5m' as const }
    await until(() => store.count(key) >= 80, '80 bars')
    await feed.idle()
    const bars = [...store.pages(key)].flat()
    const source = loadReplayDataset(defaultReplayFiles()).bars[0].bars
    // History from REST, then 10 bars to the end of the file, then the first bars again one period later.
    expect(bars[0].time).toBe(source[10_940].time)
    const period = source.at(-1)!.time - source[0].time + TIMEFRAME_MS['5m']
    expect(bars.find((b) => b.time === source[0].time + period)?.close).toBe(source[0].close)
    expect(bars.every((b, i) => i === 0 || b.time > bars[i - 1].time)).toBe(true)
  })

  it('replays stored bars and stored trades from a database into a second one, unchanged', async () => {
    const src = openDatabase(':memory:')
    const importer = new MarketDataImporter(src)
    importer.importFile(testData('freqtrade/spot/XRP_ETH-5m.json'), { venue: 'BINANCE' })
    importer.importFile(testData('nautilus_trader/trades/tardis_binance-futures_trades_BTCUSDT.csv.gz'))
    const barKey = { symbol: 'XRPETH', venue: 'BINANCE', timeframe: '5m' as const }
    const tradeKey = { symbol: 'BTCUSDT', venue: 'BINANCE' }
    const replay = await startEmbeddedReplay(
      { store: new SqliteBarStore(src), series: [barKey], trades: { store: new SqliteTradeStore(src), instruments: [tradeKey] } },
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
    const feed = new BinanceFeed({ wsBase: replay.wsBase, restBase: replay.restBase, market: 'spot', streams: replay.streams }, { bars, trades }, systemClock)
    cleanups.push(() => feed.dispose())
    feed.start()
    await until(() => bars.count(barKey) === 712, 'all 712 bars')
    const strip = ({ symbol: _s, venue: _v, timeframe: _t, ...b }: StoredBar): Bar => b
    expect([...bars.pages(barKey)].flat().map(strip)).toEqual([...new SqliteBarStore(src).pages(barKey)].flat().map(strip))
    // Trades follow in time order with their taker side; the replay numbers them (aggTrade id = position in the list).
    const got = [...trades.pages(tradeKey)].flat().sort((a, b) => Number(a.id) - Number(b.id))
    const sent = replay.dataset.trades![0].trades
    expect(got.map((t) => [t.time, t.price, t.qty, t.side])).toEqual(sent.slice(0, got.length).map((t) => [t.time, t.price, t.qty, t.side]))
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
