/** Market data in: file importers, Binance-protocol live feed, replay server, bar resampling. */
export {
  DEFAULT_INFLATE_LIMITS,
  IMPORT_FORMATS,
  isImportFormat,
  ImportError,
  type ImportFormat,
  type ImportOptions,
  type InflateLimits,
  type FileImportReport,
  type RejectedRow,
  type Gap,
  type RecordKind,
} from './import-types'
export { MarketDataImporter, parseImportFile, type MarketDataImporterOptions } from './market-data-importer'
export { validateRecords, type ValidatedFile } from './validate-records'
export { zonedWallToUtc } from '../../src-shared'
export { BarResampler, barPages, barSource, latestBarsAt, resampleBars, resampleStored } from './bar-resampler'
export { BinanceFeed, type BinanceFeedOptions, type FeedStream, type FeedStores, type FeedStatus, type FeedEvents } from './binance-feed'
export { ReplayServer, type ReplayDataset, type ReplaySeries, type ReplayOptions, type ReplaySpeed } from './replay-server'
export { parseStreamMessage, parseRestKlines, type StreamEvent, type ParseResult } from './binance-messages'
export { TradeBarAggregator } from './trade-bar-aggregator'
export {
  startEmbeddedReplay,
  resumeIndex,
  loadReplayDataset,
  replayStreams,
  defaultReplayFiles,
  defaultBasketReplayFiles,
  datasetFrom,
  DEMO_WINDOWS,
  sampleDataDir,
  type EmbeddedReplay,
  type EmbeddedReplayOptions,
  type ReplaySource,
  type StoredReplaySource,
} from './embedded-replay'
export { importJob, importedFileSummary, type ImportJobOutcome } from './import-job'
