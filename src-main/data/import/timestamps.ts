import { zonedWallToUtc } from '../../../src-shared'

/**
 * Epoch number of unknown unit → ms: seconds below 1e11 (year 5138), ms below 1e14, µs below 1e17, else ns.
 * Binance switched spot files to µs in 2025; Tardis uses µs.
 */
export function epochToMs(v: number): number {
  const a = Math.abs(v)
  if (a < 1e11) return Math.round(v * 1000)
  if (a < 1e14) return Math.round(v)
  if (a < 1e17) return Math.floor(v / 1000)
  return Math.floor(v / 1e6)
}

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:\s*(AM|PM))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i
const COMPACT_RE = /^(\d{4})(\d{2})(\d{2})(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?)?$/
const US_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{2,4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?$/i
const CDD_HOUR_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{1,2})-(AM|PM)$/i

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function wall(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return NaN
  // Reject 31 February and friends (Date.UTC would roll them over).
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  if (d > (mo === 2 && leap ? 29 : DAYS[mo - 1])) return NaN
  return Date.UTC(y, mo - 1, d, h, mi, s, ms)
}

function hour12(h: number, ampm: string | undefined): number {
  if (!ampm) return h
  const pm = ampm.toUpperCase() === 'PM'
  if (h === 12) return pm ? 12 : 0
  return pm ? h + 12 : h
}

/** Fast path for LEAN's `yyyyMMdd HH:mm` (16 chars): wall time as UTC ms, or NaN when the cell has another shape. */
function compactTime(s: string): number {
  if (s.length !== 14 && s.length !== 17) return NaN
  let v = 0
  const d = (i: number): number => {
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c > 9) v = NaN
    return c
  }
  if (s.charCodeAt(8) !== 32 || s.charCodeAt(11) !== 58) return NaN
  const y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3)
  const mo = d(4) * 10 + d(5)
  const day = d(6) * 10 + d(7)
  const h = d(9) * 10 + d(10)
  const mi = d(12) * 10 + d(13)
  let sec = 0
  if (s.length === 17) {
    if (s.charCodeAt(14) !== 58) return NaN
    sec = d(15) * 10 + d(16)
  }
  return v === v ? wall(y, mo, day, h, mi, sec, 0) : NaN
}

/**
 * Fast path for `YYYY-MM-DD`, `YYYY-MM-DD[T ]HH:MM[:SS[.fraction]]` without an offset (or with `Z`, then zone-free
 * callers get the same UTC result): wall time as UTC ms, or NaN for any other shape (the regexes below handle those).
 */
function isoTime(s: string): number {
  const n = s.length
  if (n < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN
  let bad = false
  const d = (i: number): number => {
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c > 9) bad = true
    return c
  }
  const y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3)
  const mo = d(5) * 10 + d(6)
  const day = d(8) * 10 + d(9)
  if (n === 10) return bad ? NaN : wall(y, mo, day, 0, 0, 0, 0)
  const sep = s.charCodeAt(10)
  if ((sep !== 32 && sep !== 84) || n < 16 || s.charCodeAt(13) !== 58) return NaN
  const h = d(11) * 10 + d(12)
  const mi = d(14) * 10 + d(15)
  let sec = 0
  let ms = 0
  let i = 16
  if (i < n && s.charCodeAt(i) === 58) {
    if (n < 19) return NaN
    sec = d(17) * 10 + d(18)
    i = 19
    if (i < n && s.charCodeAt(i) === 46) {
      let scale = 100
      for (i++; i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57; i++) {
        ms += (s.charCodeAt(i) - 48) * scale
        scale /= 10
      }
      ms = Math.floor(ms + 1e-6)
    }
  }
  // Anything after (an offset, AM/PM) goes to the general parser, except a bare Z on a zone-free call.
  if (i !== n) return NaN
  return bad ? NaN : wall(y, mo, day, h, mi, sec, ms)
}

/**
 * Parses a time cell into UTC epoch ms: epoch numbers (s/ms/µs/ns by magnitude), ISO-8601 (date only, `T` or space,
 * fractional seconds, `Z` or offset), LEAN `yyyyMMdd HH:mm[:ss]`, US `M/D/YYYY [h:mm[:ss] [AM|PM]]`, and
 * CryptoDataDownload's `YYYY-MM-DD HH-AM`. Times without an offset are wall times in `zone` (default UTC). NaN when unparseable.
 */
export function parseTimeCell(cell: string, zone = 'UTC'): number {
  const fast = cell.length === 14 || cell.length === 17 ? compactTime(cell) : isoTime(cell)
  if (fast === fast) return zonedWallToUtc(zone, fast)
  const s = cell.trim()
  if (s === '') return NaN
  const c0 = s.charCodeAt(0)
  if (/^-?\d+(\.\d+)?$/.test(s) && !(s.length === 8 && c0 >= 49 && c0 <= 50)) return epochToMs(Number(s))
  let m = CDD_HOUR_RE.exec(s)
  if (m) return zonedWallToUtc(zone, wall(+m[1], +m[2], +m[3], hour12(+m[4], m[5]), 0, 0, 0))
  m = ISO_RE.exec(s)
  if (m) {
    const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000 + 1e-6) : 0
    const t = wall(+m[1], +m[2], +m[3], hour12(m[4] ? +m[4] : 0, m[8]), m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, ms)
    if (m[9] && m[9].toUpperCase() !== 'Z') {
      const sign = m[9][0] === '-' ? -1 : 1
      const digits = m[9].slice(1).replace(':', '')
      return t - sign * (Number(digits.slice(0, 2)) * 3_600_000 + Number(digits.slice(2)) * 60_000)
    }
    return m[9] ? t : zonedWallToUtc(zone, t)
  }
  m = COMPACT_RE.exec(s)
  if (m) return zonedWallToUtc(zone, wall(+m[1], +m[2], +m[3], m[4] ? +m[4] : 0, m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, 0))
  m = US_RE.exec(s)
  if (m) {
    const y = m[3].length === 2 ? 2000 + Number(m[3]) - (Number(m[3]) > 69 ? 100 : 0) : Number(m[3])
    return zonedWallToUtc(
      zone,
      wall(y, +m[1], +m[2], hour12(m[4] ? +m[4] : 0, m[7]), m[5] ? +m[5] : 0, m[6] ? +m[6] : 0, 0),
    )
  }
  return NaN
}
