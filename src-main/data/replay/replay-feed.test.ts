import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock, type Bar, type StoredBar, type Trade } from '../../../src-shared'
import { testData } from '../../testing'
import {
  openDatabase,
  SqliteBarStore,
  SqliteDepthStore,
  SqliteFundingStore,
  SqliteLiquidationStore,
  SqliteTradeStore,
  type Db,
} from '../../store'
import { parseImportFile } from '../import'
import { BinanceFeed, TradeBarAggregator } from '../live'
import { replayStreams } from './embedded-replay'
import { ReplayServer } from './replay-server'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function db(): Db {
  const d = openDatabase(':memory:')
  cleanups.push(() => d.close())
  return d
}

async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const t0 = performance.now()
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function replay(
  ...args: ConstructorParameters<typeof ReplayServer>
): Promise<{ server: ReplayServer; wsBase: string; restBase: string; port: number }> {
  const server = new ReplayServer(...args)
  const where = await server.start()
  cleanups.push(() => server.stop())
  return { server, ...where }
}

const ethBtc = (): Bar[] =>
  (parseImportFile(testData('freqtrade/spot/ETH_BTC-5m.json.gz')).data.records as Bar[]).slice(0, 400)

describe('replay → BinanceFeed → store (real WebSockets on 127.0.0.1)', () => {
  it('reproduces the source bars exactly, across a replay-server kill and restart (gap backfilled via REST, no duplicates)', async () => {
    const source = ethBtc()
    const dataset = { bars: [{ symbol: 'ETHBTC', timeframe: '5m' as const, bars: source }] }
    const a = await replay(dataset, { speed: { barsPerSecond: 300 }, startIndex: 50 }, systemClock)
    const store = new SqliteBarStore(db())
    const feed = new BinanceFeed(
      {
        wsBase: a.wsBase,
        restBase: a.restBase,
        market: 'spot',
        streams: [{ kind: 'kline', symbol: 'ETHBTC', timeframe: '5m' }],
        reconnect: { initialMs: 20, maxMs: 100 },
        initialHistoryBars: 1000,
      },
      { bars: store },
      systemClock,
    )
    cleanups.push(() => feed.dispose())
    const emitted: number[] = []
    let forming = 0
    feed.on('bar', (b) => emitted.push(b.time))
    feed.on('formingBar', (b) => {
      expect(b.partial).toBe(true)
      forming++
    })
    feed.start()
    const key = { symbol: 'ETHBTC', venue: 'BINANCE', timeframe: '5m' as const }
    await until(() => store.count(key) >= 150, '150 bars before the kill')
    await a.server.stop()
    const resumeAt = a.server.position() + 40
    await new Promise((r) => setTimeout(r, 150))
    const b = await replay(dataset, { port: a.port, speed: { barsPerSecond: 300 }, startIndex: resumeAt }, systemClock)
    await until(() => store.count(key) >= 400, 'all 400 bars after the restart')
    await feed.idle()
    const stored = [...store.pages(key, 64)].flat().map(({ symbol, venue, timeframe, ...bar }: StoredBar) => bar)
    expect(stored).toEqual(source)
    expect(emitted).toEqual(source.map((x) => x.time))
    expect(forming).toBeGreaterThan(0)
    const st = feed.status()
    expect(st.reconnects).toBeGreaterThanOrEqual(1)
    expect(st.backfilledBars).toBeGreaterThanOrEqual(50 + 40)
    expect(st.malformed).toBe(0)
    expect(b.server.connections).toBe(1)
  })

  it('rotates to a fresh connection before the limit without losing or repeating bars, and answers pings', async () => {
    const source = ethBtc().slice(0, 300)
    const { server, wsBase, restBase } = await replay(
      { bars: [{ symbol: 'ETHBTC', timeframe: '5m', bars: source }] },
      { speed: { barsPerSecond: 400 }, startIndex: 10, pingIntervalMs: 20 },
      systemClock,
    )
    const store = new SqliteBarStore(db())
    const feed = new BinanceFeed(
      // USD-M futures: the history comes through /fapi/v1/klines.
      {
        wsBase,
        restBase,
        market: 'usdm',
        streams: [{ kind: 'kline', symbol: 'ETHBTC', timeframe: '5m' }],
        rotateAfterMs: 200,
        initialHistoryBars: 100,
      },
      { bars: store },
      systemClock,
    )
    cleanups.push(() => feed.dispose())
    const emitted: number[] = []
    feed.on('bar', (b) => emitted.push(b.time))
    feed.start()
    await until(() => store.count({ symbol: 'ETHBTC', venue: 'BINANCE', timeframe: '5m' }) >= 300, 'all bars')
    await feed.idle()
    expect(server.connections).toBeGreaterThanOrEqual(2)
    expect(feed.status().reconnects).toBe(0)
    expect(emitted).toEqual(source.map((x) => x.time))
    expect(feed.status().backfilledBars).toBeGreaterThanOrEqual(10)
    // ws answers server pings with pongs by default (autoPong).
    expect(server.pongs).toBeGreaterThan(0)
  })

  it('aggregates trades into bars when only trades are subscribed (live equals batch on Binance XRP/ETH trades)', async () => {
    const trades = (parseImportFile(testData('freqtrade/spot/XRP_ETH-trades.json.gz')).data.records as Trade[]).slice(
      0,
      3000,
    )
    const { wsBase, restBase } = await replay(
      { bars: [], trades: [{ symbol: 'XRPETH', trades }] },
      { speed: { multiplier: 100_000 } },
      systemClock,
    )
    const d = db()
    const bars = new SqliteBarStore(d)
    const tradeStore = new SqliteTradeStore(d)
    const feed = new BinanceFeed(
      { wsBase, restBase, market: 'spot', streams: [{ kind: 'aggTrade', symbol: 'XRPETH', barsTimeframe: '1m' }] },
      { bars, trades: tradeStore },
      systemClock,
    )
    cleanups.push(() => feed.dispose())
    feed.start()
    await until(() => tradeStore.count({ symbol: 'XRPETH', venue: 'BINANCE' }) >= 3000, 'all trades')
    const batch = new TradeBarAggregator('1m')
    const expected: Bar[] = []
    for (const t of trades) {
      const { closed } = batch.push(t)
      if (closed) expected.push(closed)
    }
    const live = [...bars.pages({ symbol: 'XRPETH', venue: 'BINANCE', timeframe: '1m' })]
      .flat()
      .map(({ symbol, venue, timeframe, ...b }: StoredBar) => b)
    expect(live).toEqual(expected)
    expect(live.length).toBeGreaterThan(100)
    expect(live.every((b) => b.takerBuyVolume! >= 0 && b.takerBuyVolume! <= b.volume)).toBe(true)
  })

  it('futures markPrice stream stores the settled funding rates of freqtrade XRP/USDT in order', async () => {
    const funding = parseImportFile(testData('freqtrade/futures/XRP_USDT_USDT-8h-funding_rate.json')).data.records as {
      time: number
      rate: number
    }[]
    const { wsBase, restBase } = await replay(
      { bars: [], funding: [{ symbol: 'XRPUSDT', funding }] },
      { speed: { multiplier: 50_000_000 } },
      systemClock,
    )
    const store = new SqliteFundingStore(db())
    const feed = new BinanceFeed(
      { wsBase, restBase, market: 'usdm', streams: [{ kind: 'markPrice', symbol: 'XRPUSDT' }] },
      { bars: new SqliteBarStore(db()), funding: store },
      systemClock,
    )
    cleanups.push(() => feed.dispose())
    feed.start()
    // The stream settles each rate when the next funding time is announced, so the last one is stored only when the
    // REST fundingRate backfill at connect happened to run after it (a race this test does not depend on).
    await until(() => store.count({ symbol: 'XRPUSDT', venue: 'BINANCE' }) >= funding.length - 1, 'funding rates')
    await feed.idle()
    const stored = [...store.pages({ symbol: 'XRPUSDT', venue: 'BINANCE' })].flat()
    expect(stored.map((f) => [f.time, f.rate])).toEqual(funding.slice(0, stored.length).map((f) => [f.time, f.rate]))
  })

  it('backfills aggTrades and funding missed while the server was down over REST (skip-ahead restart)', async () => {
    const trades = (parseImportFile(testData('freqtrade/spot/XRP_ETH-trades.json.gz')).data.records as Trade[]).slice(
      0,
      3000,
    )
    const funding = parseImportFile(testData('freqtrade/futures/XRP_USDT_USDT-8h-funding_rate.json')).data.records as {
      time: number
      rate: number
    }[]
    // Real rates moved in time only, onto the trades' dates (the first 2 h after the first trade), so one replay
    // clock covers both.
    const shift = Math.floor((trades[0].time + 2 * 3_600_000 - funding[0].time) / 60_000) * 60_000
    const shifted = funding.slice(0, 4).map((f) => ({ ...f, time: f.time + shift }))
    const dataset = {
      bars: [],
      trades: [{ symbol: 'XRPETH', trades }],
      funding: [{ symbol: 'XRPETH', funding: shifted }],
    }
    const speed = { multiplier: 20_000 }
    const a = await replay(dataset, { speed }, systemClock)
    const d = db()
    const tradeStore = new SqliteTradeStore(d)
    const fundingStore = new SqliteFundingStore(d)
    const feed = new BinanceFeed(
      {
        wsBase: a.wsBase,
        restBase: a.restBase,
        market: 'usdm',
        streams: [
          { kind: 'aggTrade', symbol: 'XRPETH' },
          { kind: 'markPrice', symbol: 'XRPETH' },
        ],
        reconnect: { initialMs: 20, maxMs: 100 },
      },
      { bars: new SqliteBarStore(d), trades: tradeStore, funding: fundingStore },
      systemClock,
    )
    cleanups.push(() => feed.dispose())
    feed.start()
    const key = { symbol: 'XRPETH', venue: 'BINANCE' }
    await until(() => tradeStore.count(key) >= 50, 'trades before the kill')
    await a.server.stop()
    // The restart skips ahead past the next funding time: the trades and the rate in between never reach the stream.
    const last = tradeStore.latest(key, Number.MAX_SAFE_INTEGER)!
    const next = shifted.find((f) => f.time > last.time)!
    const skipTo = next.time + 3_600_000
    const skipped = trades.filter((t) => t.time > last.time && t.time < skipTo).length
    expect(skipped).toBeGreaterThan(100)
    await replay(dataset, { port: a.port, speed, startTime: skipTo }, systemClock)
    await until(() => tradeStore.count(key) === trades.length, 'every trade, the skipped ones from REST')
    await feed.idle()
    const stored = [...tradeStore.pages(key)].flat().sort((p, q) => Number(p.id) - Number(q.id))
    expect(stored.map(({ id: _id, ...t }) => t)).toEqual(trades.map(({ id: _id, ...t }) => t))
    const f = [...fundingStore.pages(key)].flat()
    expect(f.map((r) => [r.time, r.rate])).toEqual(shifted.slice(0, f.length).map((r) => [r.time, r.rate]))
    expect(f.map((r) => r.time)).toContain(next.time)
    expect(feed.status().errors).toBe(0)
  })

  it('streams liquidation orders (forceOrder) and book depth (depth20) that the feed stores unchanged, once', async () => {
    // No recorded liquidations exist in the shared data: Binance's documented forceOrder example, and one real Binance
    // USD-M BTCUSDT top-20 book (Tardis sample via nautilus_trader).
    const liquidations = [{ time: 1568014460893, side: 'sell' as const, price: 9910, qty: 0.014 }]
    const head = readFileSync(
      testData('nautilus_trader/orderbook/tardis_binance-futures_book_snapshot_25_BTCUSDT.csv'),
      'utf8',
    ).split('\n')
    const cols = head[0].split(',')
    const row = Object.fromEntries(head[1].split(',').map((v, i) => [cols[i], Number(v)]))
    const side = (s: string) =>
      Array.from({ length: 20 }, (_, i): [number, number] => [row[`${s}[${i}].price`], row[`${s}[${i}].amount`]])
    const snapshots = [{ time: Math.floor(row.timestamp / 1000), bids: side('bids'), asks: side('asks') }]
    const dataset = {
      bars: [],
      liquidations: [{ symbol: 'BTCUSDT', liquidations }],
      depth: [{ symbol: 'BTCUSDT', snapshots }],
    }
    const { wsBase, restBase } = await replay(dataset, { speed: { multiplier: 1000 } }, systemClock)
    const d = db()
    const liqs = new SqliteLiquidationStore(d)
    const depth = new SqliteDepthStore(d)
    const feed = new BinanceFeed(
      { wsBase, restBase, market: 'usdm', streams: replayStreams(dataset) },
      { bars: new SqliteBarStore(d), liquidations: liqs, depth },
      systemClock,
    )
    cleanups.push(() => feed.dispose())
    feed.start()
    const key = { symbol: 'BTCUSDT', venue: 'BINANCE' }
    await until(() => liqs.count(key) === 1 && depth.count(key) === 1, 'the liquidation and the book')
    expect([...liqs.pages(key)].flat()).toEqual(liquidations)
    expect([...depth.pages(key)].flat()).toEqual(snapshots)
  })
})
