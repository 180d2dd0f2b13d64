import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { ApiEvents, ApiTopic, Clock, Disposable, JobInfo } from '../../src-shared'
import type { FeedStatus } from '../data'
import type { ModelRegistry } from '../registry'
import type { SeriesInfo, SqliteAlertStore, SqlitePredictionStore } from '../store'

/** Live path stages timed per closed bar (labels of `armada_live_latency_seconds`). */
export type LiveStage = 'feature' | 'regime' | 'alerts' | 'strategy'

/** Histogram buckets of the live path (seconds): one stage takes 50 µs to a few ms on a laptop; a stall shows past 0.1 s. */
export const LIVE_LATENCY_BUCKETS = [
  0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
] as const

/** Histogram buckets of job durations (seconds): imports and checks take seconds, trainings minutes. */
export const JOB_DURATION_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600] as const

/** How long a bar count per series is reused between scrapes (ms): counting every stored bar reads the whole index. */
const BAR_COUNT_TTL_MS = 30_000

/** What the metrics read when Prometheus scrapes: the core's services and stores. */
export interface MetricsSources {
  readonly version: string
  readonly startedAt: number
  readonly clock: Clock
  /** The core's event bus: predictions, alerts, signals and closed bars are counted as they are published. */
  readonly events: {
    subscribe<T extends ApiTopic>(topic: T, listener: (event: ApiEvents[T]) => void): Disposable
  }
  readonly registry: ModelRegistry
  readonly predictions: SqlitePredictionStore
  readonly alerts: SqliteAlertStore
  /** The alert loop's basket (null: no basket, no alert records). */
  readonly basket: () => string | null
  /** Every stored series with its bar count (`SqliteBarStore.listSeries`). */
  readonly series: () => readonly SeriesInfo[]
  /** The running live feeds by name (`main`, the embedded demo's `basket`), with their client status. */
  readonly feeds: () => readonly { readonly name: string; readonly status: FeedStatus }[]
  readonly jobsRunning: () => number
}

/** The text format Prometheus scrapes, and the content type to serve it with. */
export interface MetricsExposition {
  readonly contentType: string
  text(): Promise<string>
  /** Connected RPC clients, reported by the server that serves `/metrics` (absent: 0). */
  rpcClients?: () => number
}

let processRegistry: Registry | undefined

/** prom-client default metrics that are gauges with a `_total` suffix (Prometheus naming says counters only). */
const PROMLINT_REFUSED = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
]

/**
 * Process metrics (CPU, memory, heap, event-loop lag, GC, handles) from prom-client's `collectDefaultMetrics`, in one
 * registry per process: they describe the process, and prom-client starts a GC observer and an event-loop delay monitor
 * for each call that it cannot stop, so a registry per core would leak one pair per core (tests build hundreds).
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
    // Gauges named like counters fail `promtool check metrics`; their per-type twins (nodejs_active_handles{type}) stay.
    for (const name of PROMLINT_REFUSED) processRegistry.removeSingleMetric(name)
  }
  return processRegistry
}

/**
 * The workstation's Prometheus metrics (DESIGN.md "api"), in its own prom-client registry (never the global default):
 * live path latency per stage, predictions, alerts and signals as they are published, resolved hit rates, the latest
 * drift PSI and health per model, A/B samples and confidence, feed lag and reconnects per stream, stored bars, job
 * durations and failures, plus the process metrics. Counters and histograms are updated on the live path (an
 * `observe` is a few array writes); everything read from SQLite is read when Prometheus scrapes. One owner, the core:
 * `dispose()` unsubscribes and clears the registry.
 */
export class PrometheusMetrics implements MetricsExposition, Disposable {
  readonly registry = new Registry()
  readonly contentType = this.registry.contentType
  rpcClients?: () => number
  private readonly subs: Disposable[] = []
  private readonly liveLatency: Histogram<'stage'>
  private readonly jobDuration: Histogram<'kind' | 'state'>
  private readonly jobFailures: Counter<'kind'>
  private readonly predictionsTotal: Counter<'model'>
  private readonly alertsTotal: Counter<'model' | 'type' | 'event'>
  private readonly signalsTotal: Counter<'strategy' | 'symbol'>
  private readonly liveBars: Counter<'symbol' | 'venue' | 'timeframe'>
  private barCounts?: { readonly at: number; readonly series: readonly SeriesInfo[] }
  /** What the collectors of one `text()` share (stored records, drift reports, A/B tests): each is read once per scrape. */
  private scrape?: Map<string, unknown>

  constructor(private readonly sources: MetricsSources) {
    const registers = [this.registry]
    const s = sources
    const self = this
    const predictionRecords = () => this.once('predictions', () => s.predictions.records())
    new Gauge({
      name: 'armada_up',
      help: '1 while the workstation core runs, labelled with its version.',
      labelNames: ['version'],
      registers,
      collect() {
        this.set({ version: s.version }, 1)
      },
    })
    new Gauge({
      name: 'armada_uptime_seconds',
      help: 'Seconds since the workstation core started.',
      registers,
      collect() {
        this.set((s.clock.now() - s.startedAt) / 1000)
      },
    })
    new Gauge({
      name: 'armada_rpc_clients',
      help: 'Connected WebSocket RPC clients.',
      registers,
      collect() {
        this.set(self.rpcClients?.() ?? 0)
      },
    })
    this.liveLatency = new Histogram({
      name: 'armada_live_latency_seconds',
      help: 'Live path latency per closed bar and stage: feature (streaming row), regime (forecast loop), alerts (basket loop), strategy (live node).',
      labelNames: ['stage'],
      buckets: [...LIVE_LATENCY_BUCKETS],
      registers,
    })
    this.predictionsTotal = new Counter({
      name: 'armada_predictions_total',
      help: 'Regime forecasts stored and published by the live loop, per model.',
      labelNames: ['model'],
      registers,
    })
    this.alertsTotal = new Counter({
      name: 'armada_alerts_total',
      help: 'Alert events of the live alert loop per model and type: fired, escalated, resolved, acknowledged.',
      labelNames: ['model', 'type', 'event'],
      registers,
    })
    this.signalsTotal = new Counter({
      name: 'armada_signals_total',
      help: 'Live strategy signals (warm-up replays excluded), per strategy and symbol.',
      labelNames: ['strategy', 'symbol'],
      registers,
    })
    this.liveBars = new Counter({
      name: 'armada_live_bars_total',
      help: 'Closed bars stored and published by the live feeds, per series.',
      labelNames: ['symbol', 'venue', 'timeframe'],
      registers,
    })
    new Gauge({
      name: 'armada_predictions_resolved',
      help: 'Stored regime forecasts whose horizon has passed and whose outcome is known, per model.',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset()
        for (const r of predictionRecords()) this.set({ model: r.modelName }, r.resolved)
      },
    })
    new Gauge({
      name: 'armada_prediction_hit_ratio',
      help: 'Share of resolved regime forecasts whose argmax was the realised regime (DOMAIN.md §1), per model.',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset()
        for (const r of predictionRecords()) if (r.resolved) this.set({ model: r.modelName }, r.hits / r.resolved)
      },
    })
    const alertRecords = () =>
      this.once('alerts', () => {
        const basket = s.basket()
        return basket ? s.alerts.records(basket) : []
      })
    new Gauge({
      name: 'armada_alerts_resolved',
      help: 'Stored alerts resolved hit or miss (DOMAIN.md §2), per model.',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset()
        for (const r of alertRecords()) this.set({ model: r.modelName }, r.resolved)
      },
    })
    new Gauge({
      name: 'armada_alert_hit_ratio',
      help: 'Share of resolved alerts that were hits (DOMAIN.md §2), per model.',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset()
        for (const r of alertRecords()) if (r.resolved) this.set({ model: r.modelName }, r.hits / r.resolved)
      },
    })
    const latestReports = () =>
      this.once('drift', () =>
        s.registry.names().flatMap((name) => {
          const r = s.registry.healthHistory(name, 1)[0]
          return r ? [r] : []
        }),
      )
    new Gauge({
      name: 'armada_model_feature_psi',
      help: "PSI of each input feature against the model's training reference, from its latest drift report (DOMAIN.md §6: < 0.1 stable, > 0.2 drift).",
      labelNames: ['model', 'feature'],
      registers,
      collect() {
        this.reset()
        for (const r of latestReports())
          for (const f of r.features) if (Number.isFinite(f.psi)) this.set({ model: r.name, feature: f.feature }, f.psi)
      },
    })
    new Gauge({
      name: 'armada_model_prediction_psi',
      help: "PSI of the predicted-class distribution against the training one, from the model's latest drift report.",
      labelNames: ['model'],
      registers,
      collect() {
        this.reset()
        for (const r of latestReports())
          if (r.predictions && Number.isFinite(r.predictions.psi)) this.set({ model: r.name }, r.predictions.psi)
      },
    })
    new Gauge({
      name: 'armada_model_health',
      help: "1 for the model's health in its latest drift report (healthy, degrading or failed), 0 for the others.",
      labelNames: ['model', 'state'],
      registers,
      collect() {
        this.reset()
        for (const r of latestReports())
          for (const state of ['healthy', 'degrading', 'failed'] as const)
            this.set({ model: r.name, state }, r.health === state ? 1 : 0)
      },
    })
    new Gauge({
      name: 'armada_model_drift_check_timestamp_seconds',
      help: "When the model's latest drift report was made (Unix seconds).",
      labelNames: ['model'],
      registers,
      collect() {
        this.reset()
        for (const r of latestReports()) this.set({ model: r.name }, r.time / 1000)
      },
    })
    // Each model's latest test (the running one, if any: one runs per name at most), so a verdict stays on the board.
    const latestTests = () =>
      this.once('ab', () => {
        const seen = new Set<string>()
        return s.registry.abTests().filter((t) => !seen.has(t.name) && seen.add(t.name))
      })
    new Gauge({
      name: 'armada_ab_test_samples',
      help: "Resolved paired samples of each model's latest A/B test (a winner needs ≥ 100, DOMAIN.md §6).",
      labelNames: ['model', 'test'],
      registers,
      collect() {
        this.reset()
        for (const t of latestTests()) this.set({ model: t.name, test: String(t.id) }, t.resolved)
      },
    })
    new Gauge({
      name: 'armada_ab_test_running',
      help: "1 while the model's latest A/B test runs, 0 once it has ended (won, no winner, expired or stopped).",
      labelNames: ['model', 'test'],
      registers,
      collect() {
        this.reset()
        for (const t of latestTests()) this.set({ model: t.name, test: String(t.id) }, t.status === 'running' ? 1 : 0)
      },
    })
    new Gauge({
      name: 'armada_ab_test_confidence',
      help: "Paired-bootstrap confidence that the challenger beats the champion in each model's latest A/B test, per metric (f1, log_loss); a winner needs ≥ 0.95.",
      labelNames: ['model', 'test', 'metric'],
      registers,
      collect() {
        this.reset()
        for (const t of latestTests()) {
          const c = t.comparison
          if (!c) continue
          this.set({ model: t.name, test: String(t.id), metric: 'f1' }, c.confidenceBBetterF1)
          this.set({ model: t.name, test: String(t.id), metric: 'log_loss' }, c.confidenceBBetterLogLoss)
        }
      },
    })
    new Gauge({
      name: 'armada_feed_lag_seconds',
      help: "Clock now minus the event time of the stream's latest message, per feed and stream.",
      labelNames: ['feed', 'stream'],
      registers,
      collect() {
        this.reset()
        for (const f of s.feeds())
          for (const [stream, st] of Object.entries(f.status.streams))
            if (st.lagMs !== undefined) this.set({ feed: f.name, stream }, Math.max(0, st.lagMs) / 1000)
      },
    })
    new Counter({
      name: 'armada_feed_messages_total',
      help: 'Messages received per feed and stream.',
      labelNames: ['feed', 'stream'],
      registers,
      collect() {
        this.reset()
        for (const f of s.feeds())
          for (const [stream, st] of Object.entries(f.status.streams)) this.inc({ feed: f.name, stream }, st.messages)
      },
    })
    new Counter({
      name: 'armada_feed_reconnects_total',
      help: "Reconnects of each feed's combined-stream connection (every stream of the feed rides on it).",
      labelNames: ['feed'],
      registers,
      collect() {
        this.reset()
        for (const f of s.feeds()) this.inc({ feed: f.name }, f.status.reconnects)
      },
    })
    new Gauge({
      name: 'armada_feed_connected',
      help: '1 while the feed is connected.',
      labelNames: ['feed'],
      registers,
      collect() {
        this.reset()
        for (const f of s.feeds()) this.set({ feed: f.name }, f.status.state === 'connected' ? 1 : 0)
      },
    })
    new Gauge({
      name: 'armada_bars_stored',
      help: 'Bars stored per series (counted at most every 30 s).',
      labelNames: ['symbol', 'venue', 'timeframe'],
      registers,
      collect() {
        this.reset()
        for (const x of self.storedSeries())
          this.set({ symbol: x.symbol, venue: x.venue, timeframe: x.timeframe }, x.count)
      },
    })
    this.jobDuration = new Histogram({
      name: 'armada_job_duration_seconds',
      help: 'Duration of finished jobs (submitted to ended), per kind and final state.',
      labelNames: ['kind', 'state'],
      buckets: [...JOB_DURATION_BUCKETS],
      registers,
    })
    this.jobFailures = new Counter({
      name: 'armada_job_failures_total',
      help: 'Jobs that ended failed, per kind.',
      labelNames: ['kind'],
      registers,
    })
    new Gauge({
      name: 'armada_jobs_running',
      help: 'Jobs running now.',
      registers,
      collect() {
        this.set(s.jobsRunning())
      },
    })
    // Started with the first core of the process, so process CPU counts from then rather than from the first scrape.
    processMetrics()
  }

  /** Counts what the live loops publish from now on. */
  start(): void {
    const e = this.sources.events
    this.subs.push(
      e.subscribe('prediction', (p) => this.predictionsTotal.inc({ model: p.modelName })),
      e.subscribe('alert', (a) =>
        this.alertsTotal.inc({ model: a.alert.modelName, type: a.alert.type, event: a.kind }),
      ),
      e.subscribe('signal', (x) => {
        if (!x.warmUp) this.signalsTotal.inc({ strategy: x.signal.strategy, symbol: x.signal.symbol })
      }),
      e.subscribe('bar', (b) => {
        if (!b.partial) this.liveBars.inc({ symbol: b.symbol, venue: b.venue, timeframe: b.timeframe })
      }),
    )
  }

  /** Records one live bar's latency through a stage (seconds). */
  observeLive(stage: LiveStage, seconds: number): void {
    this.liveLatency.observe({ stage }, seconds)
  }

  /** A job changed state: a finished one adds its duration, and a failure, to the job metrics. */
  jobUpdated(job: JobInfo): void {
    if (job.state !== 'succeeded' && job.state !== 'failed' && job.state !== 'cancelled') return
    this.jobDuration.observe({ kind: job.kind, state: job.state }, Math.max(0, job.updatedAt - job.createdAt) / 1000)
    if (job.state === 'failed') this.jobFailures.inc({ kind: job.kind })
  }

  /** The Prometheus text exposition: this core's metrics, then the process metrics. */
  async text(): Promise<string> {
    this.scrape = new Map()
    try {
      return (await this.registry.metrics()) + (await processMetrics().metrics())
    } finally {
      this.scrape = undefined
    }
  }

  /** `read()`, once per scrape: the collectors of one `text()` share its result (read afresh outside a scrape). */
  private once<T>(key: string, read: () => T): T {
    const scrape = this.scrape
    if (!scrape) return read()
    if (!scrape.has(key)) scrape.set(key, read())
    return scrape.get(key) as T
  }

  private storedSeries(): readonly SeriesInfo[] {
    const now = this.sources.clock.now()
    if (!this.barCounts || now - this.barCounts.at >= BAR_COUNT_TTL_MS)
      this.barCounts = { at: now, series: this.sources.series() }
    return this.barCounts.series
  }

  dispose(): void {
    for (const d of this.subs.splice(0)) d.dispose()
    this.registry.clear()
  }
}
