import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Bar } from '../../src-shared'
import { openDatabase, SqliteBarStore, type Db } from './index'

let db: Db
let store: SqliteBarStore
const key = { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1m' as const }
const bar = (i: number, close = 100 + i): Bar => ({
  time: 60_000 * i,
  open: 100,
  high: Math.max(100, close) + 1,
  low: Math.min(100, close) - 1,
  close,
  volume: i,
})

beforeEach(() => {
  db = openDatabase(':memory:')
  store = new SqliteBarStore(db)
})
afterEach(() => db.close())

describe('SqliteBarStore', () => {
  it('counts re-inserted bars as duplicates and keeps one row per open time', () => {
    expect(store.upsert(key, [bar(0), bar(1), bar(2)])).toEqual({ inserted: 3, duplicates: 0 })
    expect(store.upsert(key, [bar(1), bar(2), bar(3)])).toEqual({ inserted: 1, duplicates: 2 })
    expect(store.count(key)).toBe(4)
  })

  it('a duplicate takes the newer values', () => {
    store.upsert(key, [bar(5)])
    store.upsert(key, [bar(5, 120)])
    expect(store.latestBars(key, 1)[0].close).toBe(120)
  })

  it('streams a range in pages without skipping or repeating bars', () => {
    store.upsert(
      key,
      Array.from({ length: 2_500 }, (_, i) => bar(i)),
    )
    const pages = [...store.pages({ ...key, from: 60_000 * 10, to: 60_000 * 2_009 }, 300)]
    expect(pages.every((p) => p.length <= 300)).toBe(true)
    const times = pages.flat().map((b) => b.time)
    expect(times.length).toBe(2_000)
    expect(times[0]).toBe(600_000)
    expect(new Set(times).size).toBe(times.length)
    expect(times.every((t, i) => i === 0 || t > times[i - 1])).toBe(true)
  })

  it('keeps optional volume fields absent when unknown and present when given', () => {
    store.upsert(key, [bar(0), { ...bar(1), takerBuyVolume: 0.5, trades: 7, quoteVolume: 123 }])
    const [a, b] = store.latestBars(key, 10)
    expect('takerBuyVolume' in a).toBe(false)
    expect(b).toMatchObject({ takerBuyVolume: 0.5, trades: 7, quoteVolume: 123 })
  })

  it('lists series with counts and bounds', () => {
    store.upsert(key, [bar(3), bar(4)])
    store.upsert({ ...key, timeframe: '5m' }, [bar(0)])
    expect(store.listSeries()).toEqual([
      { ...key, count: 2, first: 180_000, last: 240_000 },
      { ...key, timeframe: '5m', count: 1, first: 0, last: 0 },
    ])
  })
})

describe('SqliteBarStore.bulkUpsert', () => {
  it('counts and stores exactly like upsert, including duplicates that take new values and a short tail', () => {
    const a = openDatabase(':memory:')
    const b = openDatabase(':memory:')
    const one = new SqliteBarStore(a)
    const bulk = new SqliteBarStore(b)
    const first = Array.from({ length: 150 }, (_, i) => bar(i))
    const second = Array.from({ length: 200 }, (_, i) => bar(i + 100, 90 + i))
    expect(bulk.bulkUpsert(key, first)).toEqual(one.upsert(key, first))
    expect(bulk.bulkUpsert(key, second)).toEqual({ inserted: 150, duplicates: 50 })
    one.upsert(key, second)
    expect([...bulk.pages(key)].flat()).toEqual([...one.pages(key)].flat())
    a.close()
    b.close()
  })

  it('batches of every statement size (256, 64, 16, 4, single) count overlaps with stored bars like upsert', () => {
    const a = openDatabase(':memory:')
    const b = openDatabase(':memory:')
    const one = new SqliteBarStore(a)
    const bulk = new SqliteBarStore(b)
    const first = Array.from({ length: 1_000 }, (_, i) => bar(2 * i))
    // Every other time is new: the overlap holds stored bars and gaps within each batch.
    const second = Array.from({ length: 1_423 }, (_, i) => bar(1_200 + i, 80 + i))
    expect(bulk.bulkUpsert(key, first)).toEqual(one.upsert(key, first))
    expect(bulk.bulkUpsert(key, second)).toEqual(one.upsert(key, second))
    expect(bulk.bulkUpsert(key, second)).toEqual({ inserted: 0, duplicates: 1_423 })
    expect([...bulk.pages(key)].flat()).toEqual([...one.pages(key)].flat())
    a.close()
    b.close()
  })
})
