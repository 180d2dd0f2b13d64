import type { Drawing } from '../../src-shared'

/**
 * Fractional logical index (bar position on the time scale) of a time on bars opening at `times` (ms, ascending):
 * linear between the two bars around it, extrapolated by `stepMs` per bar before the first and after the last. A
 * drawing anchored to a time therefore lands between hourly bars on an hourly chart and on its bar on a 5-minute one.
 */
export function timeToLogical(times: readonly number[], stepMs: number, t: number): number | null {
  const n = times.length
  if (n === 0) return null
  if (t <= times[0]) return (t - times[0]) / stepMs
  if (t >= times[n - 1]) return n - 1 + (t - times[n - 1]) / stepMs
  let lo = 0
  let hi = n - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (times[mid] <= t) lo = mid
    else hi = mid
  }
  return lo + (t - times[lo]) / (times[hi] - times[lo])
}

/** The time (ms) at a fractional logical index: the inverse of `timeToLogical`. */
export function logicalToTime(times: readonly number[], stepMs: number, logical: number): number | null {
  const n = times.length
  if (n === 0 || !Number.isFinite(logical)) return null
  if (logical <= 0) return times[0] + logical * stepMs
  if (logical >= n - 1) return times[n - 1] + (logical - (n - 1)) * stepMs
  const i = Math.floor(logical)
  return times[i] + (logical - i) * (times[i + 1] - times[i])
}

/** Distance (px) from a point to the segment a–b. */
export function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax
  const dy = by - ay
  const len2 = dx * dx + dy * dy
  const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2))
  return Math.hypot(px - (ax + u * dx), py - (ay + u * dy))
}

/** A drawing on screen: a level's y, or a trendline's two end points (px in the price pane). */
export type ScreenDrawing =
  | { readonly id: string; readonly kind: 'level'; readonly y: number }
  | {
      readonly id: string
      readonly kind: 'trendline'
      readonly a: { x: number; y: number }
      readonly b: { x: number; y: number }
    }

/** What a pointer is on: a drawing, and for a trendline which end (dragging an end moves only that end). */
export interface DrawingHit {
  readonly id: string
  readonly handle?: 'a' | 'b'
}

/** Pixels within which a pointer is on a line or an end point. */
export const HIT_TOLERANCE = 6

/** The topmost (last drawn) drawing under the point, ends before lines; undefined when none is within the tolerance. */
export function hitTestDrawings(
  screen: readonly ScreenDrawing[],
  x: number,
  y: number,
  tolerance = HIT_TOLERANCE,
): DrawingHit | undefined {
  for (let i = screen.length - 1; i >= 0; i--) {
    const d = screen[i]
    if (d.kind === 'level') {
      if (Math.abs(y - d.y) <= tolerance) return { id: d.id }
      continue
    }
    if (Math.hypot(x - d.a.x, y - d.a.y) <= tolerance + 2) return { id: d.id, handle: 'a' }
    if (Math.hypot(x - d.b.x, y - d.b.y) <= tolerance + 2) return { id: d.id, handle: 'b' }
    if (distanceToSegment(x, y, d.a.x, d.a.y, d.b.x, d.b.y) <= tolerance) return { id: d.id }
  }
  return undefined
}

/** A drawing after a drag by `dLogical` bars and `dPrice` (whole drawing), or with one trendline end moved there. */
export function dragDrawing(
  d: Drawing,
  hit: DrawingHit,
  dLogical: number,
  dPrice: number,
  times: readonly number[],
  stepMs: number,
): Drawing {
  if (d.kind === 'level') return { ...d, price: d.price + dPrice }
  const move = (p: { time: number; price: number }) => {
    const l = timeToLogical(times, stepMs, p.time)
    const t = l === null ? null : logicalToTime(times, stepMs, l + dLogical)
    return { time: t ?? p.time, price: p.price + dPrice }
  }
  if (hit.handle === 'a') return { ...d, a: move(d.a) }
  if (hit.handle === 'b') return { ...d, b: move(d.b) }
  return { ...d, a: move(d.a), b: move(d.b) }
}
