import { describe, expect, it } from 'vitest'
import { parseLiveStrategies } from './signals'

describe('parseLiveStrategies', () => {
  it('reads strategy@SYMBOL[.VENUE]:TF items, asking for the venue of a symbol without one', () => {
    const asked: string[] = []
    const specs = parseLiveStrategies('battle-navale@btcusdt:5m, ma-crossover@SPY.USA:1h', (s, tf) => {
      asked.push(`${s}:${tf}`)
      return 'BINANCE'
    })
    expect(specs).toEqual([
      { strategy: 'battle-navale', symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '5m' },
      { strategy: 'ma-crossover', symbol: 'SPY', venue: 'USA', timeframe: '1h' },
    ])
    expect(asked).toEqual(['BTCUSDT:5m'])
  })

  it('names the item that is not a spec, and an unknown timeframe', () => {
    expect(() => parseLiveStrategies('battle-navale BTCUSDT 5m', () => 'X')).toThrow(
      /"battle-navale BTCUSDT 5m" is not strategy@SYMBOL/,
    )
    expect(() => parseLiveStrategies('battle-navale@BTCUSDT:7x', () => 'X')).toThrow(/unknown timeframe "7x"/)
  })
})
