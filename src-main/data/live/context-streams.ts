import type { Timeframe } from '../../../src-shared'
import type { FeedStream } from './binance-feed'

/** What a feed follows per symbol: klines only, or the full market context the feature sets read. */
export type FeedContext = 'full' | 'klines'

/**
 * The subscriptions for symbols on a market. `full` on USD-M futures: klines, aggregated trades (taker side), book
 * ticker, partial depth (20 levels), mark price with funding, and liquidation orders; on spot: klines, aggregated
 * trades and the book (ticker and depth). `klines`: the bars only.
 */
export function contextStreams(
  symbols: readonly string[],
  timeframe: Timeframe,
  market: 'spot' | 'usdm',
  context: FeedContext = 'full',
): FeedStream[] {
  return symbols.flatMap((symbol): FeedStream[] => {
    const kline: FeedStream = { kind: 'kline', symbol, timeframe }
    if (context === 'klines') return [kline]
    const common: FeedStream[] = [
      kline,
      { kind: 'aggTrade', symbol },
      { kind: 'bookTicker', symbol },
      { kind: 'depth20', symbol },
    ]
    return market === 'usdm' ? [...common, { kind: 'markPrice', symbol }, { kind: 'forceOrder', symbol }] : common
  })
}
