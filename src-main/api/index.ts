/** The WorkstationApi: its implementation over the services, validated dispatch, WebSocket RPC + REST server, metrics. */
export { dispatch, isApiMethod, isBadInput, toErrorPayload, ApiError } from './dispatch'
export {
  DEFAULT_CONNECTION_LIMITS,
  HeadlessServer,
  MIN_TOKEN_LENGTH,
  RENDERER_CSP,
  tokenProblem,
  type ConnectionLimits,
  type HeadlessServerOptions,
  type ServerAddress,
  type RestHandler,
  type UploadSink,
} from './http-server'
export {
  JOB_DURATION_BUCKETS,
  LIVE_LATENCY_BUCKETS,
  PrometheusMetrics,
  type LiveStage,
  type MetricsExposition,
  type MetricsSources,
} from './prometheus-metrics'
export { resolveStaticPath, staticContentType } from './static-files'
export {
  createWorkstationApi,
  WorkstationApiImpl,
  type ApiServices,
  type FeedView,
  type ImportedModel,
  type JobQueue,
  type LocalWorkstationApi,
  type ModelRecords,
} from './workstation-api'
export { abTestInfo, aliasEvent, healthPoint, modelListItem, versionInfo } from './model-records'
export { indicatorWindow, MAX_WARMUP_BARS, parseIndicatorSpecs } from './indicator-window'
export {
  DEFAULT_MAX_UPLOAD_BYTES,
  formatBytes,
  isUploadId,
  sanitiseUploadName,
  UploadError,
  UploadInbox,
} from './upload-inbox'
