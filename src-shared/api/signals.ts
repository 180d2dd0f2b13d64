/**
 * Strategy signals as the live node and backtests record them (DOMAIN.md §4): every entry signal a strategy gives,
 * taken or skipped with the reason, with its base confidence, the ML probability and the model version used.
 */
import { isTimeframe, type Timeframe } from '../domain'
import { canonicalSymbol, canonicalVenue } from '../ids'

/** What happened to a signal. */
export type SignalOutcome = 'taken' | 'skipped'

/** One strategy signal at a bar's close. */
export interface SignalRecord {
  /** Open time of the bar whose close gave the signal (ms). */
  readonly time: number
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly strategy: string
  readonly side: 'long' | 'short'
  /** The strategy's signed score (Battle Navale's centred s ∈ [−1, 1]); NaN when the strategy has none. */
  readonly score: number
  readonly baseConfidence: number
  /** ML probability of signal quality; NaN with ML off or without a model. */
  readonly mlProbability: number
  /** (base + ML)/2 with a probability, else the base (DOMAIN.md §4). */
  readonly enhancedConfidence: number
  /** Size multiplier of the confidence tier (1.5, 1, 0.5 or 0). */
  readonly tier: number
  readonly outcome: SignalOutcome
  /** Why it was skipped, or the strategy's reason (pattern) when taken. */
  readonly reason: string
  /** ML switch at the signal. */
  readonly ml: boolean
  /** Registry version (`name@vN`) or walk-forward window that scored it; null when none did. */
  readonly modelVersion: string | null
}

/** Reasons a signal is skipped (the runner's words, stored and shown). */
export const SKIP_REASONS = {
  belowThreshold: 'below threshold',
  zeroTier: 'confidence below the smallest size tier',
  noStop: 'no stop distance',
  pending: 'an order is pending',
  sameSide: 'already in a position on that side',
  noSize: 'position size rounds to zero',
} as const

/** Filters of `listSignals` (`GET /api/signals`); times are bar open times (ms), `to` exclusive. */
export interface SignalsQuery {
  readonly symbol?: string
  readonly venue?: string
  readonly timeframe?: Timeframe
  readonly strategy?: string
  readonly from?: number
  readonly to?: number
  /** Newest first; default 500. */
  readonly limit?: number
}

/** One strategy enabled on one series: what the live node runs (setting `strategies.live`, `serve --strategies`). */
export interface LiveStrategySpec {
  readonly strategy: string
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  /** Strategy parameters (absent ones take their defaults). */
  readonly params?: Readonly<Record<string, number | boolean>>
}

/** An open paper position of a live strategy, marked at the latest close. */
export interface PaperPosition {
  readonly strategy: string
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly side: 'long' | 'short'
  readonly qty: number
  readonly entryPrice: number
  readonly entryTime: number
  /** Stop and target prices (null when none). */
  readonly stop: number | null
  readonly target: number | null
  readonly mark: number
  readonly openPnl: number
}

/** A live strategy node's paper account: positions, equity and its curve (downsampled). */
export interface PaperAccount {
  readonly strategy: string
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly ml: boolean
  /** One line: the model scoring signals, or why none does ("ML on, no model: acting as off"). */
  readonly mlNote: string
  readonly initialEquity: number
  readonly equity: number
  readonly closedTrades: number
  readonly positions: readonly PaperPosition[]
  /** [bar open time, equity] points, oldest first. */
  readonly equityCurve: readonly (readonly [number, number])[]
  /** Bars the node has processed and the open time of the last. */
  readonly bars: number
  readonly lastBarTime: number | null
}

/**
 * `serve --strategies battle-navale@BTCUSDT:5m,ma-crossover@ETHUSDT.BINANCE:1h`: strategy@SYMBOL[.VENUE]:TF items
 * separated by commas; a missing venue is `venueOf(symbol, timeframe)`. Throws naming the bad item.
 */
export function parseLiveStrategies(
  text: string,
  venueOf: (symbol: string, timeframe: Timeframe) => string,
): LiveStrategySpec[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^([a-z][a-z0-9-]*)@([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9_-]+))?:([0-9]+[a-zA-Z])$/.exec(item)
      if (!m) throw new Error(`"${item}" is not strategy@SYMBOL[.VENUE]:TIMEFRAME (e.g. battle-navale@BTCUSDT:5m)`)
      const [, strategy, rawSymbol, rawVenue, timeframe] = m
      if (!isTimeframe(timeframe)) throw new Error(`"${item}": unknown timeframe "${timeframe}"`)
      const symbol = canonicalSymbol(rawSymbol)
      return { strategy, symbol, venue: rawVenue ? canonicalVenue(rawVenue) : venueOf(symbol, timeframe), timeframe }
    })
}

/**
 * A stored signal as the API answers it: JSON has no NaN, so a missing ML probability or score is null; `id` is the
 * row id (newest signals have the highest).
 */
export interface SignalView extends Omit<SignalRecord, 'mlProbability' | 'score'> {
  readonly id: number
  readonly mlProbability: number | null
  readonly score: number | null
}

/** The API form of a stored signal. */
export function signalView(s: SignalRecord & { readonly id: number }): SignalView {
  return {
    ...s,
    mlProbability: s.mlProbability === s.mlProbability ? s.mlProbability : null,
    score: s.score === s.score ? s.score : null,
  }
}

/** `signal` topic: a new stored signal; `warmUp` for those of the history replayed when a strategy starts. */
export interface SignalEvent {
  readonly signal: SignalView
  readonly warmUp: boolean
}

/** `setLiveStrategy`: enables (with parameters) or disables a strategy on a series. */
export interface SetLiveStrategyRequest {
  readonly spec: LiveStrategySpec
  readonly enabled: boolean
}

/** `trainSignalQuality`: the DOMAIN.md §4 model of one strategy on one stored series, as a `signal-quality.train` job. */
export interface TrainSignalQualityRequest {
  readonly strategy: string
  readonly symbol: string
  readonly venue?: string
  readonly timeframe: Timeframe
  readonly algo?: 'logreg' | 'gbdt'
  readonly from?: number
  readonly to?: number
}
