import {
  bucketCeil,
  bucketStart,
  canResample,
  finishBar,
  foldBar,
  resampleSource,
  TIMEFRAME_MS,
  type Bar,
  type BarAccumulator,
  type ResampledBar,
  type StoredBar,
  type Timeframe,
} from '../../src-shared'
import type { BarRange, SqliteBarStore } from '../store'

/**
 * Streaming OHLCV aggregation from a timeframe to a higher multiple of it, with the shared kernel (`foldBar`): open first,
 * high max, low min, close last, volume / quote volume / trades / taker-buy volume summed (kept only when every source
 * bar has them). Throws when `to` is not a whole multiple of `from`.
 */
export class BarResampler {
  private cur: BarAccumulator | undefined
  private lastSource = -Infinity
  private readonly fromMs: number
  private readonly toMs: number

  constructor(
    readonly from: Timeframe,
    readonly to: Timeframe,
  ) {
    if (!canResample(from, to))
      throw new Error(`cannot resample ${from} bars to ${to}: ${to} is not a higher multiple of ${from}`)
    this.fromMs = TIMEFRAME_MS[from]
    this.toMs = TIMEFRAME_MS[to]
  }

  /** Adds the next source bar (times increasing); returns the higher bar it completed, if any. */
  push(b: Bar): ResampledBar | undefined {
    if (b.time <= this.lastSource)
      throw new Error(`bars must arrive in increasing time (got ${b.time} after ${this.lastSource})`)
    this.lastSource = b.time
    const start = bucketStart(b.time, this.to)
    let done: ResampledBar | undefined
    if (this.cur && this.cur.time !== start) {
      done = finishBar(this.cur, false)
      this.cur = undefined
    }
    this.cur = foldBar(this.cur, b, start)
    return done
  }

  /** The bucket in progress, flagged partial when its last source bar ends before the bucket does. */
  flush(): ResampledBar | undefined {
    const c = this.cur
    this.cur = undefined
    if (!c) return undefined
    return finishBar(c, this.lastSource + this.fromMs < c.time + this.toMs)
  }
}

/** Resamples a whole array of bars (times increasing); the last bar is flagged partial when incomplete. */
export function resampleBars(bars: Iterable<Bar>, from: Timeframe, to: Timeframe): ResampledBar[] {
  const r = new BarResampler(from, to)
  const out: ResampledBar[] = []
  for (const b of bars) {
    const done = r.push(b)
    if (done) out.push(done)
  }
  const last = r.flush()
  if (last) out.push(last)
  return out
}

/**
 * Streams stored bars of `range` resampled to `to`, in pages of at most `pageSize`, never holding the history.
 * The last bar is flagged partial when the stored series ends inside it.
 */
export function* resampleStored(
  store: SqliteBarStore,
  range: BarRange,
  to: Timeframe,
  pageSize = 10_000,
): Generator<StoredBar[]> {
  const r = new BarResampler(range.timeframe, to)
  const key = { symbol: range.symbol, venue: range.venue, timeframe: to, resampledFrom: range.timeframe }
  let page: StoredBar[] = []
  for (const src of store.pages(range, pageSize)) {
    for (const b of src) {
      const done = r.push(b)
      if (done) page.push({ ...done, ...key })
      if (page.length >= pageSize) {
        yield page
        page = []
      }
    }
  }
  const last = r.flush()
  if (last) {
    // Only the series' newest bucket is forming; an older one that ends early (a gap, or `to`) is as complete as it gets.
    const later =
      last.partial &&
      store.pages({ ...range, from: last.time + TIMEFRAME_MS[to], to: undefined }, 1).next().done !== true
    page.push(later ? { ...finishBar(last, false), ...key } : { ...last, ...key })
  }
  if (page.length > 0) yield page
}

/**
 * Where bars of `range.timeframe` come from for the instrument: the stored series itself, or the finest stored timeframe
 * that divides it (the bars are then resampled); undefined when neither exists.
 */
export function barSource(
  store: SqliteBarStore,
  range: Pick<BarRange, 'symbol' | 'venue' | 'timeframe'>,
): Timeframe | undefined {
  return resampleSource(store.timeframes(range.symbol, range.venue), range.timeframe)
}

/** The source-bar range holding exactly the `to` bars that open inside [range.from, range.to] (whole buckets). */
function sourceRange(range: BarRange, source: Timeframe): BarRange {
  const tf = range.timeframe
  return {
    symbol: range.symbol,
    venue: range.venue,
    timeframe: source,
    ...(range.from === undefined ? {} : { from: bucketCeil(range.from, tf) }),
    ...(range.to === undefined ? {} : { to: bucketStart(range.to, tf) + TIMEFRAME_MS[tf] - 1 }),
  }
}

/**
 * Every bar of `range` at its timeframe, in pages: stored bars as they are, or — when that timeframe is not stored —
 * bars resampled from the finest stored timeframe that divides it (each flagged `resampledFrom`, the newest bucket
 * `partial` while the series ends inside it). A resampled bar is included when its open time is in [from, to].
 */
export function* barPages(store: SqliteBarStore, range: BarRange, pageSize = 10_000): Generator<StoredBar[]> {
  const source = barSource(store, range)
  if (source === undefined) return
  if (source === range.timeframe) yield* store.pages(range, pageSize)
  else yield* resampleStored(store, sourceRange(range, source), range.timeframe, pageSize)
}

/**
 * The newest `limit` bars of `range` (oldest first), stored or resampled as in {@link barPages}. Resampling reads only
 * the source bars of a window of `limit` buckets, widened (doubling) while gaps leave it short and older bars exist.
 */
export function latestBarsAt(store: SqliteBarStore, range: BarRange, limit: number): StoredBar[] {
  const source = barSource(store, range)
  if (source === undefined || limit <= 0) return []
  if (source === range.timeframe) return store.latestBars(range, limit)
  const tf = range.timeframe
  const tfMs = TIMEFRAME_MS[tf]
  const src = sourceRange(range, source)
  const newest = store.latestBars(src, 1)[0]
  if (!newest) return []
  const end = bucketStart(newest.time, tf)
  for (let span = limit; ; span *= 2) {
    const from = Math.max(src.from ?? -Infinity, end - (span - 1) * tfMs)
    const bars = [...resampleStored(store, { ...src, from, to: src.to ?? end + tfMs - 1 }, tf)].flat()
    if (bars.length >= limit || from === src.from || store.latestBars({ ...src, to: from - 1 }, 1).length === 0)
      return bars.slice(-limit)
  }
}
