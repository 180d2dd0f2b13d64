import {
  API_METHOD_NAMES,
  REGIME_TRAIN_JOB_KIND,
  signalView,
  systemClock,
  TIMEFRAME_MS,
  type ApiEvents,
  type AlertBasketSpec,
  type ApiTopic,
  type Clock,
  type DeviceChoice,
  type DeviceStatus,
  type Disposable,
  DEVICE_SETTING,
  isDeviceChoice,
  type Timeframe,
  ALERT_BASKET_SETTING,
  FOLLOWED_SERIES_SETTING,
  symbolKey,
  type FollowedSeries,
  alertBasketName,
  alertModelPrefix,
} from '../../src-shared'
import {
  createWorkstationApi,
  PrometheusMetrics,
  UploadInbox,
  type LiveStage,
  type LocalWorkstationApi,
  type WorkstationApiImpl,
} from '../api'
import {
  defaultBasketReplayFiles,
  DEMO_WINDOWS,
  startEmbeddedReplay,
  type EmbeddedReplay,
  type FeedStatus,
  type FeedStream,
} from '../data'
import {
  AlertService,
  defaultModelsDir,
  FeatureService,
  ForecastService,
  MarketContextReader,
  type AlertsConfig,
} from '../predictors'
import { OnnxInferenceEngine, probeDevice } from '../ml'
import { ModelRegistry } from '../registry'
import { StrategyService } from '../trading'
import {
  openDatabase,
  schemaVersion,
  SqliteAlertStore,
  SqliteBacktestStore,
  SqliteSweepStore,
  SqliteBarStore,
  SqliteFeatureCacheStore,
  BOOK_RETENTION_SETTING,
  DEFAULT_BOOK_RETENTION_HOURS,
  SqliteBookTopStore,
  SqliteDepthStore,
  SqliteFundingStore,
  SqliteInstrumentStore,
  SqliteLiquidationStore,
  SqliteMarkPriceStore,
  SqliteTradeStore,
  SqliteJobStore,
  SqlitePredictionStore,
  SqliteSettingsStore,
  SqliteSignalStore,
  WalCheckpointer,
  type Db,
} from '../store'
import type { CoreConfig } from './config'
import { EventBus } from './event-bus'
import { JobRunner } from './job-runner'
import { LiveFeedService } from './live-feed'
import { ARMADA_VERSION } from './version'

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

/**
 * The workstation core: one object implementing the WorkstationApi over the store, job runner and event bus.
 * Shells only adapt transport. Build with {@link createCore}; call `start()` before use and `dispose()` at the end.
 * Its API calls are api/'s `WorkstationApiImpl` over the services `start()` built (forwarded below the class).
 */
export interface WorkstationCore extends LocalWorkstationApi {}

/** The composition root: builds and starts every service in dependency order, owns them, disposes them in reverse. */
export class WorkstationCore {
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
  /** The live strategies: one node per enabled (strategy, series), signals stored and published (DOMAIN.md §4). */
  strategies!: StrategyService
  private strategyEngine?: OnnxInferenceEngine
  private deviceChoice: DeviceChoice = 'auto'
  private followedList?: readonly FollowedSeries[]
  private deviceProbe?: Promise<DeviceStatus>
  private strategiesStarted: Promise<void> = Promise.resolve()
  /** Prometheus metrics of this core (`/metrics`); absent when the config turns them off. Disposed with the core. */
  metrics?: PrometheusMetrics
  /** Files uploaded through the headless shell, waiting for (or in) their import job. */
  readonly uploads: UploadInbox
  private implementation?: WorkstationApiImpl
  /** The step `dispose()` is at (named in a stalled shutdown's message). */
  disposeStep: string | undefined
  private readonly disposables: Disposable[] = []
  /** Market context the live feed stores and the feature sets read (book data under bounded retention). */
  marketEvents!: {
    readonly funding: SqliteFundingStore
    readonly markPrices: SqliteMarkPriceStore
    readonly bookTops: SqliteBookTopStore
    readonly depth: SqliteDepthStore
    readonly liquidations: SqliteLiquidationStore
    readonly trades: SqliteTradeStore
  }
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

  /**
   * The inference device (`--device`, else the `inference.device` setting, else auto), probed once on first use:
   * `serve` asks at start, health shows it; a CLI command that never asks never opens a GPU provider.
   */
  device(): Promise<DeviceStatus> {
    this.deviceProbe ??= probeDevice(this.deviceChoice, this.config.devices ? { allowed: this.config.devices } : {})
    return this.deviceProbe
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
    const stored = this.settings.get<unknown>(DEVICE_SETTING)
    const device: DeviceChoice = this.config.device ?? (isDeviceChoice(stored) ? stored : 'auto')
    this.deviceChoice = device
    this.registry = new ModelRegistry(this.db, this.clock)
    const metricsOn = this.config.metrics ?? true
    this.jobs = new JobRunner(
      this.jobStore,
      this.clock,
      this.config.dbPath,
      (job) => {
        this.metrics?.jobUpdated(job)
        this.implementation?.jobUpdated(job)
      },
      { codeVersion: ARMADA_VERSION, device, ...(this.config.jobs ? { execution: this.config.jobs } : {}) },
    )
    this.jobs.start()
    const bookHours = Number(this.settings.get<number>(BOOK_RETENTION_SETTING) ?? DEFAULT_BOOK_RETENTION_HOURS)
    const bookRetention = { ms: (bookHours > 0 ? bookHours : DEFAULT_BOOK_RETENTION_HOURS) * 3_600_000 }
    this.marketEvents = {
      funding: new SqliteFundingStore(this.db),
      markPrices: new SqliteMarkPriceStore(this.db),
      bookTops: new SqliteBookTopStore(this.db, bookRetention),
      depth: new SqliteDepthStore(this.db, bookRetention),
      liquidations: new SqliteLiquidationStore(this.db),
      trades: new SqliteTradeStore(this.db),
    }
    this.features = new FeatureService(
      this.bars,
      new SqliteFeatureCacheStore(this.db),
      this.events,
      new MarketContextReader(this.marketEvents),
      this.timed('feature').onLatency,
    )
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
      // A replayed series, or a followed one with forecasts on, that has no regime models gets them trained (or the
      // shipped ones loaded).
      submitTraining: (request) => this.jobs.submit(REGIME_TRAIN_JOB_KIND, request),
      autoTrain: (key) => live?.kind === 'replay' || this.followedSeries(key)?.forecast === true,
      ...(live?.kind === 'replay' ? { defaultModelsDir: defaultModelsDir() } : {}),
      // A followed series is forecast as the trader chose; the embedded default's basket feeds the alert loop only.
      forecasts: (key) =>
        this.followedSeries(key)?.forecast ??
        !(this.embeddedBasket() && EMBEDDED_ALERT_BASKET.assets.includes(key.symbol)),
      ...this.timed('regime'),
    })
    this.forecasts.start()
    if (this.config.alertBasket) this.settings.set(ALERT_BASKET_SETTING, this.config.alertBasket)
    this.alerts = this.alertLoop()
    this.alerts.start()
    this.strategyEngine = new OnnxInferenceEngine()
    this.strategies = new StrategyService({
      bars: this.bars,
      signals: new SqliteSignalStore(this.db),
      settings: this.settings,
      registry: this.registry,
      engine: this.strategyEngine,
      publish: (signal, warmUp) => this.events.publish('signal', { signal: signalView(signal), warmUp }),
      ...this.timed('strategy'),
    })
    this.own(this.events.subscribe('bar', (bar) => this.strategies.onBar(bar)))
    this.own(
      this.events.subscribe('models', (e) => {
        if (e.name.startsWith('signal-quality-')) void this.strategies.refreshMl()
      }),
    )
    this.strategiesStarted = this.strategies.start(this.config.strategies ?? [])
    if (metricsOn) {
      const startedAt = this.clock.now()
      const alertStore = new SqliteAlertStore(this.db)
      this.metrics = new PrometheusMetrics({
        version: ARMADA_VERSION,
        startedAt,
        clock: this.clock,
        events: this.events,
        registry: this.registry,
        predictions: new SqlitePredictionStore(this.db),
        alerts: alertStore,
        basket: () => this.alerts.basket,
        series: () => this.bars.listSeries(),
        feeds: () => this.feedStatuses(),
        jobsRunning: () => this.jobs.active,
      })
      this.metrics.start()
    }
    // The getter below reads the loop running now: a basket change replaces it.
    const core = this
    this.implementation = createWorkstationApi({
      shell: this.config.shell,
      device: () => this.device(),
      database: this.config.dbPath,
      schemaVersion: () => schemaVersion(this.db),
      codeVersion: ARMADA_VERSION,
      startedAt: this.clock.now(),
      ...(this.config.inflateLimits ? { inflateLimits: this.config.inflateLimits } : {}),
      clock: this.clock,
      events: this.events,
      bars: this.bars,
      instruments: this.instruments,
      settings: this.settings,
      jobRecords: this.jobStore,
      jobs: this.jobs,
      backtests: new SqliteBacktestStore(this.db),
      sweeps: new SqliteSweepStore(this.db),
      registry: this.registry,
      features: this.features,
      forecasts: this.forecasts,
      get alerts() {
        return core.alerts
      },
      chooseAlertBasket: (basket) => this.chooseAlertBasket(basket),
      followed: () => this.followed(),
      setFollowed: (list) => this.setFollowed(list),
      feedSymbols: (tf) => this.feedSymbols(tf),
      feedVenue: (symbol, tf) => this.feedVenue(symbol, tf),
      uploads: this.uploads,
      strategies: this.strategies,
      feed: () => this.live,
    })
  }

  /** The WorkstationApi over this core's services (api/); throws before `start()`. */
  get api(): WorkstationApiImpl {
    if (!this.implementation) throw new Error('the workstation core is not started (call start() first)')
    return this.implementation
  }

  /** The running live feeds' client status, by name: `main`, and `basket` for the embedded default's alert basket. */
  private feedStatuses(): { name: string; status: FeedStatus }[] {
    const out: { name: string; status: FeedStatus }[] = []
    const main = this.live?.feedStatus()
    if (main) out.push({ name: 'main', status: main })
    const basket = this.basketLive?.feedStatus()
    if (basket) out.push({ name: 'basket', status: basket })
    return out
  }

  /** True for the embedded default without an alerts config: the bundled alt/BTC basket is replayed and scored. */
  private embeddedBasket(): boolean {
    const live = this.config.live
    return !this.config.alerts && live?.kind === 'replay' && !live.files
  }

  /**
   * The basket the alert loop scores: the trader's (setting `alerts.basket`, from the Alerts view, the settings API or
   * `serve --alert-basket`), else the config's, else the embedded default's (the bundled US-equity basket).
   */
  private alertsConfig(): AlertsConfig | undefined {
    const chosen = this.settings.get<AlertBasketSpec | null>(ALERT_BASKET_SETTING, null)
    if (chosen) {
      const name = alertBasketName(chosen)
      return {
        basket: name,
        assets: chosen.assets,
        venue: chosen.venue,
        timeframe: chosen.timeframe,
        ...(chosen.barsPerYear !== undefined ? { barsPerYear: chosen.barsPerYear } : {}),
        modelPrefix: alertModelPrefix(name),
        source: 'trader',
      }
    }
    if (this.config.alerts) return { source: 'config', ...this.config.alerts }
    return this.embeddedBasket() ? { ...EMBEDDED_ALERT_BASKET, source: 'embedded' } : undefined
  }

  /**
   * The followed series (setting `live.followed`), read once and kept: the live loops ask on every bar, and
   * `setFollowed` is the one writer.
   */
  private followed(): readonly FollowedSeries[] {
    this.followedList ??= this.settings.getList<FollowedSeries>(FOLLOWED_SERIES_SETTING)
    return this.followedList
  }

  /** The followed entry of a series, if it is followed. */
  private followedSeries(key: { symbol: string; venue: string; timeframe: string }): FollowedSeries | undefined {
    return this.followed().find(
      (f) => f.symbol === key.symbol && f.venue === key.venue && f.timeframe === key.timeframe,
    )
  }

  /**
   * Stores the followed series and applies them: an exchange feed is restarted with their kline streams (it backfills
   * the gap of each since its last stored bar), and a series with forecasts on is scored (or its forecaster trained) now.
   */
  private async setFollowed(list: readonly FollowedSeries[]): Promise<void> {
    const before = this.feedStreams()
    this.settings.set(FOLLOWED_SERIES_SETTING, list)
    this.followedList = list
    if (
      this.config.live?.kind === 'exchange' &&
      this.live &&
      JSON.stringify(this.feedStreams()) !== JSON.stringify(before)
    ) {
      this.live.dispose()
      this.live = undefined
      await this.startLive()
    }
    for (const f of list) if (f.forecast) this.forecasts.follow(f)
  }

  /** The exchange feed's kline streams: the configured ones and every followed series on the feed. */
  private feedStreams(): FeedStream[] {
    const live = this.config.live
    if (live?.kind !== 'exchange') return []
    const venue = live.feed.venue ?? 'BINANCE'
    const streams = [...live.feed.streams]
    for (const f of this.followed())
      if (
        f.source === 'feed' &&
        f.venue === venue &&
        !streams.some((s) => s.kind === 'kline' && symbolKey(s.symbol) === f.symbol && s.timeframe === f.timeframe)
      )
        streams.push({ kind: 'kline', symbol: f.symbol, timeframe: f.timeframe })
    return streams
  }

  /** What the live feed can stream at a timeframe: an exchange anything, a replay its files' symbols; none without a feed. */
  private feedSymbols(timeframe: Timeframe): readonly string[] | 'any' | undefined {
    const live = this.config.live
    if (!live) return undefined
    if (live.kind === 'exchange') return 'any'
    return [...(this.replay?.streams ?? []), ...(this.basketReplay?.streams ?? [])]
      .filter((s) => s.kind === 'kline' && s.timeframe === timeframe)
      .map((s) => symbolKey(s.symbol))
  }

  /** The venue the live feed stores a symbol under (the embedded basket's replay stores its own under USA). */
  private feedVenue(symbol: string, timeframe: Timeframe): string | undefined {
    const live = this.config.live
    if (!live) return undefined
    if (live.kind === 'exchange') return live.feed.venue ?? 'BINANCE'
    const inBasket = this.basketReplay?.streams.some(
      (s) => s.kind === 'kline' && symbolKey(s.symbol) === symbol && s.timeframe === timeframe,
    )
    if (inBasket) return EMBEDDED_ALERT_BASKET.venue
    return live.files ? 'BINANCE' : EMBEDDED_VENUE
  }

  /** The alert loop over the current basket (not started). */
  private alertLoop(): AlertService {
    const alerts = this.alertsConfig()
    return new AlertService({
      bars: this.bars,
      alerts: new SqliteAlertStore(this.db),
      registry: this.registry,
      events: this.events,
      clock: this.clock,
      ...(alerts ? { config: alerts } : {}),
      ...(this.config.live?.kind === 'replay' ? { defaultModelsDir: defaultModelsDir() } : {}),
      dbPath: this.db.name,
      settings: this.settings,
      funding: this.marketEvents.funding,
      ...this.timed('alerts'),
    })
  }

  /** The `onLatency` hook of a live loop's stage when metrics are on (a closure: the metrics are built after the loops). */
  private timed(stage: LiveStage): { onLatency?: (seconds: number) => void } {
    return (this.config.metrics ?? true)
      ? { onLatency: (seconds: number) => this.metrics?.observeLive(stage, seconds) }
      : {}
  }

  /**
   * Stores the trader's basket (null: back to the default) and restarts the alert loop on it: the old loop stops (its
   * open alerts stay stored under their basket), the new one scores the basket's stored history, then its live bars.
   */
  private async chooseAlertBasket(basket: AlertBasketSpec | null): Promise<void> {
    this.settings.set(ALERT_BASKET_SETTING, basket)
    const old = this.alerts
    await old.dispose()
    this.alerts = this.alertLoop()
    this.alerts.start()
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
      const files = live.files
        ? { files: live.files, importOptions: { inflateLimits: this.config.inflateLimits ?? {} } }
        : undefined
      this.replay = await startEmbeddedReplay(
        files,
        { speed: { barsPerSecond: live.barsPerSecond ?? 2 }, lastStored: lastStoredOf(this.bars), ...window },
        this.clock,
      )
      feed = {
        wsBase: this.replay.wsBase,
        restBase: this.replay.restBase,
        market: 'spot' as const,
        streams: this.replay.streams,
        initialHistoryBars: Math.max(1000, this.replay.historyPeriods),
        ...(live.files ? {} : { venue: EMBEDDED_VENUE }),
      }
    } else feed = { ...live.feed, streams: this.feedStreams() }
    const stores = { bars: this.bars, ...this.marketEvents }
    this.live = new LiveFeedService(
      feed,
      live.kind === 'replay' ? 'replay' : 'exchange',
      stores,
      this.events,
      this.clock,
    )
    this.live.start()
    if (live.kind === 'replay' && this.embeddedBasket())
      await this.startBasketReplay(live.barsPerSecond ?? 2, lastStoredOf(this.bars))
  }

  /**
   * The embedded default's alert basket: a second replay server over the bundled US-equity hours with its own cursor
   * (their dates differ from BTC/USD's), from DEMO_WINDOWS.alerts.from (the shipped alert models never saw those bars);
   * its first 4000 bars (2018-01 → 2020-05, the 2020 crash included) are served as history so the 30-day features are
   * warm and the alert loop scores them on a first start. Its closed bars join the core's `bar` events; its feed status
   * stays internal (the status bar shows the main feed).
   */
  private async startBasketReplay(
    barsPerSecond: number,
    lastStored: (symbol: string, timeframe: Timeframe) => number | undefined,
  ): Promise<void> {
    this.basketReplay = await startEmbeddedReplay(
      { files: defaultBasketReplayFiles() },
      { speed: { barsPerSecond }, lastStored, startIndex: 4000, from: DEMO_WINDOWS.alerts.from },
      this.clock,
    )
    const r = this.basketReplay
    const bus = new EventBus()
    this.own(bus.subscribe('bar', (bar) => this.events.publish('bar', bar)))
    const feed = {
      wsBase: r.wsBase,
      restBase: r.restBase,
      market: 'spot' as const,
      streams: r.streams,
      initialHistoryBars: Math.max(1000, r.historyPeriods),
      venue: EMBEDDED_ALERT_BASKET.venue!,
    }
    this.basketLive = new LiveFeedService(feed, 'replay', { bars: this.bars }, bus, this.clock)
    this.basketLive.start()
  }

  /** The open database handle, for services composed on top of the core. */
  get database(): Db {
    return this.db
  }

  /** Registers something to dispose with the core. */
  own(d: Disposable): void {
    this.disposables.push(d)
  }

  /** Events of the core's bus; before `start()` too (the bus is the core's own). */
  subscribe<T extends ApiTopic>(topic: T, listener: (event: ApiEvents[T]) => void): Disposable {
    return this.events.subscribe(topic, listener)
  }

  /** Stops jobs and feeds, then closes the database. */
  async dispose(): Promise<void> {
    this.disposeStep = 'live feeds'
    this.metrics?.dispose()
    for (const d of this.disposables.splice(0).reverse()) d.dispose()
    this.live?.dispose()
    this.basketLive?.dispose()
    // Before the registry and the database close: they wait for a shipped-model registration or scoring in progress.
    this.disposeStep = 'forecast, alert and strategy services'
    await Promise.all([
      this.forecasts?.dispose(),
      this.alerts?.dispose(),
      this.strategiesStarted.then(() => this.strategies?.dispose()),
    ])
    await this.strategyEngine?.dispose()
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

// Every contract call, and the in-process ones, is the API implementation's (LocalWorkstationApi, declared merged above).
for (const method of [...API_METHOD_NAMES, 'importModel'] as const) {
  Object.defineProperty(WorkstationCore.prototype, method, {
    value(this: WorkstationCore, ...args: unknown[]): unknown {
      return (this.api[method] as (...a: unknown[]) => unknown).apply(this.api, args)
    },
    writable: true,
    configurable: true,
  })
}
Object.defineProperty(WorkstationCore.prototype, 'modelRecords', {
  get(this: WorkstationCore) {
    return this.api.modelRecords
  },
  configurable: true,
})

/** Composition root: builds the core and its services in dependency order. Nothing starts until `start()`. */
export function createCore(config: CoreConfig, clock: Clock = systemClock): WorkstationCore {
  return new WorkstationCore(config, new EventBus(), clock)
}
