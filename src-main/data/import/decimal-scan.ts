/**
 * Allocation-free number scanning for CSV hot paths. `scanNumber` reads the field starting at `start` (up to the next
 * comma or `end`) and leaves the delimiter position in `scan.end`. Plain decimals with at most 15 significant digits
 * are computed as integer / 10^k, which is exactly what `Number()` returns (both operands are exact doubles and IEEE
 * division rounds correctly — Clinger's fast path); anything else falls back to `Number()` on the slice.
 * Empty fields give NaN.
 */
export const scan = { end: 0 }

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
]

export function scanNumber(text: string, start: number, end: number): number {
  let i = start
  let neg = false
  if (i < end && text.charCodeAt(i) === 45) {
    neg = true
    i++
  }
  let mantissa = 0
  let digits = 0
  let frac = -1
  let any = false
  for (; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      any = true
      if (mantissa !== 0 || c !== 48) digits++
      mantissa = mantissa * 10 + (c - 48)
      if (frac >= 0) frac++
    } else if (c === 46 && frac < 0) frac = 0
    else break
  }
  if (i === end || text.charCodeAt(i) === 44) {
    scan.end = i
    if (!any) return NaN
    if (digits <= 15 && frac <= 22) {
      const v = frac > 0 ? mantissa / POW10[frac] : mantissa
      return neg ? -v : v
    }
  }
  // Exponents, spaces, too many digits, junk: let Number() decide on the whole field.
  let delim = text.indexOf(',', start)
  if (delim < 0 || delim > end) delim = end
  scan.end = delim
  const field = text.slice(start, delim)
  return field.trim() === '' ? NaN : Number(field)
}
