import { describe, expect, it } from 'vitest'
import type { Bar } from '../../src-shared'
import { readTestText, testData } from '../testing'
import { openDatabase, SqliteBarStore } from '../store'
import { BarResampler, resampleBars, resampleStored } from './bar-resampler'
import { MarketDataImporter } from './market-data-importer'

const candles = (name: string): Bar[] =>
  (JSON.parse(readTestText('freqtrade', 'spot', name)) as number[][]).map(([time, open, high, low, close, volume]) => ({ time, open, high, low, close, volume }))

describe('bar resampling', () => {
  it('Binance XRP/ETH 1m resampled to 5m lands on the exchange 5m candle grid, bar for bar', () => {
    // The two upstream files were downloaded separately (the 1m one zero-fills quiet minutes), so only the grid is compared.
    const out = resampleBars(candles('XRP_ETH-1m.json.gz'), '1m', '5m')
    expect(out.map((b) => b.time)).toEqual(candles('XRP_ETH-5m.json').map((b) => b.time))
  })

  it('1m → 5m → 1h → 1d equals 1m → 1d directly on FTX BTC-PERP (45k bars)', () => {
    const db = openDatabase(':memory:')
    new MarketDataImporter(db).importFile(testData('nautilus_trader/ftx_BTC-PERP_1m_20211231-20220201.csv.gz'))
    const store = new SqliteBarStore(db)
    const m1 = [...store.pages({ symbol: 'BTC-PERP', venue: 'FTX', timeframe: '1m' })].flat()
    const chained = resampleBars(resampleBars(resampleBars(m1, '1m', '5m'), '5m', '1h'), '1h', '1d')
    const direct = resampleBars(m1, '1m', '1d')
    expect(chained.length).toBe(direct.length)
    chained.forEach((b, i) => {
      expect(b.time).toBe(direct[i].time)
      expect([b.open, b.high, b.low, b.close]).toEqual([direct[i].open, direct[i].high, direct[i].low, direct[i].close])
      expect(b.volume).toBeCloseTo(direct[i].volume, 3)
    })
    // The data ends at 2022-02-01 05:31, inside the last day: that day is partial, the others are not.
    expect(direct.at(-1)).toMatchObject({ time: Date.UTC(2022, 1, 1), partial: true })
    expect(direct.slice(0, -1).every((b) => b.partial === undefined)).toBe(true)
    // Streaming from the store in small pages gives the same bars.
    const streamed = [...resampleStored(store, { symbol: 'BTC-PERP', venue: 'FTX', timeframe: '1m' }, '1d', 7)]
    expect(streamed.every((p) => p.length <= 7)).toBe(true)
    expect(streamed.flat().map((b) => b.close)).toEqual(direct.map((b) => b.close))
    db.close()
  })

  it('sums taker-buy volume, quote volume and trade counts (Binance ADA/BTC klines → 5m)', () => {
    const rows = readTestText('nautilus_trader', 'binance_ADABTC-1m-2021-11-27.csv').trim().split('\n').map((l) => l.split(',').map(Number))
    const bars: Bar[] = rows.map((c) => ({ time: c[0], open: c[1], high: c[2], low: c[3], close: c[4], volume: c[5], quoteVolume: c[7], trades: c[8], takerBuyVolume: c[9] }))
    const [first, second] = resampleBars(bars, '1m', '5m')
    const sum = (k: keyof Bar, from: number, to: number): number => bars.slice(from, to).reduce((s, b) => s + (b[k] as number), 0)
    expect(first.trades).toBe(sum('trades', 0, 5))
    expect(first.takerBuyVolume).toBeCloseTo(sum('takerBuyVolume', 0, 5), 8)
    expect(first.quoteVolume).toBeCloseTo(sum('quoteVolume', 0, 5), 8)
    expect(first.partial).toBeUndefined()
    // Ten 1m bars fill the second 5m bucket exactly: not partial.
    expect(second.partial).toBeUndefined()
    expect(resampleBars(bars.slice(0, 7), '1m', '5m')[1].partial).toBe(true)
  })

  it('refuses a target that is not a higher multiple of the source', () => {
    expect(() => new BarResampler('5m', '3m')).toThrow(/not a higher multiple/)
    expect(() => new BarResampler('1h', '1h')).toThrow()
  })
})
