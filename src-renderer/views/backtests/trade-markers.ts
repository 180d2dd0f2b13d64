import type { SeriesMarker, Time, UTCTimestamp } from 'lightweight-charts'
import type { BacktestTrade } from '../../../src-shared'
import { MAX_CHART_TRADES, type TradesVariant } from '../../stores/backtests-store'

/** Marker colours: entries by side, exits by outcome (win = teal, loss = red, as the candles). */
export const TRADE_MARKER_COLORS = { long: '#3d8bfd', short: '#ffb74d', win: '#26a69a', loss: '#ef5350' } as const

/** A trade with its index in `run.trades` (rows and markers refer to trades by it). */
export interface IndexedTrade {
  readonly index: number
  readonly trade: BacktestTrade
}

/** The trades of one variant and symbol, oldest first; only the most recent `cap` are marked. */
export interface ChartTrades {
  /** Trades of the variant and symbol in all. */
  readonly total: number
  /** The marked ones (the most recent `cap`). */
  readonly marked: readonly IndexedTrade[]
  readonly capped: boolean
}

/** Picks the trades of `variant` on `symbol`, keeping the most recent `cap` (by entry time). */
export function chartTrades(
  trades: readonly BacktestTrade[],
  variant: TradesVariant,
  symbol: string | undefined,
  cap = MAX_CHART_TRADES,
): ChartTrades {
  const all: IndexedTrade[] = []
  trades.forEach((trade, index) => {
    if (trade.variant === variant && trade.symbol === symbol) all.push({ index, trade })
  })
  all.sort((a, b) => a.trade.entryTime - b.trade.entryTime || a.index - b.index)
  return { total: all.length, marked: all.length > cap ? all.slice(all.length - cap) : all, capped: all.length > cap }
}

/** Seconds of the bar holding `ms`: the last bar time ≤ it (times sorted ascending, in seconds); undefined outside. */
export function barAt(times: readonly number[], ms: number): number | undefined {
  const t = Math.floor(ms / 1000)
  if (times.length === 0 || t < times[0]) return undefined
  let lo = 0
  let hi = times.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (times[mid] <= t) lo = mid
    else hi = mid - 1
  }
  // A trade after the last candle (past the loaded range) is not drawn on it.
  if (lo === times.length - 1 && times.length > 1 && t - times[lo] > times[lo] - times[lo - 1]) return undefined
  return times[lo]
}

/**
 * Two markers per trade on the candles, sorted by time: the entry (arrow up below the bar for a long, arrow down
 * above it for a short) and the exit (a circle at the exit price, teal for a win and red for a loss). Trades outside
 * the candles are left out; `focused` (a `run.trades` index) is drawn larger with its side and R as text.
 */
export function tradeMarkers(
  trades: readonly IndexedTrade[],
  barTimes: readonly number[],
  focused?: number,
): SeriesMarker<Time>[] {
  const out: SeriesMarker<Time>[] = []
  for (const { index, trade: t } of trades) {
    const entry = barAt(barTimes, t.entryTime)
    const exit = barAt(barTimes, t.exitTime)
    if (entry === undefined || exit === undefined) continue
    const big = index === focused
    const long = t.side === 'long'
    out.push({
      id: `entry-${index}`,
      time: entry as UTCTimestamp,
      position: long ? 'belowBar' : 'aboveBar',
      shape: long ? 'arrowUp' : 'arrowDown',
      color: long ? TRADE_MARKER_COLORS.long : TRADE_MARKER_COLORS.short,
      size: big ? 1.6 : 1,
      ...(big ? { text: long ? 'LONG' : 'SHORT' } : {}),
    })
    out.push({
      id: `exit-${index}`,
      time: exit as UTCTimestamp,
      position: 'atPriceMiddle',
      price: t.exitPrice,
      shape: 'circle',
      color: t.pnl > 0 ? TRADE_MARKER_COLORS.win : TRADE_MARKER_COLORS.loss,
      size: big ? 1.4 : 0.8,
      ...(big ? { text: `${t.r >= 0 ? '+' : ''}${t.r.toFixed(2)}R` } : {}),
    })
  }
  return out.sort((a, b) => (a.time as number) - (b.time as number))
}

/** Visible range around a trade (seconds): the trade plus as much again on each side, at least `minBars` bars. */
export function tradeWindow(
  t: Pick<BacktestTrade, 'entryTime' | 'exitTime'>,
  barSeconds: number,
  minBars = 30,
): { from: number; to: number } {
  const from = Math.floor(t.entryTime / 1000)
  const to = Math.floor(t.exitTime / 1000)
  const pad = Math.max((to - from) / 2, minBars * barSeconds)
  return { from: Math.floor(from - pad), to: Math.ceil(to + pad) }
}
