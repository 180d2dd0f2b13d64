import { describe, expect, it } from 'vitest'
import { canonicalSymbol } from './ids'

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
