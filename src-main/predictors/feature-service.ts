import { CallRefused, TIMEFRAME_MS, type Bar, type Disposable, type StoredBar, type Timeframe } from '../../src-shared'
import {
  barsToColumns,
  computeFeatures,
  featureStream,
  type ContextResult,
  type FeatureSetName,
  type FeatureStream,
  type MarketContext,
} from '../features'
import type { SeriesKey, SqliteBarStore, SqliteFeatureCacheStore } from '../store'
import type { LiveEvents } from './live-events'
import type { MarketContextReader } from './market-context-reader'

/** Sets that read market context (funding, mark, book, liquidations, trades) besides the bars. */
const CONTEXT_SETS: ReadonlySet<FeatureSetName> = new Set(['liquidation', 'microstructure'])

/** Row i of context columns as a per-bar context. */
function contextRow(c: ContextResult, i: number): Partial<MarketContext> {
  const out: Partial<MarketContext> = {}
  for (const [k, col] of Object.entries(c.columns) as [keyof MarketContext, Float64Array][]) out[k] = col[i]
  return out
}

/** The bar with taker buy volume from trades where the bar itself carries none. */
function withTaker(b: Bar, c: ContextResult, i: number): Bar {
  const tb = c.takerBuyVolume[i]
  return (b.takerBuyVolume === undefined || Number.isNaN(b.takerBuyVolume)) && tb === tb
    ? { ...b, takerBuyVolume: tb }
    : b
}

/** A feature table for one series: the latest rows, oldest first, row-major with NaN for missing values. */
export interface FeatureTable {
  readonly set: FeatureSetName
  readonly names: readonly string[]
  readonly specHash: string
  readonly time: Float64Array
  readonly data: Float64Array
  /** True when every row came from the SQLite cache. */
  readonly cached: boolean
}

interface Followed {
  readonly key: SeriesKey
  readonly set: FeatureSetName
  stream: FeatureStream<unknown>
  lastTime: number
}

function seriesId(k: SeriesKey, set: string): string {
  return `${k.symbol}.${k.venue}-${k.timeframe}:${set}`
}

/**
 * The feature store: feature sets computed over stored bars and cached in SQLite by (spec hash, series, time).
 * A request is served from the cache when it covers every requested bar; otherwise the set is computed over the
 * series' whole stored history (so values never depend on where a request started) and cached. Followed series are
 * updated incrementally: each closed live bar advances a streaming computer (equal to batch by construction) and
 * its row is cached — after the bar itself is stored, since the bar's insert invalidates cache rows at or after it.
 */
export class FeatureService implements Disposable {
  private readonly followed = new Map<string, Followed>()
  private sub?: Disposable

  constructor(
    private readonly bars: SqliteBarStore,
    private readonly cache: SqliteFeatureCacheStore,
    private readonly events: LiveEvents,
    private readonly context?: MarketContextReader,
    /** Each followed series' streaming row on a closed live bar (seconds, step and cache write), for the metrics histogram. */
    private readonly onLatency?: (seconds: number) => void,
  ) {}

  private usesContext(set: FeatureSetName): boolean {
    return this.context !== undefined && CONTEXT_SETS.has(set)
  }

  /** Listens to closed bars for the followed series. */
  start(): void {
    this.sub = this.events.subscribe('bar', (bar) => {
      if (!bar.partial) this.onClosedBar(bar)
    })
  }

  /** The latest `limit` rows of a set for a series (computing and caching what is missing). */
  get(key: SeriesKey, set: FeatureSetName, limit = 500): FeatureTable {
    const recent = this.bars.latestBars(key, limit)
    if (recent.length === 0)
      throw new CallRefused('not-found', `no stored ${key.symbol}.${key.venue} ${key.timeframe} bars`)
    const from = recent[0].time
    const to = recent[recent.length - 1].time
    const probe = featureStream(set, key.timeframe)
    const width = probe.names.length
    // Context arrives on its own (a funding import, a depth stream): sets reading it are computed afresh each time.
    if (!this.usesContext(set) && this.cache.count(key, probe.specHash, from, to) === recent.length) {
      const hit = this.cache.get(key, probe.specHash, width, from, to)
      return { set, names: probe.names, specHash: probe.specHash, time: hit.time, data: hit.data, cached: true }
    }
    let all = this.history(key)
    let context: ContextResult | undefined
    if (this.usesContext(set)) {
      const ctx = this.context!.forBars(
        key,
        key.timeframe as Timeframe,
        Float64Array.from(all, (b) => b.time),
      )
      all = all.map((b, i) => withTaker(b, ctx, i))
      context = ctx
    }
    const m = computeFeatures({
      symbol: key.symbol,
      timeframe: key.timeframe as Timeframe,
      set,
      bars: barsToColumns(all),
      ...(context ? { context: context.columns } : {}),
    })
    this.cache.put(key, m.specHash, m.time, m.data, width)
    const start = Math.max(0, m.rows - limit)
    return {
      set,
      names: m.names,
      specHash: m.specHash,
      time: m.time.slice(start),
      data: m.data.slice(start * width),
      cached: false,
    }
  }

  /** Keeps a set up to date for a series as live bars close (warming a streaming computer on stored history). */
  follow(key: SeriesKey, set: FeatureSetName): void {
    const id = seriesId(key, set)
    if (this.followed.has(id)) return
    this.followed.set(id, this.warm(key, set))
  }

  private warm(key: SeriesKey, set: FeatureSetName): Followed {
    const stream = featureStream(set, key.timeframe)
    let lastTime = -Infinity
    if (this.usesContext(set)) {
      const all = this.history(key)
      const ctx = this.context!.forBars(
        key,
        key.timeframe as Timeframe,
        Float64Array.from(all, (b) => b.time),
      )
      all.forEach((b, i) => stream.update(withTaker(b, ctx, i), contextRow(ctx, i)))
      lastTime = all.length ? all[all.length - 1].time : lastTime
      return { key, set, stream, lastTime }
    }
    for (const page of this.bars.pages(key))
      for (const b of page) {
        stream.update(b)
        lastTime = b.time
      }
    return { key, set, stream, lastTime }
  }

  private onClosedBar(bar: StoredBar): void {
    for (const f of this.followed.values()) {
      const k = f.key
      if (k.symbol !== bar.symbol || k.venue !== bar.venue || k.timeframe !== bar.timeframe) continue
      if (bar.time <= f.lastTime) continue
      // A gap (bars backfilled out of order) means the streaming state is stale: rebuild it from the store.
      if (f.lastTime !== -Infinity && bar.time !== f.lastTime + TIMEFRAME_MS[k.timeframe]) {
        const fresh = this.warm(k, f.set)
        f.stream = fresh.stream
        f.lastTime = fresh.lastTime
        continue
      }
      const t0 = performance.now()
      let row: Float64Array
      if (this.usesContext(f.set)) {
        // The context at this bar's close: what the feed stored before the bar closed.
        const ctx = this.context!.forBar(k, k.timeframe as Timeframe, bar.time)
        row = f.stream.update(withTaker(bar as Bar, ctx, 0), contextRow(ctx, 0))
      } else row = f.stream.update(bar as Bar)
      f.lastTime = bar.time
      this.cache.put(k, f.stream.specHash, Float64Array.of(bar.time), row, row.length)
      this.onLatency?.((performance.now() - t0) / 1000)
    }
  }

  private history(key: SeriesKey): Bar[] {
    const out: Bar[] = []
    for (const page of this.bars.pages(key)) for (const b of page) out.push(b)
    return out
  }

  dispose(): void {
    this.sub?.dispose()
    this.followed.clear()
  }
}
