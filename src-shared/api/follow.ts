import { isTimeframe, type Timeframe } from '../domain'
import { canonicalSymbol, canonicalVenue } from '../ids'

// ── Followed series (issue #17): the series a workstation follows live, chosen by the trader ────

/** Setting holding the followed series (`FollowedSeries[]`). */
export const FOLLOWED_SERIES_SETTING = 'live.followed'

/** A series the workstation follows: its bars from the live feed (or as they are stored), its regime forecasts on or off. */
export interface FollowedSeries {
  readonly symbol: string
  /** Venue storing it (the feed's, or the one storing it). */
  readonly venue: string
  readonly timeframe: Timeframe
  /** `feed`: subscribed on the workstation's live feed (an exchange, or the replay server offline); `stored`: follows what is stored (imports, another process). */
  readonly source: 'feed' | 'stored'
  /** The live regime loop forecasts it (and trains its forecaster when it has none and enough bars are stored). */
  readonly forecast: boolean
}

/** `followSeries`: a series to follow; absent venue: the feed's, or the one storing it. */
export interface FollowSeriesRequest {
  readonly symbol: string
  readonly venue?: string
  readonly timeframe: Timeframe
  readonly source?: 'feed' | 'stored'
  readonly forecast?: boolean
}

/** One key per followed series: `SYMBOL.VENUE-tf`. */
export const followedKey = (s: Pick<FollowedSeries, 'symbol' | 'venue' | 'timeframe'>): string =>
  `${s.symbol}.${s.venue}-${s.timeframe}`

/** Parses `SYMBOL[.VENUE]:TF,…` (`serve --follow`); throws one line naming the bad item. */
export function parseFollowList(text: string): FollowSeriesRequest[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_-]+))?:([0-9]+[a-zA-Z])$/.exec(item)
      if (!m) throw new Error(`"${item}" is not SYMBOL[.VENUE]:TIMEFRAME (e.g. BTCUSDT:5m)`)
      const [, symbol, venue, timeframe] = m
      if (!isTimeframe(timeframe)) throw new Error(`"${item}": unknown timeframe "${timeframe}"`)
      return { symbol: canonicalSymbol(symbol), ...(venue ? { venue: canonicalVenue(venue) } : {}), timeframe }
    })
}
