import { symbolKey, type Clock, type Disposable, type FeedStatusEvent, type StoredBar } from '../../src-shared'
import { BinanceFeed, type BinanceFeedOptions, type FeedStatus } from '../data'
import type {
  SqliteBarStore,
  SqliteBookTopStore,
  SqliteDepthStore,
  SqliteFundingStore,
  SqliteLiquidationStore,
  SqliteMarkPriceStore,
  SqliteTradeStore,
} from '../store'
import type { EventBus } from './event-bus'

/** Stores the live feed writes into. */
export interface LiveFeedStores {
  readonly bars: SqliteBarStore
  readonly trades?: SqliteTradeStore
  readonly bookTops?: SqliteBookTopStore
  readonly depth?: SqliteDepthStore
  readonly funding?: SqliteFundingStore
  readonly markPrices?: SqliteMarkPriceStore
  readonly liquidations?: SqliteLiquidationStore
}

/** Maps the feed client's status to the event the UI shows. */
export function feedStatusEvent(s: FeedStatus, source: 'replay' | 'exchange'): FeedStatusEvent {
  const connected = s.state === 'connected'
  const lag = s.lagMs !== undefined ? `, lag ${Math.max(0, Math.round(s.lagMs))} ms` : ''
  return {
    feed: connected ? (source === 'replay' ? 'replay' : 'connected') : 'disconnected',
    detail: connected ? `${s.messagesPerSecond} msg/s${lag}` : `${s.state}${s.lastError ? `: ${s.lastError}` : ''}`,
    source,
    url: s.url,
    ...(s.lagMs !== undefined ? { lagMs: s.lagMs } : {}),
    messagesPerSecond: s.messagesPerSecond,
    messages: s.messages,
    malformed: s.malformed,
    errors: s.errors,
    reconnects: s.reconnects,
    backfilledBars: s.backfilledBars,
    ...(s.lastMessageAt !== undefined ? { lastMessageAt: s.lastMessageAt } : {}),
  }
}

/**
 * The live path inside the core: runs a BinanceFeed (exchange or embedded replay), which stores closed bars first,
 * then republishes them, forming bars and feed status on the core's event bus.
 */
export class LiveFeedService implements Disposable {
  private feed?: BinanceFeed
  private readonly subs: Disposable[] = []

  constructor(
    private readonly options: BinanceFeedOptions,
    private readonly source: 'replay' | 'exchange',
    private readonly stores: LiveFeedStores,
    private readonly events: EventBus,
    private readonly clock: Clock,
  ) {}

  start(): void {
    const feed = new BinanceFeed(this.options, this.stores, this.clock)
    this.feed = feed
    this.subs.push(
      feed.on('bar', (bar: StoredBar) => this.events.publish('bar', bar)),
      feed.on('formingBar', (bar: StoredBar) => this.events.publish('bar', { ...bar, partial: true })),
      feed.on('status', (s) => this.events.publish('status', feedStatusEvent(s, this.source))),
    )
    feed.start()
  }

  /** Symbol and bar length of every kline stream the feed subscribes to. */
  klineSeries(): { readonly symbol: string; readonly timeframe: string }[] {
    return this.options.streams.flatMap((s) =>
      s.kind === 'kline' ? [{ symbol: symbolKey(s.symbol), timeframe: s.timeframe }] : [],
    )
  }

  /** The feed client's own status (per-stream lag and counts included); undefined before `start()`. */
  feedStatus(): FeedStatus | undefined {
    return this.feed?.status()
  }

  status(): FeedStatusEvent {
    return this.feed ? feedStatusEvent(this.feed.status(), this.source) : { feed: 'off', detail: 'not started' }
  }

  dispose(): void {
    for (const s of this.subs.splice(0)) s.dispose()
    this.feed?.dispose()
  }
}
