/**
 * The one strategy contract (STYLE.md rule 9): a strategy sees closed bars only through a `BarFeed`, time only
 * through a `Clock`, and positions/fills only through a `Broker`, so the same object runs live and in a backtest.
 */
import type { Bar, Clock, Timeframe } from '../../src-shared'

/** Trade direction. */
export type Side = 'long' | 'short'

/** A closed bar as a feed delivers it: the bar plus the series it belongs to. */
export interface FeedBar extends Bar {
  readonly symbol: string
  readonly timeframe: Timeframe
}

/** Stops listening. */
export interface Subscription {
  dispose(): void
}

/**
 * Source of closed bars, oldest first. A listener may return a promise (an async model); the feed waits for it
 * before the next bar, so decisions never overtake the data.
 */
export interface BarFeed {
  subscribe(listener: (bar: FeedBar) => void | Promise<void>): Subscription
}

/** An open position as the broker reports it; `stop`/`target` are prices (NaN when none). */
export interface PositionView {
  readonly symbol: string
  readonly side: Side
  readonly qty: number
  readonly entryPrice: number
  readonly entryTime: number
  readonly stop: number
  readonly target: number
}

/** What travels with an order into the trade record (signal facts for labels and reports). */
export interface TradeTag {
  readonly strategy: string
  readonly confidence: number
  /** Base confidence before ML (equals `confidence` with ML off). */
  readonly baseConfidence: number
  /** ML probability of signal quality, NaN when ML was off or no model was available yet. */
  readonly mlProbability: number
  readonly sizeMultiplier: number
  readonly signalTime: number
  readonly reason: string
  /** The 12 Battle Navale features at the signal bar (DOMAIN.md §4), when the strategy computed them. */
  readonly features?: Float64Array
}

/**
 * An order request. `open` is a market order filled at the next bar's open with a bracket placed at distances from
 * the fill (`stopDistance` = R, `targetDistance`); `close` flattens the symbol at the next open.
 */
export type OrderRequest =
  | {
      readonly kind: 'open'
      readonly symbol: string
      readonly side: Side
      readonly qty: number
      readonly stopDistance: number
      readonly targetDistance: number
      readonly tag: TradeTag
    }
  | { readonly kind: 'close'; readonly symbol: string; readonly reason: string }

/** Where orders go and positions come from: a simulated broker in backtests, a venue adapter live. */
export interface Broker {
  /** Sees every closed bar before the strategy does (a simulator fills pending orders and brackets here). */
  onBar(bar: FeedBar): void
  submit(order: OrderRequest): void
  /** True while an order for the symbol waits for its fill. */
  hasPending(symbol: string): boolean
  position(symbol: string): PositionView | undefined
  /** Account value marked at the latest closes. */
  equity(): number
}

/** An entry signal at a bar's close. `confidence` ∈ [0, 1]; distances are in price units. */
export interface StrategySignal {
  readonly symbol: string
  readonly side: Side
  readonly confidence: number
  readonly stopDistance: number
  readonly targetDistance: number
  readonly reason: string
  readonly features?: Float64Array
  /** The strategy's signed score behind the signal (Battle Navale's centred s), when it has one. */
  readonly score?: number
}

/** What a strategy decides on a closed bar. */
export type StrategyDecision =
  | { readonly kind: 'enter'; readonly signal: StrategySignal }
  | { readonly kind: 'exit'; readonly symbol: string; readonly reason: string }

/** What a strategy may read besides the bar. */
export interface StrategyContext {
  readonly clock: Clock
  position(symbol: string): PositionView | undefined
}

/** A strategy plug-in: on each closed bar → decisions. Keeps its own per-symbol state; never reads the future. */
export interface Strategy {
  readonly name: string
  /** Why the strategy cannot run as configured (e.g. it needs a model), or undefined when it can. */
  readonly unavailableReason?: string | undefined
  onBar(bar: FeedBar, ctx: StrategyContext): readonly StrategyDecision[] | Promise<readonly StrategyDecision[]>
}

/** No decisions (shared, frozen). */
export const NO_DECISIONS: readonly StrategyDecision[] = Object.freeze([])
