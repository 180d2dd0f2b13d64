import {
  API_METHOD_NAMES,
  LiveBarResampler,
  resampleSource,
  type BarsQuery,
  type ApiEvents,
  type ApiTopic,
  type Disposable,
  type JobInfo,
  type LiveStrategySpec,
  type ModelAliasEvent,
  type ModelDetail,
  type ModelMetricSummary,
  type ModelVersionInfo,
  type PaperAccount,
  type SignalView,
  type SeriesSummary,
  type StoredBar,
  type Timeframe,
  type WorkstationApi,
} from '../../src-shared'

/** Bars of a 1-minute series starting at `t0`: rising closes, enough to tell them apart. */
export function makeBars(
  symbol: string,
  venue: string,
  timeframe: Timeframe,
  n: number,
  t0 = Date.UTC(2024, 0, 1),
): StoredBar[] {
  return Array.from({ length: n }, (_, i) => ({
    symbol,
    venue,
    timeframe,
    time: t0 + i * 60_000,
    open: 100 + i,
    high: 101 + i,
    low: 99 + i,
    close: 100.5 + i,
    volume: 10 + i,
  }))
}

/** Job snapshot with sensible defaults. */
export function makeJob(over: Partial<JobInfo> & { id: string }): JobInfo {
  return { kind: 'diagnostics.wait', state: 'running', progress: 0, message: '', createdAt: 1, updatedAt: 1, ...over }
}

/** Headline metrics with defaults (F1 0.4, AUC 0.55, log loss 1.05, accuracy 0.45). */
export function makeMetrics(over: Partial<ModelMetricSummary> = {}): ModelMetricSummary {
  return {
    n: 400,
    accuracy: 0.45,
    precision: 0.4,
    recall: 0.4,
    f1: 0.4,
    rocAuc: 0.55,
    logLoss: 1.05,
    brier: 0.6,
    ...over,
  }
}

/** A registered version of a regime model with metrics next to baselines. */
export function makeVersion(id: string, over: Partial<ModelVersionInfo> = {}): ModelVersionInfo {
  return {
    id,
    name: 'regime-btcusdt-1h-h12',
    createdAt: 1_700_000_000_000,
    size: 1000,
    aliases: [],
    card: {
      name: 'regime-btcusdt-1h-h12',
      predictor: 'regime',
      task: 'multiclass',
      classes: ['bearish', 'neutral', 'bullish'],
      features: ['rsi_14', 'atr_14'],
      inputShape: [null, 2],
      training: { algo: 'gbdt' },
    },
    lineage: {},
    metrics: {
      validation: makeMetrics(),
      baselines: {
        majority: makeMetrics({ f1: 0.2, rocAuc: 0.5, logLoss: 1.1, accuracy: 0.47 }),
        persistence: makeMetrics({ f1: 0.78, rocAuc: 0.83, logLoss: 7.4, accuracy: 0.79 }),
      },
    },
    tags: [],
    notes: '',
    ...over,
  }
}

/** A stored signal of Battle Navale on BTCUSDT.BINANCE 1m (taken, long, ML off) with `over` applied. */
export function makeSignal(id: number, over: Partial<SignalView> = {}): SignalView {
  return {
    id,
    time: Date.UTC(2024, 0, 1) + id * 60_000,
    symbol: 'BTCUSDT',
    venue: 'BINANCE',
    timeframe: '1m',
    strategy: 'battle-navale',
    side: 'long',
    score: 0.41,
    baseConfidence: 0.68,
    mlProbability: null,
    enhancedConfidence: 0.68,
    tier: 0.5,
    outcome: 'taken',
    reason: 'bullish battle',
    ml: false,
    modelVersion: null,
    ...over,
  }
}

/** The paper account of a live strategy, flat at its initial equity unless `over` says otherwise. */
export function makeAccount(
  spec: Pick<LiveStrategySpec, 'strategy' | 'symbol' | 'venue' | 'timeframe'>,
  over: Partial<PaperAccount> = {},
): PaperAccount {
  return {
    strategy: spec.strategy,
    symbol: spec.symbol,
    venue: spec.venue,
    timeframe: spec.timeframe,
    ml: false,
    mlNote: 'ML off',
    initialEquity: 10_000,
    equity: 10_000,
    closedTrades: 0,
    positions: [],
    equityCurve: [],
    bars: 2000,
    lastBarTime: null,
    ...over,
  }
}

/** An in-memory WorkstationApi for store tests: fixed series and bars, observable calls, publishable events. */
export class FakeApi {
  readonly calls: { method: string; params: unknown }[] = []
  series: SeriesSummary[] = []
  bars = new Map<string, StoredBar[]>()
  jobs: JobInfo[] = []
  failNext?: string
  /** Registered models by name (detail as `getModel` answers it). */
  models = new Map<string, ModelDetail>()
  /** Stored strategy signals (any order), enabled live strategies and what `listPaperAccounts` answers. */
  signals: SignalView[] = []
  liveSpecs: LiveStrategySpec[] = []
  accounts: PaperAccount[] = []
  private seq = 0
  private readonly listeners = new Map<string, Set<(e: unknown) => void>>()

  addSeries(bars: StoredBar[], primary?: boolean): void {
    const b = bars[0]
    this.series.push({
      symbol: b.symbol,
      venue: b.venue,
      timeframe: b.timeframe,
      count: bars.length,
      first: b.time,
      last: bars[bars.length - 1].time,
      ...(primary ? { primary } : {}),
    })
    this.bars.set(`${b.symbol}.${b.venue}-${b.timeframe}`, bars)
  }

  publish<T extends ApiTopic>(topic: T, event: ApiEvents[T]): void {
    for (const l of this.listeners.get(topic) ?? []) l(event)
  }

  listenerCount(): number {
    let n = 0
    for (const s of this.listeners.values()) n += s.size
    return n
  }

  /** Methods the stores use answer from the fields above; any other method rejects (the contract grows). */
  readonly api: WorkstationApi = {
    ...(Object.fromEntries(
      API_METHOD_NAMES.map((m) => [m, async () => this.record(m, undefined, undefined, true)]),
    ) as unknown as WorkstationApi),
    health: async () =>
      this.record('health', undefined, {
        ok: true,
        version: '0.1.0',
        database: '/tmp/a.db',
        schemaVersion: 2,
        uptimeMs: 5,
        shell: 'headless',
      }),
    listInstruments: async () => this.record('listInstruments', undefined, []),
    listSeries: async () => this.record('listSeries', undefined, [...this.series]),
    getBars: async (q) => this.record('getBars', q, this.barsIn(q)),
    listJobs: async (p) => this.record('listJobs', p, [...this.jobs]),
    startJob: async (r) => this.record('startJob', r, makeJob({ id: 'new', kind: r.kind })),
    cancelJob: async ({ id }) => this.record('cancelJob', { id }, makeJob({ id, state: 'cancelled', updatedAt: 99 })),
    importFiles: async (r) => this.record('importFiles', r, makeJob({ id: 'import-1', kind: 'data.import' })),
    listModels: async () =>
      this.record(
        'listModels',
        undefined,
        [...this.models.values()].map((d) => ({
          name: d.name,
          predictor: 'regime' as const,
          versions: d.versions.length,
          aliases: d.aliases,
          latestAt: d.versions[0]?.createdAt ?? 0,
        })),
      ),
    getModel: async ({ name }) => {
      const d = this.models.get(name)
      if (!d) this.record('getModel', { name }, undefined, true)
      return this.record('getModel', { name }, d!)
    },
    trainModel: async (r) =>
      this.record('trainModel', r, makeJob({ id: 'train-1', kind: 'ml.train', state: 'running' })),
    promoteModel: async (r) => {
      this.record('promoteModel', r, undefined)
      const d = [...this.models.values()].find((m) => m.versions.some((v) => v.id === r.id))!
      return {
        changed: true,
        authorisedBy: r.force ? ('force' as const) : ('first' as const),
        event: this.moveAlias(d, r.alias, r.id, 'promote', r.reason),
      }
    },
    rollbackModel: async (r) => {
      this.record('rollbackModel', r, undefined)
      const d = this.models.get(r.name)!
      const prev =
        [...d.history].reverse().find((h) => h.alias === r.alias && h.to === d.aliases[r.alias])?.from ?? null
      return this.moveAlias(d, r.alias, prev, 'rollback', r.reason)
    },
    listSignals: async (q) => {
      const f = q ?? {}
      const hit = this.signals
        .filter(
          (s) =>
            (f.symbol === undefined || s.symbol === f.symbol) &&
            (f.venue === undefined || s.venue === f.venue) &&
            (f.timeframe === undefined || s.timeframe === f.timeframe),
        )
        .filter(
          (s) =>
            (f.strategy === undefined || s.strategy === f.strategy) &&
            (f.from === undefined || s.time >= f.from) &&
            (f.to === undefined || s.time < f.to),
        )
        .sort((a, b) => b.time - a.time || b.id - a.id)
      return this.record('listSignals', q, hit.slice(0, f.limit ?? 500))
    },
    listLiveStrategies: async () => this.record('listLiveStrategies', undefined, [...this.liveSpecs]),
    listPaperAccounts: async () => this.record('listPaperAccounts', undefined, [...this.accounts]),
    setLiveStrategy: async (r) => {
      this.record('setLiveStrategy', r, undefined)
      const key = (x: LiveStrategySpec) => `${x.strategy}@${x.symbol}.${x.venue}:${x.timeframe}`
      this.liveSpecs = this.liveSpecs.filter((x) => key(x) !== key(r.spec))
      this.accounts = this.accounts.filter((x) => key(x) !== key(r.spec))
      if (!r.enabled) return null
      this.liveSpecs.push(r.spec)
      const account = makeAccount(r.spec)
      this.accounts.push(account)
      return account
    },
    trainSignalQuality: async (r) =>
      this.record('trainSignalQuality', r, makeJob({ id: 'sq-1', kind: 'signal-quality.train', state: 'queued' })),
    getFeedStatus: async () =>
      this.record('getFeedStatus', undefined, { feed: 'off' as const, detail: 'no feed configured' }),
    subscribe: <T extends ApiTopic>(topic: T, listener: (e: ApiEvents[T]) => void): Disposable => {
      let set = this.listeners.get(topic)
      if (!set) this.listeners.set(topic, (set = new Set()))
      const l = listener as (e: unknown) => void
      set.add(l)
      return { dispose: () => set.delete(l) }
    },
  }

  /** Stored bars of the query's range (newest `limit`), or — like the core — resampled from the finest stored timeframe dividing it. */
  private barsIn(q: BarsQuery): StoredBar[] {
    const inRange = (b: StoredBar) =>
      (q.from === undefined || b.time >= q.from) && (q.to === undefined || b.time <= q.to)
    const stored = [...this.bars.values()]
      .filter((b) => b[0].symbol === q.symbol && b[0].venue === q.venue)
      .map((b) => b[0].timeframe)
    const source = resampleSource(stored, q.timeframe)
    if (source === undefined) return []
    let bars = this.bars.get(`${q.symbol}.${q.venue}-${source}`)!
    if (source !== q.timeframe) {
      const live = new LiveBarResampler(source, q.timeframe)
      const key = { symbol: q.symbol, venue: bars[0].venue, timeframe: q.timeframe, resampledFrom: source }
      const out: StoredBar[] = []
      for (const b of bars) {
        const r = live.push(b, false)!
        if (r.closed) out[out.length - 1] = { ...r.closed, ...key }
        if (out.length === 0 || out[out.length - 1].time !== r.forming.time) out.push({ ...r.forming, ...key })
        else out[out.length - 1] = { ...r.forming, ...key }
      }
      bars = out
    }
    return bars.filter(inRange).slice(-(q.limit ?? Infinity))
  }

  private moveAlias(
    d: ModelDetail,
    alias: ModelAliasEvent['alias'],
    to: string | null,
    kind: ModelAliasEvent['kind'],
    reason: string,
  ): ModelAliasEvent {
    const event: ModelAliasEvent = {
      seq: ++this.seq,
      name: d.name,
      alias,
      from: d.aliases[alias] ?? null,
      to,
      time: 1_700_000_000_000 + this.seq,
      kind,
      actor: 'user',
      reason,
    }
    const aliases = { ...d.aliases, [alias]: to ?? undefined }
    const versions = d.versions.map((v) => ({
      ...v,
      aliases: (Object.keys(aliases) as ModelAliasEvent['alias'][]).filter((a) => aliases[a] === v.id),
    }))
    this.models.set(d.name, { ...d, aliases, versions, history: [...d.history, event] })
    return event
  }

  private record<R>(method: string, params: unknown, result: R, unsupported = false): R {
    this.calls.push({ method, params })
    if (unsupported) throw new Error(`${method}: not implemented by FakeApi`)
    if (this.failNext === method) {
      this.failNext = undefined
      throw new Error(`${method}: database is locked`)
    }
    return result
  }
}
