import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import { ManualClock, systemClock } from '../../../src-shared'
import {
  openDatabase,
  SqliteBarStore,
  SqliteBookTopStore,
  SqliteLiquidationStore,
  SqliteMarkPriceStore,
  type Db,
} from '../../store'
import { BinanceFeed } from './binance-feed'
import { klinePayload, parseStreamMessage } from './binance-messages'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const t0 = performance.now()
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** A bare WebSocket server on 127.0.0.1 that sends whatever the test scripts, over a real connection. */
async function scriptedServer(): Promise<{
  url: string
  send: (msg: string | Buffer) => void
  connected: Promise<WebSocket>
  wss: WebSocketServer
}> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise((r) => wss.once('listening', r))
  let closed = false
  const close = wss.close.bind(wss)
  wss.close = ((cb?: (err?: Error) => void) => {
    if (closed) return cb?.()
    closed = true
    close(cb)
  }) as typeof wss.close
  cleanups.push(
    () =>
      new Promise((r) => {
        for (const c of wss.clients) c.terminate()
        wss.close(() => r(undefined))
      }),
  )
  let sock: WebSocket | undefined
  const connected = new Promise<WebSocket>((r) => wss.once('connection', (ws) => r((sock = ws))))
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, send: (m) => sock?.send(m), connected, wss }
}

const bar = {
  time: 1_700_000_100_000 - (1_700_000_100_000 % 60_000),
  open: 1,
  high: 2,
  low: 0.5,
  close: 1.5,
  volume: 3,
  quoteVolume: 4,
  trades: 5,
  takerBuyVolume: 1,
}

describe('BinanceFeed message handling', () => {
  it('counts malformed messages, truncated JSON, wrong schemas and binary frames as errors and keeps running', async () => {
    const srv = await scriptedServer()
    const db: Db = openDatabase(':memory:')
    cleanups.push(() => db.close())
    const bars = new SqliteBarStore(db)
    const feed = new BinanceFeed(
      {
        wsBase: srv.url,
        restBase: 'http://127.0.0.1:9',
        market: 'spot',
        streams: [{ kind: 'kline', symbol: 'BTCUSDT', timeframe: '1m' }],
      },
      { bars },
      systemClock,
    )
    cleanups.push(() => feed.dispose())
    const errors: string[] = []
    feed.on('malformed', (m) => errors.push(m.error))
    feed.start()
    await srv.connected
    const good = JSON.stringify({
      stream: 'btcusdt@kline_1m',
      data: klinePayload('BTCUSDT', '1m', 60_000, bar, true, 1),
    })
    const bad = [
      'not json at all',
      good.slice(0, good.length - 10),
      JSON.stringify({ stream: 'btcusdt@kline_1m' }),
      JSON.stringify({ stream: 'btcusdt@kline_1m', data: { e: 'kline', E: 1, s: 'BTCUSDT', k: { t: 'soon' } } }),
      JSON.stringify({
        stream: 'btcusdt@kline_1m',
        data: klinePayload('BTCUSDT', '1m', 60_000, { ...bar, high: 0.1 }, true, 1),
      }),
      JSON.stringify({ stream: 'btcusdt@kline_1m', data: klinePayload('BTCUSDT', '7m' as '1m', 60_000, bar, true, 1) }),
      JSON.stringify({ stream: 'x', data: { e: 'somethingElse' } }),
      JSON.stringify([1, 2, 3]),
      Buffer.from([0xff, 0x00, 0x13]),
    ]
    for (const m of bad) srv.send(m)
    srv.send(good)
    await until(() => bars.count({ symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1m' }) === 1, 'the good bar')
    expect(feed.status().malformed).toBe(bad.length)
    // Per stream, only the well-formed message counts; its lag is measured from its event time (E = 1).
    expect(feed.status().streams).toEqual({ 'btcusdt@kline_1m': { messages: 1, lagMs: expect.any(Number) } })
    expect(feed.status().streams['btcusdt@kline_1m'].lagMs).toBe(feed.status().lagMs)
    expect(errors).toContain('not JSON')
    expect(errors).toContain('kline OHLCV is inconsistent')
    expect(errors).toContain('unknown interval 7m')
    expect(feed.status().state).toBe('connected')
  })

  it('stores book tops (spot bookTicker, depth20), mark prices and liquidations from their streams', async () => {
    const srv = await scriptedServer()
    const db = openDatabase(':memory:')
    cleanups.push(() => db.close())
    const tops = new SqliteBookTopStore(db)
    const marks = new SqliteMarkPriceStore(db)
    const liqs = new SqliteLiquidationStore(db)
    const clock = new ManualClock(1_700_000_000_000)
    const feed = new BinanceFeed(
      {
        wsBase: srv.url,
        restBase: 'http://127.0.0.1:9',
        market: 'usdm',
        streams: ['bookTicker', 'depth20', 'markPrice', 'forceOrder'].map((kind) => ({
          kind: kind as 'bookTicker',
          symbol: 'BTCUSDT',
        })),
      },
      { bars: new SqliteBarStore(db), bookTops: tops, markPrices: marks, liquidations: liqs },
      clock,
    )
    cleanups.push(() => feed.dispose())
    feed.start()
    const ws = await srv.connected
    expect(srv.wss.clients.size).toBe(1)
    const send = (stream: string, data: object): void => ws.send(JSON.stringify({ stream, data }))
    const key = { symbol: 'BTCUSDT', venue: 'BINANCE' }
    send('btcusdt@bookTicker', {
      u: 400900217,
      s: 'BTCUSDT',
      b: '25.35190000',
      B: '31.21000000',
      a: '25.36520000',
      A: '40.66000000',
    })
    // Spot book payloads carry no time: they are stamped with the clock on arrival.
    await until(() => tops.count(key) === 1, 'the bookTicker')
    clock.advance(1)
    send('btcusdt@depth20@100ms', { lastUpdateId: 160, bids: [['25.1', '10']], asks: [['25.2', '100']] })
    send('btcusdt@markPrice@1s', {
      e: 'markPriceUpdate',
      E: 1562305380000,
      s: 'BTCUSDT',
      p: '11794.15',
      i: '11784.62',
      P: '11784.25',
      r: '0.00038167',
      T: 1562306400000,
    })
    send('btcusdt@forceOrder', {
      e: 'forceOrder',
      E: 1568014460893,
      o: {
        s: 'BTCUSDT',
        S: 'SELL',
        o: 'LIMIT',
        f: 'IOC',
        q: '0.014',
        p: '9910',
        ap: '9910',
        X: 'FILLED',
        l: '0.014',
        z: '0.014',
        T: 1568014460893,
      },
    })
    await until(() => liqs.count(key) === 1 && tops.count(key) === 2 && marks.count(key) === 1, 'all four streams')
    expect([...tops.pages(key)].flat()).toEqual([
      { time: 1_700_000_000_000, bidPrice: 25.3519, bidQty: 31.21, askPrice: 25.3652, askQty: 40.66 },
      { time: 1_700_000_000_001, bidPrice: 25.1, bidQty: 10, askPrice: 25.2, askQty: 100 },
    ])
    expect([...marks.pages(key)].flat()).toEqual([{ time: 1562305380000, price: 11794.15, indexPrice: 11784.62 }])
    expect([...liqs.pages(key)].flat()).toEqual([{ time: 1568014460893, side: 'sell', price: 9910, qty: 0.014 }])
  })

  it('keeps reconnecting with capped backoff while the server is down, then recovers', async () => {
    const srv = await scriptedServer()
    const port = Number(new URL(srv.url).port)
    await new Promise((r) => srv.wss.close(r))
    const db = openDatabase(':memory:')
    cleanups.push(() => db.close())
    const feed = new BinanceFeed(
      {
        wsBase: srv.url,
        restBase: 'http://127.0.0.1:9',
        market: 'spot',
        streams: [{ kind: 'kline', symbol: 'BTCUSDT', timeframe: '1m' }],
        reconnect: { initialMs: 10, maxMs: 80 },
        random: () => 1,
      },
      { bars: new SqliteBarStore(db) },
      systemClock,
    )
    cleanups.push(() => feed.dispose())
    const states: string[] = []
    feed.on('status', (s) => states.push(s.state))
    feed.start()
    await until(() => feed.status().reconnects >= 4, 'four reconnect attempts')
    expect(feed.status().errors).toBeGreaterThanOrEqual(4)
    expect(feed.status().lastError).toMatch(/ECONNREFUSED/)
    const back = new WebSocketServer({ host: '127.0.0.1', port })
    cleanups.push(
      () =>
        new Promise((r) => {
          for (const c of back.clients) c.terminate()
          back.close(r)
        }),
    )
    await until(() => feed.status().state === 'connected', 'reconnected')
    expect(states).toContain('reconnecting')
  })
})

describe('BinanceFeed backfill failures', () => {
  it('a REST endpoint answering garbage is counted as an error; the live bar is still stored and the feed keeps running', async () => {
    const srv = await scriptedServer()
    const http = createServer((_req, res) => res.end('<html>not klines'))
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()))
    cleanups.push(() => new Promise((r) => http.close(r)))
    const db = openDatabase(':memory:')
    cleanups.push(() => db.close())
    const bars = new SqliteBarStore(db)
    const key = { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1m' as const }
    bars.upsert(key, [{ ...bar, time: bar.time - 10 * 60_000 }])
    const feed = new BinanceFeed(
      {
        wsBase: srv.url,
        restBase: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
        market: 'spot',
        streams: [{ kind: 'kline', symbol: 'BTCUSDT', timeframe: '1m' }],
      },
      { bars },
      systemClock,
    )
    cleanups.push(() => feed.dispose())
    feed.start()
    await srv.connected
    srv.send(JSON.stringify({ stream: 'btcusdt@kline_1m', data: klinePayload('BTCUSDT', '1m', 60_000, bar, true, 1) }))
    await until(() => bars.count(key) === 2, 'the live bar after the failed backfill')
    await feed.idle()
    expect(feed.status().errors).toBe(1)
    expect(feed.status().lastError).toMatch(/^backfill BTCUSDT 1m: /)
    expect(feed.status().state).toBe('connected')
  })
})

describe('parseStreamMessage', () => {
  it('parses a futures bookTicker with its transaction time', () => {
    const r = parseStreamMessage(
      JSON.stringify({
        stream: 'btcusdt@bookTicker',
        data: { e: 'bookTicker', u: 1, E: 10, T: 9, s: 'BTCUSDT', b: '1', B: '2', a: '3', A: '4' },
      }),
      0,
    )
    expect(r).toEqual({
      ok: true,
      stream: 'btcusdt@bookTicker',
      event: {
        type: 'bookTop',
        symbol: 'BTCUSDT',
        eventTime: 10,
        top: { time: 9, bidPrice: 1, bidQty: 2, askPrice: 3, askQty: 4 },
      },
    })
  })

  it('refuses a depth snapshot with an empty side and an aggTrade with a string id', () => {
    expect(
      parseStreamMessage(
        JSON.stringify({ stream: 'a@depth20', data: { lastUpdateId: 1, bids: [], asks: [['1', '1']] } }),
        0,
      ),
    ).toEqual({ ok: false, error: 'depth snapshot has an empty side' })
    expect(
      parseStreamMessage(
        JSON.stringify({
          stream: 'a@aggTrade',
          data: { e: 'aggTrade', E: 1, s: 'A', a: 'x', p: '1', q: '1', T: 1, m: true },
        }),
        0,
      ),
    ).toEqual({
      ok: false,
      error: 'field a is not an integer',
    })
  })

  it('parses spot raw trades (taker side from m) and keeps every level of a futures depth20 update', () => {
    const t = parseStreamMessage(
      JSON.stringify({
        stream: 'bnbbtc@trade',
        data: { e: 'trade', E: 123456789, s: 'BNBBTC', t: 12345, p: '0.001', q: '100', T: 123456785, m: true, M: true },
      }),
      0,
    )
    expect(t).toMatchObject({
      ok: true,
      event: {
        type: 'aggTrade',
        symbol: 'BNBBTC',
        trade: { time: 123456785, price: 0.001, qty: 100, side: 'sell', id: '12345' },
      },
    })
    const d = parseStreamMessage(
      JSON.stringify({
        stream: 'btcusdt@depth20@100ms',
        data: {
          e: 'depthUpdate',
          E: 1571889248277,
          T: 1571889248276,
          s: 'BTCUSDT',
          U: 390497796,
          u: 390497878,
          pu: 390497794,
          b: [
            ['7403.89', '0.002'],
            ['7403.90', '3.906'],
          ],
          a: [['7405.96', '3.340']],
        },
      }),
      0,
    )
    expect(d).toMatchObject({
      ok: true,
      event: {
        type: 'depth',
        symbol: 'BTCUSDT',
        top: { time: 1571889248276, bidPrice: 7403.89, bidQty: 0.002, askPrice: 7405.96, askQty: 3.34 },
        depth: {
          time: 1571889248276,
          bids: [
            [7403.89, 0.002],
            [7403.9, 3.906],
          ],
          asks: [[7405.96, 3.34]],
        },
      },
    })
  })
})
