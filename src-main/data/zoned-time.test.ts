import { describe, expect, it } from 'vitest'
import { zonedWallToUtc } from './zoned-time'

const ny = (s: string): string => new Date(zonedWallToUtc('America/New_York', Date.parse(`${s}Z`))).toISOString()

describe('zonedWallToUtc', () => {
  it('New York is UTC-5 in winter and UTC-4 in summer', () => {
    expect(ny('2013-01-04T09:30:00')).toBe('2013-01-04T14:30:00.000Z')
    expect(ny('2013-10-04T09:30:00')).toBe('2013-10-04T13:30:00.000Z')
  })

  it('handles the 2013 DST transition days hour by hour', () => {
    // 2013-03-10 02:00 EST → 03:00 EDT; 2013-11-03 02:00 EDT → 01:00 EST.
    expect(ny('2013-03-10T01:59:00')).toBe('2013-03-10T06:59:00.000Z')
    expect(ny('2013-03-10T03:00:00')).toBe('2013-03-10T07:00:00.000Z')
    expect(ny('2013-11-03T00:30:00')).toBe('2013-11-03T04:30:00.000Z')
    expect(ny('2013-11-03T01:30:00')).toBe('2013-11-03T05:30:00.000Z')
    expect(ny('2013-11-03T02:30:00')).toBe('2013-11-03T07:30:00.000Z')
  })

  it('Chicago midnight is 06:00 UTC in January', () => {
    expect(new Date(zonedWallToUtc('America/Chicago', Date.parse('2021-01-04T08:30:00Z'))).toISOString()).toBe('2021-01-04T14:30:00.000Z')
  })
})
