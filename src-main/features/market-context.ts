/**
 * Market context per bar from stored or live events (funding, mark prices, book tops, partial depth, liquidations,
 * trades): the one rule both the batch path (every bar of a history) and the streaming path (one bar at its close,
 * from the events stored by then) apply, so the two give the same columns.
 */
import type { ContextColumns } from './feature-set'

/** Events of one instrument, each list in time order. Only the fields the context reads. */
export interface ContextEvents {
  readonly funding?: readonly { readonly time: number; readonly rate: number }[]
  readonly marks?: readonly { readonly time: number; readonly price: number }[]
  readonly tops?: readonly { readonly time: number; readonly bidPrice: number; readonly askPrice: number }[]
  readonly depth?: readonly {
    readonly time: number
    readonly bids: readonly (readonly [number, number])[]
    readonly asks: readonly (readonly [number, number])[]
  }[]
  readonly liquidations?: readonly { readonly time: number; readonly price: number; readonly qty: number }[]
  readonly trades?: readonly { readonly time: number; readonly qty: number; readonly side?: 'buy' | 'sell' }[]
  /** True when a liquidation is known before the first bar's open (the liquidation stream was already recorded). */
  readonly liquidationsBefore?: boolean
}

/** How old an observation may be at a bar's close and still describe it. */
export interface ContextRules {
  /** Bar length (ms). */
  readonly tfMs: number
  /** Mark prices (default: the larger of one bar and one hour: exchanges publish mark candles hourly). */
  readonly markStaleMs?: number
  /** Book tops and depth (default: one bar: an older quote says nothing about this bar's book). */
  readonly bookStaleMs?: number
  /** Funding rates (default 24 h: three 8-hour periods). */
  readonly fundingStaleMs?: number
  /** Depth band around mid for bid/ask depth (default 0.01 = 1 %). */
  readonly depthBand?: number
}

/** Context columns plus taker buy volume summed from trades (NaN where a bar has no trade with a known side). */
export interface ContextResult {
  readonly columns: ContextColumns
  readonly takerBuyVolume: Float64Array
  /** Bars with at least one context input present, per input: how much of the table the data filled. */
  readonly filled: Readonly<Record<'funding' | 'mark' | 'quotes' | 'depth' | 'liquidations' | 'taker', number>>
}

/** Milliseconds of history before the first bar that {@link contextColumns} may read (the longest staleness). */
export function contextLookbackMs(r: ContextRules): number {
  return Math.max(r.fundingStaleMs ?? 86_400_000, r.markStaleMs ?? Math.max(r.tfMs, 3_600_000), r.bookStaleMs ?? r.tfMs)
}

/**
 * For each bar (open times `times`, closing at open + tfMs − 1 inclusive): the latest funding rate, mark price, best
 * bid/ask and depth within ±band of mid at or before the close (NaN when older than its staleness limit), the liquidation
 * notional Σ price·qty inside the bar (0 when the liquidation stream was recorded and nothing happened, NaN before
 * any liquidation is known), and the taker buy volume from trades inside the bar.
 */
export function contextColumns(times: ArrayLike<number>, ev: ContextEvents, r: ContextRules): ContextResult {
  const n = times.length
  const markStale = r.markStaleMs ?? Math.max(r.tfMs, 3_600_000)
  const bookStale = r.bookStaleMs ?? r.tfMs
  const fundingStale = r.fundingStaleMs ?? 86_400_000
  const band = r.depthBand ?? 0.01
  const col = (): Float64Array => new Float64Array(n).fill(NaN)
  const fundingRate = col()
  const markPrice = col()
  const bidPrice = col()
  const askPrice = col()
  const bidDepth = col()
  const askDepth = col()
  const liquidationNotional = col()
  const takerBuyVolume = col()
  const filled = { funding: 0, mark: 0, quotes: 0, depth: 0, liquidations: 0, taker: 0 }
  const f = ev.funding ?? []
  const m = ev.marks ?? []
  const q = ev.tops ?? []
  const d = ev.depth ?? []
  const l = ev.liquidations ?? []
  const t = ev.trades ?? []
  let fi = -1
  let mi = -1
  let qi = -1
  let di = -1
  let li = 0
  let ti = 0
  let liqSeen = ev.liquidationsBefore ?? false
  for (let i = 0; i < n; i++) {
    const open = times[i]
    const close = open + r.tfMs - 1
    while (fi + 1 < f.length && f[fi + 1].time <= close) fi++
    while (mi + 1 < m.length && m[mi + 1].time <= close) mi++
    while (qi + 1 < q.length && q[qi + 1].time <= close) qi++
    while (di + 1 < d.length && d[di + 1].time <= close) di++
    if (fi >= 0 && close - f[fi].time <= fundingStale) {
      fundingRate[i] = f[fi].rate
      filled.funding++
    }
    if (mi >= 0 && close - m[mi].time <= markStale) {
      markPrice[i] = m[mi].price
      filled.mark++
    }
    if (qi >= 0 && close - q[qi].time <= bookStale) {
      bidPrice[i] = q[qi].bidPrice
      askPrice[i] = q[qi].askPrice
      filled.quotes++
    }
    if (di >= 0 && close - d[di].time <= bookStale) {
      const snap = d[di]
      const mid = (snap.bids[0][0] + snap.asks[0][0]) / 2
      let b = 0
      let a = 0
      for (const [p, qty] of snap.bids) if (p >= mid * (1 - band)) b += qty
      for (const [p, qty] of snap.asks) if (p <= mid * (1 + band)) a += qty
      bidDepth[i] = b
      askDepth[i] = a
      filled.depth++
    }
    // Liquidations inside [open, close]; earlier ones only prove the stream was being recorded.
    while (li < l.length && l[li].time < open) ((liqSeen = true), li++)
    let notional = 0
    let any = false
    while (li < l.length && l[li].time <= close) {
      notional += l[li].price * l[li].qty
      any = true
      li++
    }
    if (any) liqSeen = true
    if (liqSeen) {
      liquidationNotional[i] = notional
      filled.liquidations++
    }
    while (ti < t.length && t[ti].time < open) ti++
    let buy = 0
    let sided = 0
    while (ti < t.length && t[ti].time <= close) {
      if (t[ti].side !== undefined) {
        sided++
        if (t[ti].side === 'buy') buy += t[ti].qty
      }
      ti++
    }
    if (sided > 0) {
      takerBuyVolume[i] = buy
      filled.taker++
    }
  }
  return {
    columns: { fundingRate, markPrice, bidPrice, askPrice, bidDepth, askDepth, liquidationNotional },
    takerBuyVolume,
    filled,
  }
}

/**
 * The alerts set's funding input: at each basket bar, the mean over the members with a recent funding rate (the same
 * latest-at-or-before-close rule); NaN where no member has one.
 */
export function meanFundingColumn(
  times: ArrayLike<number>,
  members: readonly (readonly { readonly time: number; readonly rate: number }[] | undefined)[],
  r: ContextRules,
): Float64Array {
  const n = times.length
  const sum = new Float64Array(n)
  const cnt = new Float64Array(n)
  for (const fx of members) {
    if (!fx || fx.length === 0) continue
    const c = contextColumns(times, { funding: fx }, r).columns.fundingRate!
    for (let i = 0; i < n; i++)
      if (c[i] === c[i]) {
        sum[i] += c[i]
        cnt[i]++
      }
  }
  return Float64Array.from(sum, (s, i) => (cnt[i] > 0 ? s / cnt[i] : NaN))
}
