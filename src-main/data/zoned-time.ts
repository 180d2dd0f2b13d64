/**
 * Wall-clock time in an IANA zone → UTC epoch ms, using Intl only (no tz database dependency).
 * Handles DST: a wall time in the spring-forward gap maps forward by the gap; an ambiguous autumn time takes
 * the first (daylight) occurrence.
 */
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(zone, f)
  }
  return f
}

/** Offset (ms) of `zone` from UTC at instant `utcMs`: local wall time minus UTC. */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  if (zone === 'UTC') return 0
  const parts = formatter(zone).formatToParts(new Date(utcMs))
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value)
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return wall - Math.floor(utcMs / 1000) * 1000
}

// Offsets change at most a few times a year; cache per zone and UTC hour.
const offsetCache = new Map<string, number>()

function cachedOffset(zone: string, utcMs: number): number {
  const hour = Math.floor(utcMs / 3_600_000)
  const k = `${zone}|${hour}`
  let o = offsetCache.get(k)
  if (o === undefined) {
    o = zoneOffsetMs(zone, hour * 3_600_000)
    if (offsetCache.size > 100_000) offsetCache.clear()
    offsetCache.set(k, o)
  }
  return o
}

/** UTC epoch ms of the wall time `wallAsUtcMs` (the wall fields encoded as if they were UTC) in `zone`. */
export function zonedWallToUtc(zone: string, wallAsUtcMs: number): number {
  if (zone === 'UTC') return wallAsUtcMs
  // Two fixed-point steps: guess with the offset at the wall time, then correct with the offset at the guess.
  const o1 = cachedOffset(zone, wallAsUtcMs - cachedOffset(zone, wallAsUtcMs))
  const guess = wallAsUtcMs - o1
  const o2 = cachedOffset(zone, guess)
  if (o2 === o1) {
    // Ambiguous autumn hour: prefer the earlier (larger offset) reading when it also maps back to this wall time.
    const earlier = wallAsUtcMs - (o1 + 3_600_000)
    if (cachedOffset(zone, earlier) === o1 + 3_600_000) return earlier
    return guess
  }
  // In the spring-forward gap neither offset round-trips; use the pre-transition offset (moves forward).
  return wallAsUtcMs - Math.min(o1, o2)
}
