import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  ALERT_TYPES,
  CallRefused,
  symbolKey,
  TIMEFRAME_MS,
  venueKey,
  type Alert,
  type AlertModelStatus,
  type AlertsQuery,
  type AlertStatus,
  type AlertType,
  type BarColumns,
  type Clock,
  type Disposable,
  type StoredBar,
  type Timeframe,
  cardTrainingWindow,
  recordSkill,
  type SkillVerdict,
} from '../../src-shared'
import { AlertsFeatures, barsToColumns, type AlertsContext } from '../features'
import { featureColumns, OnnxInferenceEngine } from '../ml'
import type { ModelRegistry } from '../registry'
import type { NewAlert, SqliteAlertStore, SqliteBarStore, SqliteFundingStore, SqliteSettingsStore } from '../store'
import { ALERT_NOISE_DEFAULTS, AlertNoisePolicy, type AlertNoiseLimits } from './alert-policy'
import { alignedBasketBars, type AlertOutcome } from './alert-resolution'
import { AlertResolver } from './alert-resolver'
import { ALERT_HORIZON_HOURS, alertModelName } from './alert-training'
import type { LiveEvents } from './live-events'
import { basketFundingColumn } from './market-context-reader'
import { liveVersions, loadVersion, stackVersions } from './live-models'
import { SerialQueue } from './serial-queue'
import { registerShippedModels, shippedModelFiles } from './shipped-models'

/** The basket the live alert loop scores (DOMAIN.md §2): ≥ 3 instruments on one timeframe, the first is the lead. */
export interface AlertsConfig {
  /** Name shown with every alert; default the symbols joined by ",". */
  readonly basket?: string
  /** Symbols (upper case, as stored), lead first, second major next. */
  readonly assets: readonly string[]
  /** Venue of the stored series (default BINANCE). */
  readonly venue?: string
  readonly timeframe: Timeframe
  /** Bars per year for annualised vol; default 24/7 (365 days of the timeframe), as `armada train alerts`. */
  readonly barsPerYear?: number
  /** Anti-noise limits (DOMAIN.md §2 defaults). */
  readonly noise?: Partial<AlertNoiseLimits>
  /** Model name prefix: champions are `<prefix>-<type>-h<H>h` (default `alerts`, the shipped models' names). */
  readonly modelPrefix?: string
  /** Who chose the basket (shown in the status). */
  readonly source?: 'trader' | 'config' | 'embedded'
}

/** Why predictions are cached (DOMAIN.md §2): a model's newest probability is served for 10 minutes. */
export const ALERT_PREDICTION_CACHE_MS = 10 * 60_000

/** Shipped list of (type, horizon) the default training skipped, with the reason (models/<prefix>-skipped.json). */
const SKIPPED_FILE = 'alerts-skipped.json'

/** One (type, horizon) model the loop scores. */
interface Slot {
  readonly type: AlertType
  readonly horizonHours: number
  readonly horizonBars: number
  readonly name: string
  versionId: string | null
  reason?: string
  /** Card feature → column of the alerts row (null when the order is the same). */
  columns: Int32Array | null
  /** Position of the rf and gbdt members in `member_probabilities` (null: the graph does not expose members). */
  members: { rf: number; gbdt: number } | null
  validation?: AlertModelStatus['validation']
  /** Walk-forward skill of the champion against its baselines (absent when its record has no metrics). */
  skill?: SkillVerdict
  /** Scores and is resolved but fires nothing (no skill, or the trader muted it). */
  muted: boolean
  trainingWindow: { from: number; to: number } | undefined
}

/** Setting holding the trader's mute choices per alert model name: true muted, false unmuted (absent: muted without skill). */
export const ALERT_MUTE_SETTING = 'alerts.mute'

/** What the service needs from the core. */
export interface AlertDeps {
  readonly bars: SqliteBarStore
  readonly alerts: SqliteAlertStore
  readonly registry: ModelRegistry
  readonly events: LiveEvents
  readonly clock: Clock
  /** The basket; absent: the loop is off and says so in its status. */
  readonly config?: AlertsConfig
  /** Folder of shipped default alert models (`alerts-<type>-h<H>h.onnx`); registered when no champion exists. */
  readonly defaultModelsDir?: string
  /** Database file of `bars`: due alerts are resolved in a worker thread with its own read connection (absent or `:memory:`: on this thread). */
  readonly dbPath?: string
  /** Resolver of due alerts to use instead of one built from `bars` and `dbPath` (tests hold its answers back). */
  readonly resolver?: AlertResolver
  /** Where the trader's mute / unmute choices persist (absent: models without skill are muted, nothing persists). */
  readonly settings?: SqliteSettingsStore
  /** Stored funding rates of the basket's perpetuals (the alerts set's `funding_mean`); absent: funding is missing. */
  readonly funding?: SqliteFundingStore
  /** Each live basket bar's latency (seconds, features to publish), for the metrics histogram. */
  readonly onLatency?: (seconds: number) => void
}

/** Deterministic alert id: the same model on the same basket bar is the same alert (history re-scored on restart). */
export function alertId(basket: string, modelVersion: string, time: number): string {
  return createHash('sha256').update(`${basket}\u0000${modelVersion}\u0000${time}`).digest('hex').slice(0, 20)
}

/**
 * The live alert loop (DOMAIN.md §2). On start it scores the stored history of the configured basket (aligned bars
 * through the alerts feature set, every (type, horizon) champion `alerts-<type>-h<H>h`, the anti-noise policy), then
 * each closed basket bar — once every member has it — advances the same streaming features, scores, applies the
 * policy, stores the alerts and publishes `alert` `fired` events; open alerts whose target time has passed are
 * resolved hit/miss with the §2 label computed from the stored bars (`resolved` events). Store first, then publish.
 * Work is serialised on one queue. Owns its inference sessions: `dispose()` releases them.
 */
export class AlertService implements Disposable {
  private readonly engine = new OnnxInferenceEngine({ singleThreads: 1 })
  private readonly subs: Disposable[] = []
  private slots: Slot[] = []
  private slotsLoaded = false
  /** Every active slot's model side by side in one graph (one `session.run` per bar); absent when it could not be built. */
  private stack?: { readonly id: string; readonly slots: readonly Slot[]; readonly columns: Int32Array | null }
  private computer?: AlertsFeatures
  /** Open time of the newest basket bar the features have stepped over. */
  private lastTime = -Infinity
  private policy: AlertNoisePolicy
  /** Muted models' alerts pass their own policy: they never use up the caps of the alerts the trader sees. */
  private mutedPolicy: AlertNoisePolicy
  private readonly queue = new SerialQueue((err) => {
    if (this.disposed) return
    this.detail = `alert loop failed: ${(err as Error).message.split('\n')[0]}`
    console.error(`[armada] ${this.detail}`)
  })
  /** Newest basket bar time seen per asset (live bars). */
  private readonly seen = new Map<string, number>()
  /** Newest basket bar per asset as its `bar` event carried it (stored before it was published). */
  private readonly newest = new Map<string, StoredBar>()
  private readonly cache = new Map<string, { probability: number; time: number; scoredAt: number }>()
  private state: AlertStatus['state'] = 'off'
  private detail?: string
  private lastScoredAt: number | null = null
  private defaultsTried = false
  private catchUpQueued = false
  /** Ids of due alerts sent to the resolver, not yet stored. */
  private readonly resolving = new Set<string>()
  /** Due alerts whose H bars had not closed when asked: the `basketRows` count at which to ask again. */
  private readonly askAgainAt = new Map<string, number>()
  /** Aligned basket rows scored so far (the clock of `askAgainAt`). */
  private basketRows = 0
  private readonly resolutions = new Set<Promise<void>>()
  private resolver?: AlertResolver
  private disposed = false
  private readonly skipped = new Map<string, string>()
  readonly basket: string | null
  private readonly tfMs: number
  private readonly barsPerHour: number
  /** Latency of the last basket bars handled live (ms, features to publish), newest last, at most 1000. */
  readonly latencies: number[] = []

  constructor(private readonly deps: AlertDeps) {
    const c = deps.config
    this.basket = c ? (c.basket ?? c.assets.join(',')) : null
    this.tfMs = c ? TIMEFRAME_MS[c.timeframe] : 0
    this.barsPerHour = c ? TIMEFRAME_MS['1h'] / this.tfMs : 1
    this.policy = new AlertNoisePolicy({ ...ALERT_NOISE_DEFAULTS, ...(c?.noise ?? {}) })
    this.mutedPolicy = new AlertNoisePolicy({ ...ALERT_NOISE_DEFAULTS, ...(c?.noise ?? {}) })
  }

  /** Validates the basket, listens to closed bars and model changes, and scores the stored history. */
  start(): void {
    const c = this.deps.config
    if (!c) {
      this.detail = 'no alert basket configured (config alerts: { assets, timeframe })'
      return
    }
    const assets = c.assets.map(symbolKey)
    if (assets.length < 3)
      throw new Error(`alerts basket "${this.basket}": needs ≥ 3 instruments, got ${assets.length}`)
    if (new Set(assets).size !== assets.length)
      throw new Error(`alerts basket "${this.basket}": an instrument is listed twice`)
    this.state = 'waiting'
    this.detail = 'scoring the stored history'
    this.resolver =
      this.deps.resolver ??
      new AlertResolver(this.deps.bars, { assets, venue: this.venue, timeframe: c.timeframe }, this.deps.dbPath)
    const { events } = this.deps
    this.subs.push(
      events.subscribe('bar', (bar) => {
        if (!bar.partial) this.onBar(bar)
      }),
      events.subscribe('models', (e) => {
        if (e.name.startsWith(`${this.prefix}-`)) this.invalidate()
      }),
    )
    this.enqueue(() => this.catchUp(Number.MAX_SAFE_INTEGER))
  }

  private get assets(): string[] {
    return (this.deps.config?.assets ?? []).map(symbolKey)
  }

  private get venue(): string {
    return venueKey(this.deps.config?.venue ?? 'BINANCE')
  }

  /** Bars per year of the basket's annualised volatility (default 365 days of the timeframe). */
  get barsPerYear(): number {
    return this.deps.config?.barsPerYear ?? Math.round((365 * 24 * 3_600_000) / (this.tfMs || TIMEFRAME_MS['1h']))
  }

  /** Name prefix of the basket's models. */
  private get prefix(): string {
    return this.deps.config?.modelPrefix ?? 'alerts'
  }

  /** Forgets the loaded models (a version was registered or an alias moved), reloads them and scores the stored history again. */
  invalidate(): void {
    this.slotsLoaded = false
    if (this.state !== 'off') this.enqueue(() => this.catchUp(Number.MAX_SAFE_INTEGER))
  }

  /**
   * Resolves once everything queued so far has been handled, including due-alert resolutions still in the resolver
   * unless `resolutions` is false (then only the bar path: scoring, storing and publishing fired alerts).
   */
  async idle(options: { resolutions?: boolean } = {}): Promise<void> {
    const withResolutions = options.resolutions ?? true
    for (;;) {
      await this.queue.idle()
      if (!withResolutions || !this.resolutions.size) return
      await Promise.all([...this.resolutions])
    }
  }

  private enqueue(fn: () => Promise<void>): void {
    this.queue.run(fn)
  }

  private onBar(bar: StoredBar): void {
    const c = this.deps.config!
    if (bar.timeframe !== c.timeframe || bar.venue !== this.venue || !this.assets.includes(bar.symbol)) return
    this.seen.set(bar.symbol, Math.max(this.seen.get(bar.symbol) ?? -Infinity, bar.time))
    if (bar.time >= (this.newest.get(bar.symbol)?.time ?? -Infinity)) this.newest.set(bar.symbol, bar)
    // The basket bar is complete once every member has a bar at or after it: score up to the slowest member.
    const upTo = this.completeUpTo()
    if (!(upTo > this.lastTime) || this.catchUpQueued) return
    // One queued catch-up at a time: it reads the members' newest bars when it runs (a backfill is one batch).
    this.catchUpQueued = true
    this.enqueue(() => {
      this.catchUpQueued = false
      return this.catchUp(this.completeUpTo(), true)
    })
  }

  /** Newest basket bar time every member has reached. */
  private completeUpTo(): number {
    let upTo = Infinity
    for (const a of this.assets) upTo = Math.min(upTo, this.seen.get(a) ?? -Infinity)
    return upTo
  }

  /**
   * Steps the features over the aligned stored basket bars after the last one handled, up to `upTo`, scores every
   * model on them (one batch), runs the policy in time order, stores and publishes the alerts, and resolves due ones.
   */
  private async catchUp(upTo: number, live = false): Promise<void> {
    if (this.disposed) return
    if (!this.slotsLoaded) await this.loadModels()
    if (this.disposed || upTo <= this.lastTime) return
    const t0 = performance.now()
    const basket =
      (live ? this.nextFromEvents(upTo) : undefined) ??
      alignedBasketBars(
        this.deps.bars,
        { assets: this.assets, venue: this.venue, timeframe: this.deps.config!.timeframe },
        this.lastTime + 1,
        upTo,
      )
    const n = basket ? basket[0].time.length : 0
    if (n > 0) {
      const computer = this.computer!
      const f = computer.names.length
      const x = new Float64Array(n * f)
      const closes = new Float64Array(this.assets.length)
      const vols = new Float64Array(this.assets.length)
      const funding = basketFundingColumn(
        this.deps.funding,
        this.assets.map((symbol) => ({ symbol, venue: this.venue })),
        this.deps.config!.timeframe as Timeframe,
        basket![0].time,
      )
      const ctx: AlertsContext = {}
      for (let i = 0; i < n; i++) {
        for (let a = 0; a < closes.length; a++) {
          closes[a] = basket![a].close[i]
          vols[a] = basket![a].volume[i]
        }
        ctx.fundingRate = funding?.[i]
        computer.step(closes, vols, ctx, x.subarray(i * f, (i + 1) * f))
      }
      const times = basket![0].time
      this.lastTime = times[n - 1]
      this.basketRows += n
      const { fired, escalated } = await this.score(times, x, n, f)
      for (const a of fired) this.deps.events.publish('alert', { kind: 'fired', alert: a })
      for (const a of escalated) this.deps.events.publish('alert', { kind: 'escalated', alert: a })
      this.resolveDue(this.lastTime)
      this.lastScoredAt = this.lastTime
    }
    const ready = this.slots.some((s) => s.versionId)
    this.state = ready && this.lastTime > -Infinity ? 'scoring' : 'waiting'
    this.detail = !ready
      ? 'no alert model is registered for this basket'
      : this.lastTime === -Infinity
        ? 'waiting for aligned basket bars'
        : undefined
    if (live && n > 0) {
      const elapsed = performance.now() - t0
      this.latencies.push(elapsed)
      if (this.latencies.length > 1000) this.latencies.splice(0, this.latencies.length - 1000)
      this.deps.onLatency?.(elapsed / 1000)
    }
  }

  /**
   * Every active model's probability of "fires" per row, and its RF and GBDT members' when it exposes them: one run
   * of the stacked graph, else one run per model.
   */
  private async probabilities(
    x: Float64Array,
    n: number,
    f: number,
  ): Promise<{ s: Slot; p: (i: number) => number; pRf: (i: number) => number; pGbdt: (i: number) => number }[]> {
    const x32 = Float32Array.from(x)
    const stack = this.stack
    if (stack) {
      const r = await this.engine.scoreStacked(stack.id, stack.columns ? gather(x32, n, f, stack.columns) : x32, n)
      const k = r.heads.length
      const m = r.memberProbabilities.length / (2 * n)
      return stack.slots.map((s, h) => {
        const p = (i: number) => r.probabilities[2 * (i * k + h) + 1]
        const member = (j: number | undefined) =>
          s.members && r.heads[h].members === 2 && j !== undefined
            ? (i: number) => r.memberProbabilities[2 * (i * m + r.memberOffsets[h] + j) + 1]
            : p
        return { s, p, pRf: member(s.members?.rf), pGbdt: member(s.members?.gbdt) }
      })
    }
    const active = this.slots.filter((s) => s.versionId)
    return Promise.all(
      active.map(async (s) => {
        const rows = s.columns ? gather(x32, n, f, s.columns) : x32
        const r = await this.engine.scoreMerged(s.versionId!, rows, n).catch(async () => ({
          ...(await this.engine.score(s.versionId!, rows, n)),
          memberProbabilities: null as Float32Array | null,
        }))
        const p = (i: number) => r.probabilities[2 * i + 1]
        // Members: [rf quiet, rf fires, gbdt quiet, gbdt fires] when the graph exposes them.
        const mp = r.memberProbabilities
        const member = (j: number | undefined) => (mp && j !== undefined ? (i: number) => mp[4 * i + 2 * j + 1] : p)
        return { s, p, pRf: member(s.members?.rf), pGbdt: member(s.members?.gbdt) }
      }),
    )
  }

  /**
   * The live case without a store read: the basket bar right after the last one handled, when every member's newest
   * `bar` event is that bar (its stored values: bars are published after they are stored, a re-stored bar is published
   * again). Anything else — a gap, a member behind or ahead, the first bar — reads the aligned bars from the store.
   */
  private nextFromEvents(upTo: number): BarColumns[] | undefined {
    if (upTo !== this.lastTime + this.tfMs) return undefined
    const cols: BarColumns[] = []
    for (const a of this.assets) {
      const bar = this.newest.get(a)
      if (bar?.time !== upTo) return undefined
      cols.push(barsToColumns([bar]))
    }
    return cols
  }

  /**
   * Scores rows in time order through every model and the policy; the shown alerts it stored and the open ones it
   * raised to S3. A muted model's alerts pass their own policy and are stored muted (resolved later, never published).
   */
  private async score(
    times: Float64Array,
    x: Float64Array,
    n: number,
    f: number,
  ): Promise<{ fired: Alert[]; escalated: Alert[] }> {
    const per = await this.probabilities(x, n, f)
    if (!per.length) return { fired: [], escalated: [] }
    const c = this.deps.config!
    const now = this.deps.clock.now()
    const out: Alert[] = []
    const escalated = new Map<string, Alert>()
    this.deps.alerts.transaction(() => {
      for (let i = 0; i < n; i++) {
        const time = times[i]
        const candidates = per.map(({ s, p, pRf, pGbdt }) => ({ s, probability: p(i), pRf: pRf(i), pGbdt: pGbdt(i) }))
        for (const q of candidates) this.cache.set(q.s.name, { probability: q.probability, time, scoredAt: now })
        // Strongest first: when two horizons of one type pass, the more probable one fires and dedup drops the other.
        candidates.sort((a, b) => b.probability - a.probability)
        for (const q of candidates) {
          const id = alertId(this.basket!, q.s.versionId!, time)
          const policy = q.s.muted ? this.mutedPolicy : this.policy
          const d = policy.decide({
            type: q.s.type,
            horizonHours: q.s.horizonHours,
            time,
            probability: q.probability,
            pRf: q.pRf,
            pGbdt: q.pGbdt,
            ref: id,
          })
          if (!d.fire) {
            if (d.reason === 'escalates') {
              const raised = this.deps.alerts.escalate(d.ref, time, q.probability)
              if (raised && !raised.muted) escalated.set(raised.id, raised)
            }
            continue
          }
          const alert: NewAlert = {
            id,
            type: q.s.type,
            severity: d.severity,
            time,
            targetTime: time + q.s.horizonBars * this.tfMs,
            horizonHours: q.s.horizonHours,
            probability: q.probability,
            pRf: q.pRf,
            pGbdt: q.pGbdt,
            confidence: d.confidence,
            escalated: d.escalated,
            modelName: q.s.name,
            modelVersion: q.s.versionId!,
            basket: this.basket!,
            timeframe: c.timeframe,
            assets: this.assets,
            ...(q.s.muted ? { muted: true } : {}),
          }
          const stored = this.deps.alerts.insert(alert)
          if (stored && !stored.muted) out.push(stored)
        }
      }
    })
    return { fired: out, escalated: [...escalated.values()] }
  }

  /**
   * Resolves open alerts whose target bar is at or before `time`, off the bar path: the alert resolver's worker
   * recomputes their §2 labels from the stored basket bars (with 30 days + 1 day of bars before them for the label's
   * windows) while the loop goes on; the outcomes come back as one queued task that stores them in one transaction and
   * publishes `resolved` events. An alert already sent is not sent again until its outcome is stored.
   */
  private resolveDue(time: number): void {
    const rows = this.basketRows
    const due = this.deps.alerts
      .due(this.basket!, time)
      .filter((a) => !this.resolving.has(a.id) && (this.askAgainAt.get(a.id) ?? 0) <= rows)
    if (!due.length) return
    for (const a of due) this.resolving.add(a.id)
    // Market time, not wall time: the close of the basket bar that settled it (a replay of 2018 resolves in 2018).
    const at = time + this.tfMs
    const pending = this.resolver!.resolve(due, time).then(
      ({ outcomes, waits }) =>
        this.enqueue(async () => {
          this.storeOutcomes(outcomes, at)
          for (const o of outcomes) this.askAgainAt.delete(o.id)
          // Alerts whose H bars have not closed yet (a basket with gaps: US equities trade 7 of 24 hours) are asked
          // again once that many more aligned rows have been scored, not on every bar in between.
          for (const w of waits) this.askAgainAt.set(w.id, rows + w.bars)
          for (const a of due) this.resolving.delete(a.id)
        }),
      (err: unknown) => {
        for (const a of due) this.resolving.delete(a.id)
        if (this.disposed) return
        this.detail = `alert resolution failed: ${(err as Error).message.split('\n')[0]}`
        console.error(`[armada] ${this.detail}`)
      },
    )
    this.resolutions.add(pending)
    void pending.finally(() => this.resolutions.delete(pending))
  }

  /** Stores resolved outcomes (one transaction) and publishes them. */
  private storeOutcomes(outcomes: readonly AlertOutcome[], at: number): void {
    if (this.disposed) return
    const out: Alert[] = []
    this.deps.alerts.transaction(() => {
      for (const o of outcomes) if (this.deps.alerts.resolve(o.id, o.outcome, at)) out.push(this.deps.alerts.get(o.id)!)
    })
    for (const o of outcomes) this.resolving.delete(o.id)
    // A muted model's alerts were never shown: their outcomes feed its live record, not the trader's feed.
    for (const a of out) if (!a.muted) this.deps.events.publish('alert', { kind: 'resolved', alert: a })
  }

  /** Due-alert resolutions sent to the resolver whose outcomes are not stored yet. */
  get pendingResolutions(): number {
    return this.resolutions.size
  }

  /** Loads every (type, horizon) champion; a change of models restarts features, policy and history scoring. */
  private async loadModels(): Promise<void> {
    const c = this.deps.config!
    if (!this.defaultsTried) {
      this.defaultsTried = true
      await this.registerDefaults()
      if (this.disposed) return
    }
    const barsPerYear = this.barsPerYear
    this.computer = new AlertsFeatures({ assets: this.assets.length, barsPerHour: this.barsPerHour, barsPerYear })
    const names = this.computer.names
    const live = liveVersions(this.deps.registry)
    const slots: Slot[] = []
    for (const type of ALERT_TYPES)
      for (const hh of ALERT_HORIZON_HOURS) {
        const name = alertModelName(type, hh, this.prefix)
        const slot: Slot = {
          type,
          horizonHours: hh,
          horizonBars: Math.max(1, Math.round(hh * this.barsPerHour)),
          name,
          versionId: null,
          columns: null,
          members: null,
          muted: false,
          trainingWindow: undefined,
        }
        slots.push(slot)
        const champ = live.get(name)
        if (!champ) {
          slot.reason =
            this.skipped.get(name) ??
            (live.has(name)
              ? `${name} has no champion`
              : `no ${name} model is registered; train the basket's alert models (Train alert models above, or armada train alerts --basket ${this.assets.join(',')} --timeframe ${c.timeframe}${this.prefix === 'alerts' ? '' : ` --name ${this.prefix}`})`)
          continue
        }
        if (champ.card.featureSpecHash && champ.card.featureSpecHash !== this.computer.specHash) {
          slot.reason = `champion ${champ.id.slice(0, 12)} was trained on another basket size or timeframe (feature spec ${champ.card.featureSpecHash.slice(0, 8)} ≠ ${this.computer.specHash.slice(0, 8)})`
          continue
        }
        loadVersion(this.engine, this.deps.registry, champ.id, champ.card)
        const card = this.engine.card(champ.id)
        slot.columns = featureColumns(card.features, names)
        if (slot.columns?.some((j) => j < 0)) {
          slot.reason = `champion ${champ.id.slice(0, 12)} needs features the alerts set does not have`
          continue
        }
        const ens = (card.training as { ensemble?: { name?: string }[] } | undefined)?.ensemble
        if (ens?.length === 2) {
          const rf = ens.findIndex((e) => String(e.name ?? '').endsWith('-rf'))
          slot.members = rf >= 0 ? { rf, gbdt: 1 - rf } : { rf: 0, gbdt: 1 }
        }
        const metrics = champ.metrics as {
          validation?: { f1?: number; rocAuc?: number | null; logLoss?: number }
          baselines?: { majority?: { f1?: number; logLoss?: number }; knownPersistence?: { f1?: number } }
          baseRate?: number
        }
        const v = metrics.validation
        const maj = metrics.baselines?.majority
        if (v && typeof v.f1 === 'number')
          slot.validation = {
            rocAuc: v.rocAuc ?? null,
            f1: v.f1,
            baselineF1: maj?.f1 ?? 0,
            ...(typeof v.logLoss === 'number' ? { logLoss: v.logLoss } : {}),
            ...(typeof maj?.logLoss === 'number' ? { baselineLogLoss: maj.logLoss } : {}),
            ...(typeof metrics.baselines?.knownPersistence?.f1 === 'number'
              ? { persistenceF1: metrics.baselines.knownPersistence.f1 }
              : {}),
            ...(typeof metrics.baseRate === 'number' ? { baseRate: metrics.baseRate } : {}),
          }
        slot.skill = recordSkill(champ.metrics)
        slot.muted = this.mutedByDefaultOrChoice(name, slot.skill)
        slot.trainingWindow = cardTrainingWindow(card)
        slot.versionId = champ.id
      }
    this.slots = slots
    await this.loadStack(slots.filter((s) => s.versionId))
    this.slotsLoaded = true
    // New models: features, policy and the history are scored again from the start (stored alerts are kept by id).
    this.lastTime = -Infinity
    this.policy = new AlertNoisePolicy({ ...ALERT_NOISE_DEFAULTS, ...(c.noise ?? {}) })
    this.mutedPolicy = new AlertNoisePolicy({ ...ALERT_NOISE_DEFAULTS, ...(c.noise ?? {}) })
  }

  /** The trader's choice for a model name when there is one, else muted exactly when its walk-forward shows no skill. */
  private mutedByDefaultOrChoice(name: string, skill: SkillVerdict | undefined): boolean {
    const choice = this.deps.settings?.get<Record<string, boolean>>(ALERT_MUTE_SETTING)?.[name]
    return typeof choice === 'boolean' ? choice : skill !== undefined && !skill.skill
  }

  /**
   * Mutes or unmutes one alert model (persisted). From the next scored bar its alerts are shown (unmuted) or only stored
   * for its live record (muted); alerts already stored keep the state they were fired in. Throws for an unknown name.
   */
  setMuted(modelName: string, muted: boolean): AlertModelStatus {
    const slot = this.slots.find((s) => s.name === modelName)
    if (!slot) throw new CallRefused('not-found', `no alert model "${modelName}" in the basket's (type, horizon) grid`)
    const choices = {
      ...(this.deps.settings?.get<Record<string, boolean>>(ALERT_MUTE_SETTING) ?? {}),
      [modelName]: muted,
    }
    this.deps.settings?.set(ALERT_MUTE_SETTING, choices)
    slot.muted = muted
    return this.status().models.find((m) => m.modelName === modelName)!
  }

  /** Builds (or keeps) the stacked graph of the active slots' models; the previous stack's session is released. */
  private async loadStack(active: readonly Slot[]): Promise<void> {
    const id = active.length ? `alerts-stack:${active.map((s) => s.versionId).join(',')}` : undefined
    const previous = this.stack
    if (previous?.id === id) return
    this.stack = undefined
    if (previous) await this.engine.unload(previous.id)
    if (!id) return
    // Absent, every model is scored on its own session.
    const card = await stackVersions(
      this.engine,
      id,
      active.map((s) => s.versionId!),
      'alert models',
    )
    if (card) this.stack = { id, slots: active, columns: featureColumns(card.features, this.computer!.names) }
  }

  /** Registers shipped `alerts-*.onnx` defaults (champion where none exists) and reads the shipped skip reasons. */
  private async registerDefaults(): Promise<void> {
    const dir = this.deps.defaultModelsDir
    // The shipped models are the demo basket's (`alerts-…`): a basket of the trader's own trains its own.
    if (!dir || !existsSync(dir) || this.prefix !== 'alerts') return
    const skippedFile = join(dir, SKIPPED_FILE)
    if (existsSync(skippedFile)) {
      const list = JSON.parse(readFileSync(skippedFile, 'utf8')) as {
        type: AlertType
        horizonHours: number
        reason: string
      }[]
      for (const s of list) this.skipped.set(alertModelName(s.type, s.horizonHours), `not trained: ${s.reason}`)
    }
    await registerShippedModels(
      this.deps.registry,
      dir,
      shippedModelFiles(dir, (f) => /^alerts-.+-h[0-9]+h\.onnx$/.test(f)),
      {
        stopped: () => this.disposed,
        skip: (name) => this.deps.registry.hasModel(name),
        refused: (file, err) => {
          if (!this.disposed) console.error(`[armada] shipped alert model ${file} refused: ${(err as Error).message}`)
        },
      },
    )
  }

  /** Stored alerts, newest first (the `listAlerts` query). */
  list(q: AlertsQuery = {}): Alert[] {
    return this.deps.alerts.list({ ...q, ...(q.symbol ? { symbol: symbolKey(q.symbol) } : {}) })
  }

  /** Acknowledges an alert (persisted) and publishes `acknowledged`. Throws for an unknown id. */
  acknowledge(id: string): Alert {
    const before = this.deps.alerts.get(id)
    if (!before) throw new CallRefused('not-found', `no alert "${id}"`)
    const a = this.deps.alerts.acknowledge(id, this.deps.clock.now())
    if (!before.acknowledged) this.deps.events.publish('alert', { kind: 'acknowledged', alert: a })
    return a
  }

  /** The basket, its models with validation and live record, and why it is not scoring when it is not. */
  status(): AlertStatus {
    const c = this.deps.config
    if (!c)
      return {
        basket: null,
        assets: [],
        timeframe: null,
        venue: null,
        modelPrefix: null,
        source: null,
        state: 'off',
        ...(this.detail ? { detail: this.detail } : {}),
        models: [],
        open: 0,
        lastScoredAt: null,
      }
    const records = new Map(this.deps.alerts.records(this.basket!).map((r) => [r.modelName, r]))
    const now = this.deps.clock.now()
    const models: AlertModelStatus[] = this.slots.map((s) => {
      const r = records.get(s.name)
      const cached = this.cache.get(s.name)
      const fresh = cached && now - cached.scoredAt <= ALERT_PREDICTION_CACHE_MS ? cached : undefined
      return {
        type: s.type,
        horizonHours: s.horizonHours,
        modelName: s.name,
        versionId: s.versionId,
        ...(s.reason ? { reason: s.reason } : {}),
        ...(s.validation ? { validation: s.validation } : {}),
        lastProbability: fresh?.probability ?? null,
        lastScoredAt: fresh?.time ?? null,
        fired: r?.fired ?? 0,
        resolved: r?.resolved ?? 0,
        hitRate: r && r.resolved > 0 ? r.hits / r.resolved : null,
        muted: s.muted,
        ...(s.skill ? { skill: s.skill } : {}),
        ...(s.trainingWindow ? { trainingWindow: s.trainingWindow } : {}),
      }
    })
    return {
      basket: this.basket,
      assets: this.assets,
      timeframe: c.timeframe,
      venue: this.venue,
      modelPrefix: this.prefix,
      source: c.source ?? 'config',
      state: this.state,
      ...(this.detail ? { detail: this.detail } : {}),
      models,
      open: this.deps.alerts.openCount(this.basket!),
      lastScoredAt: this.lastScoredAt,
    }
  }

  /**
   * Stops listening, waits for the task in progress (a shipped-model registration or a scoring pass stops at its next
   * step), stops the resolver (pending resolutions are dropped: those alerts stay open and are resolved on the next
   * start) and releases the inference sessions. Call before the database closes.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    for (const d of this.subs.splice(0)) d.dispose()
    await this.queue.settled()
    await this.resolver?.dispose()
    await Promise.allSettled([...this.resolutions])
    await this.engine.dispose()
  }
}

function gather(x: Float32Array, n: number, f: number, columns: Int32Array): Float32Array {
  const k = columns.length
  const out = new Float32Array(n * k)
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] = x[i * f + columns[j]]
  return out
}
