import { API_METHOD_NAMES, type ApiEvents, type ApiTopic, type Disposable, type JobInfo, type SeriesSummary, type StoredBar, type Timeframe, type WorkstationApi } from '../../src-shared'

/** Bars of a 1-minute series starting at `t0`: rising closes, enough to tell them apart. */
export function makeBars(symbol: string, venue: string, timeframe: Timeframe, n: number, t0 = Date.UTC(2024, 0, 1)): StoredBar[] {
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

/** An in-memory WorkstationApi for store tests: fixed series and bars, observable calls, publishable events. */
export class FakeApi {
  readonly calls: { method: string; params: unknown }[] = []
  series: SeriesSummary[] = []
  bars = new Map<string, StoredBar[]>()
  jobs: JobInfo[] = []
  failNext?: string
  private readonly listeners = new Map<string, Set<(e: unknown) => void>>()

  addSeries(bars: StoredBar[]): void {
    const b = bars[0]
    this.series.push({ symbol: b.symbol, venue: b.venue, timeframe: b.timeframe, count: bars.length, first: b.time, last: bars[bars.length - 1].time })
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
    ...(Object.fromEntries(API_METHOD_NAMES.map((m) => [m, async () => this.record(m, undefined, undefined, true)])) as unknown as WorkstationApi),
    health: async () => this.record('health', undefined, { ok: true, version: '0.1.0', database: '/tmp/a.db', schemaVersion: 2, uptimeMs: 5, shell: 'headless' }),
    listInstruments: async () => this.record('listInstruments', undefined, []),
    listSeries: async () => this.record('listSeries', undefined, [...this.series]),
    getBars: async (q) => this.record('getBars', q, (this.bars.get(`${q.symbol}.${q.venue}-${q.timeframe}`) ?? []).slice(-(q.limit ?? Infinity))),
    listJobs: async (p) => this.record('listJobs', p, [...this.jobs]),
    startJob: async (r) => this.record('startJob', r, makeJob({ id: 'new', kind: r.kind })),
    cancelJob: async ({ id }) => this.record('cancelJob', { id }, makeJob({ id, state: 'cancelled', updatedAt: 99 })),
    importFiles: async (r) => this.record('importFiles', r, makeJob({ id: 'import-1', kind: 'data.import' })),
    getFeedStatus: async () => this.record('getFeedStatus', undefined, { feed: 'off' as const, detail: 'no feed configured' }),
    subscribe: <T extends ApiTopic>(topic: T, listener: (e: ApiEvents[T]) => void): Disposable => {
      let set = this.listeners.get(topic)
      if (!set) this.listeners.set(topic, (set = new Set()))
      const l = listener as (e: unknown) => void
      set.add(l)
      return { dispose: () => set.delete(l) }
    },
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
