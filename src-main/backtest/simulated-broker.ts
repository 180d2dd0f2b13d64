/**
 * The backtest broker: market orders fill at the next bar's open with slippage; brackets (stop, target) are
 * resolved inside each bar conservatively — both touched → the stop; a gap through the stop fills at the open.
 * Fees in bps of notional: taker on market and stop fills, maker on target (limit) fills.
 */
import * as features from '../features'
import type { AtrState } from '../features'
import type { Broker, FeedBar, OrderRequest, PositionView, Side, TradeTag } from '../strategies'

// Bound once at load: tsx/vitest compile named imports into getter calls, which cost ~10 ns in hot loops.
const { atrInit, atrUpdate } = features

/** Slippage model: fixed bps of price, or a fraction of ATR14 (a spread/volatility proxy). Applied adversely. */
export type SlippageModel =
  { readonly kind: 'bps'; readonly bps: number } | { readonly kind: 'atr'; readonly fraction: number }

export interface BrokerCosts {
  readonly makerFeeBps: number
  readonly takerFeeBps: number
  readonly slippage: SlippageModel
}

/** Why a trade ended. */
export type ExitReason = 'stop' | 'target' | 'signal' | 'end'

/** One closed round trip. PnL is net of both fees; `r` = net PnL / (qty × R). */
export interface ClosedTrade {
  readonly symbol: string
  readonly side: Side
  readonly qty: number
  readonly entryTime: number
  readonly entryPrice: number
  readonly exitTime: number
  readonly exitPrice: number
  readonly exitReason: ExitReason
  readonly exitNote: string
  readonly fees: number
  readonly pnl: number
  readonly r: number
  readonly riskPerUnit: number
  readonly bars: number
  /** DOMAIN.md §4 label: 1 if +1R was reached before −1R (same bar → −1R first), else 0. */
  readonly signalQuality: 0 | 1
  /** DOMAIN.md §4 label: net PnL > 0. */
  readonly profitable: 0 | 1
  readonly tag: TradeTag
}

interface OpenPosition extends PositionView {
  entryFee: number
  riskPerUnit: number
  bars: number
  quality: -1 | 0 | 1
  tag: TradeTag
}

interface SymbolBook {
  pending: OrderRequest[]
  position: OpenPosition | undefined
  mark: number
  atr: AtrState
  atrValue: number
}

/** Deterministic simulated broker over one cash account. */
export class SimulatedBroker implements Broker {
  private cash: number
  private readonly books = new Map<string, SymbolBook>()
  private readonly closed: ClosedTrade[] = []
  private openCount = 0

  constructor(
    initialEquity: number,
    private readonly costs: BrokerCosts,
  ) {
    this.cash = initialEquity
  }

  /** Every round trip closed so far, in closing order. */
  get trades(): readonly ClosedTrade[] {
    return this.closed
  }

  /** Symbols with an open position. */
  get openPositions(): number {
    return this.openCount
  }

  private book(symbol: string): SymbolBook {
    let b = this.books.get(symbol)
    if (!b) {
      b = { pending: [], position: undefined, mark: NaN, atr: atrInit(14), atrValue: NaN }
      this.books.set(symbol, b)
    }
    return b
  }

  private slip(b: SymbolBook, price: number): number {
    const s = this.costs.slippage
    if (s.kind === 'bps') return (price * s.bps) / 1e4
    return b.atrValue === b.atrValue ? s.fraction * b.atrValue : 0
  }

  onBar(bar: FeedBar): void {
    const b = this.book(bar.symbol)
    if (b.pending.length) this.fillPending(b, bar)
    const p = b.position
    if (p) this.resolveBracket(b, p, bar)
    b.mark = bar.close
    b.atrValue = atrUpdate(b.atr, bar.high, bar.low, bar.close)
  }

  private fillPending(b: SymbolBook, bar: FeedBar): void {
    const orders = b.pending
    b.pending = []
    for (const o of orders) {
      if (o.kind === 'close') {
        if (b.position)
          this.exit(
            b,
            b.position,
            bar.time,
            this.marketPrice(b, bar.open, b.position.side === 'long' ? 'sell' : 'buy'),
            'signal',
            o.reason,
            this.costs.takerFeeBps,
          )
        continue
      }
      if (b.position) continue
      const price = this.marketPrice(b, bar.open, o.side === 'long' ? 'buy' : 'sell')
      const fee = (o.qty * price * this.costs.takerFeeBps) / 1e4
      const dir = o.side === 'long' ? 1 : -1
      this.cash -= dir * o.qty * price + fee
      b.position = {
        symbol: o.symbol,
        side: o.side,
        qty: o.qty,
        entryPrice: price,
        entryTime: bar.time,
        stop: price - dir * o.stopDistance,
        target: o.targetDistance > 0 ? price + dir * o.targetDistance : NaN,
        entryFee: fee,
        riskPerUnit: o.stopDistance,
        bars: 0,
        quality: -1,
        tag: o.tag,
      }
      this.openCount++
    }
  }

  private marketPrice(b: SymbolBook, price: number, action: 'buy' | 'sell'): number {
    const s = this.slip(b, price)
    return action === 'buy' ? price + s : price - s
  }

  /** Stops and targets inside the bar; also the +1R/−1R label (−1R first when both fall in one bar). */
  private resolveBracket(b: SymbolBook, p: OpenPosition, bar: FeedBar): void {
    p.bars++
    const long = p.side === 'long'
    if (p.quality < 0) {
      const down = long ? bar.low <= p.entryPrice - p.riskPerUnit : bar.high >= p.entryPrice + p.riskPerUnit
      const up = long ? bar.high >= p.entryPrice + p.riskPerUnit : bar.low <= p.entryPrice - p.riskPerUnit
      if (down) p.quality = 0
      else if (up) p.quality = 1
    }
    const stopHit = long ? bar.low <= p.stop : bar.high >= p.stop
    if (stopHit) {
      const gapped = long ? bar.open <= p.stop : bar.open >= p.stop
      const at = gapped ? bar.open : p.stop
      this.exit(
        b,
        p,
        bar.time,
        this.marketPrice(b, at, long ? 'sell' : 'buy'),
        'stop',
        gapped ? 'gap through stop' : 'stop',
        this.costs.takerFeeBps,
      )
      return
    }
    const targetHit = p.target === p.target && (long ? bar.high >= p.target : bar.low <= p.target)
    if (targetHit) this.exit(b, p, bar.time, p.target, 'target', 'target', this.costs.makerFeeBps)
  }

  private exit(
    b: SymbolBook,
    p: OpenPosition,
    time: number,
    price: number,
    reason: ExitReason,
    note: string,
    feeBps: number,
  ): void {
    const fee = (p.qty * price * feeBps) / 1e4
    const dir = p.side === 'long' ? 1 : -1
    this.cash += dir * p.qty * price - fee
    const pnl = dir * p.qty * (price - p.entryPrice) - p.entryFee - fee
    this.closed.push({
      symbol: p.symbol,
      side: p.side,
      qty: p.qty,
      entryTime: p.entryTime,
      entryPrice: p.entryPrice,
      exitTime: time,
      exitPrice: price,
      exitReason: reason,
      exitNote: note,
      fees: p.entryFee + fee,
      pnl,
      r: p.riskPerUnit > 0 ? pnl / (p.qty * p.riskPerUnit) : NaN,
      riskPerUnit: p.riskPerUnit,
      bars: p.bars,
      signalQuality: p.quality === 1 ? 1 : 0,
      profitable: pnl > 0 ? 1 : 0,
      tag: p.tag,
    })
    b.position = undefined
    this.openCount--
  }

  submit(order: OrderRequest): void {
    const b = this.book(order.symbol)
    if (order.kind === 'open' && !(order.qty > 0 && order.stopDistance > 0))
      throw new RangeError(`order for ${order.symbol}: qty and stopDistance must be > 0`)
    b.pending.push(order)
  }

  hasPending(symbol: string): boolean {
    const b = this.books.get(symbol)
    return !!b && b.pending.length > 0
  }

  position(symbol: string): PositionView | undefined {
    return this.books.get(symbol)?.position
  }

  /** The latest close seen for a symbol (what positions are marked at), or undefined before its first bar. */
  markOf(symbol: string): number | undefined {
    const m = this.books.get(symbol)?.mark
    return m === undefined || m !== m ? undefined : m
  }

  equity(): number {
    let e = this.cash
    for (const b of this.books.values())
      if (b.position) e += (b.position.side === 'long' ? 1 : -1) * b.position.qty * b.mark
    return e
  }

  /** Closes every open position at its last close (with slippage and taker fee); drops unfilled orders. */
  closeAll(time: number): void {
    for (const b of this.books.values()) {
      b.pending = []
      const p = b.position
      if (p)
        this.exit(
          b,
          p,
          time,
          this.marketPrice(b, b.mark, p.side === 'long' ? 'sell' : 'buy'),
          'end',
          'end of data',
          this.costs.takerFeeBps,
        )
    }
  }
}
