import { describe, expect, it } from 'vitest'
import {
  displayZoneChoice,
  formatZoned,
  parseZonedDateTime,
  resolveDisplayZone,
  venueTimeZone,
  ZoneOffsets,
  zoneLabel,
  zoneOffsetMs,
  zonedWallToUtc,
} from './time-zones'

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
    expect(new Date(zonedWallToUtc('America/Chicago', Date.parse('2021-01-04T08:30:00Z'))).toISOString()).toBe(
      '2021-01-04T14:30:00.000Z',
    )
  })
})

describe('display in a zone across daylight-saving changes', () => {
  const NY = 'America/New_York'
  it('formats New York times across 2021-03-14 (spring forward) hour by hour', () => {
    // 06:00 UTC = 01:00 EST; 07:00 UTC = 03:00 EDT (02:00 never happens).
    expect(formatZoned(Date.UTC(2021, 2, 14, 6, 59), NY)).toBe('2021-03-14 01:59')
    expect(formatZoned(Date.UTC(2021, 2, 14, 7, 0), NY)).toBe('2021-03-14 03:00')
    expect(formatZoned(Date.UTC(2021, 2, 12, 14, 30), NY)).toBe('2021-03-12 09:30')
    expect(formatZoned(Date.UTC(2021, 2, 15, 13, 30), NY)).toBe('2021-03-15 09:30')
  })

  it('formats New York times across 2021-11-07 (fall back): 01:30 happens twice', () => {
    expect(formatZoned(Date.UTC(2021, 10, 7, 5, 30), NY)).toBe('2021-11-07 01:30')
    expect(formatZoned(Date.UTC(2021, 10, 7, 6, 30), NY)).toBe('2021-11-07 01:30')
    expect(formatZoned(Date.UTC(2021, 10, 7, 7, 30), NY)).toBe('2021-11-07 02:30')
    expect(formatZoned(Date.UTC(2021, 10, 5, 13, 30, 15), NY, true)).toBe('2021-11-05 09:30:15')
    expect(formatZoned(Date.UTC(2021, 10, 8, 14, 30), NY)).toBe('2021-11-08 09:30')
  })

  it('memoised offsets equal Intl minute by minute over both 2021 change days, and in half-hour zones', () => {
    for (const [zone, day] of [
      [NY, Date.UTC(2021, 2, 14)],
      [NY, Date.UTC(2021, 10, 7)],
      ['Australia/Adelaide', Date.UTC(2021, 3, 3, 12)],
      ['Asia/Kolkata', 0],
    ] as const) {
      const z = new ZoneOffsets(zone)
      for (let t = day - 86_400_000; t < day + 2 * 86_400_000; t += 60_000) expect(z.at(t)).toBe(zoneOffsetMs(zone, t))
    }
  })

  it('parses a go-to date as a wall time in the zone, and names bad input', () => {
    expect(parseZonedDateTime('2021-03-15 09:30', NY)).toEqual({ ok: true, time: Date.UTC(2021, 2, 15, 13, 30) })
    expect(parseZonedDateTime('2021-03-12T09:30', NY)).toEqual({ ok: true, time: Date.UTC(2021, 2, 12, 14, 30) })
    expect(parseZonedDateTime(' 2022-01-05 ', 'UTC')).toEqual({ ok: true, time: Date.UTC(2022, 0, 5) })
    expect(parseZonedDateTime('2021-02-30', 'UTC')).toEqual({
      ok: false,
      error: '"2021-02-30" is not a date: use YYYY-MM-DD or YYYY-MM-DD HH:mm',
    })
    expect(parseZonedDateTime('yesterday', 'UTC').ok).toBe(false)
  })

  it('maps venues to their exchange zone and choices to a zone', () => {
    expect(venueTimeZone('USA')).toBe(NY)
    expect(venueTimeZone('usa_quotes')).toBe(NY)
    expect(venueTimeZone('FTX')).toBe('UTC')
    expect(venueTimeZone('SOMEWHERE')).toBe('UTC')
    expect(resolveDisplayZone('exchange', 'CME', 'Europe/Paris')).toBe('America/Chicago')
    expect(resolveDisplayZone('local', 'CME', 'Europe/Paris')).toBe('Europe/Paris')
    expect(resolveDisplayZone('utc', 'USA', 'Europe/Paris')).toBe('UTC')
    expect(displayZoneChoice('exchange')).toBe('exchange')
    expect(displayZoneChoice({ zone: 1 })).toBe('utc')
    expect(zoneLabel(NY)).toBe('New York')
    expect(zoneLabel('UTC')).toBe('UTC')
  })
})
