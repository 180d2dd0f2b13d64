import type { Bar } from '../../src-shared'
import type { BarsDelta } from './bars-delta'

/**
 * The series data for `bars` after a non-live change, reusing the points already converted (`shown`) when a page joined
 * on the left or right: converting 1M bars again for each page would cost more than the page itself.
 */
export function joinPage<P>(delta: BarsDelta, shown: readonly P[], bars: readonly Bar[], convert: (b: Bar) => P): P[] {
  if (delta.kind === 'prepend' && shown.length === bars.length - delta.count) {
    const page = new Array<P>(delta.count)
    for (let i = 0; i < delta.count; i++) page[i] = convert(bars[i])
    return page.concat(shown)
  }
  if (delta.kind === 'append' && shown.length === bars.length - delta.count) {
    const out = shown.slice()
    for (let i = shown.length; i < bars.length; i++) out.push(convert(bars[i]))
    return out
  }
  const out = new Array<P>(bars.length)
  for (let i = 0; i < bars.length; i++) out[i] = convert(bars[i])
  return out
}
