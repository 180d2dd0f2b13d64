import { describe, expect, it } from 'vitest'
import { LiveBarResampler, type Bar, type ResampledBar, type StoredBar } from '../../src-shared'
import { readTestText, testData } from '../testing'
import { openDatabase, SqliteBarStore } from '../store'
import { barPages, BarResampler, latestBarsAt, resampleBars, resampleStored } from './bar-resampler'
import { MarketDataImporter } from './import'

const FTX = { symbol: 'BTC-PERP', venue: 'FTX', timeframe: '1m' } as const

/** The real FTX BTC-PERP 1m month (45k bars) in an in-memory store. */
function ftxStore(): SqliteBarStore {
  const db = openDatabase(':memory:')
  new MarketDataImporter(db).importFile(testData('nautilus_trader/ftx_BTC-PERP_1m_20211231-20220201.csv.gz'))
  return new SqliteBarStore(db)
}

const ohlcv = (b: Bar & { partial?: boolean }) => ({
  time: b.time,
  open: b.open,
  high: b.high,
  low: b.low,
  close: b.close,
  volume: b.volume,
  partial: b.partial,
})

const candles = (name: string): Bar[] =>
  (JSON.parse(readTestText('freqtrade', 'spot', name)) as number[][]).map(([time, open, high, low, close, volume]) => ({
    time,
    open,
    high,
    low,
    close,
    volume,
  }))

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
    const rows = readTestText('nautilus_trader', 'binance_ADABTC-1m-2021-11-27.csv')
      .trim()
      .split('\n')
      .map((l) => l.split(',').map(Number))
    const bars: Bar[] = rows.map((c) => ({
      time: c[0],
      open: c[1],
      high: c[2],
      low: c[3],
      close: c[4],
      volume: c[5],
      quoteVolume: c[7],
      trades: c[8],
      takerBuyVolume: c[9],
    }))
    const [first, second] = resampleBars(bars, '1m', '5m')
    const sum = (k: keyof Bar, from: number, to: number): number =>
      bars.slice(from, to).reduce((s, b) => s + (b[k] as number), 0)
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

  it('live resampling (forming ticks, then closed bars) equals batch resampling on FTX BTC-PERP 1m → 1h and → 4h', () => {
    const m1 = [...ftxStore().pages(FTX)].flat()
    for (const to of ['1h', '4h'] as const) {
      // History up to a bar inside a bucket, then every later bar live: an opening tick, a fuller tick, the close.
      const k = 30_017
      const chart: ResampledBar[] = resampleBars(m1.slice(0, k), '1m', to)
      const live = new LiveBarResampler('1m', to, chart[chart.length - 1])
      const show = (b: ResampledBar) =>
        chart[chart.length - 1].time === b.time ? (chart[chart.length - 1] = b) : chart.push(b)
      for (const b of m1.slice(k)) {
        for (const tick of [
          { ...b, high: b.open, low: b.open, close: b.open, volume: 0 },
          { ...b, close: (b.open + b.close) / 2 },
        ]) {
          const r = live.push(tick, true)!
          expect(r.forming.partial).toBe(true)
          show(r.forming)
        }
        const r = live.push(b, false)!
        if (r.closed) show(r.closed)
        show(r.forming)
        // A closed bar delivered twice is not counted twice.
        expect(live.push(b, false)).toBeUndefined()
      }
      const batch = resampleBars(m1, '1m', to)
      expect(chart.length).toBe(batch.length)
      chart.forEach((b, i) => {
        expect(ohlcv(b)).toEqual({ ...ohlcv(batch[i]), volume: expect.closeTo(batch[i].volume, 6) })
      })
    }
  })

  it('a live higher bar closes at its boundary: complete on its last source bar, final when the next bucket opens', () => {
    const m1 = [...ftxStore().pages({ ...FTX, from: Date.UTC(2022, 0, 10), to: Date.UTC(2022, 0, 10, 0, 9) })].flat()
    const live = new LiveBarResampler('1m', '5m')
    const out = m1.map((b) => live.push(b, false)!)
    expect(out.slice(0, 4).every((r) => r.forming.partial === true && r.closed === undefined)).toBe(true)
    expect(out[4].forming).toMatchObject({ time: Date.UTC(2022, 0, 10), close: m1[4].close })
    expect(out[4].forming.partial).toBeUndefined()
    expect(out[5].closed).toMatchObject({ time: Date.UTC(2022, 0, 10), close: m1[4].close })
    expect(out[5].forming).toMatchObject({ time: Date.UTC(2022, 0, 10, 0, 5), open: m1[5].open, partial: true })
    // A source bar older than the forming bucket is ignored.
    expect(live.push(m1[2], true)).toBeUndefined()
  })

  it('latestBarsAt answers a timeframe that is not stored from the finest stored one, flagged, pages joining exactly', () => {
    const store = ftxStore()
    const batch = resampleBars([...store.pages(FTX)].flat(), '1m', '15m')
    const latest = latestBarsAt(store, { ...FTX, timeframe: '15m' }, 500)
    expect(latest.map(ohlcv)).toEqual(batch.slice(-500).map(ohlcv))
    expect(latest.every((b) => b.resampledFrom === '1m' && b.timeframe === '15m')).toBe(true)
    expect(latest.at(-1)!.partial).toBe(true)
    // Paging back with `to` = first open − 1 rebuilds the whole series; no older bucket is flagged partial.
    let pages: StoredBar[] = latest
    for (let first = latest[0].time; ;) {
      const page = latestBarsAt(store, { ...FTX, timeframe: '15m', to: first - 1 }, 700)
      if (page.length === 0) break
      pages = [...page, ...pages]
      first = page[0].time
    }
    expect(pages.map(ohlcv)).toEqual(batch.map(ohlcv))
    // `from` inside a bucket starts at the next whole bucket; the stored timeframe itself is answered as stored.
    const from = Date.UTC(2022, 0, 3, 10, 7)
    expect(
      latestBarsAt(store, { ...FTX, timeframe: '15m', from, to: from + 3_600_000 }, 100).map((b) => b.time),
    ).toEqual([1, 2, 3, 4].map((i) => Date.UTC(2022, 0, 3, 10, 0) + i * 900_000))
    expect(latestBarsAt(store, FTX, 3)[0].resampledFrom).toBeUndefined()
    expect(latestBarsAt(store, { ...FTX, timeframe: '3m' }, 3)[0].resampledFrom).toBe('1m')
    expect(latestBarsAt(store, { ...FTX, venue: 'BINANCE' }, 3)).toEqual([])
  })

  it('latestBarsAt widens its window over a gap to return `limit` bars, and barPages streams the same bars', () => {
    const store = ftxStore()
    const m1 = [...store.pages(FTX)].flat()
    // The same month with five days missing (2022-01-10 → 01-15).
    const holed = m1.filter((b) => b.time < Date.UTC(2022, 0, 10) || b.time >= Date.UTC(2022, 0, 15))
    const db = openDatabase(':memory:')
    const gapped = new SqliteBarStore(db)
    gapped.upsert(FTX, holed)
    const batch = resampleBars(holed, '1m', '1h')
    const latest = latestBarsAt(gapped, { ...FTX, timeframe: '1h' }, 500)
    expect(latest.map(ohlcv)).toEqual(batch.slice(-500).map(ohlcv))
    expect(latest[0].time).toBeLessThan(Date.UTC(2022, 0, 10))
    expect([...barPages(gapped, { ...FTX, timeframe: '1h' }, 100)].flat().map(ohlcv)).toEqual(batch.map(ohlcv))
    db.close()
  })
})
