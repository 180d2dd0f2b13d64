import { bucketStart, TIMEFRAME_MS, type Bar, type Timeframe, type Trade } from '../../../src-shared'

type MutableBar = { -readonly [K in keyof Bar]: Bar[K] }

/**
 * Builds bars from a trade stream: open/high/low/close from prices, volume = Σ qty, quote volume = Σ price·qty,
 * trade count, taker-buy volume = Σ qty of buyer-initiated trades (absent once a trade has no side).
 * A bar closes when the first trade of a later bucket arrives; buckets without trades produce no bar.
 */
export class TradeBarAggregator {
  private cur: MutableBar | undefined
  private sideKnown = true

  constructor(readonly timeframe: Timeframe) {
    if (!(timeframe in TIMEFRAME_MS)) throw new Error(`unknown timeframe ${timeframe}`)
  }

  /** Adds a trade; returns the bar it closed (if any) and the bar now forming. Trades older than the forming bar are ignored. */
  push(t: Trade): { closed?: Bar; forming?: Bar } {
    const start = bucketStart(t.time, this.timeframe)
    let closed: Bar | undefined
    if (this.cur && start < this.cur.time) return { forming: { ...this.cur } }
    if (this.cur && start > this.cur.time) {
      closed = this.finish(this.cur)
      this.cur = undefined
    }
    if (!this.cur) {
      this.sideKnown = t.side !== undefined
      this.cur = {
        time: start,
        open: t.price,
        high: t.price,
        low: t.price,
        close: t.price,
        volume: t.qty,
        quoteVolume: t.price * t.qty,
        trades: 1,
        takerBuyVolume: t.side === 'buy' ? t.qty : 0,
      }
    } else {
      const c = this.cur
      c.high = Math.max(c.high, t.price)
      c.low = Math.min(c.low, t.price)
      c.close = t.price
      c.volume += t.qty
      c.quoteVolume = (c.quoteVolume ?? 0) + t.price * t.qty
      c.trades = (c.trades ?? 0) + 1
      if (t.side === undefined) this.sideKnown = false
      else if (t.side === 'buy') c.takerBuyVolume = (c.takerBuyVolume ?? 0) + t.qty
    }
    return closed ? { closed, forming: this.finish(this.cur) } : { forming: this.finish(this.cur) }
  }

  private finish(c: MutableBar): Bar {
    if (this.sideKnown) return { ...c }
    const { takerBuyVolume: _omit, ...rest } = c
    return rest
  }
}
