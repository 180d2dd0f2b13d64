/** Replay: a Binance-protocol server on 127.0.0.1 over files or stored series, and the embedded demo replay. */
export {
  markStreams,
  ReplayServer,
  type ReplayDataset,
  type ReplaySeries,
  type ReplayOptions,
  type ReplaySpeed,
} from './replay-server'
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
