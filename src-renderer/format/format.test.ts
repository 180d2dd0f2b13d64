import { describe, expect, it } from 'vitest'
import { formatChange, formatCount, formatPrice, formatSpan, formatUtc, formatUtcShort, formatVolume, pricePrecision } from './format'

describe('format', () => {
  it('shows UTC times', () => {
    expect(formatUtc(Date.UTC(2024, 0, 31, 14, 5, 9))).toBe('2024-01-31 14:05')
    expect(formatUtc(Date.UTC(2024, 0, 31, 14, 5, 9), true)).toBe('2024-01-31 14:05:09')
    expect(formatUtc(NaN)).toBe('')
    expect(formatUtcShort(Date.UTC(2024, 0, 31, 14, 5, 9))).toBe('01-31 14:05')
    expect(formatUtcShort(NaN)).toBe('')
  })

  it('derives the price precision from the data, at most 8 decimals', () => {
    expect(pricePrecision([7998.49, 8114.7])).toBe(2)
    expect(pricePrecision([0.00141342, 0.0014])).toBe(8)
    expect(pricePrecision([1.0801, 1.09758])).toBe(5)
    expect(pricePrecision([100, 101])).toBe(0)
    expect(pricePrecision([])).toBe(0)
  })

  it('formats prices, volumes, counts, changes and spans', () => {
    expect(formatPrice(8114.7, 2)).toBe('8,114.70')
    expect(formatVolume(3_153_694.6)).toBe('3.15M')
    expect(formatVolume(12_345)).toBe('12.3K')
    expect(formatVolume(0.5)).toBe('0.5000')
    expect(formatCount(123456)).toBe('123,456')
    expect(formatChange(100, 101.5)).toBe('+1.50%')
    expect(formatChange(100, 99)).toBe('-1.00%')
    expect(formatSpan(3 * 86_400_000)).toBe('3.0 d')
    expect(formatSpan(30 * 60_000)).toBe('30 min')
  })
})
