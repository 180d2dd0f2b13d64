import { TIMEFRAME_MS, TIMEFRAMES, type Bar, type Timeframe } from './domain'

/**
 * The one OHLCV aggregation kernel: the core resamples stored bars with it (getBars, `armada bars`) and the chart
 * folds live bars into the forming higher-timeframe bar with it, so live and history agree bar for bar.
 */

/** A bar of a higher timeframe built from lower ones; `partial` while its bucket's source bars are not all closed. */
export type ResampledBar = Bar & { readonly partial?: boolean }

/** A bar under construction (the kernel's state). */
export type BarAccumulator = { -readonly [K in keyof Bar]: Bar[K] }

// Weeks start on Monday (1970-01-05 is four days after the epoch), as on Binance.
const WEEK_OFFSET = 4 * 86_400_000

/** Open time of the `tf` bucket holding `time` (UTC-aligned; weeks from Monday). */
export function bucketStart(time: number, tf: Timeframe): number {
  const ms = TIMEFRAME_MS[tf]
  const off = tf === '1w' ? WEEK_OFFSET : 0
  return Math.floor((time - off) / ms) * ms + off
}

/** Open time of the first `tf` bucket starting at or after `time`. */
export function bucketCeil(time: number, tf: Timeframe): number {
  const start = bucketStart(time, tf)
  return start === time ? start : start + TIMEFRAME_MS[tf]
}

/** True when `to` bars can be built from `from` bars: `to` is a whole multiple of `from` (every `to` bucket edge is a `from` edge). */
export function canResample(from: Timeframe, to: Timeframe): boolean {
  const f = TIMEFRAME_MS[from]
  const t = TIMEFRAME_MS[to]
  return t > f && t % f === 0 && (to !== '1w' || WEEK_OFFSET % f === 0)
}

/**
 * The step: folds source bar `b` into `acc` (a new accumulator opening at `start` when `acc` is undefined) and returns it.
 * Open first, high max, low min, close last; volume summed; quote volume, trades and taker-buy volume summed and kept
 * only while every source bar has them.
 */
export function foldBar(acc: BarAccumulator | undefined, b: Bar, start: number): BarAccumulator {
  if (!acc) return { ...b, time: start }
  acc.high = Math.max(acc.high, b.high)
  acc.low = Math.min(acc.low, b.low)
  acc.close = b.close
  acc.volume += b.volume
  acc.quoteVolume =
    acc.quoteVolume !== undefined && b.quoteVolume !== undefined ? acc.quoteVolume + b.quoteVolume : undefined
  acc.trades = acc.trades !== undefined && b.trades !== undefined ? acc.trades + b.trades : undefined
  acc.takerBuyVolume =
    acc.takerBuyVolume !== undefined && b.takerBuyVolume !== undefined
      ? acc.takerBuyVolume + b.takerBuyVolume
      : undefined
  return acc
}

/** `acc` as a plain bar: fields that became unknown are dropped; `partial` set when asked. */
export function finishBar(acc: BarAccumulator, partial: boolean): ResampledBar {
  const out: { -readonly [K in keyof ResampledBar]: ResampledBar[K] } = {
    time: acc.time,
    open: acc.open,
    high: acc.high,
    low: acc.low,
    close: acc.close,
    volume: acc.volume,
  }
  if (acc.quoteVolume !== undefined) out.quoteVolume = acc.quoteVolume
  if (acc.trades !== undefined) out.trades = acc.trades
  if (acc.takerBuyVolume !== undefined) out.takerBuyVolume = acc.takerBuyVolume
  if (partial) out.partial = true
  return out
}

/**
 * Where bars of `target` come from given the timeframes stored for an instrument: `target` itself when stored, else
 * the finest stored timeframe that divides it; undefined when none does.
 */
export function resampleSource(stored: readonly Timeframe[], target: Timeframe): Timeframe | undefined {
  if (stored.includes(target)) return target
  return TIMEFRAMES.find((tf) => stored.includes(tf) && canResample(tf, target))
}

/** Timeframes the chart's switcher offers (beside any stored one) when a finer one is stored. */
export const CHART_TIMEFRAMES: readonly Timeframe[] = ['1m', '5m', '15m', '1h', '4h', '1d']

/** Timeframes a chart can show for an instrument: the stored ones plus every {@link CHART_TIMEFRAMES} entry it can resample to, shortest first. */
export function chartTimeframes(stored: readonly Timeframe[]): Timeframe[] {
  return TIMEFRAMES.filter(
    (tf) => stored.includes(tf) || (CHART_TIMEFRAMES.includes(tf) && resampleSource(stored, tf) !== undefined),
  )
}

/**
 * Live resampling for a chart: folds closed and forming (partial) source bars into the higher bar they belong to.
 * A forming source bar is shown on top of the closed ones without being kept; a closed one is kept. The higher bar closes
 * when the first source bar of a later bucket arrives. Seed it with the last higher bar already shown (history).
 */
export class LiveBarResampler {
  private closed: BarAccumulator | undefined
  private bucket = -Infinity
  private lastClosed = -Infinity
  private readonly fromMs: number
  private readonly toMs: number

  /** Throws when `to` cannot be built from `from`. `seed`: the newest higher bar already shown, its closed part. */
  constructor(
    readonly from: Timeframe,
    readonly to: Timeframe,
    seed?: ResampledBar,
  ) {
    if (!canResample(from, to))
      throw new Error(`cannot resample ${from} bars to ${to}: ${to} is not a higher multiple of ${from}`)
    this.fromMs = TIMEFRAME_MS[from]
    this.toMs = TIMEFRAME_MS[to]
    if (seed) {
      this.bucket = seed.time
      this.closed = seed.partial ? { ...finishBar(seed, false) } : undefined
      // A complete seed takes no more source bars; a partial one takes those after the ones it holds (not known: its open).
      this.lastClosed = seed.partial ? seed.time - 1 : seed.time + this.toMs - 1
    }
  }

  /**
   * Adds a source bar; returns the higher bar now showing for its bucket (`forming`) and the previous higher bar when
   * this one closed it (`closed`). Returns undefined for a bar older than the forming bucket or a closed bar already added.
   */
  push(b: Bar, partial: boolean): { readonly closed?: ResampledBar; readonly forming: ResampledBar } | undefined {
    const start = bucketStart(b.time, this.to)
    if (start < this.bucket || b.time <= this.lastClosed) return undefined
    let closed: ResampledBar | undefined
    if (start > this.bucket) {
      if (this.closed) closed = finishBar(this.closed, false)
      this.closed = undefined
      this.bucket = start
    }
    if (partial) {
      const shown = foldBar(this.closed ? { ...this.closed } : undefined, b, start)
      return { ...(closed ? { closed } : {}), forming: finishBar(shown, true) }
    }
    this.closed = foldBar(this.closed, b, start)
    this.lastClosed = b.time
    const complete = b.time + this.fromMs >= start + this.toMs
    return { ...(closed ? { closed } : {}), forming: finishBar(this.closed, !complete) }
  }
}
