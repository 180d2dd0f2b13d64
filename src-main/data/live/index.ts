/** Live market data: the Binance-protocol feed client, its message parsers and the trade→bar aggregator. */
export {
  BinanceFeed,
  type BinanceFeedOptions,
  type FeedStream,
  type FeedStores,
  type FeedStatus,
  type FeedEvents,
} from './binance-feed'
export {
  klinePayload,
  klineRow,
  parseStreamMessage,
  parseRestKlines,
  type StreamEvent,
  type ParseResult,
} from './binance-messages'
export { TradeBarAggregator } from './trade-bar-aggregator'
export { contextStreams, type FeedContext } from './context-streams'
