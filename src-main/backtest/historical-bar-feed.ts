/**
 * A `BarFeed` over stored bars: one or many symbols merged by open time (ties in symbol order), oldest first.
 * `run()` pushes every bar to the listeners and waits for a listener's promise before the next bar.
 */
import type { BarColumns, Timeframe } from '../../src-shared'
import type { BarFeed, FeedBar, Subscription } from '../strategies'

/** One symbol's bars in columns. */
export interface BarSeries {
  readonly symbol: string
  readonly timeframe: Timeframe
  readonly bars: BarColumns
}

/** Replays series in time order. */
export class HistoricalBarFeed implements BarFeed {
  private readonly listeners: ((bar: FeedBar) => void | Promise<void>)[] = []

  constructor(private readonly series: readonly BarSeries[]) {}

  subscribe(listener: (bar: FeedBar) => void | Promise<void>): Subscription {
    this.listeners.push(listener)
    return { dispose: () => void this.listeners.splice(this.listeners.indexOf(listener) >>> 0, 1) }
  }

  /** Total bars to replay. */
  get length(): number {
    return this.series.reduce((a, s) => a + s.bars.close.length, 0)
  }

  /** Replays every bar; `each(i)` runs after bar i (progress, cancellation). */
  async run(each?: (i: number, bar: FeedBar) => void): Promise<void> {
    const k = this.series.length
    const at = new Int32Array(k)
    const ls = this.listeners
    for (let i = 0; ; i++) {
      let best = -1
      let t = Infinity
      for (let j = 0; j < k; j++) {
        const c = this.series[j].bars
        if (at[j] < c.time.length && c.time[at[j]] < t) {
          t = c.time[at[j]]
          best = j
        }
      }
      if (best < 0) return
      const s = this.series[best]
      const c = s.bars
      const r = at[best]++
      // NaN = unknown (as in BarColumns); readers treat NaN and absent alike.
      const tb = c.takerBuyVolume[r]
      const bar: FeedBar = {
        symbol: s.symbol,
        timeframe: s.timeframe,
        time: c.time[r],
        open: c.open[r],
        high: c.high[r],
        low: c.low[r],
        close: c.close[r],
        volume: c.volume[r],
        takerBuyVolume: tb,
      }
      for (let l = 0; l < ls.length; l++) {
        const p = ls[l](bar)
        if (p) await p
      }
      each?.(i, bar)
    }
  }
}
