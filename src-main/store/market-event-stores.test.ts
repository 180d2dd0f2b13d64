import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  openDatabase,
  SqliteBookTopStore,
  SqliteDepthStore,
  SqliteFundingStore,
  SqliteLiquidationStore,
  SqliteMarkPriceStore,
  SqliteTradeStore,
  type Db,
} from './index'

let db: Db
const key = { symbol: 'XRPUSDT', venue: 'BINANCE' }
beforeEach(() => {
  db = openDatabase(':memory:')
})
afterEach(() => db.close())

describe('market event stores', () => {
  it('trades keep taker side and count a re-inserted trade id as a duplicate', () => {
    const trades = new SqliteTradeStore(db)
    expect(
      trades.upsert(key, [
        { time: 1, price: 2, qty: 3, side: 'buy', id: 'a' },
        { time: 2, price: 2, qty: 1, id: 'b' },
      ]),
    ).toEqual({ inserted: 2, duplicates: 0 })
    expect(trades.upsert(key, [{ time: 2, price: 2, qty: 1, id: 'b' }])).toEqual({ inserted: 0, duplicates: 1 })
    expect([...trades.pages(key, 1)].flat()).toEqual([
      { time: 1, price: 2, qty: 3, side: 'buy', id: 'a' },
      { time: 2, price: 2, qty: 1, id: 'b' },
    ])
  })

  it('funding, mark prices, liquidations and book tops round-trip and stream in pages', () => {
    const funding = new SqliteFundingStore(db)
    funding.upsert(key, [
      { time: 10, rate: 0.0001 },
      { time: 20, rate: -0.0002, markPrice: 1.2 },
    ])
    expect([...funding.pages(key)].flat()).toEqual([
      { time: 10, rate: 0.0001 },
      { time: 20, rate: -0.0002, markPrice: 1.2 },
    ])
    const marks = new SqliteMarkPriceStore(db)
    marks.upsert(key, [{ time: 5, price: 1.1, indexPrice: 1.09 }])
    expect([...marks.pages(key)].flat()).toEqual([{ time: 5, price: 1.1, indexPrice: 1.09 }])
    const liq = new SqliteLiquidationStore(db)
    const l = { time: 7, side: 'sell' as const, price: 1, qty: 100 }
    expect(liq.upsert(key, [l, l])).toEqual({ inserted: 1, duplicates: 1 })
    const tops = new SqliteBookTopStore(db)
    tops.upsert(
      key,
      Array.from({ length: 25 }, (_, i) => ({ time: i, bidPrice: 1, bidQty: 2, askPrice: 1.1, askQty: 3 })),
    )
    const pages = [...tops.pages({ ...key, from: 3, to: 22 }, 7)]
    expect(pages.map((p) => p.length)).toEqual([7, 7, 6])
    expect(tops.count(key)).toBe(25)
  })

  it('depth snapshots round-trip, a replayed snapshot is a duplicate, and latest() is the newest at or before a time', () => {
    const depth = new SqliteDepthStore(db)
    const snap = (time: number, bid: number) => ({
      time,
      bids: [
        [bid, 1.5],
        [bid - 0.1, 2],
      ] as [number, number][],
      asks: [[bid + 0.1, 3]] as [number, number][],
    })
    expect(depth.upsert(key, [snap(10, 1), snap(20, 2)])).toEqual({ inserted: 2, duplicates: 0 })
    expect(depth.upsert(key, [snap(20, 2)])).toEqual({ inserted: 0, duplicates: 1 })
    expect([...depth.pages(key)].flat()).toEqual([snap(10, 1), snap(20, 2)])
    expect(depth.latest(key, 19)).toEqual(snap(10, 1))
    expect(depth.latest(key, 20)).toEqual(snap(20, 2))
    expect(depth.latest(key, 9)).toBeUndefined()
    expect(depth.latest({ ...key, venue: 'BYBIT' }, 100)).toBeUndefined()
  })

  it('book data keeps a bounded retention measured from its newest row; other instruments are untouched', () => {
    const tops = new SqliteBookTopStore(db, { ms: 1_000, every: 10 })
    const other = { symbol: 'BTCUSDT', venue: 'BINANCE' }
    const top = (time: number) => ({ time, bidPrice: 1, bidQty: 1, askPrice: 2, askQty: 1 })
    for (let t = 0; t < 50; t++) tops.upsert(key, [top(t * 100)])
    tops.upsert(other, [top(0)])
    // Pruned after the 50th insert: rows older than 4900 − 1000 are gone.
    expect([...tops.pages(key)].flat().map((x) => x.time)[0]).toBe(3_900)
    expect(tops.count(key)).toBe(11)
    expect(tops.count(other)).toBe(1)
  })
})
