import {
  systemClock,
  type ApiEvents,
  type ApiParams,
  type ApiResult,
  type ApiTopic,
  type Clock,
  type Disposable,
  type Health,
  type WorkstationApi,
} from '../../src-shared'
import {
  openDatabase,
  schemaVersion,
  SqliteBarStore,
  SqliteFundingStore,
  SqliteInstrumentStore,
  SqliteJobStore,
  SqliteSettingsStore,
  type Db,
} from '../store'
import { startEmbeddedReplay, type EmbeddedReplay } from '../data'
import type { CoreConfig } from './config'
import { EventBus } from './event-bus'
import { JobRunner } from './job-runner'
import { LiveFeedService } from './live-feed'
import { ARMADA_VERSION } from './version'

/**
 * The workstation core: one object implementing the WorkstationApi over the store, job runner and event bus.
 * Shells only adapt transport. Build with {@link createCore}; call `start()` before use and `dispose()` at the end.
 */
export class WorkstationCore implements WorkstationApi {
  private db!: Db
  bars!: SqliteBarStore
  instruments!: SqliteInstrumentStore
  settings!: SqliteSettingsStore
  private jobStore!: SqliteJobStore
  jobs!: JobRunner
  private startedAt = 0
  private readonly disposables: Disposable[] = []
  private live?: LiveFeedService
  private replay?: EmbeddedReplay

  constructor(
    readonly config: CoreConfig,
    readonly events: EventBus = new EventBus(),
    readonly clock: Clock = systemClock,
  ) {}

  /** Opens the database (migrating it) and starts services. Throws DatabaseOpenError for unusable files. */
  start(): void {
    this.db = openDatabase(this.config.dbPath)
    this.bars = new SqliteBarStore(this.db)
    this.instruments = new SqliteInstrumentStore(this.db)
    this.settings = new SqliteSettingsStore(this.db)
    this.jobStore = new SqliteJobStore(this.db)
    this.jobs = new JobRunner(this.jobStore, this.clock, this.config.dbPath, (job) => this.events.publish('job', job))
    this.jobs.start()
    this.startedAt = this.clock.now()
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
      this.replay = await startEmbeddedReplay(live.files ? { files: live.files } : undefined, { speed: { barsPerSecond: live.barsPerSecond ?? 2 } }, this.clock)
      feed = { wsBase: this.replay.wsBase, restBase: this.replay.restBase, market: 'spot' as const, streams: this.replay.streams, initialHistoryBars: 1000 }
    } else feed = live.feed
    const stores = { bars: this.bars, funding: new SqliteFundingStore(this.db) }
    this.live = new LiveFeedService(feed, live.kind === 'replay' ? 'replay' : 'exchange', stores, this.events, this.clock)
    this.live.start()
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
    return this.bars.listSeries()
  }

  async getBars(q: ApiParams<'getBars'>): Promise<ApiResult<'getBars'>> {
    const venue = q.venue ?? this.defaultVenue(q.symbol, q.timeframe)
    const range = { symbol: q.symbol.toUpperCase(), venue, timeframe: q.timeframe, from: q.from, to: q.to }
    return this.bars.latestBars(range, Math.min(q.limit ?? 5_000, 100_000))
  }

  private defaultVenue(symbol: string, timeframe: string): string {
    const s = this.bars.listSeries().find((x) => x.symbol === symbol.toUpperCase() && x.timeframe === timeframe)
    return s?.venue ?? 'BINANCE'
  }

  async listJobs(p: ApiParams<'listJobs'>): Promise<ApiResult<'listJobs'>> {
    return this.jobStore.list(p?.limit ?? 50)
  }

  async startJob(p: ApiParams<'startJob'>): Promise<ApiResult<'startJob'>> {
    return this.jobs.submit(p.kind, { ...(p.params ?? {}) })
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
    const params: Record<string, unknown> = { files: [...p.files] }
    for (const k of ['format', 'symbol', 'venue', 'timeframe'] as const) if (p[k] !== undefined) params[k] = p[k]
    return this.jobs.submit('data.import', params)
  }

  subscribe<T extends ApiTopic>(topic: T, listener: (event: ApiEvents[T]) => void): Disposable {
    return this.events.subscribe(topic, listener)
  }

  /** Stops jobs and feeds, then closes the database. */
  async dispose(): Promise<void> {
    for (const d of this.disposables.splice(0).reverse()) d.dispose()
    this.live?.dispose()
    await this.replay?.stop()
    await this.jobs?.dispose()
    this.events.dispose()
    if (this.db?.open) this.db.close()
  }
}

/** Composition root: builds the core and its services in dependency order. Nothing starts until `start()`. */
export function createCore(config: CoreConfig, clock: Clock = systemClock): WorkstationCore {
  return new WorkstationCore(config, new EventBus(), clock)
}
