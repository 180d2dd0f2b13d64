import { venueKey } from './ids'

/**
 * Time zones with Intl only (no tz database dependency): UTC offsets at an instant, wall time ↔ UTC across daylight-saving
 * changes, and which zone each venue keeps its trading day in. Times stay UTC epoch ms everywhere else; a zone only
 * changes how a time is read (LEAN files) or shown (the renderer's display zone).
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

/** True when Intl knows `zone` (an IANA name such as `America/New_York`, or `UTC`). */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone)
    return true
  } catch {
    return false
  }
}

/** Offset (ms) of `zone` from UTC at instant `utcMs`: local wall time minus UTC. Throws RangeError for an unknown zone. */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  if (zone === 'UTC') return 0
  const parts = formatter(zone).formatToParts(new Date(utcMs))
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value)
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return wall - Math.floor(utcMs / 1000) * 1000
}

const HOUR = 3_600_000
const DAY = 86_400_000

/**
 * Offsets of one zone, memoised for long runs of times (a chart axis asks for every bar): the offset is read once per
 * UTC day when it is the same at both ends of the day (zones change offset at most once a day), else once per hour.
 */
export class ZoneOffsets {
  private readonly days = new Map<number, number>()
  private readonly hours = new Map<number, number>()
  private lastDay = NaN
  private lastOffset = 0

  /** Throws RangeError for a zone Intl does not know. */
  constructor(readonly zone: string) {
    if (zone !== 'UTC') formatter(zone)
  }

  /** Offset (ms) from UTC at instant `utcMs`. */
  at(utcMs: number): number {
    if (this.zone === 'UTC') return 0
    const day = Math.floor(utcMs / DAY)
    if (day === this.lastDay) return this.lastOffset
    let o = this.days.get(day)
    if (o === undefined) {
      const a = zoneOffsetMs(this.zone, day * DAY)
      o = a === zoneOffsetMs(this.zone, (day + 1) * DAY) ? a : NaN
      if (this.days.size > 50_000) this.days.clear()
      this.days.set(day, o)
    }
    if (!Number.isNaN(o)) {
      this.lastDay = day
      this.lastOffset = o
      return o
    }
    // A day with a change: per hour (every zone in use changes on a whole or half hour; half-hour ones are read exactly).
    const hour = Math.floor(utcMs / HOUR)
    let h = this.hours.get(hour)
    if (h === undefined) {
      const start = zoneOffsetMs(this.zone, hour * HOUR)
      h = start === zoneOffsetMs(this.zone, (hour + 1) * HOUR - 1) ? start : NaN
      this.hours.set(hour, h)
    }
    return Number.isNaN(h) ? zoneOffsetMs(this.zone, utcMs) : h
  }
}

const offsetsByZone = new Map<string, ZoneOffsets>()

/** The shared memoised offsets of `zone`. Throws RangeError for an unknown zone. */
export function zoneOffsets(zone: string): ZoneOffsets {
  let z = offsetsByZone.get(zone)
  if (!z) {
    z = new ZoneOffsets(zone)
    offsetsByZone.set(zone, z)
  }
  return z
}

/** Wall time in `zone` at `utcMs`, encoded as if it were UTC (read it with the `getUTC…` methods). */
export function zonedWall(utcMs: number, zone: string): number {
  return utcMs + zoneOffsets(zone).at(utcMs)
}

/** UTC epoch ms of the wall time `wallAsUtcMs` (the wall fields encoded as if they were UTC) in `zone`. */
export function zonedWallToUtc(zone: string, wallAsUtcMs: number): number {
  if (zone === 'UTC') return wallAsUtcMs
  const z = zoneOffsets(zone)
  // Two fixed-point steps: guess with the offset at the wall time, then correct with the offset at the guess.
  const o1 = z.at(wallAsUtcMs - z.at(wallAsUtcMs))
  const guess = wallAsUtcMs - o1
  const o2 = z.at(guess)
  if (o2 === o1) {
    // Ambiguous autumn hour: prefer the earlier (larger offset) reading when it also maps back to this wall time.
    const earlier = wallAsUtcMs - (o1 + HOUR)
    if (z.at(earlier) === o1 + HOUR) return earlier
    return guess
  }
  // In the spring-forward gap neither offset round-trips; use the pre-transition offset (moves forward).
  return wallAsUtcMs - Math.min(o1, o2)
}

/**
 * The zone each venue keeps its trading day in (venue ids as the importers and feeds write them). Crypto venues trade
 * around the clock on UTC days; LEAN's US equities (`USA`) are New York, CME products Chicago. Unlisted venues: UTC.
 */
export const VENUE_TIME_ZONES: Readonly<Record<string, string>> = Object.freeze({
  BINANCE: 'UTC',
  BITFINEX: 'UTC',
  BITTREX: 'UTC',
  BYBIT: 'UTC',
  COINBASE: 'UTC',
  FTX: 'UTC',
  KRAKEN: 'UTC',
  FXCM: 'UTC',
  OANDA: 'UTC',
  USA: 'America/New_York',
  NYSE: 'America/New_York',
  NASDAQ: 'America/New_York',
  CME: 'America/Chicago',
})

/** The venue's zone; a quote-bar venue (`USA_QUOTES`) has its venue's zone. */
export function venueTimeZone(venue: string): string {
  const v = venueKey(venue)
  return VENUE_TIME_ZONES[v] ?? VENUE_TIME_ZONES[v.replace(/_QUOTES$/, '')] ?? 'UTC'
}

/** How times are shown: in UTC, in the computer's zone, or in the charted instrument's exchange zone. */
export const DISPLAY_ZONE_CHOICES = ['utc', 'local', 'exchange'] as const
/** One of {@link DISPLAY_ZONE_CHOICES}. */
export type DisplayZoneChoice = (typeof DISPLAY_ZONE_CHOICES)[number]

/** Settings key of the display zone choice. */
export const DISPLAY_ZONE_SETTING = 'display.timeZone'

/** The stored setting as a choice; anything else (absent, an old value) is UTC. */
export function displayZoneChoice(stored: unknown): DisplayZoneChoice {
  return (DISPLAY_ZONE_CHOICES as readonly unknown[]).includes(stored) ? (stored as DisplayZoneChoice) : 'utc'
}

/** The IANA zone a choice means: `local` is `localZone`, `exchange` the zone of `venue` (UTC without one). */
export function resolveDisplayZone(choice: DisplayZoneChoice, venue: string | undefined, localZone: string): string {
  if (choice === 'local') return localZone
  if (choice === 'exchange') return venue ? venueTimeZone(venue) : 'UTC'
  return 'UTC'
}

/** A short name of a zone for headers: `UTC`, `New York`, `Ho Chi Minh`. */
export function zoneLabel(zone: string): string {
  return zone === 'UTC' || zone === 'Etc/UTC' ? 'UTC' : (zone.split('/').pop() ?? zone).replace(/_/g, ' ')
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** `2024-01-31 14:05` in `zone` (`…:05:09` with `seconds`); empty for non-finite input. */
export function formatZoned(ms: number, zone: string, seconds = false): string {
  if (!Number.isFinite(ms)) return ''
  const d = new Date(zonedWall(ms, zone))
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${seconds ? `:${pad(d.getUTCSeconds())}` : ''}`
  return `${date} ${time}`
}

const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/

/**
 * Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:mm[:ss]` (or with `T`) as a wall time in `zone`; returns UTC epoch ms, or an
 * error line naming the input.
 */
export function parseZonedDateTime(
  text: string,
  zone: string,
): { ok: true; time: number } | { ok: false; error: string } {
  const s = text.trim()
  const m = DATE_TIME_RE.exec(s)
  const bad = { ok: false as const, error: `"${s}" is not a date: use YYYY-MM-DD or YYYY-MM-DD HH:mm` }
  if (!m) return bad
  const [y, mo, d, h, mi, se] = [+m[1], +m[2], +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0]
  const wall = Date.UTC(y, mo - 1, d, h, mi, se)
  const back = new Date(wall)
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return bad
  return { ok: true, time: zonedWallToUtc(zone, wall) }
}
