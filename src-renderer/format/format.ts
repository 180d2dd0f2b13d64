/**
 * Display formatting for prices, volumes, counts and times. Pure functions of their arguments and of one setting: the
 * display time zone (UTC until the display store sets it), so every view shows times in the zone the trader chose.
 */
import { formatZoned, zoneLabel, zonedWall } from '../../src-shared'

let displayZone = 'UTC'

/** Sets the zone the time formatters use (an IANA name; the display store calls this when the choice or venue changes). */
export function setDisplayTimeZone(zone: string): void {
  displayZone = zone
}

/** The zone times are shown in. */
export function displayTimeZone(): string {
  return displayZone
}

/** Short name of the display zone for column headers and titles: `UTC`, `New York`. */
export function timeZoneLabel(): string {
  return zoneLabel(displayZone)
}

/** `2024-01-31 14:05` in the display zone (UTC by default); with `seconds`, `…:05:09`. Empty for non-finite input. */
export function formatUtc(ms: number, seconds = false): string {
  return formatZoned(ms, displayZone, seconds)
}

/** `01-31 14:05` in the display zone (no year: dense tables, with the full time in a title). Empty for non-finite input. */
export function formatUtcShort(ms: number): string {
  return formatUtc(ms).slice(5)
}

const pad = (n: number) => String(n).padStart(2, '0')
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** Granularity of a time-axis label (lightweight-charts' TickMarkType: 0 year … 4 time with seconds). */
export type AxisLabelKind = 0 | 1 | 2 | 3 | 4

/** A time-axis label in the display zone: `2022`, `Mar`, `14`, `09:30`, `09:30:15`. */
export function formatAxisTime(ms: number, kind: AxisLabelKind): string {
  const d = new Date(zonedWall(ms, displayZone))
  if (kind === 0) return String(d.getUTCFullYear())
  if (kind === 1) return MONTHS[d.getUTCMonth()]
  if (kind === 2) return String(d.getUTCDate())
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
  return kind === 4 ? `${hm}:${pad(d.getUTCSeconds())}` : hm
}

/** Decimals needed to show the prices exactly (0–8), from the last `sample` values. */
export function pricePrecision(values: readonly number[], sample = 300): number {
  let decimals = 0
  for (let i = Math.max(0, values.length - sample); i < values.length; i++) {
    const v = values[i]
    if (!Number.isFinite(v)) continue
    const s = v.toFixed(8).replace(/0+$/, '')
    const d = s.length - s.indexOf('.') - 1
    if (d > decimals) decimals = d
    if (decimals >= 8) return 8
  }
  return decimals
}

// One formatter per precision: toLocaleString builds a new one per call, and the price axis formats every label each frame.
const priceFormats = new Map<number, Intl.NumberFormat>()

/** Price with a fixed number of decimals and thin grouping of thousands. */
export function formatPrice(v: number, precision: number): string {
  if (!Number.isFinite(v)) return '—'
  let f = priceFormats.get(precision)
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: precision, maximumFractionDigits: precision })
    priceFormats.set(precision, f)
  }
  return f.format(v)
}

/** Volume in compact form: 950, 12.3K, 4.56M, 1.2B. */
export function formatVolume(v: number): string {
  if (!Number.isFinite(v)) return '—'
  const a = Math.abs(v)
  if (a >= 1e9) return `${(v / 1e9).toFixed(2)}B`
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}K`
  if (a >= 100) return v.toFixed(0)
  return v.toFixed(a >= 1 ? 2 : 4)
}

/** Integer with thousands separators. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/** Signed percent change with two decimals: `+1.25%`. */
export function formatChange(from: number, to: number): string {
  if (!Number.isFinite(from) || !Number.isFinite(to) || from === 0) return ''
  const pct = ((to - from) / from) * 100
  return `${pct >= 0 ? '+' : ''}${pct.toFixed(2)}%`
}

/** Rough length of a time span: `45 s`, `12 min`, `5.5 h`, `3.2 d`, `1.4 y`. */
export function formatSpan(ms: number): string {
  const s = ms / 1000
  if (s < 90) return `${Math.round(s)} s`
  if (s < 5400) return `${Math.round(s / 60)} min`
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`
  if (s < 63_072_000) return `${(s / 86_400).toFixed(1)} d`
  return `${(s / 31_536_000).toFixed(1)} y`
}

/** A metric with 3 decimals; `—` when unknown (NaN arrives over JSON as null). */
export function formatMetric(x: number | null | undefined, digits = 3): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—'
}

/** A fraction as a percentage with one decimal (`-4.3 %`); `—` when it is not a number. */
export function formatPercent(x: unknown): string {
  return typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : '—'
}

/** The first 12 hex characters of a model version id (the shortest prefix the registry accepts). */
export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 12) : '(none)'
}
