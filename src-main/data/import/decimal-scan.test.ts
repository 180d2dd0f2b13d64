import { describe, expect, it } from 'vitest'
import { readTestText } from '../../testing'
import { scan, scanNumber } from './decimal-scan'

describe('scanNumber', () => {
  it('returns exactly Number() for every field of a real Binance kline file and of FTX prices', () => {
    const fields = [
      ...readTestText('nautilus_trader', 'binance_ADABTC-1m-2021-11-28.csv').split(/[,\n]/),
      ...readTestText('nautilus_trader', 'ftx_BTC-PERP_1m_20211231-20220201.csv.gz')
        .split(/[,\n]/)
        .slice(6, 60_000)
        .filter((f) => !f.includes(':')),
    ].filter((f) => f !== '')
    for (const f of fields) expect(scanNumber(f, 0, f.length)).toBe(Number(f))
  })

  it('matches Number() on edge cases and reports the delimiter position', () => {
    for (const f of ['0', '-0.5', '1e-7', '123456789012345678', '0.1234567890123456789', '  7', '1.', '.5', '00012.50'])
      expect(scanNumber(f, 0, f.length)).toBe(Number(f))
    expect(scanNumber('', 0, 0)).toBeNaN()
    expect(scanNumber('abc,1', 0, 5)).toBeNaN()
    expect(scanNumber('12.5,7', 0, 6)).toBe(12.5)
    expect(scan.end).toBe(4)
  })
})
