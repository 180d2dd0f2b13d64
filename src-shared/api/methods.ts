import type { Alert, Instrument, JobInfo, StoredBar, Timeframe } from '../domain'
import type { AlertBasketSpec, AlertModelStatus, AlertsQuery, AlertStatus, TrainAlertBasketRequest } from './alerts'
import type { SweepDetail, SweepSummary } from '../sweep'
import type { BacktestDetail, BacktestSummary, RunBacktestRequest } from './backtests'
import type { ApiEvents, ApiTopic } from './events'
import type {
  ForecastQuery,
  ForecastResult,
  HmmRegimesQuery,
  HmmRegimesResult,
  ForecastStatus,
  PredictionPoint,
  PredictionsQuery,
  RetrainForecastRequest,
} from './forecasts'
import type { FollowedSeries, FollowSeriesRequest } from './follow'
import type { ImportRequest, JobRequest } from './jobs'
import type {
  BarsQuery,
  FeatureTableResult,
  FeedStatusEvent,
  IndicatorsQuery,
  IndicatorsResult,
  SeriesSummary,
} from './market'
import type {
  LiveStrategySpec,
  PaperAccount,
  SetLiveStrategyRequest,
  SignalsQuery,
  SignalView,
  TrainSignalQualityRequest,
} from './signals'
import type {
  ModelAbTestInfo,
  ModelAliasEvent,
  ModelDetail,
  ModelListItem,
  PromoteModelRequest,
  PromoteModelResult,
  RollbackModelRequest,
  StartAbTestRequest,
  StopAbTestRequest,
  TrainModelRequest,
} from './models'

/** Health of the running core. */
export interface Health {
  readonly ok: true
  readonly version: string
  readonly database: string
  readonly schemaVersion: number
  readonly uptimeMs: number
  readonly shell: 'electron' | 'headless' | 'cli'
  /** The inference device the core chose at start (absent until its probe has run). */
  readonly device?: DeviceStatus
}

/** What `--device` and the `inference.device` setting accept: `auto` probes the GPU providers at start. */
export const DEVICE_CHOICES = ['auto', 'cpu', 'webgpu', 'cuda'] as const
export type DeviceChoice = (typeof DEVICE_CHOICES)[number]
/** Setting holding the trader's device choice (a {@link DeviceChoice}); `--device` overrides it. */
export const DEVICE_SETTING = 'inference.device'

/** True when `v` names a device choice. */
export function isDeviceChoice(v: unknown): v is DeviceChoice {
  return typeof v === 'string' && (DEVICE_CHOICES as readonly string[]).includes(v)
}

/** The device in use: single-row live scoring stays on cpu; batches run on `batch`. */
export interface DeviceStatus {
  readonly requested: DeviceChoice
  /** Where batch work runs (backfills, `ml predict`): a GPU provider that opened, else cpu. */
  readonly batch: 'cpu' | 'webgpu' | 'cuda'
  /** Where single-row live scoring runs (always cpu: a GPU loses at batch 1). */
  readonly live: 'cpu'
  /** Why a GPU provider that was asked for is not used (one line per provider), when it fell back to cpu. */
  readonly fallback?: string
}

/** Request/response methods: `params` and `result` per method. */
export interface ApiMethods {
  health: { params: void; result: Health }
  listInstruments: { params: void; result: Instrument[] }
  listSeries: { params: void; result: SeriesSummary[] }
  getBars: { params: BarsQuery; result: StoredBar[] }
  listJobs: { params: { limit?: number } | void; result: JobInfo[] }
  startJob: { params: JobRequest; result: JobInfo }
  cancelJob: { params: { id: string }; result: JobInfo }
  getSetting: { params: { key: string }; result: unknown }
  setSetting: { params: { key: string; value: unknown }; result: void }
  importFiles: { params: ImportRequest; result: JobInfo }
  getFeedStatus: { params: void; result: FeedStatusEvent }
  getFeatures: {
    params: { symbol: string; venue?: string; timeframe: Timeframe; set: string; limit?: number }
    result: FeatureTableResult
  }
  listModels: { params: void; result: ModelListItem[] }
  getModel: { params: { name: string }; result: ModelDetail }
  trainModel: { params: TrainModelRequest; result: JobInfo }
  promoteModel: { params: PromoteModelRequest; result: PromoteModelResult }
  rollbackModel: { params: RollbackModelRequest; result: ModelAliasEvent }
  getForecast: { params: ForecastQuery; result: ForecastResult }
  getPredictions: { params: PredictionsQuery; result: PredictionPoint[] }
  getForecastStatus: { params: void; result: ForecastStatus }
  getHmmRegimes: { params: HmmRegimesQuery; result: HmmRegimesResult }
  retrainForecast: { params: RetrainForecastRequest; result: JobInfo }
  runBacktest: { params: RunBacktestRequest; result: JobInfo }
  listBacktests: { params: void; result: BacktestSummary[] }
  getBacktest: { params: { id: number }; result: BacktestDetail }
  /** Stored sweeps (`backtest.sweep` jobs), newest first. */
  listSweeps: { params: void; result: SweepSummary[] }
  /** One sweep with its rows and each symbol's in-sample best vs its out-of-sample result. */
  getSweep: { params: { id: number }; result: SweepDetail }
  listAlerts: { params: AlertsQuery | void; result: Alert[] }
  acknowledgeAlert: { params: { id: string }; result: Alert }
  getAlertStatus: { params: void; result: AlertStatus }
  setAlertModelMuted: { params: { modelName: string; muted: boolean }; result: AlertModelStatus }
  /** Chooses the basket the live alert loop scores (stored, loop restarted on it); null: back to the default. */
  setAlertBasket: { params: { basket: AlertBasketSpec | null }; result: AlertStatus }
  /** Trains the current basket's (type, horizon) alert models as one job (first versions become champion). */
  trainAlertBasket: { params: TrainAlertBasketRequest | void; result: JobInfo }
  getIndicators: { params: IndicatorsQuery; result: IndicatorsResult }
  listSignals: { params: SignalsQuery | void; result: SignalView[] }
  listLiveStrategies: { params: void; result: LiveStrategySpec[] }
  listPaperAccounts: { params: void; result: PaperAccount[] }
  setLiveStrategy: { params: SetLiveStrategyRequest; result: PaperAccount | null }
  trainSignalQuality: { params: TrainSignalQualityRequest; result: JobInfo }
  listAbTests: { params: { name?: string } | void; result: ModelAbTestInfo[] }
  startAbTest: { params: StartAbTestRequest; result: ModelAbTestInfo }
  stopAbTest: { params: StopAbTestRequest; result: ModelAbTestInfo }
  /** The followed series (setting `live.followed`). */
  listFollowedSeries: { params: void; result: FollowedSeries[] }
  /** Follows a series (feed subscribed, forecasts on when asked); the answer is the new list. */
  followSeries: { params: FollowSeriesRequest; result: FollowedSeries[] }
  /** Stops following a series (its stored bars and forecasts stay); the answer is the new list. */
  unfollowSeries: { params: { symbol: string; venue: string; timeframe: Timeframe }; result: FollowedSeries[] }
}

/** Methods that change state: the headless shell requires the per-run token for these. */
export const MUTATING_METHODS: ReadonlySet<keyof ApiMethods> = new Set<keyof ApiMethods>([
  'startJob',
  'cancelJob',
  'setSetting',
  'importFiles',
  'trainModel',
  'promoteModel',
  'rollbackModel',
  'retrainForecast',
  'runBacktest',
  'acknowledgeAlert',
  'setAlertModelMuted',
  'setAlertBasket',
  'trainAlertBasket',
  'setLiveStrategy',
  'trainSignalQuality',
  'startAbTest',
  'stopAbTest',
  'followSeries',
  'unfollowSeries',
])

/** All method names, for validating incoming calls. */
export const API_METHOD_NAMES: readonly (keyof ApiMethods)[] = [
  'health',
  'listInstruments',
  'listSeries',
  'getBars',
  'listJobs',
  'startJob',
  'cancelJob',
  'getSetting',
  'setSetting',
  'importFiles',
  'getFeedStatus',
  'getFeatures',
  'listModels',
  'getModel',
  'trainModel',
  'promoteModel',
  'rollbackModel',
  'getForecast',
  'getPredictions',
  'getForecastStatus',
  'getHmmRegimes',
  'retrainForecast',
  'runBacktest',
  'listBacktests',
  'getBacktest',
  'listSweeps',
  'getSweep',
  'listAlerts',
  'acknowledgeAlert',
  'getAlertStatus',
  'setAlertModelMuted',
  'setAlertBasket',
  'trainAlertBasket',
  'getIndicators',
  'listSignals',
  'listLiveStrategies',
  'listPaperAccounts',
  'setLiveStrategy',
  'trainSignalQuality',
  'listAbTests',
  'startAbTest',
  'stopAbTest',
  'listFollowedSeries',
  'followSeries',
  'unfollowSeries',
]

/** A method name of the contract. */
export type ApiMethod = keyof ApiMethods
/** The params a method takes. */
export type ApiParams<M extends ApiMethod> = ApiMethods[M]['params']
/** What a method resolves to. */
export type ApiResult<M extends ApiMethod> = ApiMethods[M]['result']

/** Something that can be released; `subscribe` returns one. */
export interface Disposable {
  dispose(): void
}

/** The contract as an object: one async function per method plus event subscription. */
export type WorkstationApi = {
  [M in ApiMethod]: (params: ApiParams<M>) => Promise<ApiResult<M>>
} & {
  subscribe<T extends ApiTopic>(topic: T, listener: (event: ApiEvents[T]) => void): Disposable
}
