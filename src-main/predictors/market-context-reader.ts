import { TIMEFRAME_MS, type Timeframe } from '../../src-shared'
import {
  contextColumns,
  contextLookbackMs,
  meanFundingColumn,
  type ContextEvents,
  type ContextResult,
} from '../features'
import type {
  EventRange,
  EventStore,
  InstrumentKey,
  SqliteBookTopStore,
  SqliteDepthStore,
  SqliteFundingStore,
  SqliteLiquidationStore,
  SqliteMarkPriceStore,
  SqliteTradeStore,
} from '../store'

/** The event stores a feature set's market context is read from; a missing one leaves its inputs missing. */
export interface ContextStores {
  readonly funding?: SqliteFundingStore
  readonly markPrices?: SqliteMarkPriceStore
  readonly bookTops?: SqliteBookTopStore
  readonly depth?: SqliteDepthStore
  readonly liquidations?: SqliteLiquidationStore
  readonly trades?: SqliteTradeStore
}

function all<T>(store: EventStore<T> | undefined, range: EventRange): T[] | undefined {
  if (!store) return undefined
  const out: T[] = []
  for (const page of store.pages(range)) for (const x of page) out.push(x)
  return out
}

/**
 * Reads stored funding, mark prices, book tops, depth, liquidations and trades for bars of one instrument and turns
 * them into feature-set context ({@link contextColumns}). `forBars` serves a whole history (batch) and `forBar` one
 * bar at its close (streaming): both load what the rule can see and apply the same function, so they agree.
 */
export class MarketContextReader {
  constructor(private readonly stores: ContextStores) {}

  /** Context for bars with these open times (ascending), from everything stored now. */
  forBars(key: InstrumentKey, timeframe: Timeframe, times: ArrayLike<number>): ContextResult {
    const tfMs = TIMEFRAME_MS[timeframe]
    const rules = { tfMs }
    if (times.length === 0) return contextColumns(times, {}, rules)
    const from = times[0] - contextLookbackMs(rules)
    const to = times[times.length - 1] + tfMs - 1
    const range = { ...key, from, to }
    const s = this.stores
    const ev: ContextEvents = {
      funding: all(s.funding, range),
      marks: all(s.markPrices, range),
      tops: all(s.bookTops, range),
      depth: all(s.depth, range),
      liquidations: all(s.liquidations, { ...key, from: times[0], to }),
      trades: all(s.trades, { ...key, from: times[0], to }),
      liquidationsBefore: s.liquidations?.latest(key, times[0] - 1) !== undefined,
    }
    return contextColumns(times, ev, rules)
  }

  /** Context for one bar at its close, from the newest stored observation of each kind. */
  forBar(key: InstrumentKey, timeframe: Timeframe, time: number): ContextResult {
    const tfMs = TIMEFRAME_MS[timeframe]
    const close = time + tfMs - 1
    const one = <T>(store: { latest(k: InstrumentKey, t: number): T | undefined } | undefined): T[] => {
      const x = store?.latest(key, close)
      return x === undefined ? [] : [x]
    }
    const s = this.stores
    const ev: ContextEvents = {
      funding: one(s.funding),
      marks: one(s.markPrices),
      tops: one(s.bookTops),
      depth: one(s.depth),
      liquidations: all(s.liquidations, { ...key, from: time, to: close }),
      trades: all(s.trades, { ...key, from: time, to: close }),
      liquidationsBefore: s.liquidations?.latest(key, time - 1) !== undefined,
    }
    return contextColumns([time], ev, { tfMs })
  }
}

/**
 * The alerts set's funding input for aligned basket bars: per bar, the mean over members with a recent stored funding
 * rate ({@link meanFundingColumn}); NaN (→ `funding_missing = 1`) where none has one. Training, the live loop and its
 * history scoring all read it this way.
 */
export function basketFundingColumn(
  funding: SqliteFundingStore | undefined,
  members: readonly InstrumentKey[],
  timeframe: Timeframe,
  times: ArrayLike<number>,
): Float64Array | undefined {
  if (!funding || times.length === 0) return undefined
  const rules = { tfMs: TIMEFRAME_MS[timeframe] }
  const from = times[0] - contextLookbackMs(rules)
  const to = times[times.length - 1] + rules.tfMs - 1
  const lists = members.map((k) => all(funding, { ...k, from, to }))
  if (lists.every((l) => !l || l.length === 0)) return undefined
  return meanFundingColumn(times, lists, rules)
}
