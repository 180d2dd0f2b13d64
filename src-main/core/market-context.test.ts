import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock, type Bar, type BookTop, type Funding, type Trade } from '../../src-shared'
import {
  BinanceFeed,
  markStreams,
  parseImportFile,
  ReplayServer,
  replayStreams,
  TradeBarAggregator,
  type FeedStream,
  type ReplayDataset,
} from '../data'
import { featureStream } from '../features'
import {
  openDatabase,
  SqliteBarStore,
  SqliteBookTopStore,
  SqliteDepthStore,
  SqliteFeatureCacheStore,
  SqliteFundingStore,
  SqliteLiquidationStore,
  SqliteMarkPriceStore,
  SqliteTradeStore,
  type DepthSnapshot,
  type MarkPrice,
} from '../store'
import { testData } from '../testing'
import { createCore, type WorkstationCore } from './index'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function until(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const t0 = performance.now()
  while (!cond()) {
    if (performance.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Tardis CSV rows (timestamps in µs) as objects keyed by header. */
function tardisRows(file: string): Record<string, string>[] {
  const raw = readFileSync(file)
  const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').trim().split('\n')
  const head = text[0].split(',')
  return text.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [head[i], v])))
}

/**
 * The real futures sample: Binance USD-M XRP/USDT 5m klines, 8-hourly funding and hourly mark prices (freqtrade,
 * 2021-11-18 → 11-19, where all three overlap), and Binance USD-M BTC/USDT trades with taker side, best bid/ask and
 * top-25 depth snapshots (Tardis samples via nautilus_trader, 2020-02-22 and 2020-09-01). No real liquidation
 * orders exist in the shared data, so the forceOrder stream is left out here (binance-feed.test.ts covers it).
 */
export function futuresSample(): ReplayDataset {
  const from = Date.UTC(2021, 10, 18)
  const to = Date.UTC(2021, 10, 19, 10)
  const ft = (f: string) => parseImportFile(testData('freqtrade', 'futures', f)).data.records
  const bars = (ft('XRP_USDT_USDT-5m-futures.json.gz') as Bar[]).filter((b) => b.time >= from && b.time < to)
  // Funding up to the first one after the window: it settles the window's last rate on the stream.
  const funding = (ft('XRP_USDT_USDT-8h-funding_rate.json') as Funding[]).filter((f) => f.time < to + 8 * 3_600_000)
  const marks = (ft('XRP_USDT_USDT-1h-mark.json') as MarkPrice[]).filter((m) => m.time >= from - 3_600_000)
  const trades = parseImportFile(testData('nautilus_trader/trades/tardis_binance-futures_trades_BTCUSDT.csv.gz')).data
    .records as Trade[]
  const tops: BookTop[] = tardisRows(testData('nautilus_trader/quotes/tardis_binance-futures_quotes_BTCUSDT.csv.gz'))
    .map((r) => ({
      time: Math.floor(Number(r.timestamp) / 1000),
      bidPrice: Number(r.bid_price),
      bidQty: Number(r.bid_amount),
      askPrice: Number(r.ask_price),
      askQty: Number(r.ask_amount),
    }))
    // One top per millisecond (the store's key): the last quote of the millisecond.
    .filter((t, i, xs) => i + 1 === xs.length || xs[i + 1].time !== t.time)
  const snapshots: DepthSnapshot[] = tardisRows(
    testData('nautilus_trader/orderbook/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv'),
  )
    .map((r) => {
      // The best 20 levels of the 25: what Binance's @depth20 stream carries.
      const side = (s: string) =>
        Array.from({ length: 20 }, (_, i): [number, number] => [
          Number(r[`${s}[${i}].price`]),
          Number(r[`${s}[${i}].amount`]),
        ])
      return { time: Math.floor(Number(r.timestamp) / 1000), bids: side('bids'), asks: side('asks') }
    })
    .filter((t, i, xs) => i + 1 === xs.length || xs[i + 1].time !== t.time)
  return {
    bars: [{ symbol: 'XRPUSDT', timeframe: '5m', bars }],
    trades: [{ symbol: 'BTCUSDT', trades }],
    funding: [{ symbol: 'XRPUSDT', funding }],
    marks: [{ symbol: 'XRPUSDT', marks }],
    bookTops: [{ symbol: 'BTCUSDT', tops }],
    depth: [{ symbol: 'BTCUSDT', snapshots }],
  }
}

/** The feed's subscriptions for the sample: every stream, with BTC/USDT 1m bars built from its trades. */
export function sampleStreams(d: ReplayDataset): FeedStream[] {
  return replayStreams(d).map((s) => (s.kind === 'aggTrade' ? { ...s, barsTimeframe: '1m' as const } : s))
}

describe('full market context: replay server streams → feed → store → liquidation features (real futures data)', () => {
  it('stores every stream and fills the context columns, streaming equal to batch', async () => {
    const dataset = futuresSample()
    const server = new ReplayServer(dataset, { speed: { barsPerSecond: 200 } }, systemClock)
    const { wsBase, restBase } = await server.start()
    cleanups.push(() => server.stop())
    const dir = mkdtempSync(join(tmpdir(), 'armada-context-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const core = createCore({
      dbPath: join(dir, 'a.db'),
      shell: 'cli',
      live: { kind: 'exchange', feed: { wsBase, restBase, market: 'usdm', streams: sampleStreams(dataset) } },
    })
    cleanups.push(() => core.dispose())
    core.start()
    const xrp = { symbol: 'XRPUSDT', venue: 'BINANCE', timeframe: '5m' as const }
    const btc = { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1m' as const }
    core.features.follow(xrp, 'liquidation')
    core.features.follow(btc, 'liquidation')
    await core.startLive()
    const ev = core.marketEvents
    const x = { symbol: 'XRPUSDT', venue: 'BINANCE' }
    const b = { symbol: 'BTCUSDT', venue: 'BINANCE' }
    const src = { bars: dataset.bars[0].bars, trades: dataset.trades![0].trades }
    await until(
      () => core.bars.count(xrp) === src.bars.length && ev.trades.count(b) === src.trades.length,
      'every XRP bar and BTC trade',
    )

    // Every stream stored, in full.
    const funding = dataset.funding![0].funding
    expect(ev.funding.count(x)).toBeGreaterThanOrEqual(funding.length - 1)
    expect([...ev.funding.pages(x)].flat().map((f) => [f.time, f.rate])).toEqual(
      funding.slice(0, ev.funding.count(x)).map((f) => [f.time, f.rate]),
    )
    const markTimes = new Set([...ev.markPrices.pages(x)].flat().map((m) => m.time))
    for (const m of dataset.marks![0].marks) expect(markTimes.has(m.time)).toBe(true)
    expect(ev.bookTops.count(b)).toBe(dataset.bookTops![0].tops.length + dataset.depth![0].snapshots.length)
    expect([...ev.depth.pages(b)].flat()).toEqual(dataset.depth![0].snapshots)
    // The replay numbers aggregated trades by their position (Binance's `a`): stored trade i is source trade i.
    const trades = [...ev.trades.pages(b)].flat().sort((p, q) => Number(p.id) - Number(q.id))
    expect(trades.map(({ id: _id, ...t }) => t)).toEqual(src.trades.map(({ id: _id, ...t }) => t))
    expect(core.bars.count(btc)).toBeGreaterThan(100)

    const cache = new SqliteFeatureCacheStore(core.database)
    for (const [key, rows] of [
      [xrp, src.bars.length],
      [btc, core.bars.count(btc)],
    ] as const) {
      const probe = featureStream('liquidation', key.timeframe)
      const w = probe.names.length
      // The rows the streaming computer produced bar by bar, before a batch request overwrites them.
      const live = cache.get(key, probe.specHash, w, -Infinity, Infinity)
      const batch = core.features.get(key, 'liquidation', 100_000)
      expect(live.time.length).toBe(rows)
      expect(Array.from(batch.time)).toEqual(Array.from(live.time))
      expect(Array.from(batch.data)).toEqual(Array.from(live.data))
      const col = (name: string) =>
        Array.from({ length: rows }, (_, i) => batch.data[i * w + batch.names.indexOf(name)])
      if (key === xrp) {
        expect(col('funding_missing').every((v) => v === 0)).toBe(true)
        expect(col('mark_missing').every((v) => v === 0)).toBe(true)
        expect(col('funding_rate').every((v) => Number.isFinite(v))).toBe(true)
        expect(col('basis').every((v) => Number.isFinite(v) && Math.abs(v) < 0.05)).toBe(true)
      } else {
        expect(col('taker_missing').every((v) => v === 0)).toBe(true)
        // Quotes cover 2020-02-22 00:00:01 → 00:03:47: the first four 1m bars have a spread, later ones do not.
        expect(col('quotes_missing').slice(0, 4)).toEqual([0, 0, 0, 0])
        expect(
          col('quotes_missing')
            .slice(5)
            .every((v) => v === 1),
        ).toBe(true)
        expect(
          col('spread')
            .slice(0, 4)
            .every((v) => v > 0 && v < 5),
        ).toBe(true)
      }
    }
  })
})

describe('full market context survives replay-server kills (real futures data, every stream)', () => {
  it('kill the replay server 10 times during a multi-stream replay: 0 missing, 0 duplicate rows in every table', async () => {
    const dataset = futuresSample()
    const speed = { barsPerSecond: 100 }
    let server = new ReplayServer(dataset, { speed }, systemClock)
    const { wsBase, restBase, port } = await server.start()
    cleanups.push(() => server.stop())
    const db = openDatabase(':memory:')
    cleanups.push(() => db.close())
    const stores = {
      bars: new SqliteBarStore(db),
      trades: new SqliteTradeStore(db),
      funding: new SqliteFundingStore(db),
      markPrices: new SqliteMarkPriceStore(db),
      bookTops: new SqliteBookTopStore(db),
      depth: new SqliteDepthStore(db),
      liquidations: new SqliteLiquidationStore(db),
    }
    const feed = new BinanceFeed(
      {
        wsBase,
        restBase,
        market: 'usdm',
        streams: sampleStreams(dataset),
        reconnect: { initialMs: 10, maxMs: 50 },
      },
      stores,
      systemClock,
    )
    cleanups.push(() => feed.dispose())
    const x = { symbol: 'XRPUSDT', venue: 'BINANCE' }
    const b = { symbol: 'BTCUSDT', venue: 'BINANCE' }
    const xrp = { ...x, timeframe: '5m' as const }
    const btc = { ...b, timeframe: '1m' as const }
    const tables = ['bars', 'trades', 'funding', 'mark_prices', 'book_tops', 'book_depth']
    const stored = (): number =>
      tables.reduce((n, t) => n + (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n, 0)
    const src = dataset.bars[0].bars
    const trades = dataset.trades![0].trades
    feed.start()
    for (let k = 1; k <= 10; k++) {
      // Five kills while BTC trades and quotes stream, five while XRP klines, marks and funding do; each after the
      // feed reconnected to the server of the moment.
      await until(
        () =>
          server.connections > 0 &&
          (k <= 5 ? stores.trades.count(b) >= (k * trades.length) / 6 : stores.bars.count(xrp) >= (k - 5) * 60),
        `progress before kill ${k}`,
      )
      await server.stop()
      // Where the feed's store ends: everything sent before it arrived (one socket, in data-time order).
      const resume = Math.max(
        ...tables
          .slice(1)
          .map((t) => (db.prepare(`SELECT coalesce(max(time), -1e15) AS t FROM ${t}`).get() as { t: number }).t),
        (db.prepare('SELECT coalesce(max(open_time), -1e15) AS t FROM bars').get() as { t: number }).t,
      )
      server = new ReplayServer(dataset, { port, speed, startTime: resume }, systemClock)
      await server.start()
    }
    const marks = markStreams(dataset)
      .find((m) => m.symbol === 'XRPUSDT')!
      .events.filter((e) => e.price > 0)
    await until(
      () =>
        stores.bars.count(xrp) === src.length &&
        stores.trades.count(b) === trades.length &&
        stores.markPrices.count(x) === marks.length,
      'the end of the replay',
    )
    await feed.idle()
    expect(feed.status().reconnects).toBeGreaterThanOrEqual(10)
    expect(feed.status().malformed).toBe(0)

    // Bars: XRP klines exactly; BTC 1m bars exactly what a batch aggregation of the trades gives.
    expect([...stores.bars.pages(xrp)].flat().map(({ symbol, venue, timeframe, ...bar }) => bar)).toEqual(src)
    const agg = new TradeBarAggregator('1m')
    const expectedBtc: Bar[] = []
    for (const t of trades) {
      const { closed } = agg.push(t)
      if (closed) expectedBtc.push(closed)
    }
    expect([...stores.bars.pages(btc)].flat().map(({ symbol, venue, timeframe, ...bar }) => bar)).toEqual(expectedBtc)
    // Trades: each source trade once, nothing else.
    const got = [...stores.trades.pages(b)].flat().sort((p, q) => Number(p.id) - Number(q.id))
    expect(got.map(({ id: _id, ...t }) => t)).toEqual(trades.map(({ id: _id, ...t }) => t))
    expect(new Set(got.map((t) => t.id)).size).toBe(trades.length)
    // Marks: every markPrice message of the replay that carries a price, once.
    expect([...stores.markPrices.pages(x)].flat().map((m) => [m.time, m.price])).toEqual(
      marks.map((m) => [m.time, m.price]),
    )
    // Funding: every settled rate in order (the last one only if REST returned it).
    const funding = dataset.funding![0].funding
    const f = [...stores.funding.pages(x)].flat()
    expect(f.length).toBeGreaterThanOrEqual(funding.length - 1)
    expect(f.map((r) => [r.time, r.rate])).toEqual(funding.slice(0, f.length).map((r) => [r.time, r.rate]))
    // Book: every top and every depth snapshot (depth snapshots also write their top), once.
    const tops = [...stores.bookTops.pages(b)].flat()
    const expectedTops = [
      ...dataset.bookTops![0].tops,
      ...dataset.depth![0].snapshots.map((s) => ({
        time: s.time,
        bidPrice: s.bids[0][0],
        bidQty: s.bids[0][1],
        askPrice: s.asks[0][0],
        askQty: s.asks[0][1],
      })),
    ].sort((p, q) => p.time - q.time)
    expect(tops).toEqual(expectedTops)
    expect([...stores.depth.pages(b)].flat()).toEqual(dataset.depth![0].snapshots)
  })
})
