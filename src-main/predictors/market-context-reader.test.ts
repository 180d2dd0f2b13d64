import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import type { Bar, Funding } from '../../src-shared'
import { alignBasket, AlertsFeatures, barsToColumns, contextColumns } from '../features'
import { openDatabase, SqliteFundingStore, type Db } from '../store'
import { testData } from '../testing'
import { basketFundingColumn } from './market-context-reader'

const dbs: Db[] = []
afterEach(() => {
  for (const d of dbs.splice(0)) d.close()
})

/** LEAN cryptofuture files (predictors/ may not import the importer): minute trade bars or margin-interest funding. */
function lean(f: string): Bar[] | Funding[] {
  const raw = readFileSync(testData('lean', 'cryptofuture', f))
  const lines = (f.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8').trim().split('\n')
  const day = /_(\d{4})(\d{2})(\d{2})_/.exec(f)
  if (day) {
    // `ms since midnight UTC,open,high,low,close,volume`, the date in the file name.
    const midnight = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]))
    return lines.map((l) => {
      const [ms, open, high, low, close, volume] = l.split(',').map(Number)
      return { time: midnight + ms, open, high, low, close, volume }
    })
  }
  // `yyyyMMdd HH:mm:ss,rate`
  return lines.map((l) => {
    const [when, rate] = l.split(',')
    const m = /^(\d{4})(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(when)!
    const [y, mo, d, h, mi, se] = m.slice(1).map(Number)
    return { time: Date.UTC(y, mo - 1, d, h, mi, se), rate: Number(rate) }
  })
}

/** A real perpetual basket on 2022-12-13: Binance BTCUSD and ADAUSDT, Bybit BTCUSDT (LEAN minute trade bars). */
const members = [
  {
    symbol: 'BTCUSD',
    venue: 'BINANCE',
    bars: 'binance_minute_btcusd_20221213_trade.csv.gz',
    f: 'binance_margin_interest_btcusd.csv',
  },
  {
    symbol: 'ADAUSDT',
    venue: 'BINANCE',
    bars: 'binance_minute_adausdt_20221213_trade.csv.gz',
    f: 'binance_margin_interest_adausdt.csv',
  },
  {
    symbol: 'BTCUSDT',
    venue: 'BYBIT',
    bars: 'bybit_minute_btcusdt_20221213_trade.csv.gz',
    f: 'bybit_margin_interest_btcusdt.csv',
  },
]

describe('alerts set: mean funding of the basket from stored funding rates (real perpetuals)', () => {
  it('fills funding_mean (funding_missing = 0) once funding is stored; streaming equals batch', () => {
    const basket = alignBasket(members.map((m) => barsToColumns(lean(m.bars) as Bar[])))
    const times = basket[0].time
    expect(times.length).toBeGreaterThan(600)
    const db = openDatabase(':memory:')
    dbs.push(db)
    const store = new SqliteFundingStore(db)
    const keys = members.map(({ symbol, venue }) => ({ symbol, venue }))
    const computer = new AlertsFeatures({ assets: 3, barsPerHour: 60, barsPerYear: 365 * 24 * 60 })
    const w = computer.names.length
    const col = (data: Float64Array, name: string) =>
      Array.from({ length: times.length }, (_, i) => data[i * w + computer.names.indexOf(name)])

    // Nothing stored: the old behaviour, funding missing everywhere.
    expect(basketFundingColumn(store, keys, '1m', times)).toBeUndefined()
    const bare = computer.batch(basket)
    expect(col(bare.data, 'funding_missing').every((v) => v === 1)).toBe(true)

    // Streaming: funding arrives as time passes (each rate stored once its time is reached), then each bar is stepped
    // with the basket's funding read from the store at its close — as the live loop does.
    const all = members.map((m) => (lean(m.f) as Funding[]).filter((f) => f.time <= times[times.length - 1] + 60_000))
    const live = new Float64Array(times.length * w)
    const next = all.map(() => 0)
    for (let i = 0; i < times.length; i++) {
      const close = times[i] + 59_999
      all.forEach((list, a) => {
        while (next[a] < list.length && list[next[a]].time <= close) store.upsert(keys[a], [list[next[a]++]])
      })
      const f = basketFundingColumn(store, keys, '1m', [times[i]])
      computer.update(
        basket.map((b): Bar => ({
          time: times[i],
          open: b.open[i],
          high: b.high[i],
          low: b.low[i],
          close: b.close[i],
          volume: b.volume[i],
        })),
        { fundingRate: f?.[0] },
        live.subarray(i * w, (i + 1) * w),
      )
    }
    // Batch: the whole stored history at once (training and history scoring).
    const fundingRate = basketFundingColumn(store, keys, '1m', times)!
    const batch = computer.batch(basket, { fundingRate })
    expect(Array.from(live)).toEqual(Array.from(batch.data))
    expect(col(batch.data, 'funding_missing').every((v) => v === 0)).toBe(true)
    // 00:00 rates: BTCUSD −0.00004062, ADAUSDT 0.0001, BTCUSDT −0.0002016; from 08:00 on BTCUSD and BTCUSDT move.
    expect(col(batch.data, 'funding_mean')[0]).toBeCloseTo((-0.00004062 + 0.0001 - 0.0002016) / 3, 12)
    const at8 = times.findIndex((t) => t >= Date.UTC(2022, 11, 13, 8))
    expect(col(batch.data, 'funding_mean')[at8]).toBeCloseTo((-0.00001869 + 0.0001 - 0.00022398) / 3, 12)
  })
})

describe('contextColumns: the as-of rule', () => {
  it('takes the latest observation at or before each close, drops stale ones, sums liquidations inside the bar', () => {
    const tf = 60_000
    const times = [0, 60_000, 120_000, 180_000]
    const r = contextColumns(
      times,
      {
        funding: [{ time: 59_999, rate: 0.0001 }],
        marks: [{ time: 60_000, price: 10 }],
        tops: [{ time: 30_000, bidPrice: 9.9, askPrice: 10.1 }],
        depth: [
          {
            time: 119_000,
            bids: [
              [10, 1],
              [9.95, 2],
              [9.8, 50],
            ],
            asks: [
              [10.02, 3],
              [10.2, 40],
            ],
          },
        ],
        liquidations: [
          { time: 65_000, price: 10, qty: 2 },
          { time: 70_000, price: 11, qty: 1 },
        ],
        trades: [
          { time: 1, qty: 2, side: 'buy' },
          { time: 2, qty: 3, side: 'sell' },
        ],
      },
      { tfMs: tf },
    )
    expect(Array.from(r.columns.fundingRate!)).toEqual([0.0001, 0.0001, 0.0001, 0.0001])
    expect(Array.from(r.columns.markPrice!)).toEqual([NaN, 10, 10, 10])
    // A quote older than one bar at the close says nothing about the bar: bar 0 only.
    expect(Array.from(r.columns.bidPrice!)).toEqual([9.9, NaN, NaN, NaN])
    // Depth within 1 % of mid (10.01): bids ≥ 9.9099 → 1 + 2; asks ≤ 10.1101 → 3; 61 s old at bar 2's close: stale.
    expect(Array.from(r.columns.bidDepth!)).toEqual([NaN, 3, NaN, NaN])
    expect(Array.from(r.columns.askDepth!)).toEqual([NaN, 3, NaN, NaN])
    // Before any liquidation is known: missing; after: the notional in the bar, 0 when nothing happened.
    expect(Array.from(r.columns.liquidationNotional!)).toEqual([NaN, 31, 0, 0])
    expect(Array.from(r.takerBuyVolume)).toEqual([2, NaN, NaN, NaN])
  })
})
