import {
  REGIMES,
  TIMEFRAME_MS,
  type Clock,
  type Disposable,
  type FeedStatusEvent,
  type ForecastResult,
  type ForecastStatus,
  type HorizonForecast,
  type JobInfo,
  type PredictionEvent,
  type PredictionPoint,
  type Regime,
  REGIME_TRAIN_JOB_KIND,
  type RegimeTrainJobRequest,
  type StoredBar,
  type Timeframe,
  cardTrainingWindow,
  recordSkill,
} from '../../src-shared'
import { featureStream } from '../features'
import { OnnxInferenceEngine } from '../ml'
import type { ModelRegistry } from '../registry'
import type { PredictionRow, SeriesKey, SqliteBarStore, SqliteFeatureCacheStore, SqlitePredictionStore } from '../store'
import type { FeatureService } from './feature-service'
import type { LiveEvents } from './live-events'
import {
  FeatureWindow,
  loadRegimeEnsemble,
  regimeCatalogue,
  regimeSeriesKey,
  regimeStackId,
  type RegimeEnsemble,
  type RegimeSlot,
} from './regime-ensemble'
import { currentRegime, labelOf, readRegime, returnSigma } from './regime-outputs'
import { SerialQueue } from './serial-queue'
import { registerShippedModels, shippedModelFiles } from './shipped-models'

/** Label threshold k of the §1 outcome when a card does not say otherwise. */
const DEFAULT_K = 0.5
/** Fewest stored bars before the embedded default trains a series (≈ 100 bars of σ + the longest horizon + folds). */
const MIN_TRAIN_BARS = 700

interface SeriesState {
  readonly key: SeriesKey
  models: readonly RegimeSlot[]
  /** The champions loaded: scores every horizon of a bar (absent until loaded). */
  ensemble?: RegimeEnsemble
  /** The newest closes (enough for σ over 100 bars plus the longest horizon). */
  closes: number[]
  /** Newest feature rows (for sequence members); kept across model reloads. */
  readonly window: FeatureWindow
  lastTime: number
  /** Open time of the newest close in `closes`. */
  closesTime: number
  /** The regime set's spec hash and width for this timeframe. */
  spec?: { readonly hash: string; readonly width: number }
  /** Wall time at which the newest bar arrived. */
  receivedAt: number
  /** The series' bars and catch-ups, one at a time in arrival order. */
  readonly queue: SerialQueue
  /** Champion versions whose recent history has been scored (or queued to be), joined by ",". */
  caughtUp?: string
}

/** How many stored bars before the first live bar a series' newly loaded models forecast (about what the chart shows). */
export const CATCH_UP_BARS = 2000

/** What the service needs from the core; functions so the feed and jobs can come and go. */
export interface ForecastDeps {
  readonly bars: SqliteBarStore
  readonly features: FeatureService
  /** The FeatureService's SQLite cache: the row of one bar by (spec hash, series, time). */
  readonly featureCache: SqliteFeatureCacheStore
  readonly registry: ModelRegistry
  readonly predictions: SqlitePredictionStore
  readonly events: LiveEvents
  readonly clock: Clock
  readonly feedStatus: () => FeedStatusEvent
  /** Wall-clock length of one bar of the feed (the timeframe for an exchange; 1 s / bars-per-second for a replay). */
  readonly barWallMs: (timeframe: Timeframe) => number
  /** True when bar times are historical (a replay): age is then wall time since a bar arrived. */
  readonly replayTime: () => boolean
  readonly listJobs: () => readonly JobInfo[]
  /** Starts a regime training job; absent: series without models wait for one to be registered. */
  readonly submitTraining?: (request: RegimeTrainJobRequest) => JobInfo
  /** Which series without models get a training job (default every one, when `submitTraining` is given). */
  readonly autoTrain?: (key: SeriesKey) => boolean
  /** Folder of shipped default models (`regime-<symbol>-<tf>-h<H>.onnx`); absent: none. */
  readonly defaultModelsDir?: string
  /** Series the loop forecasts (default all): the embedded default leaves its alert basket to the alert loop. */
  readonly forecasts?: (key: SeriesKey) => boolean
  /** Each live bar's latency (seconds, feature read to publish), for the metrics histogram. */
  readonly onLatency?: (seconds: number) => void
}

const seriesId = (k: SeriesKey): string => `${k.symbol}.${k.venue}-${k.timeframe}`
const regimeOf = (i: number): Regime | null => (i >= 0 && i < REGIMES.length ? REGIMES[i] : null)
const argmax = (p: readonly number[]): number => p.reduce((best, v, i) => (v > p[best] ? i : best), 0)

function point(r: PredictionRow): PredictionPoint {
  return {
    id: r.id,
    modelName: r.modelName,
    modelVersion: r.modelVersion,
    time: r.time,
    horizon: r.horizon,
    probabilities: r.probabilities,
    regime: REGIMES[argmax(r.probabilities)],
    confidence: r.confidence,
    quality: r.quality,
    transition: r.transition,
    sizeMultiplier: r.sizeMultiplier,
    outcome: r.outcome === null ? null : regimeOf(r.outcome),
    hit: r.hit,
  }
}

/**
 * The live regime loop (DOMAIN.md §1): on every closed bar of a series with registered regime champions
 * (`regime-<symbol>-<tf>-h<H>`), reads the bar's feature row from the FeatureService, scores every horizon on cpu
 * (one cached single-row session per version), stores the forecast, resolves forecasts whose horizon has passed
 * (hit or miss against the §1 label), then publishes a `prediction` event per horizon. Store first, then publish.
 * Bars of one series are handled in arrival order. Owns its inference sessions: `dispose()` releases them.
 */
export class ForecastService implements Disposable {
  private readonly engine = new OnnxInferenceEngine({ singleThreads: 1 })
  /** Training window and skill per version id (versions are immutable). */
  private readonly facts = new Map<string, Pick<HorizonForecast, 'trainingWindow' | 'skill'>>()
  private readonly series = new Map<string, SeriesState>()
  /** Champions per series id, rebuilt on registry changes. */
  private catalogue?: Map<string, RegimeSlot[]>
  private readonly subs: Disposable[] = []
  private readonly trainingAsked = new Set<string>()
  /** Version ids whose sessions are loaded in the engine. */
  private loaded = new Set<string>()
  private disposed = false
  /** Shipped-model registrations in progress (dispose waits for them). */
  private readonly registering = new Set<Promise<void>>()
  /** Latency of the last bars handled (ms, feature read to publish), newest last, at most 1000. */
  readonly latencies: number[] = []

  constructor(private readonly deps: ForecastDeps) {}

  /** Listens to closed bars, registry changes and finished training jobs. */
  start(): void {
    const { events } = this.deps
    this.subs.push(
      events.subscribe('bar', (bar) => {
        if (!bar.partial) this.enqueue(bar)
      }),
      events.subscribe('models', () => this.invalidate()),
      events.subscribe('job', (job) => {
        if (
          job.kind === REGIME_TRAIN_JOB_KIND &&
          (job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled')
        )
          this.invalidate()
      }),
    )
  }

  /** Forgets the model catalogue (a version was registered or an alias moved); the next bar reloads it. */
  invalidate(): void {
    this.catalogue = undefined
    for (const s of this.series.values()) {
      s.models = []
      s.ensemble = undefined
    }
  }

  /**
   * Resolves once every bar received so far has been handled and every shipped-model registration started so far has
   * finished (tests, benchmarks): a registration publishes one `models` event per model, so the first event alone
   * does not mean all of a series' horizons are there.
   */
  async idle(): Promise<void> {
    for (;;) {
      const pending = [...this.registering]
      await Promise.allSettled(pending)
      await Promise.all([...this.series.values()].map((s) => s.queue.settled()))
      if (this.registering.size === 0) return
    }
  }

  private enqueue(bar: StoredBar): void {
    const key = { symbol: bar.symbol, venue: bar.venue, timeframe: bar.timeframe }
    if (this.deps.forecasts && !this.deps.forecasts(key)) return
    const state = this.state(key)
    state.receivedAt = this.deps.clock.now()
    this.run(state, () => this.onBar(state, bar))
  }

  private state(key: SeriesKey): SeriesState {
    const id = seriesId(key)
    let s = this.series.get(id)
    if (!s) {
      const id = seriesId(key)
      const queue = new SerialQueue((err) =>
        console.error(`[armada] forecast for ${id} failed: ${(err as Error).message}`),
      )
      s = {
        key,
        models: [],
        closes: [],
        window: new FeatureWindow(),
        lastTime: -Infinity,
        closesTime: -Infinity,
        receivedAt: 0,
        queue,
      }
      this.series.set(id, s)
    }
    return s
  }

  private run(s: SeriesState, fn: () => Promise<void>): void {
    s.queue.run(fn)
  }

  /**
   * Forecasts the series' recent stored history (at most CATCH_UP_BARS before `before`) that its current champions have
   * not scored yet, bar by bar through the live path: a series opened, or whose models just arrived, shows forecasts on
   * the bars already on the chart (a burst of backfilled bars while shipped models register is otherwise skipped).
   */
  private async catchUp(s: SeriesState, before: number): Promise<void> {
    const done = new Map(s.models.map((m) => [m.horizon, this.deps.predictions.latest(s.key, m.horizon, m.name)]))
    const scored = Math.min(
      ...s.models.map((m) =>
        done.get(m.horizon)?.modelVersion === m.versionId ? done.get(m.horizon)!.time : -Infinity,
      ),
    )
    const recent = this.deps.bars.latestBars({ ...s.key, to: before - 1 }, CATCH_UP_BARS)
    for (const b of recent) if (b.time > scored && !this.disposed) await this.onBar(s, b, false)
  }

  /**
   * A series the trader just followed with forecasts on: its stored history is forecast now when it has champions, else
   * its forecaster is trained (or the shipped one registered) when enough bars are stored; queued behind its live bars.
   */
  follow(key: SeriesKey): void {
    if (this.disposed) return
    if (this.models(key).length) return this.ensureScored(key)
    const s = this.state(key)
    this.run(s, async () => {
      if (!this.disposed && !this.models(key).length) this.maybeProvideDefaults(key)
    })
  }

  /**
   * Scores a series' recent stored history when it has champions that have not (the chart asked for its forecasts):
   * queued behind its live bars, once per set of champion versions.
   */
  private ensureScored(key: SeriesKey): void {
    if (this.deps.forecasts && !this.deps.forecasts(key)) return
    const slots = this.models(key)
    if (!slots.length) return
    const versions = slots.map((m) => m.versionId).join(',')
    const s = this.state(key)
    if (s.caughtUp === versions) return
    s.caughtUp = versions
    this.run(s, async () => {
      if (this.disposed) return
      const [last] = this.deps.bars.latestBars(s.key, 1)
      if (!last) return
      if (!s.models.length && !(await this.loadInto(s))) return
      await this.catchUp(s, last.time + 1)
    })
  }

  /** Loads a series' champions into its state (and starts following its features); false when it has none. */
  private async loadInto(s: SeriesState): Promise<boolean> {
    const ensemble = await this.load(s.key)
    if (!ensemble) return false
    s.ensemble = ensemble
    s.models = ensemble.slots
    s.caughtUp = s.models.map((m) => m.versionId).join(',')
    this.deps.features.follow(s.key, 'regime')
    return true
  }

  /**
   * Handles one closed bar: features → inference → store → resolve → publish. The first bar after the series' models
   * (re)loaded first forecasts the recent history they have not scored (`catchUp`).
   */
  async onBar(s: SeriesState, bar: StoredBar, live = true): Promise<void> {
    if (this.disposed) return
    if (!s.models.length) {
      if (!(await this.loadInto(s))) {
        this.maybeProvideDefaults(s.key)
        return
      }
      if (live) await this.catchUp(s, bar.time)
    }
    s.lastTime = Math.max(s.lastTime, bar.time)
    const t0 = performance.now()
    const raw = this.featureRow(s, bar.time)
    if (!raw) return
    const f = raw.length
    let present = 0
    for (let j = 0; j < f; j++) if (raw[j] === raw[j]) present++
    const row32 = Float32Array.from(raw)
    const ensemble = s.ensemble!
    if (ensemble.steps > 0) this.advanceWindow(s, bar, row32, ensemble.steps)
    this.advanceCloses(s, bar)
    const sigma = returnSigma(s.closes, s.closes.length - 1)
    // Every horizon in one run of the stacked graph (else one cached single-row session each), then one transaction stores them.
    const probabilities = await ensemble.score(row32, s.window)
    const scored = ensemble.slots.map((m, k) => ({ m, probabilities: probabilities[k] }))
    const out = this.deps.predictions.transaction(() => {
      const events: PredictionEvent[] = []
      for (const { m, probabilities } of scored) {
        const current = currentRegime(s.closes, m.horizon, DEFAULT_K)
        const r = readRegime(probabilities, current, present / f)
        const id = this.deps.predictions.insert({
          modelVersion: m.versionId,
          modelName: m.name,
          ...s.key,
          time: bar.time,
          horizon: m.horizon,
          targetTime: bar.time + m.horizon * TIMEFRAME_MS[s.key.timeframe as Timeframe],
          probabilities,
          confidence: r.confidence,
          quality: r.quality,
          transition: r.transition,
          sizeMultiplier: r.sizeMultiplier,
          currentRegime: current,
          close: bar.close,
          sigma: Number.isFinite(sigma) ? sigma : null,
        })
        if (id === null) continue
        events.push({
          id,
          modelName: m.name,
          modelVersion: m.versionId,
          time: bar.time,
          horizon: m.horizon,
          probabilities,
          regime: r.regime,
          confidence: r.confidence,
          quality: r.quality,
          transition: r.transition,
          sizeMultiplier: r.sizeMultiplier,
          outcome: null,
          hit: null,
          symbol: s.key.symbol,
          venue: s.key.venue,
          timeframe: s.key.timeframe as Timeframe,
          currentRegime: regimeOf(current),
        })
      }
      this.resolveDue(s.key, bar)
      return events
    })
    for (const e of out) this.deps.events.publish('prediction', e)
    const elapsed = performance.now() - t0
    this.latencies.push(elapsed)
    if (this.latencies.length > 1000) this.latencies.splice(0, this.latencies.length - 1000)
    // Catch-up bars (stored history scored when models load) are not the live path's latency.
    if (live) this.deps.onLatency?.(elapsed / 1000)
  }

  /** Resolves forecasts whose target bar has closed: the §1 label from the stored close and σ, hit when argmax matches. */
  private resolveDue(key: SeriesKey, bar: StoredBar): void {
    const now = this.deps.clock.now()
    for (const p of this.deps.predictions.due(key, bar.time)) {
      const close =
        p.targetTime === bar.time ? bar.close : this.deps.bars.latestBars({ ...key, to: p.targetTime }, 1)[0]?.close
      if (close === undefined || p.sigma === null || !(close > 0) || !(p.close > 0)) {
        this.deps.predictions.resolve(p.id, -1, null, now)
        continue
      }
      const outcome = labelOf(Math.log(close / p.close), p.sigma, p.horizon, DEFAULT_K)
      this.deps.predictions.resolve(p.id, outcome, argmax(p.probabilities) === outcome, now)
    }
  }

  private closesNeeded(s: SeriesState): number {
    return 101 + Math.max(0, ...s.models.map((m) => m.horizon))
  }

  /** Appends the bar's close, or reloads the closes up to it from the store when bars arrived out of step. */
  private advanceCloses(s: SeriesState, bar: StoredBar): void {
    const need = this.closesNeeded(s)
    if (s.closesTime === bar.time - TIMEFRAME_MS[s.key.timeframe as Timeframe]) {
      s.closes.push(bar.close)
      if (s.closes.length > need) s.closes.splice(0, s.closes.length - need)
    } else s.closes = this.deps.bars.latestBars({ ...s.key, to: bar.time }, need).map((b) => b.close)
    s.closesTime = bar.time
  }

  /**
   * Appends the bar's row to the sequence window; when the window does not end at the bar before (first bar, a gap,
   * catch-up after live bars), first refills it with the feature rows of the stored bars before this one, so the window
   * is always the last `steps` rows of the series' feature table (what a backfill scores).
   */
  private advanceWindow(s: SeriesState, bar: StoredBar, row: Float32Array, steps: number): void {
    if (s.window.newestTime !== bar.time - TIMEFRAME_MS[s.key.timeframe as Timeframe] || s.window.length === 0) {
      s.window.clear()
      const prior = steps > 1 ? this.deps.bars.latestBars({ ...s.key, to: bar.time - 1 }, steps - 1) : []
      if (prior.length) {
        const { hash, width } = s.spec!
        const read = () => this.deps.featureCache.get(s.key, hash, width, prior[0].time, prior[prior.length - 1].time)
        let hit = read()
        if (hit.time.length !== prior.length) {
          this.deps.features.get(s.key, 'regime', 1)
          hit = read()
        }
        if (hit.time.length === prior.length)
          for (let i = 0; i < prior.length; i++)
            s.window.push(Float32Array.from(hit.data.subarray(i * width, (i + 1) * width)), steps, hit.time[i])
      }
    }
    s.window.push(row, steps, bar.time)
  }

  /** The regime row of one bar from the feature cache (filled by the FeatureService; computed once when missing). */
  private featureRow(s: SeriesState, time: number): Float64Array | undefined {
    if (!s.spec) {
      const probe = featureStream('regime', s.key.timeframe as Timeframe)
      s.spec = { hash: probe.specHash, width: probe.names.length }
    }
    const read = () => {
      const hit = this.deps.featureCache.get(s.key, s.spec!.hash, s.spec!.width, time, time)
      return hit.time.length === 1 ? hit.data : undefined
    }
    const row = read()
    if (row) return row
    this.deps.features.get(s.key, 'regime', 1)
    return read()
  }

  /**
   * The champions of a series loaded into the engine as one ensemble (their stacked graph when there are several and it
   * can be built), or undefined without any. Sessions are created here, so the first live bar does not pay for them.
   */
  private async load(key: SeriesKey): Promise<RegimeEnsemble | undefined> {
    const slots = this.models(key)
    // Versions that lost their alias (promotion, rollback) release their sessions. Every series' champions in the
    // catalogue are kept, not only those of series that finished loading: another series' load may be in flight.
    const wanted = new Set(
      [...this.catalogue!.values()].flatMap((ms) => [
        ...ms.flatMap((m) => [m.versionId, ...m.sequence.map((q) => q.versionId)]),
        ...(regimeStackId(ms) ? [regimeStackId(ms)!] : []),
      ]),
    )
    for (const id of this.loaded) if (!wanted.has(id)) await this.engine.unload(id)
    this.loaded = wanted
    // A series without models (e.g. an alert basket member) is asked again on each of its bars: no feature work then
    // (computing the set here recomputed and re-cached its whole history on every bar).
    if (!slots.length) return undefined
    const names = this.deps.features.get(key, 'regime', 1).names
    const ensemble = await loadRegimeEnsemble(
      this.engine,
      this.deps.registry,
      slots,
      names,
      `regime models of ${seriesId(key)}`,
    )
    for (const id of ensemble.engineIds) if (this.engine.has(id)) this.loaded.add(id)
    return ensemble
  }

  /** Champions of `regime-<symbol>-<tf>-h<H>` for a series, by horizon, with their sequence members. */
  private models(key: SeriesKey): RegimeSlot[] {
    this.catalogue ??= regimeCatalogue(this.deps.registry)
    return (this.catalogue.get(regimeSeriesKey(key.symbol, key.timeframe)) ?? []).map((m) => ({ ...m }))
  }

  /**
   * A series without models: registers shipped defaults (`models/regime-<symbol>-<tf>-h<H>.onnx`) when there are
   * any, else starts one training job once enough bars are stored (the embedded default).
   */
  private maybeProvideDefaults(key: SeriesKey): void {
    const id = seriesId(key)
    if (this.trainingAsked.has(id)) return
    const dir = this.deps.defaultModelsDir
    const prefix = `regime-${key.symbol}-${key.timeframe}-h`.toLowerCase()
    const shipped = shippedModelFiles(dir, (f) => f.startsWith(prefix) && f.endsWith('.onnx'))
    if (shipped.length) {
      this.trainingAsked.add(id)
      const registering = this.registerDefaults(dir!, shipped).catch((err: unknown) => {
        if (!this.disposed) console.error(`[armada] shipped regime models for ${id} refused: ${(err as Error).message}`)
      })
      this.registering.add(registering)
      void registering.finally(() => this.registering.delete(registering))
      return
    }
    if (!this.deps.submitTraining || this.deps.autoTrain?.(key) === false) return
    if (this.deps.bars.count(key) < MIN_TRAIN_BARS) return
    this.trainingAsked.add(id)
    this.deps.submitTraining({ symbol: key.symbol, venue: key.venue, timeframe: key.timeframe })
  }

  private async registerDefaults(dir: string, files: readonly string[]): Promise<void> {
    await registerShippedModels(this.deps.registry, dir, files, {
      stopped: () => this.disposed,
      registered: (version) =>
        this.deps.events.publish('models', {
          name: version.name,
          change: 'trained',
          versionId: version.id,
          time: this.deps.clock.now(),
        }),
    })
    // Disposed meanwhile: the registry and database are closing (the next start registers the rest).
    if (!this.disposed) this.invalidate()
  }

  /** Training window and walk-forward skill of a version, read from the registry once per version. */
  private versionFacts(id: string): Pick<HorizonForecast, 'trainingWindow' | 'skill'> {
    let facts = this.facts.get(id)
    if (!facts) {
      let v
      try {
        v = this.deps.registry.get(id)
      } catch {
        return {}
      }
      const trainingWindow = cardTrainingWindow(v.card)
      const skill = recordSkill(v.metrics)
      facts = { ...(trainingWindow ? { trainingWindow } : {}), ...(skill ? { skill } : {}) }
      this.facts.set(id, facts)
    }
    return facts
  }

  /** The newest forecast per horizon of a series and whether it is current. */
  forecast(key: SeriesKey): ForecastResult {
    const slots = this.models(key)
    const horizons: HorizonForecast[] = []
    for (const m of slots) {
      const r = this.deps.predictions.latest(key, m.horizon, m.name)
      if (!r) continue
      const p = point(r)
      const about = this.versionFacts(r.modelVersion)
      horizons.push({
        ...about,
        horizon: r.horizon,
        modelName: r.modelName,
        modelVersion: r.modelVersion,
        time: r.time,
        probabilities: r.probabilities,
        regime: p.regime,
        confidence: r.confidence,
        quality: r.quality,
        transition: r.transition,
        currentRegime: regimeOf(r.currentRegime),
        sizeMultiplier: r.sizeMultiplier,
      })
    }
    const tf = key.timeframe as Timeframe
    const time = horizons.length ? Math.max(...horizons.map((h) => h.time)) : null
    const now = this.deps.clock.now()
    const feed = this.deps.feedStatus()
    const state = this.series.get(seriesId(key))
    let ageMs: number | null = null
    let limit = 2 * TIMEFRAME_MS[tf]
    if (time !== null) {
      if (this.deps.replayTime()) {
        ageMs = state && state.lastTime >= time ? now - state.receivedAt : Infinity
        limit = 2 * this.deps.barWallMs(tf)
      } else ageMs = now - (time + TIMEFRAME_MS[tf])
    }
    const staleReason =
      feed.feed === 'off' || feed.feed === 'disconnected'
        ? `the feed is ${feed.feed}`
        : time === null
          ? 'no forecast yet'
          : ageMs !== null && ageMs > limit
            ? `the last bar is older than 2 bar lengths`
            : undefined
    const training = this.deps
      .listJobs()
      .find((j) => j.kind === REGIME_TRAIN_JOB_KIND && (j.state === 'queued' || j.state === 'running'))
    return {
      symbol: key.symbol,
      venue: key.venue,
      timeframe: tf,
      horizons,
      modelCount: slots.length,
      time,
      ageMs: ageMs === null || !Number.isFinite(ageMs) ? null : ageMs,
      stale: staleReason !== undefined,
      ...(staleReason ? { staleReason } : {}),
      feed: feed.feed,
      ...(training ? { training } : {}),
    }
  }

  /** Stored forecasts of a series for the chart, oldest first. */
  history(key: SeriesKey, q: { from?: number; to?: number; horizon?: number; limit?: number }): PredictionPoint[] {
    this.ensureScored(key)
    const rows = this.deps.predictions.range(key, q.from, q.to, Math.min(q.limit ?? 20_000, 100_000))
    // The forecaster's own forecasts: a backfilled model of another name (an -lstm member's track record) is not one.
    const names = new Set(this.models(key).map((m) => m.name))
    return rows
      .filter((r) => (q.horizon === undefined || r.horizon === q.horizon) && (!names.size || names.has(r.modelName)))
      .map(point)
  }

  /** Models scored per series and their record so far. */
  status(): ForecastStatus {
    const series: ForecastStatus['series'][number][] = []
    for (const s of this.series.values()) {
      const slots = s.models.length ? s.models : this.models(s.key)
      const rows = this.deps.predictions.range(s.key)
      const resolved = rows.filter((r) => r.hit !== null)
      series.push({
        symbol: s.key.symbol,
        venue: s.key.venue,
        timeframe: s.key.timeframe as Timeframe,
        models: slots.map((m) => ({
          name: m.name,
          horizon: m.horizon,
          versionId: m.versionId,
          members: [...m.members, ...m.sequence.map((q) => q.versionId)],
        })),
        predictions: rows.length,
        resolved: resolved.length,
        hitRate: resolved.length ? resolved.filter((r) => r.hit).length / resolved.length : null,
        lastPredictionAt: rows.length ? rows[rows.length - 1].time : null,
      })
    }
    return { series, training: this.deps.listJobs().filter((j) => j.kind === REGIME_TRAIN_JOB_KIND) }
  }

  /** Stops listening, waits for bars in progress and shipped-model registrations (they stop at their next step), releases the sessions. */
  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    for (const d of this.subs.splice(0)) d.dispose()
    await Promise.allSettled([...this.series.values()].map((s) => s.queue.settled()))
    await Promise.allSettled([...this.registering])
    await this.engine.dispose()
  }
}
