import { afterEach, describe, expect, it } from 'vitest'
import {
  formatAxisTime,
  formatChange,
  formatCount,
  formatPrice,
  formatSpan,
  formatUtc,
  formatUtcShort,
  formatVolume,
  pricePrecision,
  setDisplayTimeZone,
  timeZoneLabel,
} from './format'

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

describe('format in the display time zone', () => {
  afterEach(() => setDisplayTimeZone('UTC'))

  it('shows every time in the chosen zone, right across the 2021 New York daylight-saving changes', () => {
    setDisplayTimeZone('America/New_York')
    expect(timeZoneLabel()).toBe('New York')
    // The NYSE open on the Friday before and the Monday after 2021-03-14: 14:30 UTC, then 13:30 UTC.
    expect(formatUtc(Date.UTC(2021, 2, 12, 14, 30))).toBe('2021-03-12 09:30')
    expect(formatUtc(Date.UTC(2021, 2, 15, 13, 30))).toBe('2021-03-15 09:30')
    expect(formatUtcShort(Date.UTC(2021, 10, 5, 13, 30))).toBe('11-05 09:30')
    expect(formatUtcShort(Date.UTC(2021, 10, 8, 14, 30))).toBe('11-08 09:30')
    setDisplayTimeZone('UTC')
    expect(formatUtc(Date.UTC(2021, 2, 15, 13, 30))).toBe('2021-03-15 13:30')
    expect(timeZoneLabel()).toBe('UTC')
  })

  it('labels the time axis in the zone: year, month, day, time', () => {
    setDisplayTimeZone('America/New_York')
    // 2021-11-07 04:30 UTC is still the 7th 00:30 EDT; 05:00 UTC is 01:00 EDT, 06:00 UTC 01:00 EST.
    expect(formatAxisTime(Date.UTC(2021, 10, 7, 4, 30), 2)).toBe('7')
    expect(formatAxisTime(Date.UTC(2021, 10, 7, 5), 3)).toBe('01:00')
    expect(formatAxisTime(Date.UTC(2021, 10, 7, 6), 3)).toBe('01:00')
    expect(formatAxisTime(Date.UTC(2022, 0, 1, 3), 0)).toBe('2021')
    expect(formatAxisTime(Date.UTC(2022, 0, 1, 5), 1)).toBe('Jan')
    expect(formatAxisTime(Date.UTC(2022, 0, 1, 5, 0, 7), 4)).toBe('00:00:07')
  })
})
