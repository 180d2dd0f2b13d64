import {
  ALERT_TIMEFRAMES,
  ALERTS_TRAIN_JOB_KIND,
  BACKTEST_JOB_KIND,
  CallRefused,
  DEVICE_CHOICES,
  DEVICE_SETTING,
  isDeviceChoice,
  FOLLOWED_SERIES_SETTING,
  followedKey,
  IMPORT_JOB_KIND,
  parseJob,
  parseJobRequest,
  REGIME_TRAIN_JOB_KIND,
  SIGNAL_QUALITY_TRAIN_JOB_KIND,
  signalView,
  STRATEGY_ML_SETTING,
  symbolKey,
  TIMEFRAME_MS,
  TRAIN_JOB_KIND,
  venuesStoring,
  type ApiEvents,
  type ApiParams,
  type ApiResult,
  type ApiTopic,
  type AlertBasketSpec,
  type Clock,
  type FollowedSeries,
  type FollowSeriesRequest,
  type HmmRegimePoint,
  type Disposable,
  type FeedStatusEvent,
  type DeviceStatus,
  type Health,
  type ImportJobRequest,
  type JobInfo,
  type JobKind,
  type JobRequests,
  type Timeframe,
  type WorkstationApi,
} from '../../src-shared'
import { latestBarsAt, type InflateLimits } from '../data'
import { FEATURE_SET_NAMES, isFeatureSetName } from '../features'
import {
  hmmModelName,
  HmmRegimeTracker,
  trainedVersions,
  type AlertService,
  type FeatureService,
  type ForecastService,
  type LiveEvents,
} from '../predictors'
import type { ImportOptions, ModelRegistry, ModelVersion } from '../registry'
import type {
  SeriesKey,
  SqliteBacktestStore,
  SqliteSweepStore,
  SqliteBarStore,
  SqliteInstrumentStore,
  SqliteJobStore,
  SqliteSettingsStore,
} from '../store'
import { StrategySpecError, type StrategyService } from '../trading'
import { indicatorWindow } from './indicator-window'
import { aliasEvent, abTestInfo, healthPoint, modelListItem, versionInfo } from './model-records'
import type { UploadInbox } from './upload-inbox'

/** Where jobs go: the core's job runner (requests arrive parsed). */
export interface JobQueue {
  submit<K extends JobKind>(kind: K, request: JobRequests[K]): JobInfo
  cancel(id: string): JobInfo
}

/** The live feed as the API reports it. */
export interface FeedView {
  status(): FeedStatusEvent
  /** Symbol and bar length of every kline stream it follows (the chart opens on the first such series). */
  klineSeries(): readonly { readonly symbol: string; readonly timeframe: string }[]
}

/** The registry's records as stored (versions, gates, history, exports): what the CLI prints, read-only. */
export type ModelRecords = Pick<
  ModelRegistry,
  | 'list'
  | 'model'
  | 'hasModel'
  | 'get'
  | 'aliases'
  | 'gates'
  | 'history'
  | 'abTests'
  | 'healthHistory'
  | 'exportVersion'
  | 'resolveId'
>

/** What `importModel` registered: the version, whether it is new, and what the import changed in the file. */
export interface ImportedModel {
  readonly version: ModelVersion
  readonly created: boolean
  readonly changes: readonly string[]
}

/**
 * The WorkstationApi plus what only an in-process caller (the CLI) asks: a model file as bytes, and the registry's
 * records read as stored. Transports carry the WorkstationApi only.
 */
export interface LocalWorkstationApi extends WorkstationApi {
  importModel(bytes: Uint8Array, options?: ImportOptions): Promise<ImportedModel>
  readonly modelRecords: ModelRecords
}

/** The services the calls run over, built and started by the composition root (src-main/core). */
export interface ApiServices {
  readonly shell: Health['shell']
  /** The inference device probed at start (health). */
  readonly device?: () => Promise<DeviceStatus>
  /** Database file (health). */
  readonly database: string
  readonly schemaVersion: () => number
  /** Armada's version (health, and the alias history of a promotion). */
  readonly codeVersion: string
  /** Open time of the core (health's uptime). */
  readonly startedAt: number
  /** The workstation's caps on inflating files it imports (serve flags); an upload cannot raise them. */
  readonly inflateLimits?: Partial<InflateLimits>
  readonly clock: Clock
  readonly events: LiveEvents
  readonly bars: SqliteBarStore
  readonly instruments: SqliteInstrumentStore
  readonly settings: SqliteSettingsStore
  readonly jobRecords: SqliteJobStore
  readonly jobs: JobQueue
  readonly backtests: SqliteBacktestStore
  readonly sweeps: SqliteSweepStore
  readonly registry: ModelRegistry
  readonly features: FeatureService
  readonly forecasts: ForecastService
  /** The alert loop now running (a basket change replaces it). */
  readonly alerts: AlertService
  /** The followed series. */
  readonly followed: () => readonly FollowedSeries[]
  /** Stores the followed series and applies them (feed streams, forecasts). */
  readonly setFollowed: (list: readonly FollowedSeries[]) => Promise<void>
  /** Symbols the live feed can stream at a timeframe (a replay: its files'; an exchange: any), or undefined without a feed. */
  readonly feedSymbols: (timeframe: Timeframe) => readonly string[] | 'any' | undefined
  /** Venue the live feed stores a symbol under (undefined without a feed). */
  readonly feedVenue: (symbol: string, timeframe: Timeframe) => string | undefined
  /** Stores the trader's basket (null: back to the default) and restarts the alert loop on it. */
  readonly chooseAlertBasket: (basket: AlertBasketSpec | null) => Promise<void>
  readonly uploads: UploadInbox
  /** The live strategies (signals, paper accounts). */
  readonly strategies: StrategyService
  /** The live feed, while one runs. */
  readonly feed: () => FeedView | undefined
}

/**
 * The WorkstationApi over the workstation's services: each call reads or changes them and publishes what changed.
 * Job requests go through the one parser of src-shared/job-requests.ts. Build with {@link createWorkstationApi}.
 */
export class WorkstationApiImpl implements LocalWorkstationApi {
  /** Upload ids each running import job took (deleted when it ends). */
  private readonly uploadsOfJob = new Map<string, readonly string[]>()

  constructor(private readonly s: ApiServices) {}

  get modelRecords(): ModelRecords {
    return this.s.registry
  }

  async health(): Promise<Health> {
    const s = this.s
    return {
      ok: true,
      version: s.codeVersion,
      database: s.database,
      schemaVersion: s.schemaVersion(),
      uptimeMs: s.clock.now() - s.startedAt,
      shell: s.shell,
      ...(s.device ? { device: await s.device() } : {}),
    }
  }

  async getFeedStatus(): Promise<ApiResult<'getFeedStatus'>> {
    return this.s.feed()?.status() ?? { feed: 'off', detail: 'no live feed configured' }
  }

  async listInstruments(): Promise<ApiResult<'listInstruments'>> {
    return this.s.instruments.list()
  }

  async listSeries(): Promise<ApiResult<'listSeries'>> {
    const live = this.s.feed()?.klineSeries() ?? []
    return this.s.bars
      .listSeries()
      .map((x) =>
        live.some((k) => k.symbol === x.symbol && k.timeframe === x.timeframe) ? { ...x, primary: true } : x,
      )
  }

  async getBars(q: ApiParams<'getBars'>): Promise<ApiResult<'getBars'>> {
    const range = { ...this.seriesKey(q), from: q.from, to: q.to }
    // A timeframe that is not stored is resampled from the finest stored one dividing it (bars flagged `resampledFrom`).
    return latestBarsAt(this.s.bars, range, Math.min(q.limit ?? 5_000, 100_000))
  }

  /** Indicator values over the bars getBars answers for the same query, warm-up included (indicator-window.ts). */
  async getIndicators(q: ApiParams<'getIndicators'>): Promise<ApiResult<'getIndicators'>> {
    return indicatorWindow({ ...q, venue: q.venue ?? this.defaultVenue(q.symbol, q.timeframe) }, (b) => this.getBars(b))
  }

  async getFeatures(p: ApiParams<'getFeatures'>): Promise<ApiResult<'getFeatures'>> {
    if (!isFeatureSetName(p.set))
      throw new Error(`unknown feature set "${p.set}" (one of ${FEATURE_SET_NAMES.join(', ')})`)
    const key = this.seriesKey(p)
    const features = this.s.features
    const t = features.get(key, p.set, Math.min(p.limit ?? 500, 20_000))
    // Keep the series' features current as live bars close, so the next request is a cache hit.
    features.follow(key, p.set)
    const f = t.names.length
    const rows = Array.from(t.time, (_, i) =>
      Array.from(t.data.subarray(i * f, (i + 1) * f), (v) => (Number.isNaN(v) ? null : v)),
    )
    return { set: t.set, names: t.names, specHash: t.specHash, time: Array.from(t.time), rows, cached: t.cached }
  }

  async listJobs(p: ApiParams<'listJobs'>): Promise<ApiResult<'listJobs'>> {
    return this.s.jobRecords.list(p?.limit ?? 50)
  }

  async startJob(p: ApiParams<'startJob'>): Promise<ApiResult<'startJob'>> {
    return this.submit(parseJob(p.kind, p.params))
  }

  async cancelJob(p: ApiParams<'cancelJob'>): Promise<ApiResult<'cancelJob'>> {
    return this.s.jobs.cancel(p.id)
  }

  async getSetting(p: ApiParams<'getSetting'>): Promise<unknown> {
    return this.s.settings.get(p.key) ?? null
  }

  async setSetting(p: ApiParams<'setSetting'>): Promise<void> {
    // The device choice is read at the next start (the probe runs once); a value it cannot use is refused now.
    if (p.key === DEVICE_SETTING && p.value !== undefined && !isDeviceChoice(p.value))
      throw new CallRefused('bad-request', `${DEVICE_SETTING} must be one of ${DEVICE_CHOICES.join(', ')}`)
    // The followed series are kept by the core (the live loops read them per bar): written through it, and applied.
    if (p.key === FOLLOWED_SERIES_SETTING)
      return this.s.setFollowed(Array.isArray(p.value) ? (p.value as FollowedSeries[]) : [])
    this.s.settings.set(p.key, p.value)
    // The ML switch acts live: the next signal of each strategy is scored (or not) accordingly.
    if (p.key === STRATEGY_ML_SETTING) await this.s.strategies.refreshMl()
  }

  async importFiles(p: ApiParams<'importFiles'>): Promise<ApiResult<'importFiles'>> {
    const { uploads: inbox, inflateLimits } = this.s
    // Uploads are imported from their private folder under the name the user gave them, and deleted when the job ends.
    const uploads = inbox.resolve(p.uploads ?? [])
    const ids = uploads.map((u) => u.id)
    let job: JobInfo
    try {
      const request: ImportJobRequest = {
        files: [...p.files, ...uploads.map((u) => u.path)],
        ...(uploads.length ? { names: Object.fromEntries(uploads.map((u) => [u.path, u.name])) } : {}),
        ...(p.format !== undefined ? { format: p.format } : {}),
        ...(p.symbol !== undefined ? { symbol: p.symbol } : {}),
        ...(p.venue !== undefined ? { venue: p.venue } : {}),
        ...(p.timeframe !== undefined ? { timeframe: p.timeframe } : {}),
        ...(inflateLimits ? { inflateLimits: { ...inflateLimits } } : {}),
      }
      job = this.s.jobs.submit(IMPORT_JOB_KIND, parseJobRequest(IMPORT_JOB_KIND, request, 'importFiles'))
    } catch (err) {
      inbox.release(ids)
      throw err
    }
    if (ids.length === 0) return job
    if (job.state === 'running' || job.state === 'queued') this.uploadsOfJob.set(job.id, ids)
    else inbox.release(ids)
    return job
  }

  /**
   * Every change of a job's state, from the runner: releases the uploads of an import that ended, publishes the job, and
   * tells the Models view of each version a finished training job registered.
   */
  jobUpdated(job: JobInfo): void {
    const uploads = this.uploadsOfJob.get(job.id)
    if (uploads && job.state !== 'running' && job.state !== 'queued') {
      this.uploadsOfJob.delete(job.id)
      this.s.uploads.release(uploads)
    }
    const { events, clock } = this.s
    events.publish('job', job)
    for (const m of trainedVersions(job))
      events.publish('models', {
        name: m.name,
        change: 'trained',
        ...(m.versionId ? { versionId: m.versionId } : {}),
        time: clock.now(),
      })
  }

  async listModels(): Promise<ApiResult<'listModels'>> {
    return this.s.registry.list().map(modelListItem)
  }

  /** A/B tests, newest first: of one model name, or of every name (`GET /api/ml/ab-tests`). */
  async listAbTests(p: ApiParams<'listAbTests'>): Promise<ApiResult<'listAbTests'>> {
    const name = p && typeof p === 'object' ? p.name : undefined
    if (name !== undefined && !this.s.registry.hasModel(name))
      throw new CallRefused('not-found', `no model named "${name}"`)
    return this.s.registry.abTests(name).map(abTestInfo)
  }

  /**
   * Starts a champion-vs-challenger test of a model name (DOMAIN.md §6): the current aliases unless versions are named;
   * outcomes are due one horizon after each bar (the champion card's `horizon`, or `horizonMs`).
   */
  async startAbTest(p: ApiParams<'startAbTest'>): Promise<ApiResult<'startAbTest'>> {
    const registry = this.s.registry
    const champion = p.champion ?? registry.aliases(p.name).champion
    if (!champion) throw new CallRefused('bad-request', `"${p.name}" has no champion to test a challenger against`)
    const card = registry.get(champion).card
    const horizonMs =
      p.horizonMs ?? (card.horizon?.timeframe ? card.horizon.bars * TIMEFRAME_MS[card.horizon.timeframe] : undefined)
    if (horizonMs === undefined)
      throw new CallRefused(
        'bad-request',
        `the card of ${champion.slice(0, 12)} ("${p.name}") has no horizon with a timeframe: pass horizonMs`,
      )
    const test = registry.startAbTest(p.name, {
      horizonMs,
      champion,
      ...(p.challenger ? { challenger: p.challenger } : {}),
      ...(p.autoPromote !== undefined ? { autoPromote: p.autoPromote } : {}),
    })
    return abTestInfo(test.status())
  }

  /** Ends the running A/B test of a model name without a winner, with the reason. */
  async stopAbTest(p: ApiParams<'stopAbTest'>): Promise<ApiResult<'stopAbTest'>> {
    if (!this.s.registry.hasModel(p.name)) throw new CallRefused('not-found', `no model named "${p.name}"`)
    const running = this.s.registry.abTests(p.name).find((t) => t.status === 'running')
    if (!running) throw new CallRefused('not-found', `"${p.name}" has no running A/B test`)
    return abTestInfo(this.s.registry.abTest(running.id).stop(p.reason))
  }

  async getModel(p: ApiParams<'getModel'>): Promise<ApiResult<'getModel'>> {
    const registry = this.s.registry
    const m = registry.model(p.name)
    return {
      name: m.name,
      versions: m.versions.map(versionInfo).reverse(),
      aliases: m.aliases,
      history: registry.history(m.name).map(aliasEvent),
      gates: registry.gates(m.name).map((g) => ({
        id: g.id,
        candidate: g.candidate,
        champion: g.champion,
        time: g.time,
        passed: g.passed,
        reason: g.reason,
      })),
      abTests: registry.abTests(m.name).map(abTestInfo),
      healthHistory: registry.healthHistory(m.name, 500).map(healthPoint).reverse(),
    }
  }

  async trainModel(p: ApiParams<'trainModel'>): Promise<ApiResult<'trainModel'>> {
    return this.submit({ kind: TRAIN_JOB_KIND, request: parseJobRequest(TRAIN_JOB_KIND, p, 'trainModel') })
  }

  /** Moves an alias (the gate decides, or `force` with its reason), records who and from which shell, publishes `models`. */
  async promoteModel(p: ApiParams<'promoteModel'>): Promise<ApiResult<'promoteModel'>> {
    const { registry, events, shell, codeVersion } = this.s
    const r = registry.promote(p.id, {
      alias: p.alias,
      reason: p.reason,
      force: p.force === true,
      actor: 'user',
      detail: { via: shell, version: codeVersion },
    })
    if (r.changed && r.event)
      events.publish('models', {
        name: r.event.name,
        change: 'promoted',
        versionId: r.event.to ?? undefined,
        time: r.event.time,
      })
    return {
      changed: r.changed,
      ...(r.authorisedBy ? { authorisedBy: r.authorisedBy } : {}),
      ...(r.event ? { event: aliasEvent(r.event) } : {}),
    }
  }

  async rollbackModel(p: ApiParams<'rollbackModel'>): Promise<ApiResult<'rollbackModel'>> {
    const e = this.s.registry.rollback(p.name, p.alias, p.reason, 'user')
    this.s.events.publish('models', {
      name: e.name,
      change: 'rolled-back',
      ...(e.to ? { versionId: e.to } : {}),
      time: e.time,
    })
    return aliasEvent(e)
  }

  /** Registers a model file (Armada ONNX, foreign ONNX with a card, LightGBM or XGBoost); a new version publishes `models`. */
  async importModel(bytes: Uint8Array, options: ImportOptions = {}): Promise<ImportedModel> {
    const r = await this.s.registry.importFile(bytes, options)
    if (r.created)
      this.s.events.publish('models', {
        name: r.version.name,
        change: 'trained',
        versionId: r.version.id,
        time: this.s.clock.now(),
      })
    return r
  }

  async getForecast(p: ApiParams<'getForecast'>): Promise<ApiResult<'getForecast'>> {
    return this.s.forecasts.forecast(this.seriesKey(p))
  }

  async getPredictions(p: ApiParams<'getPredictions'>): Promise<ApiResult<'getPredictions'>> {
    return this.s.forecasts.history(this.seriesKey(p), p)
  }

  async getForecastStatus(): Promise<ApiResult<'getForecastStatus'>> {
    return this.s.forecasts.status()
  }

  async retrainForecast(p: ApiParams<'retrainForecast'>): Promise<ApiResult<'retrainForecast'>> {
    return this.submit({
      kind: REGIME_TRAIN_JOB_KIND,
      request: parseJobRequest(REGIME_TRAIN_JOB_KIND, { ...p, ...this.seriesKey(p) }, 'retrainForecast'),
    })
  }

  async runBacktest(p: ApiParams<'runBacktest'>): Promise<ApiResult<'runBacktest'>> {
    return this.submit({ kind: BACKTEST_JOB_KIND, request: parseJobRequest(BACKTEST_JOB_KIND, p, 'runBacktest') })
  }

  async listBacktests(): Promise<ApiResult<'listBacktests'>> {
    return this.s.backtests.list()
  }

  async getBacktest(p: ApiParams<'getBacktest'>): Promise<ApiResult<'getBacktest'>> {
    const run = this.s.backtests.get(p.id)
    if (!run) throw new CallRefused('not-found', `no backtest #${p.id}`)
    return run
  }

  async listSweeps(): Promise<ApiResult<'listSweeps'>> {
    return this.s.sweeps.list()
  }

  async getSweep(p: ApiParams<'getSweep'>): Promise<ApiResult<'getSweep'>> {
    const sweep = this.s.sweeps.get(p.id)
    if (!sweep) throw new CallRefused('not-found', `no sweep #${p.id}`)
    return sweep
  }

  async listSignals(p: ApiParams<'listSignals'>): Promise<ApiResult<'listSignals'>> {
    return this.s.strategies.listSignals(p ?? {}).map(signalView)
  }

  async listLiveStrategies(): Promise<ApiResult<'listLiveStrategies'>> {
    return this.s.strategies.specs()
  }

  async listPaperAccounts(): Promise<ApiResult<'listPaperAccounts'>> {
    return this.s.strategies.accounts()
  }

  async setLiveStrategy(p: ApiParams<'setLiveStrategy'>): Promise<ApiResult<'setLiveStrategy'>> {
    const spec = { ...p.spec, venue: p.spec.venue || this.defaultVenue(p.spec.symbol, p.spec.timeframe) }
    try {
      if (p.enabled) return await this.s.strategies.enable(spec)
      this.s.strategies.disable(spec)
      return null
    } catch (err) {
      if (err instanceof StrategySpecError) throw new CallRefused('bad-request', `setLiveStrategy: ${err.message}`)
      throw err
    }
  }

  async trainSignalQuality(p: ApiParams<'trainSignalQuality'>): Promise<ApiResult<'trainSignalQuality'>> {
    return this.submit({
      kind: SIGNAL_QUALITY_TRAIN_JOB_KIND,
      request: parseJobRequest(SIGNAL_QUALITY_TRAIN_JOB_KIND, p, 'trainSignalQuality'),
    })
  }

  async listAlerts(p: ApiParams<'listAlerts'>): Promise<ApiResult<'listAlerts'>> {
    return this.s.alerts.list(p ?? {})
  }

  async acknowledgeAlert(p: ApiParams<'acknowledgeAlert'>): Promise<ApiResult<'acknowledgeAlert'>> {
    return this.s.alerts.acknowledge(p.id)
  }

  async getAlertStatus(): Promise<ApiResult<'getAlertStatus'>> {
    return this.s.alerts.status()
  }

  async setAlertModelMuted(p: ApiParams<'setAlertModelMuted'>): Promise<ApiResult<'setAlertModelMuted'>> {
    return this.s.alerts.setMuted(p.modelName, p.muted)
  }

  async getHmmRegimes(p: ApiParams<'getHmmRegimes'>): Promise<ApiResult<'getHmmRegimes'>> {
    const key = this.seriesKey(p)
    const model = hmmModelName(key.symbol, key.timeframe)
    const id = this.s.registry.hasModel(model) ? this.s.registry.aliases(model).champion : undefined
    if (!id)
      return {
        model,
        versionId: null,
        reason: `no regime HMM for ${key.symbol} ${key.timeframe}: fit one with armada train hmm --symbol ${key.symbol} --timeframe ${key.timeframe}`,
        points: [],
      }
    const tracker = HmmRegimeTracker.fromCard(this.s.registry.get(id).card, key.timeframe)
    const points: HmmRegimePoint[] = []
    const mass = { bear: 'bear', range: 'range', bull: 'bull' } as const
    const regime = { bear: 'bearish', range: 'neutral', bull: 'bullish' } as const
    // The filter is recursive: it reads every stored bar from the first, as live did, and keeps the newest points.
    for (const page of this.s.bars.pages(key))
      for (const bar of page) {
        const r = tracker.update(bar)
        if (r?.accepted) points.push({ time: bar.time, regime: regime[r.accepted], confidence: r[mass[r.accepted]] })
      }
    return { model, versionId: id, points: points.slice(-(p.limit ?? 5000)) }
  }

  async listFollowedSeries(): Promise<ApiResult<'listFollowedSeries'>> {
    return [...this.s.followed()]
  }

  async followSeries(p: ApiParams<'followSeries'>): Promise<ApiResult<'followSeries'>> {
    const spec = this.checkFollow(p)
    const list = [...this.s.followed().filter((f) => followedKey(f) !== followedKey(spec)), spec]
    await this.s.setFollowed(list)
    return list
  }

  async unfollowSeries(p: ApiParams<'unfollowSeries'>): Promise<ApiResult<'unfollowSeries'>> {
    const key = followedKey({ symbol: symbolKey(p.symbol), venue: p.venue.toUpperCase(), timeframe: p.timeframe })
    const list = this.s.followed().filter((f) => followedKey(f) !== key)
    await this.s.setFollowed(list)
    return list
  }

  /** A followed series as asked for, checked: a feed that can stream it, or stored bars to follow. */
  private checkFollow(p: FollowSeriesRequest): FollowedSeries {
    const refuse = (why: string): never => {
      throw new CallRefused('bad-request', `followSeries: ${why}`)
    }
    const symbol = symbolKey(p.symbol)
    const source = p.source ?? (this.s.feedSymbols(p.timeframe) ? 'feed' : 'stored')
    let venue = p.venue?.toUpperCase()
    if (source === 'feed') {
      const can = this.s.feedSymbols(p.timeframe)
      if (!can) refuse('no live feed is running (serve --feed-ws … or --embedded); follow stored data instead')
      if (can !== 'any' && !can!.includes(symbol))
        refuse(
          `the feed does not stream ${symbol} ${p.timeframe} (it streams ${can!.length ? can!.join(', ') : 'nothing'} at ${p.timeframe})`,
        )
      venue ??= this.s.feedVenue(symbol, p.timeframe)
    } else {
      venue ??= venuesStoring(this.s.bars.listSeries(), symbol, p.timeframe)[0]
      if (!venue || this.s.bars.count({ symbol, venue, timeframe: p.timeframe }) === 0)
        refuse(`no stored ${symbol} ${p.timeframe} bars${venue ? ` at ${venue}` : ''} to follow (import them first)`)
    }
    return { symbol, venue: venue!, timeframe: p.timeframe, source, forecast: p.forecast ?? true }
  }

  async setAlertBasket(p: ApiParams<'setAlertBasket'>): Promise<ApiResult<'setAlertBasket'>> {
    const given = p?.basket
    if (given === undefined) throw new CallRefused('bad-request', 'setAlertBasket: "basket" must be a basket or null')
    await this.s.chooseAlertBasket(given === null ? null : this.checkBasket(given))
    return this.s.alerts.status()
  }

  async trainAlertBasket(p: ApiParams<'trainAlertBasket'>): Promise<ApiResult<'trainAlertBasket'>> {
    const st = this.s.alerts.status()
    const timeframe = ALERT_TIMEFRAMES.find((t) => t === st.timeframe)
    if (!st.basket || !st.venue || !st.modelPrefix || !timeframe)
      throw new CallRefused('bad-request', 'trainAlertBasket: no alert basket is chosen (setAlertBasket first)')
    const barsPerYear = this.s.alerts.barsPerYear
    const request = {
      assets: st.assets.map((symbol) => ({ symbol, venue: st.venue! })),
      timeframe,
      barsPerYear,
      name: st.modelPrefix,
      ...(p?.types ? { types: p.types } : {}),
      ...(p?.horizonsHours ? { horizonsHours: p.horizonsHours } : {}),
    }
    return this.submit({
      kind: ALERTS_TRAIN_JOB_KIND,
      request: parseJobRequest(ALERTS_TRAIN_JOB_KIND, request, 'trainAlertBasket'),
    })
  }

  /** A basket as asked for, checked: ≥ 3 distinct stored series of one venue and an alert timeframe. */
  private checkBasket(b: AlertBasketSpec): AlertBasketSpec {
    const refuse = (why: string): never => {
      throw new CallRefused('bad-request', `setAlertBasket: ${why}`)
    }
    if (!b || !Array.isArray(b.assets)) refuse('"assets" must be a list of symbols, the lead first')
    const assets = b.assets.map((a) => symbolKey(String(a)))
    if (assets.length < 3) refuse(`a basket needs at least 3 instruments (the lead first), got ${assets.length}`)
    if (new Set(assets).size !== assets.length) refuse('an instrument is listed twice')
    const timeframe = ALERT_TIMEFRAMES.find((t) => t === b.timeframe)
    if (!timeframe) refuse(`"timeframe" must be one of ${ALERT_TIMEFRAMES.join(', ')}, got "${b.timeframe}"`)
    if (typeof b.venue !== 'string' || !b.venue.trim()) refuse('"venue" must name the venue storing the series')
    const venue = b.venue.trim().toUpperCase()
    const missing = assets.filter((symbol) => this.s.bars.count({ symbol, venue, timeframe: timeframe! }) === 0)
    if (missing.length) refuse(`no stored ${timeframe} bars of ${missing.join(', ')} at ${venue}`)
    if (b.barsPerYear !== undefined && !(Number.isFinite(b.barsPerYear) && b.barsPerYear > 0))
      refuse('"barsPerYear" must be a positive number')
    const name = typeof b.name === 'string' && b.name.trim() ? b.name.trim().slice(0, 64) : undefined
    return {
      ...(name ? { name } : {}),
      assets,
      venue,
      timeframe: timeframe!,
      ...(b.barsPerYear !== undefined ? { barsPerYear: b.barsPerYear } : {}),
    }
  }

  subscribe<T extends ApiTopic>(topic: T, listener: (event: ApiEvents[T]) => void): Disposable {
    return this.s.events.subscribe(topic, listener)
  }

  private submit(job: { kind: JobKind; request: JobRequests[JobKind] }): JobInfo {
    return this.s.jobs.submit(job.kind, job.request)
  }

  /** A series as asked for: the symbol upper-cased, the venue as given or the one storing it. */
  private seriesKey(p: { symbol: string; venue?: string; timeframe: Timeframe }): SeriesKey {
    return {
      symbol: symbolKey(p.symbol),
      venue: p.venue ?? this.defaultVenue(p.symbol, p.timeframe),
      timeframe: p.timeframe,
    }
  }

  /** The venue storing `symbol` at `timeframe`, else one storing a finer timeframe it can be resampled from; BINANCE without either. */
  private defaultVenue(symbol: string, timeframe: Timeframe): string {
    const series = this.s.bars.listSeries()
    const s = symbolKey(symbol)
    return (
      venuesStoring(series, s, timeframe)[0] ?? venuesStoring(series, s, timeframe, { resample: true })[0] ?? 'BINANCE'
    )
  }
}

/** The WorkstationApi (and the in-process calls of {@link LocalWorkstationApi}) over started services. */
export function createWorkstationApi(services: ApiServices): WorkstationApiImpl {
  return new WorkstationApiImpl(services)
}
