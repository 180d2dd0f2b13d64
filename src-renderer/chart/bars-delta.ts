import type { Bar } from '../../src-shared'

/**
 * How the next bars differ from the ones already on a series: nothing; live bars to `update()` (the forming bar
 * replaced and/or one appended — at a resampled bar's close, the closed bar and the next one); a page joined on the
 * left (`prepend`) or right (`append`) of the same bars; or anything else (`reset`: `setData`).
 */
export type BarsDelta =
  | { readonly kind: 'none' }
  | { readonly kind: 'update'; readonly bars: readonly Bar[] }
  | { readonly kind: 'prepend'; readonly count: number }
  | { readonly kind: 'append'; readonly count: number }
  | { readonly kind: 'reset' }

/**
 * Classifies a bars change so a series can apply live bars with `update()` instead of `setData()`, and keep its view
 * when a page joins. Relies on the chart store's structural sharing: unchanged bars stay the same objects.
 */
export function barsDelta(prev: readonly Bar[] | undefined, next: readonly Bar[]): BarsDelta {
  if (prev === next) return { kind: 'none' }
  const n = prev?.length ?? 0
  if (!prev || n === 0 || next.length === 0) return { kind: 'reset' }
  const grown = next.length - n
  if (grown === 0 || grown === 1) {
    // Live: every bar before the last kept; the last replaced (same time) and/or one newer appended.
    const k = next[n - 1] === prev[n - 1] ? n : n - 1
    const changed = next.slice(k)
    const keptBefore = k === 0 || next[k - 1] === prev[k - 1]
    if (
      keptBefore &&
      changed.length > 0 &&
      (k === n || changed[0].time === prev[k].time) &&
      isAscending(changed, next[k - 1])
    ) {
      return { kind: 'update', bars: changed }
    }
  }
  // A page on the left: the old bars follow it unchanged.
  if (grown > 0 && next[grown] === prev[0] && next[next.length - 1] === prev[n - 1])
    return { kind: 'prepend', count: grown }
  // A page on the right: the old bars are all still there, the page after them.
  if (grown > 0 && next[0] === prev[0] && next[n - 1] === prev[n - 1] && next[n].time > prev[n - 1].time)
    return { kind: 'append', count: grown }
  return { kind: 'reset' }
}

function isAscending(bars: readonly Bar[], before: Bar | undefined): boolean {
  let t = before?.time ?? -Infinity
  for (const b of bars) {
    if (b.time <= t) return false
    t = b.time
  }
  return true
}

/** Chart time (UTC seconds) of a bar's open time in ms. */
export function chartTime(ms: number): number {
  return Math.floor(ms / 1000)
}

/** Index of the bar opening at `time` in bars sorted by time (a binary search), or -1 when none opens then. */
export function barIndexAt(bars: readonly Bar[], time: number): number {
  let lo = 0
  let hi = bars.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const t = bars[mid].time
    if (t === time) return mid
    if (t < time) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}
