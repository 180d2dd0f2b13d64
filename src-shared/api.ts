import type { Alert, AlertSeverity, AlertType, Instrument, JobInfo, ModelCard, Regime, StoredBar, Timeframe } from './domain'
import type { SkillVerdict } from './skill'

/**
 * The WorkstationApi contract: every request/response method and every event topic the core offers.
 * Both shells (Electron IPC, WebSocket RPC) carry exactly this; the renderer only sees this interface.
 * Later capabilities add rows to `ApiMethods` and `ApiEvents`.
 */

/** Health of the running core. */
export interface Health {
  readonly ok: true
  readonly version: string
  readonly database: string
  readonly schemaVersion: number
  readonly uptimeMs: number
  readonly shell: 'electron' | 'headless' | 'cli'
}

/** Query for stored bars. `limit` caps the answer at the most recent bars inside the range. */
export interface BarsQuery {
  readonly symbol: string
  readonly venue?: string
  readonly timeframe: Timeframe
  readonly from?: number
  readonly to?: number
  readonly limit?: number
}

/** A series that has stored bars. */
export interface SeriesSummary {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly count: number
  readonly first: number
  readonly last: number
  /** Streamed by the main live feed (the chart opens on the first such series). */
  readonly primary?: boolean
}

/** Request to start a background job: a kind of src-shared/job-requests.ts and its request, parsed by `parseJob`. */
export interface JobRequest {
  readonly kind: string
  readonly params?: unknown
}

/**
 * Files to import: paths on the workstation's disk, and/or files uploaded to the headless shell (`POST /api/uploads`,
 * their ids; deleted once the import ends). At least one of the two. Anything absent is inferred.
 */
export interface ImportRequest {
  readonly files: readonly string[]
  readonly uploads?: readonly string[]
  readonly format?: string
  readonly symbol?: string
  readonly venue?: string
  readonly timeframe?: Timeframe
}

/** A file received by `POST /api/uploads?name=…` (headless shell), waiting for `importFiles({ uploads: [id] })`. */
export interface UploadedFile {
  readonly id: string
  /** The sanitised file name it is stored (and reported) under. */
  readonly name: string
  readonly size: number
}

/** A feature set over a stored series: latest rows, oldest first; `null` marks a missing value. */
export interface FeatureTableResult {
  readonly set: string
  readonly names: readonly string[]
  readonly specHash: string
  readonly time: readonly number[]
  readonly rows: readonly (readonly (number | null)[])[]
  readonly cached: boolean
}

/**
 * `getIndicators`: indicator specs (`ema:20`, `bb:20:2`, DESIGN.md) over the bars `getBars` answers for the same
 * series, range and limit; computed over enough earlier bars (`warmupBars`) that the first value equals the one over
 * the whole stored history (to floating-point rounding).
 */
export interface IndicatorsQuery extends BarsQuery {
  readonly specs: readonly string[]
}

/** One output column of an indicator (`bb:20:2.upper`), aligned with `IndicatorsResult.time`; null during warm-up. */
export interface IndicatorOutput {
  /** Column name as `armada indicators` writes it. */
  readonly column: string
  /** Output name (`upper`), `''` for single-output indicators. */
  readonly output: string
  readonly values: readonly (number | null)[]
}

/** Indicator values of one series: bar open times (ms, ascending) and, per requested spec in order, its outputs. */
export interface IndicatorsResult {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly time: readonly number[]
  readonly indicators: readonly { readonly spec: string; readonly canonical: string; readonly outputs: readonly IndicatorOutput[] }[]
  /** Bars before `time[0]` the values were computed over. */
  readonly warmupBars: number
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
  getFeatures: { params: { symbol: string; venue?: string; timeframe: Timeframe; set: string; limit?: number }; result: FeatureTableResult }
  listModels: { params: void; result: ModelListItem[] }
  getModel: { params: { name: string }; result: ModelDetail }
  trainModel: { params: TrainModelRequest; result: JobInfo }
  promoteModel: { params: PromoteModelRequest; result: PromoteModelResult }
  rollbackModel: { params: RollbackModelRequest; result: ModelAliasEvent }
  getForecast: { params: ForecastQuery; result: ForecastResult }
  getPredictions: { params: PredictionsQuery; result: PredictionPoint[] }
  getForecastStatus: { params: void; result: ForecastStatus }
  retrainForecast: { params: RetrainForecastRequest; result: JobInfo }
  runBacktest: { params: RunBacktestRequest; result: JobInfo }
  listBacktests: { params: void; result: BacktestSummary[] }
  getBacktest: { params: { id: number }; result: BacktestDetail }
  listAlerts: { params: AlertsQuery | void; result: Alert[] }
  acknowledgeAlert: { params: { id: string }; result: Alert }
  getAlertStatus: { params: void; result: AlertStatus }
  setAlertModelMuted: { params: { modelName: string; muted: boolean }; result: AlertModelStatus }
  getIndicators: { params: IndicatorsQuery; result: IndicatorsResult }
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
  'retrainForecast',
  'runBacktest',
  'listBacktests',
  'getBacktest',
  'listAlerts',
  'acknowledgeAlert',
  'getAlertStatus',
  'setAlertModelMuted',
  'getIndicators',
]

/** Event topics pushed to subscribers. */
export interface ApiEvents {
  bar: StoredBar
  job: JobInfo
  status: FeedStatusEvent
  models: ModelsEvent
  prediction: PredictionEvent
  alert: AlertEvent
}

/** Live feed health as the UI shows it: state plus lag, throughput and error counters. */
export interface FeedStatusEvent {
  readonly feed: 'connected' | 'disconnected' | 'replay' | 'off'
  /** One line: endpoint and lag, or why there is no feed. */
  readonly detail?: string
  /** Where the feed comes from: the embedded replay on 127.0.0.1 or an exchange endpoint. */
  readonly source?: 'replay' | 'exchange'
  readonly url?: string
  readonly lagMs?: number
  readonly messagesPerSecond?: number
  readonly messages?: number
  readonly malformed?: number
  readonly errors?: number
  readonly reconnects?: number
  readonly backfilledBars?: number
  readonly lastMessageAt?: number
}

export type ApiMethod = keyof ApiMethods
export type ApiParams<M extends ApiMethod> = ApiMethods[M]['params']
export type ApiResult<M extends ApiMethod> = ApiMethods[M]['result']
export type ApiTopic = keyof ApiEvents

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

/** Error carried across a transport: a one-line message and a code (`bad-request`, `unauthorized`, `failed`). */
export interface ApiErrorPayload {
  readonly code: 'bad-request' | 'unauthorized' | 'not-found' | 'failed'
  readonly message: string
}

/**
 * An expected refusal thrown by the core for a call it cannot take: `not-found` for a thing named that does not exist
 * (a job, a backtest, an alert, an upload, a stored series), `bad-request` for a value it does not know. Transports pass
 * the code on (HTTP 404 / 400); any other error is a failure (500). The message is one line for the user.
 */
export class CallRefused extends Error {
  constructor(
    readonly code: 'bad-request' | 'not-found',
    message: string,
  ) {
    super(message)
    this.name = 'CallRefused'
  }
}

/** Wire format of the WebSocket RPC at `/rpc`. */
export type RpcClientMessage =
  | { readonly type: 'call'; readonly id: number; readonly method: string; readonly params?: unknown; readonly token?: string }
  | { readonly type: 'subscribe'; readonly topic: string }
  | { readonly type: 'unsubscribe'; readonly topic: string }

export type RpcServerMessage =
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: ApiErrorPayload }
  | { readonly type: 'event'; readonly topic: string; readonly event: unknown }
  | { readonly type: 'hello'; readonly version: string }

// ── Models (DOMAIN.md §6): what the Models view and `armada train model` show ──────────────────────────

/** Movable aliases of a model name. */
export const MODEL_ALIASES = ['champion', 'challenger', 'shadow'] as const
export type ModelAlias = (typeof MODEL_ALIASES)[number]

/** Algorithms `trainModel` accepts. */
export const TRAIN_ALGOS = ['gbdt', 'rf', 'logreg'] as const
export type TrainAlgo = (typeof TRAIN_ALGOS)[number]

/** Headline metrics of one evaluation (macro for 3 classes). NaN travels as null over JSON. */
export interface ModelMetricSummary {
  readonly n: number
  readonly accuracy: number
  readonly precision: number
  readonly recall: number
  readonly f1: number
  readonly rocAuc: number
  readonly logLoss: number
  readonly brier: number
}

/** One reliability bin of the top-class probability: mean predicted vs observed hit rate. */
export interface CalibrationBin {
  readonly lo: number
  readonly hi: number
  readonly count: number
  readonly meanPredicted: number | null
  readonly observed: number | null
}

/** One walk-forward fold: the model on its test block next to both naive baselines. */
export interface WalkForwardFold {
  readonly fold: number
  readonly trainRows: number
  readonly testRows: number
  /** Open time of the first and last test bar (ms). */
  readonly testFrom: number
  readonly testTo: number
  readonly train: ModelMetricSummary
  readonly test: ModelMetricSummary
  readonly majority: ModelMetricSummary
  readonly persistence: ModelMetricSummary
  /** Train − test gap of `gapMetric`. */
  readonly gap: number
  readonly gapMetric: 'rocAuc' | 'accuracy'
  readonly overfitting: OverfittingLevel
}

/** DOMAIN.md §6 overfitting level from the train–test gap. */
export type OverfittingLevel = 'none' | 'mild' | 'moderate' | 'severe' | 'critical'

/** Gain (final model) and permutation (held-out, ROC AUC drop) importance of one feature. */
export interface FeatureImportanceEntry {
  readonly feature: string
  readonly gain: number
  readonly permutation: number
}

/** The walk-forward evaluation stored with a version trained inside Armada. */
export interface ModelEvaluation {
  readonly scheme: 'walk-forward'
  readonly mode: 'expanding'
  readonly folds: readonly WalkForwardFold[]
  /** Rows purged before each test block (= horizon) and embargoed after it (max(H, 1 day of bars)). */
  readonly purge: number
  readonly embargo: number
  /** Out-of-fold test rows of every fold pooled: the model and both baselines. */
  readonly pooled: { readonly model: ModelMetricSummary; readonly majority: ModelMetricSummary; readonly persistence: ModelMetricSummary }
  /** Mean train − test gap over the folds, and its level. */
  readonly gap: number
  readonly overfitting: OverfittingLevel
  readonly calibration: readonly CalibrationBin[]
  /** `confusion[actual][predicted]` over the pooled test rows, classes in card order. */
  readonly confusion: readonly (readonly number[])[]
  readonly importance: readonly FeatureImportanceEntry[]
  /** Label class counts over every labelled row, in card order. */
  readonly classCounts: readonly number[]
}

/** Stored metrics of a version: validation next to the naive baselines; `evaluation` for models trained here. */
export interface ModelVersionMetrics {
  readonly validation?: ModelMetricSummary
  readonly baselines?: { readonly majority?: ModelMetricSummary; readonly persistence?: ModelMetricSummary }
  readonly evaluation?: ModelEvaluation
}

/** One immutable model version as the UI lists it (card without the reference bins). */
export interface ModelVersionInfo {
  readonly id: string
  readonly name: string
  readonly createdAt: number
  readonly size: number
  readonly aliases: readonly ModelAlias[]
  readonly card: ModelCard
  readonly lineage: Readonly<Record<string, unknown>>
  readonly metrics: ModelVersionMetrics
  readonly tags: readonly string[]
  readonly notes: string
}

/** One append-only alias move. */
export interface ModelAliasEvent {
  readonly seq: number
  readonly name: string
  readonly alias: ModelAlias
  readonly from: string | null
  readonly to: string | null
  readonly time: number
  readonly kind: 'set' | 'promote' | 'rollback' | 'clear'
  readonly actor: string
  readonly reason: string
}

/** A stored promotion-gate verdict. */
export interface ModelGateInfo {
  readonly id: number
  readonly candidate: string
  readonly champion: string | null
  readonly time: number
  readonly passed: boolean
  readonly reason: string
}

/** Status of a champion-vs-challenger (shadow) test. */
export interface ModelAbTestInfo {
  readonly id: number
  readonly champion: string
  readonly challenger: string
  readonly status: 'running' | 'won' | 'no-winner' | 'expired' | 'stopped' | (string & {})
  readonly startedAt: number
  readonly endedAt?: number
  readonly winner?: string
  readonly recorded: number
  readonly resolved: number
  readonly reason: string
  readonly stale: boolean
}

/** Model health from drift checks. */
export type ModelHealth = 'healthy' | 'degrading' | 'failed'

/** One stored drift check (the health history). */
export interface ModelHealthPoint {
  readonly time: number
  readonly versionId: string
  readonly health: ModelHealth
  readonly rows: number
  /** The rows checked: open times of the first and last (ms) and what they are ("its training window (all 473 labelled rows)"). */
  readonly window?: { readonly from: number; readonly to: number; readonly label: string }
  /** What they were compared with: the version's training distribution (rows, training window in ms). */
  readonly reference?: { readonly rows: number; readonly from?: number; readonly to?: number }
  /** Largest feature PSI, and the predicted-class PSI where known. */
  readonly maxPsi: number
  readonly predictionPsi?: number
  readonly driftedFeatures: number
  readonly watchFeatures: number
  readonly reasons: readonly string[]
}

/** A model name as listed: aliases, version count, the champion's headline metrics, health and A/B state. */
export interface ModelListItem {
  readonly name: string
  readonly predictor: ModelCard['predictor']
  readonly versions: number
  readonly aliases: Partial<Record<ModelAlias, string>>
  readonly latestAt: number
  readonly champion?: { readonly id: string; readonly validation?: ModelMetricSummary; readonly baselines?: ModelVersionMetrics['baselines'] }
  readonly health?: { readonly health: ModelHealth; readonly time: number; readonly reasons: readonly string[] }
  readonly abTest?: ModelAbTestInfo
}

/** Everything the Models view shows for one model name. */
export interface ModelDetail {
  readonly name: string
  /** Newest first. */
  readonly versions: readonly ModelVersionInfo[]
  readonly aliases: Partial<Record<ModelAlias, string>>
  /** Alias moves, oldest first. */
  readonly history: readonly ModelAliasEvent[]
  /** Newest first. */
  readonly gates: readonly ModelGateInfo[]
  /** Newest first. */
  readonly abTests: readonly ModelAbTestInfo[]
  /** Drift checks, oldest first. */
  readonly healthHistory: readonly ModelHealthPoint[]
}

/** Train a regime model on one stored series (runs as the `ml.train` job). */
export interface TrainModelRequest {
  readonly symbol: string
  readonly venue?: string
  readonly timeframe: Timeframe
  readonly algo?: TrainAlgo
  /** Label horizon in bars (12). */
  readonly horizon?: number
  /** Threshold multiple k of DOMAIN.md §1 (0.5). */
  readonly k?: number
  /** Trainer parameters (LightGBM / scikit-learn names), e.g. `{ n_estimators: 50 }`. */
  readonly params?: Readonly<Record<string, number | string | boolean>>
  /** Model name (default `regime-<symbol>-<timeframe>-h<H>`). */
  readonly name?: string
}

/** Move an alias to a version; `force` (champion without a passing gate or A/B win) still needs the reason. */
export interface PromoteModelRequest {
  readonly id: string
  readonly alias: ModelAlias
  readonly reason: string
  readonly force?: boolean
}

export interface PromoteModelResult {
  readonly changed: boolean
  readonly authorisedBy?: 'first' | 'gate' | 'ab-test' | 'force' | 'not-needed'
  readonly event?: ModelAliasEvent
}

/** Restore the version that held the alias before the current one. */
export interface RollbackModelRequest {
  readonly name: string
  readonly alias: ModelAlias
  readonly reason: string
}

/** Something changed in the registry: a version was trained, or an alias moved. */
export interface ModelsEvent {
  readonly name: string
  readonly change: 'trained' | 'promoted' | 'rolled-back'
  readonly versionId?: string
  readonly time: number
}

// ── Regime forecasts (DOMAIN.md §1): the live loop's output for the chart, the forecast card and REST ──────

/** A series whose forecast is asked for; `venue` defaults to the one stored for the symbol. */
export interface ForecastQuery {
  readonly symbol: string
  readonly venue?: string
  readonly timeframe: Timeframe
}

/** The newest forecast of one horizon. Probabilities are bearish, neutral, bullish. */
export interface HorizonForecast {
  readonly horizon: number
  readonly modelName: string
  readonly modelVersion: string
  /** Open time of the bar whose close produced it (ms). */
  readonly time: number
  readonly probabilities: readonly number[]
  readonly regime: Regime
  /** p_max·(1 − H(p)/ln 3). */
  readonly confidence: number
  /** 0.6·p_max + 0.4·share of non-missing features. */
  readonly quality: number
  /** Argmax differs from the realised regime with p_max ≥ 0.7. */
  readonly transition: boolean
  /** Realised regime of the last H bars (the §1 label at t − H), null while unknown. */
  readonly currentRegime: Regime | null
  /** clip((p_max − mean p)/std p, 0, 1)·confidence. */
  readonly sizeMultiplier: number
  /** Bars the model version was trained on: a forecast after `to` is out of sample (absent when the card does not say). */
  readonly trainingWindow?: { readonly from: number; readonly to: number }
  /** The version's walk-forward skill against its baselines (absent without a walk-forward record). */
  readonly skill?: SkillVerdict
}

/** `getForecast`: the latest forecast per horizon and whether it is still current. */
export interface ForecastResult {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly horizons: readonly HorizonForecast[]
  /** Regime models (a champion per horizon) the live loop scores for this series; 0: none is registered yet. */
  readonly modelCount?: number
  /** Open time of the newest forecast bar, null when there is none. */
  readonly time: number | null
  /** How old the newest forecast is (ms; wall time since its bar arrived for a replay, since its bar closed otherwise). */
  readonly ageMs: number | null
  /** True when the feed is down or the last bar is older than 2 bar lengths. */
  readonly stale: boolean
  readonly staleReason?: string
  readonly feed: FeedStatusEvent['feed']
  /** A training job for this series' regime models that has not finished (the embedded default trains on first start). */
  readonly training?: JobInfo
}

/** Stored forecasts of a series for the chart: `time` in [from, to] (ms), optionally one horizon. */
export interface PredictionsQuery extends ForecastQuery {
  readonly from?: number
  readonly to?: number
  readonly horizon?: number
  readonly limit?: number
}

/** One stored forecast; `outcome`/`hit` are null until its horizon has passed. */
export interface PredictionPoint {
  readonly id: number
  readonly modelName: string
  readonly modelVersion: string
  readonly time: number
  readonly horizon: number
  readonly probabilities: readonly number[]
  readonly regime: Regime
  readonly confidence: number
  readonly quality: number
  readonly transition: boolean
  readonly sizeMultiplier: number
  readonly outcome: Regime | null
  readonly hit: boolean | null
}

/** The `prediction` topic: a forecast just stored for a closed bar. */
export interface PredictionEvent extends PredictionPoint {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly currentRegime: Regime | null
}

/** `getForecastStatus` (REST `GET /api/ml/models/status`): models the live loop scores, per series, and their record. */
export interface ForecastStatus {
  readonly series: readonly {
    readonly symbol: string
    readonly venue: string
    readonly timeframe: Timeframe
    readonly models: readonly { readonly name: string; readonly horizon: number; readonly versionId: string; readonly members: readonly string[] }[]
    readonly predictions: number
    readonly resolved: number
    /** Share of resolved forecasts whose argmax was the realised regime; null before any is resolved. */
    readonly hitRate: number | null
    readonly lastPredictionAt: number | null
  }[]
  readonly training: readonly JobInfo[]
}

/** `retrainForecast` (REST `POST /api/ml/models/retrain`): trains the series' regime ensembles as a job. */
export interface RetrainForecastRequest extends ForecastQuery {
  readonly horizons?: readonly number[]
}

/** `runBacktest`: a strategy over stored bars as a `backtest.run` job (ML on also runs ML off, for comparison). */
export interface RunBacktestRequest {
  readonly strategy: string
  /** The strategy's parameters (STRATEGY_CATALOG names); absent ones take their defaults. The run stores them all. */
  readonly strategyParams?: Readonly<Record<string, number | boolean>>
  readonly symbols: readonly string[]
  readonly venue?: string
  readonly timeframe: Timeframe
  readonly from?: number
  readonly to?: number
  readonly ml: boolean
  /** Taker fee (market and stop fills) and maker fee (target fills), bps of notional. */
  readonly takerFeeBps?: number
  readonly makerFeeBps?: number
  readonly slippageBps?: number
  readonly riskFraction?: number
  readonly threshold?: number
}

/** A stored backtest as listed; `metrics` is the run without ML, `mlMetrics` the ML-enhanced run (null with ML off). */
export interface BacktestSummary {
  readonly id: number
  readonly createdAt: number
  readonly strategy: string
  readonly symbols: readonly string[]
  readonly venue: string
  readonly timeframe: string
  readonly ml: boolean
  readonly from: number
  readonly to: number
  readonly metrics: Readonly<Record<string, unknown>>
  readonly mlMetrics: Readonly<Record<string, unknown>> | null
}

/** One closed trade of a stored run (`variant`: 'base' for the run without ML, 'ml' for the ML-enhanced run). */
export interface BacktestTrade {
  readonly variant: 'base' | 'ml'
  readonly symbol: string
  readonly side: 'long' | 'short'
  readonly qty: number
  readonly entryTime: number
  readonly entryPrice: number
  readonly exitTime: number
  readonly exitPrice: number
  readonly exitReason: string
  readonly pnl: number
  readonly r: number
  readonly fees: number
  readonly confidence: number
  readonly mlProbability: number | null
  readonly signalQuality: number
  readonly profitable: number
}

/** A stored run in full: config, ML summary (walk-forward windows, out-of-sample metrics, promotion checks), trades, equity. */
export interface BacktestDetail extends BacktestSummary {
  readonly config: Readonly<Record<string, unknown>>
  readonly mlSummary: Readonly<Record<string, unknown>> | null
  readonly trades: readonly BacktestTrade[]
  readonly equity: { readonly base: readonly { readonly time: number; readonly equity: number }[]; readonly ml: readonly { readonly time: number; readonly equity: number }[] }
}

// ── Predictive alerts (DOMAIN.md §2): the live loop's alerts for the Alerts view, chart markers and REST ────

/** `listAlerts` (REST `GET /api/alerts`): newest first; every filter optional. */
export interface AlertsQuery {
  /** Alert time range (ms, inclusive). */
  readonly from?: number
  readonly to?: number
  readonly types?: readonly AlertType[]
  /** `S3` keeps only S3; `S2` (default) keeps both. */
  readonly minSeverity?: AlertSeverity
  /** open: horizon not passed yet; resolved: outcome known. Default all. */
  readonly status?: 'open' | 'resolved' | 'all'
  readonly acknowledged?: boolean
  /** Only alerts whose `assets` include this symbol. */
  readonly symbol?: string
  /** Alerts of muted models (no walk-forward skill) are left out unless true. */
  readonly includeMuted?: boolean
  readonly limit?: number
}

/** The `alert` topic: an alert fired, was raised to S3 (escalated), was acknowledged, or was resolved. */
export interface AlertEvent {
  readonly kind: 'fired' | 'escalated' | 'acknowledged' | 'resolved'
  readonly alert: Alert
}

/** One (type, horizon) alert model the live loop scores, its validation record and its live record. */
export interface AlertModelStatus {
  readonly type: AlertType
  readonly horizonHours: number
  readonly modelName: string
  /** Null when no version is registered for it (then `reason` says why, e.g. too few positive labels). */
  readonly versionId: string | null
  readonly reason?: string
  /** Walk-forward metrics next to the majority (and label of t−H) baselines (from the registry record), when known. */
  readonly validation?: {
    readonly rocAuc: number | null
    readonly f1: number
    readonly baselineF1: number
    readonly logLoss?: number
    readonly baselineLogLoss?: number
    readonly persistenceF1?: number
    readonly baseRate?: number
  }
  /** Whether the champion beats its baselines on walk-forward, with the numbers (absent: its record has no metrics). */
  readonly skill?: SkillVerdict
  /** True while it fires nothing: no skill (the default) or the trader muted it; its alerts are still stored and resolved. */
  readonly muted: boolean
  /** Bars the champion was trained on (open time of the first, close of the last): alerts after `to` are out of sample. */
  readonly trainingWindow?: { readonly from: number; readonly to: number }
  /** Newest ensemble probability and when it was scored (shown even below the S2 threshold). */
  readonly lastProbability: number | null
  readonly lastScoredAt: number | null
  readonly fired: number
  readonly resolved: number
  /** Share of resolved alerts that were hits; null before any is resolved. */
  readonly hitRate: number | null
}

/** `getAlertStatus`: the basket the live loop scores, its models and why it is not scoring when it is not. */
export interface AlertStatus {
  readonly basket: string | null
  readonly assets: readonly string[]
  readonly timeframe: Timeframe | null
  /** Scoring, waiting (for aligned bars / models), or off with the reason. */
  readonly state: 'scoring' | 'waiting' | 'off'
  readonly detail?: string
  readonly models: readonly AlertModelStatus[]
  readonly open: number
  readonly lastScoredAt: number | null
}
