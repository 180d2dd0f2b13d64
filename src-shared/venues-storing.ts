import { canResample } from './bar-aggregation'
import type { SeriesSummary } from './api'
import type { Timeframe } from './domain'

/**
 * The venue lookup: the venues storing `symbol` at `timeframe`, each once, in listing order. With `resample`, a venue
 * storing a finer timeframe that `timeframe` can be resampled from counts too. Callers choose from the answer: the API
 * takes the first (or its default venue), the CLI and the jobs ask for a venue when there are several.
 */
export function venuesStoring(
  series: readonly Pick<SeriesSummary, 'symbol' | 'venue' | 'timeframe'>[],
  symbol: string,
  timeframe: Timeframe,
  options: { readonly resample?: boolean } = {},
): string[] {
  const resample = options.resample === true
  const holds = (tf: Timeframe): boolean => tf === timeframe || (resample && canResample(tf, timeframe))
  const venues = new Set<string>()
  for (const s of series) if (s.symbol === symbol && holds(s.timeframe)) venues.add(s.venue)
  return [...venues]
}
