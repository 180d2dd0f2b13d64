import type { Bar } from '../../src-shared'

/** How the next bars differ from the ones already on a series. */
export type BarsDelta = { readonly kind: 'none' } | { readonly kind: 'update'; readonly bar: Bar } | { readonly kind: 'reset' }

/**
 * Classifies a bars change so a series can apply a live bar with `update()` instead of `setData()`.
 * Relies on the chart store's structural sharing: a live bar keeps every earlier element identical.
 */
export function barsDelta(prev: readonly Bar[] | undefined, next: readonly Bar[]): BarsDelta {
  if (prev === next) return { kind: 'none' }
  if (!prev || prev.length === 0 || next.length === 0 || next[0] !== prev[0]) return { kind: 'reset' }
  const last = next[next.length - 1]
  if (next.length === prev.length && (next.length < 2 || next[next.length - 2] === prev[prev.length - 2])) {
    return last.time === prev[prev.length - 1].time ? { kind: 'update', bar: last } : { kind: 'reset' }
  }
  if (next.length === prev.length + 1 && next[next.length - 2] === prev[prev.length - 1] && last.time > prev[prev.length - 1].time) {
    return { kind: 'update', bar: last }
  }
  return { kind: 'reset' }
}

/** Chart time (UTC seconds) of a bar's open time in ms. */
export function chartTime(ms: number): number {
  return Math.floor(ms / 1000)
}
