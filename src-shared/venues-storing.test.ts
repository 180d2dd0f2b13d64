import { describe, expect, it } from 'vitest'
import { venuesStoring } from './venues-storing'

const series = [
  { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1m' as const },
  { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1h' as const },
  { symbol: 'BTCUSDT', venue: 'BYBIT', timeframe: '5m' as const },
  { symbol: 'ETHUSDT', venue: 'KRAKEN', timeframe: '1h' as const },
]

describe('venuesStoring', () => {
  it('names the venues storing the symbol at exactly that timeframe', () => {
    expect(venuesStoring(series, 'BTCUSDT', '1h')).toEqual(['BINANCE'])
    expect(venuesStoring(series, 'BTCUSDT', '15m')).toEqual([])
    expect(venuesStoring(series, 'XRPUSDT', '1h')).toEqual([])
  })

  it('with resample, also names venues storing a finer timeframe it can be built from, each once', () => {
    expect(venuesStoring(series, 'BTCUSDT', '15m', { resample: true })).toEqual(['BINANCE', 'BYBIT'])
    expect(venuesStoring(series, 'BTCUSDT', '1h', { resample: true })).toEqual(['BINANCE', 'BYBIT'])
    expect(venuesStoring(series, 'BTCUSDT', '1m', { resample: true })).toEqual(['BINANCE'])
  })
})
