import type { Timeframe } from '../domain'

// ── Market data: stored series, bars, features, indicators and the live feed's health ──────────────────

/** Query for stored bars. `limit` caps the answer at the most recent bars inside the range. */
export interface BarsQuery {
  readonly symbol: string
  readonly venue?: string
  readonly timeframe: Timeframe
  readonly from?: number
  readonly to?: number
  readonly limit?: number
}

/** A series that has stored bars. */
export interface SeriesSummary {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly count: number
  readonly first: number
  readonly last: number
  /** Streamed by the main live feed (the chart opens on the first such series). */
  readonly primary?: boolean
}

/** A feature set over a stored series: latest rows, oldest first; `null` marks a missing value. */
export interface FeatureTableResult {
  readonly set: string
  readonly names: readonly string[]
  readonly specHash: string
  readonly time: readonly number[]
  readonly rows: readonly (readonly (number | null)[])[]
  readonly cached: boolean
}

/**
 * `getIndicators`: indicator specs (`ema:20`, `bb:20:2`, DESIGN.md) over the bars `getBars` answers for the same
 * series, range and limit; computed over enough earlier bars (`warmupBars`) that the first value equals the one over
 * the whole stored history (to floating-point rounding).
 */
export interface IndicatorsQuery extends BarsQuery {
  readonly specs: readonly string[]
}

/** One output column of an indicator (`bb:20:2.upper`), aligned with `IndicatorsResult.time`; null during warm-up. */
export interface IndicatorOutput {
  /** Column name as `armada indicators` writes it. */
  readonly column: string
  /** Output name (`upper`), `''` for single-output indicators. */
  readonly output: string
  readonly values: readonly (number | null)[]
}

/** Indicator values of one series: bar open times (ms, ascending) and, per requested spec in order, its outputs. */
export interface IndicatorsResult {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly time: readonly number[]
  readonly indicators: readonly {
    readonly spec: string
    readonly canonical: string
    readonly outputs: readonly IndicatorOutput[]
  }[]
  /** Bars before `time[0]` the values were computed over. */
  readonly warmupBars: number
}

/** Live feed health as the UI shows it: state plus lag, throughput and error counters. */
export interface FeedStatusEvent {
  readonly feed: 'connected' | 'disconnected' | 'replay' | 'off'
  /** One line: endpoint and lag, or why there is no feed. */
  readonly detail?: string
  /** Where the feed comes from: the embedded replay on 127.0.0.1 or an exchange endpoint. */
  readonly source?: 'replay' | 'exchange'
  readonly url?: string
  readonly lagMs?: number
  readonly messagesPerSecond?: number
  readonly messages?: number
  readonly malformed?: number
  readonly errors?: number
  readonly reconnects?: number
  readonly backfilledBars?: number
  readonly lastMessageAt?: number
}
