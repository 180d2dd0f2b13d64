import { TIMEFRAME_MS, type Bar, type StoredBar, type Timeframe } from '../../src-shared'
import type { BarRange, SqliteBarStore } from '../store'

/** A resampled bar; `partial` is true for a last bucket whose source bars do not reach its end. */
export type ResampledBar = Bar & { readonly partial?: boolean }

// Weeks start on Monday (1970-01-05 is four days after the epoch), as on Binance.
const WEEK_OFFSET = 4 * 86_400_000

/** Open time of the `tf` bucket holding `time` (UTC-aligned; weeks from Monday). */
export function bucketStart(time: number, tf: Timeframe): number {
  const ms = TIMEFRAME_MS[tf]
  const off = tf === '1w' ? WEEK_OFFSET : 0
  return Math.floor((time - off) / ms) * ms + off
}

/**
 * Streaming OHLCV aggregation from a timeframe to a higher multiple of it: open first, high max, low min,
 * close last, volume / quote volume / trades / taker-buy volume summed (kept only when every source bar has them).
 * Throws when `to` is not a whole multiple of `from`.
 */
export class BarResampler {
  private cur: { -readonly [K in keyof Bar]: Bar[K] } | undefined
  private lastSource = -Infinity
  private readonly fromMs: number
  private readonly toMs: number

  constructor(
    readonly from: Timeframe,
    readonly to: Timeframe,
  ) {
    this.fromMs = TIMEFRAME_MS[from]
    this.toMs = TIMEFRAME_MS[to]
    if (this.toMs <= this.fromMs || this.toMs % this.fromMs !== 0) throw new Error(`cannot resample ${from} bars to ${to}: ${to} is not a higher multiple of ${from}`)
  }

  /** Adds the next source bar (times increasing); returns the higher bar it completed, if any. */
  push(b: Bar): ResampledBar | undefined {
    if (b.time <= this.lastSource) throw new Error(`bars must arrive in increasing time (got ${b.time} after ${this.lastSource})`)
    this.lastSource = b.time
    const start = bucketStart(b.time, this.to)
    let done: ResampledBar | undefined
    if (this.cur && this.cur.time !== start) {
      done = this.cur
      this.cur = undefined
    }
    const c = this.cur
    if (!c) {
      this.cur = { ...b, time: start }
      return done
    }
    c.high = Math.max(c.high, b.high)
    c.low = Math.min(c.low, b.low)
    c.close = b.close
    c.volume += b.volume
    c.quoteVolume = c.quoteVolume !== undefined && b.quoteVolume !== undefined ? c.quoteVolume + b.quoteVolume : undefined
    c.trades = c.trades !== undefined && b.trades !== undefined ? c.trades + b.trades : undefined
    c.takerBuyVolume = c.takerBuyVolume !== undefined && b.takerBuyVolume !== undefined ? c.takerBuyVolume + b.takerBuyVolume : undefined
    return done
  }

  /** The bucket in progress, flagged partial when its last source bar ends before the bucket does. */
  flush(): ResampledBar | undefined {
    const c = this.cur
    this.cur = undefined
    if (!c) return undefined
    return this.lastSource + this.fromMs < c.time + this.toMs ? { ...clean(c), partial: true } : clean(c)
  }
}

function clean(b: ResampledBar): ResampledBar {
  return Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)) as unknown as ResampledBar
}

/** Resamples a whole array of bars (times increasing); the last bar is flagged partial when incomplete. */
export function resampleBars(bars: Iterable<Bar>, from: Timeframe, to: Timeframe): ResampledBar[] {
  const r = new BarResampler(from, to)
  const out: ResampledBar[] = []
  for (const b of bars) {
    const done = r.push(b)
    if (done) out.push(clean(done))
  }
  const last = r.flush()
  if (last) out.push(last)
  return out
}

/**
 * Streams stored bars of `range` resampled to `to`, in pages of at most `pageSize`, never holding the history.
 * The last bar is flagged partial when the stored series ends inside it.
 */
export function* resampleStored(store: SqliteBarStore, range: BarRange, to: Timeframe, pageSize = 10_000): Generator<StoredBar[]> {
  const r = new BarResampler(range.timeframe, to)
  const key = { symbol: range.symbol, venue: range.venue, timeframe: to }
  let page: StoredBar[] = []
  for (const src of store.pages(range, pageSize)) {
    for (const b of src) {
      const done = r.push(b)
      if (done) page.push({ ...clean(done), ...key })
      if (page.length >= pageSize) {
        yield page
        page = []
      }
    }
  }
  const last = r.flush()
  if (last) page.push({ ...last, ...key })
  if (page.length > 0) yield page
}
