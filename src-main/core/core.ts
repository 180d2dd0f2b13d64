import {
  BACKTEST_JOB_KIND,
  CallRefused,
  canResample,
  IMPORT_JOB_KIND,
  parseJob,
  parseJobRequest,
  REGIME_TRAIN_JOB_KIND,
  TRAIN_JOB_KIND,
  systemClock,
  TIMEFRAME_MS,
  type ApiEvents,
  type ApiParams,
  type ApiResult,
  type ApiTopic,
  type ImportJobRequest,
  type Clock,
  type Disposable,
  type Health,
  type JobInfo,
  type ModelAbTestInfo,
  type ModelAliasEvent,
  type ModelHealthPoint,
  type ModelVersionInfo,
  type ModelVersionMetrics,
  type Timeframe,
  type WorkstationApi,
} from '../../src-shared'
import { ModelRegistry, type AbTestStatus, type AliasEvent, type DriftReport, type VersionSummary } from '../registry'
import {
  SqliteAlertStore,
  SqliteBacktestStore,
  openDatabase,
  schemaVersion,
  SqliteBarStore,
  SqliteFeatureCacheStore,
  SqliteFundingStore,
  SqliteInstrumentStore,
  SqliteJobStore,
  SqlitePredictionStore,
  SqliteSettingsStore,
  WalCheckpointer,
  type Db,
} from '../store'
import { defaultBasketReplayFiles, DEMO_WINDOWS, latestBarsAt, startEmbeddedReplay, type EmbeddedReplay } from '../data'
import type { CoreConfig } from './config'
import { EventBus } from './event-bus'
import { isFeatureSetName, FEATURE_SET_NAMES } from '../features'
import { AlertService, defaultModelsDir, FeatureService, ForecastService, trainedVersions, type AlertsConfig } from '../predictors'
import { JobRunner } from './job-runner'
import { UploadInbox } from './upload-inbox'
import { LiveFeedService } from './live-feed'
import { ARMADA_VERSION } from './version'
import { indicatorWindow } from './indicator-window'

/**
 * The embedded default's alert basket: LEAN's real US-equity hourly bars (resources/sample-data/lean), SPY as the
 * lead. Trading hours only: 7 bars a day, 252 days a year. Shipped default models for it live in models/
 * (models/README.md), trained before DEMO_WINDOWS.alerts.from.
 */
export const EMBEDDED_ALERT_BASKET: AlertsConfig = {
  basket: 'us-equities-1h',
  assets: ['SPY', 'AAPL', 'IBM', 'VXX'],
  venue: 'USA',
  timeframe: '1h',
  barsPerYear: 252 * 7,
}

/** Venue the embedded default stores its replayed BTC/USD bars under: where the bundled sample comes from. */
export const EMBEDDED_VENUE = 'COINBASE'

function versionInfo(v: VersionSummary): ModelVersionInfo {
  // The reference bins are for drift checks; the UI gets the card without them.
  const { reference: _reference, ...card } = v.card
  return {
    id: v.id,
    name: v.name,
    createdAt: v.createdAt,
    size: v.size,
    aliases: v.aliases,
    card,
    lineage: v.lineage as Record<string, unknown>,
    metrics: v.metrics as ModelVersionMetrics,
    tags: v.tags,
    notes: v.notes,
  }
}

function aliasEvent(e: AliasEvent): ModelAliasEvent {
  return { seq: e.seq, name: e.name, alias: e.alias, from: e.from, to: e.to, time: e.time, kind: e.kind, actor: e.actor, reason: e.reason }
}

function abTestInfo(t: AbTestStatus): ModelAbTestInfo {
  return {
    id: t.id,
    champion: t.champion,
    challenger: t.challenger,
    status: t.status,
    startedAt: t.startedAt,
    ...(t.endedAt !== undefined ? { endedAt: t.endedAt } : {}),
    ...(t.winner !== undefined ? { winner: t.winner } : {}),
    recorded: t.recorded,
    resolved: t.resolved,
    reason: t.reason,
    stale: t.stale,
  }
}

function healthPoint(r: DriftReport): ModelHealthPoint {
  const psis = r.features.map((f) => f.psi).filter(Number.isFinite)
  return {
    time: r.time,
    versionId: r.versionId,
    health: r.health,
    rows: r.rows,
    ...(r.window ? { window: r.window } : {}),
    ...(r.reference ? { reference: r.reference } : {}),
    maxPsi: psis.length ? Math.max(...psis) : 0,
    ...(r.predictions && Number.isFinite(r.predictions.psi) ? { predictionPsi: r.predictions.psi } : {}),
    driftedFeatures: r.driftedFeatures.length,
    watchFeatures: r.watchFeatures.length,
    reasons: r.reasons,
  }
}

/**
 * The workstation core: one object implementing the WorkstationApi over the store, job runner and event bus.
 * Shells only adapt transport. Build with {@link createCore}; call `start()` before use and `dispose()` at the end.
 */
export class WorkstationCore implements WorkstationApi {
  private db!: Db
  /** WAL checkpoints of the core's database, in a worker thread (started by `start()`, disposed before the database closes). */
  checkpointer?: WalCheckpointer
  bars!: SqliteBarStore
  instruments!: SqliteInstrumentStore
  settings!: SqliteSettingsStore
  private jobStore!: SqliteJobStore
  jobs!: JobRunner
  features!: FeatureService
  /** The live regime loop: forecasts per closed bar, stored and published (DOMAIN.md §1). */
  forecasts!: ForecastService
  /** The live predictive-alert loop of the configured basket (DOMAIN.md §2). */
  alerts!: AlertService
  /** Model versions, aliases, gates, A/B tests and drift history (the Models view). */
  registry!: ModelRegistry
  /** Files uploaded through the headless shell, waiting for (or in) their import job. */
  readonly uploads: UploadInbox
  /** Upload ids each running import job took (deleted when it ends). */
  private readonly uploadsOfJob = new Map<string, readonly string[]>()
  private startedAt = 0
  /** The step `dispose()` is at (named in a stalled shutdown's message). */
  disposeStep: string | undefined
  private readonly disposables: Disposable[] = []
  private live?: LiveFeedService
  private replay?: EmbeddedReplay
  private basketLive?: LiveFeedService
  private basketReplay?: EmbeddedReplay

  constructor(
    readonly config: CoreConfig,
    readonly events: EventBus = new EventBus(),
    readonly clock: Clock = systemClock,
  ) {
    this.uploads = new UploadInbox(config.uploadsDir)
  }

  /** Opens the database (migrating it) and starts services. Throws DatabaseOpenError for unusable files. */
  start(): void {
    this.db = openDatabase(this.config.dbPath)
    // WAL checkpoints run in a worker thread: no commit on the event loop (a live bar, a forecast) waits for one.
    this.checkpointer = new WalCheckpointer(this.db)
    this.checkpointer.start()
    this.bars = new SqliteBarStore(this.db)
    this.instruments = new SqliteInstrumentStore(this.db)
    this.settings = new SqliteSettingsStore(this.db)
    this.jobStore = new SqliteJobStore(this.db)
    this.registry = new ModelRegistry(this.db, this.clock)
    this.jobs = new JobRunner(this.jobStore, this.clock, this.config.dbPath, (job) => this.onJob(job), { codeVersion: ARMADA_VERSION, ...(this.config.jobs ? { execution: this.config.jobs } : {}) })
    this.jobs.start()
    this.features = new FeatureService(this.bars, new SqliteFeatureCacheStore(this.db), this.events)
    this.features.start()
    const live = this.config.live
    this.forecasts = new ForecastService({
      bars: this.bars,
      features: this.features,
      featureCache: new SqliteFeatureCacheStore(this.db),
      registry: this.registry,
      predictions: new SqlitePredictionStore(this.db),
      events: this.events,
      clock: this.clock,
      feedStatus: () => this.live?.status() ?? { feed: 'off' },
      replayTime: () => live?.kind === 'replay',
      barWallMs: (tf) => (live?.kind === 'replay' ? 1000 / (live.barsPerSecond ?? 2) : TIMEFRAME_MS[tf]),
      listJobs: () => this.jobStore.list(20),
      // The embedded default trains (or loads shipped models for) a replayed series that has no regime models.
      ...(live?.kind === 'replay' ? { submitTraining: (request) => this.jobs.submit(REGIME_TRAIN_JOB_KIND, request), defaultModelsDir: defaultModelsDir() } : {}),
      // The embedded default's alt/BTC basket feeds the alert loop; it gets no regime forecasts (nor training jobs).
      ...(this.embeddedBasket() ? { forecasts: (key: { symbol: string }) => !EMBEDDED_ALERT_BASKET.assets.includes(key.symbol) } : {}),
    })
    this.forecasts.start()
    const alerts = this.alertsConfig()
    this.alerts = new AlertService({
      bars: this.bars,
      alerts: new SqliteAlertStore(this.db),
      registry: this.registry,
      events: this.events,
      clock: this.clock,
      ...(alerts ? { config: alerts } : {}),
      ...(live?.kind === 'replay' ? { defaultModelsDir: defaultModelsDir() } : {}),
      dbPath: this.db.name,
      settings: this.settings,
    })
    this.alerts.start()
    this.startedAt = this.clock.now()
  }

  /** True for the embedded default without an alerts config: the bundled alt/BTC basket is replayed and scored. */
  private embeddedBasket(): boolean {
    const live = this.config.live
    return !this.config.alerts && live?.kind === 'replay' && !live.files
  }

  /** The configured alert basket; the embedded default (bundled replay) scores the bundled alt/BTC basket. */
  private alertsConfig(): AlertsConfig | undefined {
    return this.config.alerts ?? (this.embeddedBasket() ? EMBEDDED_ALERT_BASKET : undefined)
  }

  /**
   * Starts the live path of the config: an exchange feed, or a replay server on 127.0.0.1 (the bundled real
   * sample by default) followed by the same feed client. Closed bars are stored, then published as `bar` events.
   */
  async startLive(): Promise<void> {
    const live = this.config.live
    if (!live || this.live) return
    let feed
    if (live.kind === 'replay') {
      // A restarted workstation resumes the replay after the bars it already stored, so the chart keeps moving.
      // The bundled sample replays only the window its shipped models never saw (DEMO_WINDOWS): forecasts are out of sample.
      const window = live.files ? {} : { from: DEMO_WINDOWS.regime.from }
      const files = live.files ? { files: live.files, importOptions: { inflateLimits: this.config.inflateLimits ?? {} } } : undefined
      this.replay = await startEmbeddedReplay(files, { speed: { barsPerSecond: live.barsPerSecond ?? 2 }, lastStored: lastStoredOf(this.bars), ...window }, this.clock)
      feed = { wsBase: this.replay.wsBase, restBase: this.replay.restBase, market: 'spot' as const, streams: this.replay.streams, initialHistoryBars: Math.max(1000, this.replay.historyPeriods), ...(live.files ? {} : { venue: EMBEDDED_VENUE }) }
    } else feed = live.feed
    const stores = { bars: this.bars, funding: new SqliteFundingStore(this.db) }
    this.live = new LiveFeedService(feed, live.kind === 'replay' ? 'replay' : 'exchange', stores, this.events, this.clock)
    this.live.start()
    if (live.kind === 'replay' && this.embeddedBasket()) await this.startBasketReplay(live.barsPerSecond ?? 2, lastStoredOf(this.bars))
  }

  /**
   * The embedded default's alert basket: a second replay server over the bundled US-equity hours with its own cursor
   * (their dates differ from BTC/USD's), from DEMO_WINDOWS.alerts.from (the shipped alert models never saw those bars);
   * its first 4000 bars (2018-01 → 2020-05, the 2020 crash included) are served as history so the 30-day features are
   * warm and the alert loop scores them on a first start. Its closed bars join the core's `bar` events; its feed status
   * stays internal (the status bar shows the main feed).
   */
  private async startBasketReplay(barsPerSecond: number, lastStored: (symbol: string, timeframe: Timeframe) => number | undefined): Promise<void> {
    this.basketReplay = await startEmbeddedReplay(
      { files: defaultBasketReplayFiles() },
      { speed: { barsPerSecond }, lastStored, startIndex: 4000, from: DEMO_WINDOWS.alerts.from },
      this.clock,
    )
    const r = this.basketReplay
    const bus = new EventBus()
    this.own(bus.subscribe('bar', (bar) => this.events.publish('bar', bar)))
    const feed = { wsBase: r.wsBase, restBase: r.restBase, market: 'spot' as const, streams: r.streams, initialHistoryBars: Math.max(1000, r.historyPeriods), venue: EMBEDDED_ALERT_BASKET.venue! }
    this.basketLive = new LiveFeedService(feed, 'replay', { bars: this.bars }, bus, this.clock)
    this.basketLive.start()
  }

  async getFeatures(p: ApiParams<'getFeatures'>): Promise<ApiResult<'getFeatures'>> {
    if (!isFeatureSetName(p.set)) throw new Error(`unknown feature set "${p.set}" (one of ${FEATURE_SET_NAMES.join(', ')})`)
    const key = { symbol: p.symbol.toUpperCase(), venue: p.venue ?? this.defaultVenue(p.symbol, p.timeframe), timeframe: p.timeframe }
    const t = this.features.get(key, p.set, Math.min(p.limit ?? 500, 20_000))
    // Keep the series' features current as live bars close, so the next request is a cache hit.
    this.features.follow(key, p.set)
    const f = t.names.length
    const rows = Array.from(t.time, (_, i) => Array.from(t.data.subarray(i * f, (i + 1) * f), (v) => (Number.isNaN(v) ? null : v)))
    return { set: t.set, names: t.names, specHash: t.specHash, time: Array.from(t.time), rows, cached: t.cached }
  }

  async getFeedStatus(): Promise<ApiResult<'getFeedStatus'>> {
    return this.live?.status() ?? { feed: 'off', detail: 'no live feed configured' }
  }

  /** The open database handle, for services composed on top of the core. */
  get database(): Db {
    return this.db
  }

  /** Registers something to dispose with the core. */
  own(d: Disposable): void {
    this.disposables.push(d)
  }

  async health(): Promise<Health> {
    return {
      ok: true,
      version: ARMADA_VERSION,
      database: this.config.dbPath,
      schemaVersion: schemaVersion(this.db),
      uptimeMs: this.clock.now() - this.startedAt,
      shell: this.config.shell,
    }
  }

  async listInstruments(): Promise<ApiResult<'listInstruments'>> {
    return this.instruments.list()
  }

  async listSeries(): Promise<ApiResult<'listSeries'>> {
    const live = this.live?.klineSeries() ?? []
    return this.bars.listSeries().map((s) => (live.some((k) => k.symbol === s.symbol && k.timeframe === s.timeframe) ? { ...s, primary: true } : s))
  }

  async getBars(q: ApiParams<'getBars'>): Promise<ApiResult<'getBars'>> {
    const venue = q.venue ?? this.defaultVenue(q.symbol, q.timeframe)
    const range = { symbol: q.symbol.toUpperCase(), venue, timeframe: q.timeframe, from: q.from, to: q.to }
    // A timeframe that is not stored is resampled from the finest stored one dividing it (bars flagged `resampledFrom`).
    return latestBarsAt(this.bars, range, Math.min(q.limit ?? 5_000, 100_000))
  }

  /** Indicator values over the bars getBars answers for the same query, warm-up included (indicator-window.ts). */
  async getIndicators(q: ApiParams<'getIndicators'>): Promise<ApiResult<'getIndicators'>> {
    return indicatorWindow({ ...q, venue: q.venue ?? this.defaultVenue(q.symbol, q.timeframe) }, (b) => this.getBars(b))
  }

  private defaultVenue(symbol: string, timeframe: Timeframe): string {
    const all = this.bars.listSeries().filter((x) => x.symbol === symbol.toUpperCase())
    // The venue storing that timeframe, else one storing a finer timeframe it can be resampled from.
    const s = all.find((x) => x.timeframe === timeframe) ?? all.find((x) => canResample(x.timeframe, timeframe))
    return s?.venue ?? 'BINANCE'
  }

  async listJobs(p: ApiParams<'listJobs'>): Promise<ApiResult<'listJobs'>> {
    return this.jobStore.list(p?.limit ?? 50)
  }

  async startJob(p: ApiParams<'startJob'>): Promise<ApiResult<'startJob'>> {
    const job = parseJob(p.kind, p.params)
    return this.jobs.submit(job.kind, job.request as never)
  }

  async cancelJob(p: ApiParams<'cancelJob'>): Promise<ApiResult<'cancelJob'>> {
    return this.jobs.cancel(p.id)
  }

  async getSetting(p: ApiParams<'getSetting'>): Promise<unknown> {
    return this.settings.get(p.key) ?? null
  }

  async setSetting(p: ApiParams<'setSetting'>): Promise<void> {
    this.settings.set(p.key, p.value)
  }

  async importFiles(p: ApiParams<'importFiles'>): Promise<ApiResult<'importFiles'>> {
    // Uploads are imported from their private folder under the name the user gave them, and deleted when the job ends.
    const uploads = this.uploads.resolve(p.uploads ?? [])
    let job: JobInfo
    try {
      const request: ImportJobRequest = {
        files: [...p.files, ...uploads.map((u) => u.path)],
        ...(uploads.length ? { names: Object.fromEntries(uploads.map((u) => [u.path, u.name])) } : {}),
        ...(p.format !== undefined ? { format: p.format } : {}),
        ...(p.symbol !== undefined ? { symbol: p.symbol } : {}),
        ...(p.venue !== undefined ? { venue: p.venue } : {}),
        ...(p.timeframe !== undefined ? { timeframe: p.timeframe } : {}),
        // The caps are the workstation's (serve flags), not the caller's: an upload cannot raise them.
        ...(this.config.inflateLimits ? { inflateLimits: { ...this.config.inflateLimits } } : {}),
      }
      job = this.jobs.submit(IMPORT_JOB_KIND, parseJobRequest(IMPORT_JOB_KIND, request, 'importFiles'))
    } catch (err) {
      this.uploads.release(uploads.map((u) => u.id))
      throw err
    }
    if (uploads.length === 0) return job
    if (job.state === 'running' || job.state === 'queued') this.uploadsOfJob.set(job.id, uploads.map((u) => u.id))
    else this.uploads.release(uploads.map((u) => u.id))
    return job
  }

  private onJob(job: JobInfo): void {
    const uploads = this.uploadsOfJob.get(job.id)
    if (uploads && job.state !== 'running' && job.state !== 'queued') {
      this.uploadsOfJob.delete(job.id)
      this.uploads.release(uploads)
    }
    this.events.publish('job', job)
    // A finished training run registered versions (the job wrote them): tell the Models view.
    for (const m of trainedVersions(job)) this.events.publish('models', { name: m.name, change: 'trained', ...(m.versionId ? { versionId: m.versionId } : {}), time: this.clock.now() })
  }

  async listModels(): Promise<ApiResult<'listModels'>> {
    return this.registry.list().map((m) => {
      const champ = m.aliases.champion ? m.versions.find((v) => v.id === m.aliases.champion) : undefined
      const metrics = champ?.metrics as ModelVersionMetrics | undefined
      const newest = m.versions[m.versions.length - 1]
      return {
        name: m.name,
        predictor: (champ ?? newest).card.predictor,
        versions: m.versions.length,
        aliases: m.aliases,
        latestAt: newest.createdAt,
        ...(champ ? { champion: { id: champ.id, ...(metrics?.validation ? { validation: metrics.validation } : {}), ...(metrics?.baselines ? { baselines: metrics.baselines } : {}) } } : {}),
        ...(m.health ? { health: m.health } : {}),
        ...(m.abTest ? { abTest: abTestInfo(m.abTest) } : {}),
      }
    })
  }

  async getModel(p: ApiParams<'getModel'>): Promise<ApiResult<'getModel'>> {
    const m = this.registry.model(p.name)
    return {
      name: m.name,
      versions: m.versions.map(versionInfo).reverse(),
      aliases: m.aliases,
      history: this.registry.history(m.name).map(aliasEvent),
      gates: this.registry.gates(m.name).map((g) => ({ id: g.id, candidate: g.candidate, champion: g.champion, time: g.time, passed: g.passed, reason: g.reason })),
      abTests: this.registry.abTests(m.name).map(abTestInfo),
      healthHistory: this.registry.healthHistory(m.name, 500).map(healthPoint).reverse(),
    }
  }

  async trainModel(p: ApiParams<'trainModel'>): Promise<ApiResult<'trainModel'>> {
    return this.jobs.submit(TRAIN_JOB_KIND, parseJobRequest(TRAIN_JOB_KIND, p, 'trainModel'))
  }

  async promoteModel(p: ApiParams<'promoteModel'>): Promise<ApiResult<'promoteModel'>> {
    const r = this.registry.promote(p.id, { alias: p.alias, reason: p.reason, force: p.force === true, actor: 'user', detail: { via: this.config.shell } })
    if (r.changed && r.event) this.events.publish('models', { name: r.event.name, change: 'promoted', versionId: r.event.to ?? undefined, time: r.event.time })
    return { changed: r.changed, ...(r.authorisedBy ? { authorisedBy: r.authorisedBy } : {}), ...(r.event ? { event: aliasEvent(r.event) } : {}) }
  }

  async rollbackModel(p: ApiParams<'rollbackModel'>): Promise<ApiResult<'rollbackModel'>> {
    const e = this.registry.rollback(p.name, p.alias, p.reason, 'user')
    this.events.publish('models', { name: e.name, change: 'rolled-back', ...(e.to ? { versionId: e.to } : {}), time: e.time })
    return aliasEvent(e)
  }

  private seriesKey(p: { symbol: string; venue?: string; timeframe: Timeframe }): { symbol: string; venue: string; timeframe: Timeframe } {
    return { symbol: p.symbol.toUpperCase(), venue: p.venue ?? this.defaultVenue(p.symbol, p.timeframe), timeframe: p.timeframe }
  }

  async getForecast(p: ApiParams<'getForecast'>): Promise<ApiResult<'getForecast'>> {
    return this.forecasts.forecast(this.seriesKey(p))
  }

  async getPredictions(p: ApiParams<'getPredictions'>): Promise<ApiResult<'getPredictions'>> {
    return this.forecasts.history(this.seriesKey(p), p)
  }

  async getForecastStatus(): Promise<ApiResult<'getForecastStatus'>> {
    return this.forecasts.status()
  }

  async retrainForecast(p: ApiParams<'retrainForecast'>): Promise<ApiResult<'retrainForecast'>> {
    const key = this.seriesKey(p)
    return this.jobs.submit(REGIME_TRAIN_JOB_KIND, parseJobRequest(REGIME_TRAIN_JOB_KIND, { ...p, ...key }, 'retrainForecast'))
  }

  async runBacktest(p: ApiParams<'runBacktest'>): Promise<ApiResult<'runBacktest'>> {
    return this.jobs.submit(BACKTEST_JOB_KIND, parseJobRequest(BACKTEST_JOB_KIND, p, 'runBacktest'))
  }

  async listBacktests(): Promise<ApiResult<'listBacktests'>> {
    return new SqliteBacktestStore(this.database).list()
  }

  async getBacktest(p: ApiParams<'getBacktest'>): Promise<ApiResult<'getBacktest'>> {
    const run = new SqliteBacktestStore(this.database).get(p.id)
    if (!run) throw new CallRefused('not-found', `no backtest #${p.id}`)
    return run
  }

  async listAlerts(p: ApiParams<'listAlerts'>): Promise<ApiResult<'listAlerts'>> {
    return this.alerts.list(p ?? {})
  }

  async acknowledgeAlert(p: ApiParams<'acknowledgeAlert'>): Promise<ApiResult<'acknowledgeAlert'>> {
    return this.alerts.acknowledge(p.id)
  }

  async getAlertStatus(): Promise<ApiResult<'getAlertStatus'>> {
    return this.alerts.status()
  }

  async setAlertModelMuted(p: ApiParams<'setAlertModelMuted'>): Promise<ApiResult<'setAlertModelMuted'>> {
    return this.alerts.setMuted(p.modelName, p.muted)
  }

  subscribe<T extends ApiTopic>(topic: T, listener: (event: ApiEvents[T]) => void): Disposable {
    return this.events.subscribe(topic, listener)
  }

  /** Stops jobs and feeds, then closes the database. */
  async dispose(): Promise<void> {
    this.disposeStep = 'live feeds'
    for (const d of this.disposables.splice(0).reverse()) d.dispose()
    this.live?.dispose()
    this.basketLive?.dispose()
    // Before the registry and the database close: they wait for a shipped-model registration or scoring in progress.
    this.disposeStep = 'forecast and alert services'
    await Promise.all([this.forecasts?.dispose(), this.alerts?.dispose()])
    this.features?.dispose()
    this.disposeStep = 'replay servers'
    await this.replay?.stop()
    await this.basketReplay?.stop()
    this.disposeStep = 'jobs'
    await this.jobs?.dispose()
    this.uploads.dispose()
    this.disposeStep = 'model registry'
    await this.registry?.dispose()
    this.events.dispose()
    this.disposeStep = 'WAL checkpointer'
    await this.checkpointer?.dispose()
    this.disposeStep = 'database'
    if (this.db?.open) this.db.close()
    this.disposeStep = 'done'
  }
}

/** A restarted replay resumes after the bars it already stored, so the chart keeps moving. */
function lastStoredOf(bars: SqliteBarStore): (symbol: string, timeframe: Timeframe) => number | undefined {
  return (symbol, timeframe) => bars.latestBars({ symbol, venue: 'BINANCE', timeframe }, 1)[0]?.time
}

/** Composition root: builds the core and its services in dependency order. Nothing starts until `start()`. */
export function createCore(config: CoreConfig, clock: Clock = systemClock): WorkstationCore {
  return new WorkstationCore(config, new EventBus(), clock)
}
