import { describe, expect, it } from 'vitest'
import { canonicalSymbol, canonicalVenue, symbolKey, venueKey } from './ids'

describe('canonicalSymbol', () => {
  it.each([
    ['ZEC/BTC', 'ZECBTC'],
    ['ZEC-BTC', 'ZECBTC'],
    ['zec_btc', 'ZECBTC'],
    [' eth/usdt ', 'ETHUSDT'],
    ['BTCUSDT', 'BTCUSDT'],
    ['btc-perp', 'BTC-PERP'],
    ['BTC-0325', 'BTC-0325'],
  ])('spells %s as %s', (text, symbol) => {
    expect(canonicalSymbol(text)).toBe(symbol)
  })

  it('refuses text that cannot be a symbol, naming it', () => {
    expect(() => canonicalSymbol('')).toThrow('invalid symbol ""')
    expect(() => canonicalSymbol('BTC;USDT')).toThrow('invalid symbol "BTC;USDT"')
  })
})

describe('symbolKey and venueKey', () => {
  it('spell a symbol as canonicalSymbol does, without refusing text that is no symbol', () => {
    expect(symbolKey(' zec/btc ')).toBe('ZECBTC')
    expect(symbolKey('btc-perp')).toBe('BTC-PERP')
    expect(symbolKey('')).toBe('')
    expect(symbolKey('btc;usdt')).toBe('BTC;USDT')
  })

  it('spell a venue trimmed and upper case; canonicalVenue also refuses what cannot be a key', () => {
    expect(venueKey(' binance ')).toBe('BINANCE')
    expect(venueKey('')).toBe('')
    expect(canonicalVenue('lean')).toBe('LEAN')
    expect(() => canonicalVenue('bin ance')).toThrow('invalid venue "bin ance"')
  })
})
