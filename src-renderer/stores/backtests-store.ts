import { createStore, type StoreApi } from 'zustand/vanilla'
import {
  BACKTEST_JOB_KIND,
  parseStrategyParam,
  STRATEGY_CATALOG,
  strategyInfo,
  validateStrategyParams,
  type BacktestDetail,
  type BacktestSummary,
  type JobInfo,
  type RunBacktestRequest,
  type SeriesSummary,
  type StoredBar,
  type Timeframe,
  type WorkstationApi,
} from '../../src-shared'
import { errorLine } from '../api'
import { exportFileName, metricsCsv, tradesCsv } from './backtest-csv'

// The job kind its calls start (src-shared/job-requests.ts), for the views that follow the job.
export { BACKTEST_JOB_KIND }

/** Strategies the form offers: the shared catalog (src-shared/strategy-catalog.ts). */
export const BACKTEST_STRATEGIES: readonly string[] = STRATEGY_CATALOG.map((s) => s.name)

/** Metrics shown side by side, in order, with how each reads (fractions shown as percent). */
export const BACKTEST_METRICS: readonly {
  readonly key: string
  readonly label: string
  readonly percent: boolean
  readonly higherIsBetter: boolean
}[] = [
  { key: 'totalReturn', label: 'Total return', percent: true, higherIsBetter: true },
  { key: 'annualReturn', label: 'Annual return', percent: true, higherIsBetter: true },
  { key: 'sharpe', label: 'Sharpe', percent: false, higherIsBetter: true },
  { key: 'sortino', label: 'Sortino', percent: false, higherIsBetter: true },
  { key: 'calmar', label: 'Calmar', percent: false, higherIsBetter: true },
  { key: 'maxDrawdown', label: 'Max drawdown', percent: true, higherIsBetter: false },
  { key: 'maxDrawdownBars', label: 'Max DD duration (bars)', percent: false, higherIsBetter: false },
  { key: 'winRate', label: 'Win rate', percent: true, higherIsBetter: true },
  { key: 'profitFactor', label: 'Profit factor', percent: false, higherIsBetter: true },
  { key: 'expectancy', label: 'Expectancy', percent: false, higherIsBetter: true },
  { key: 'averageR', label: 'Average R', percent: false, higherIsBetter: true },
  { key: 'exposure', label: 'Exposure', percent: true, higherIsBetter: false },
  { key: 'trades', label: 'Trades', percent: false, higherIsBetter: true },
  { key: 'fees', label: 'Fees paid', percent: false, higherIsBetter: false },
]

/** Which trades of a run are shown (table and trades chart): the run without ML or the ML-enhanced one. */
export type TradesVariant = 'base' | 'ml'

/** Candles loaded for the trades chart: the run's range, at most this many (the most recent). */
export const MAX_CHART_BARS = 20_000

/** Trades marked on the trades chart: the most recent this many (two markers each). */
export const MAX_CHART_TRADES = 2_000

/** The variant actually shown for a run: runs without ML only have `base` trades. */
export function shownVariant(run: Pick<BacktestSummary, 'ml'>, chosen: TradesVariant): TradesVariant {
  return run.ml ? chosen : 'base'
}

/** The symbol the trades chart shows for a run: the chosen one when the run trades it, else its first symbol. */
export function shownSymbol(run: Pick<BacktestSummary, 'symbols'>, chosen: string | undefined): string | undefined {
  return chosen !== undefined && run.symbols.includes(chosen) ? chosen : run.symbols[0]
}

/** Cache key of the candles of one symbol over a run's range. */
export function chartBarsKey(
  run: Pick<BacktestSummary, 'venue' | 'timeframe' | 'from' | 'to'>,
  symbol: string,
): string {
  return `${symbol}|${run.venue}|${run.timeframe}|${run.from}|${run.to}`
}

/** Candles of the trades chart for one symbol and run range. */
export interface ChartBars {
  readonly state: 'loading' | 'ready' | 'error'
  readonly bars: readonly StoredBar[]
  readonly error?: string
}

/** A trade row clicked in the table (index into `run.trades`); `seq` grows on every click so a repeat click scrolls again. */
export interface FocusedTrade {
  readonly runId: number
  readonly index: number
  readonly seq: number
}

/** The run form as typed (strings, validated on submit; dates as `<input type=date>` gives them, YYYY-MM-DD UTC). */
export interface BacktestDraft {
  readonly strategy: string
  /** Keys of stored series (`symbol|venue|timeframe`); all must share venue and timeframe. */
  readonly series: readonly string[]
  readonly from: string
  /** Inclusive: the whole of that UTC day. */
  readonly to: string
  readonly feeBps: string
  readonly slippageBps: string
  readonly ml: boolean
  /** The strategy's parameters as typed, by name; absent or empty means its default. Switches hold 'true' or 'false'. */
  readonly params: Readonly<Record<string, string>>
}

export const EMPTY_BACKTEST_DRAFT: BacktestDraft = {
  strategy: 'battle-navale',
  series: [],
  from: '',
  to: '',
  feeBps: '5',
  slippageBps: '2',
  ml: true,
  params: {},
}

/** A form field that can be refused: the fixed ones, or `param.<name>` for a strategy parameter. */
export type BacktestField = 'strategy' | 'series' | 'from' | 'to' | 'feeBps' | 'slippageBps' | `param.${string}`

/** Why each refused field is refused (one line each), shown next to the field. */
export type BacktestFieldErrors = Readonly<Partial<Record<BacktestField, string>>>

const DAY_MS = 86_400_000

function parseDate(s: string, label: string): number | undefined | { error: string } {
  const t = s.trim()
  if (!t) return undefined
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(t) ? Date.parse(`${t}T00:00:00Z`) : NaN
  return Number.isFinite(ms) ? ms : { error: `${label} "${s}" is not a date (YYYY-MM-DD)` }
}

/** The refused fields of a draft (empty when it can be sent); `series` are the stored series it picks from. */
export function backtestFormErrors(d: BacktestDraft, series: readonly SeriesSummary[]): BacktestFieldErrors {
  const errors: Partial<Record<BacktestField, string>> = {}
  const info = strategyInfo(d.strategy)
  if (!info) errors.strategy = `unknown strategy "${d.strategy}"`
  const picked = d.series
    .map((k) => series.find((s) => `${s.symbol}|${s.venue}|${s.timeframe}` === k))
    .filter((s): s is SeriesSummary => !!s)
  if (picked.length === 0) errors.series = 'choose at least one stored series'
  else if (picked.some((s) => s.venue !== picked[0].venue || s.timeframe !== picked[0].timeframe))
    errors.series = 'all series of a backtest must share venue and timeframe'
  const from = parseDate(d.from, 'from')
  const to = parseDate(d.to, 'to')
  if (typeof from === 'object') errors.from = from.error
  if (typeof to === 'object') errors.to = to.error
  if (typeof from === 'number' && typeof to === 'number' && from > to)
    errors.from = `"From" (${d.from.trim()}) must be before "To" (${d.to.trim()})`
  const fee = Number(d.feeBps)
  const slip = Number(d.slippageBps)
  if (d.feeBps.trim() === '' || !(fee >= 0)) errors.feeBps = 'fee must be a number of bps ≥ 0'
  if (d.slippageBps.trim() === '' || !(slip >= 0)) errors.slippageBps = 'slippage must be a number of bps ≥ 0'
  if (info) {
    const typed: Record<string, number | boolean> = {}
    for (const p of info.parameters) {
      const v = parseStrategyParam(p, d.params[p.name] ?? '')
      if (typeof v === 'object') errors[`param.${p.name}`] = v.error
      else if (v !== undefined) typed[p.name] = v
    }
    const check = validateStrategyParams(info.name, typed)
    if (!check.ok) for (const e of check.errors) errors[`param.${e.param}`] ??= e.message
  }
  return errors
}

/** The request for a draft, or the first reason it cannot be sent (one line; `backtestFormErrors` has them all). */
export function backtestRequest(d: BacktestDraft, series: readonly SeriesSummary[]): RunBacktestRequest | string {
  const first = Object.values(backtestFormErrors(d, series))[0]
  if (first) return first
  const picked = d.series.map((k) => series.find((s) => `${s.symbol}|${s.venue}|${s.timeframe}` === k)!)
  const from = parseDate(d.from, 'from') as number | undefined
  const to = parseDate(d.to, 'to') as number | undefined
  const typed = Object.fromEntries(
    strategyInfo(d.strategy)!
      .parameters.map((p) => [p.name, parseStrategyParam(p, d.params[p.name] ?? '')] as const)
      .filter(([, v]) => v !== undefined),
  ) as Record<string, number | boolean>
  const check = validateStrategyParams(d.strategy, typed)
  return {
    strategy: d.strategy,
    ...(check.ok ? { strategyParams: check.params } : {}),
    symbols: picked.map((s) => s.symbol),
    venue: picked[0].venue,
    timeframe: picked[0].timeframe as Timeframe,
    ml: d.ml,
    takerFeeBps: Number(d.feeBps),
    slippageBps: Number(d.slippageBps),
    ...(from !== undefined ? { from } : {}),
    // The whole "to" day is in the range.
    ...(to !== undefined ? { to: to + DAY_MS - 1 } : {}),
  }
}

/** Saves a text file for the user: a browser download in web mode, the native save dialog on the desktop. Resolves with where it went (null: cancelled). */
export type SaveTextFile = (name: string, text: string) => Promise<string | null>

/** The errors worth saying while typing, before any submit: dates (a wrong range) and strategy parameters. */
function typingErrors(d: BacktestDraft): BacktestFieldErrors {
  return Object.fromEntries(
    Object.entries(backtestFormErrors(d, [])).filter(([k]) => k === 'from' || k === 'to' || k.startsWith('param.')),
  )
}

/** The Backtests view's state: past runs, the open run (and one to compare), the form and the running job. */
export interface BacktestsState {
  readonly runs: readonly BacktestSummary[]
  readonly details: Readonly<Record<number, BacktestDetail>>
  readonly selectedId?: number
  /** A second run drawn beside the selected one. */
  readonly compareId?: number
  readonly draft: BacktestDraft
  readonly job?: JobInfo
  readonly submitting: boolean
  readonly formError?: string
  /** Refused fields after a submit, kept current while the form is edited. */
  readonly fieldErrors: BacktestFieldErrors
  /** The last CSV export: where it went, or why it failed (one line). */
  readonly exported?: { readonly ok: boolean; readonly text: string }
  readonly error?: string
  /** Trades shown in the table and marked on the trades chart (ML off / ML on), shared by both. */
  readonly tradesVariant: TradesVariant
  /** Symbol of a multi-symbol run shown on the trades chart (undefined: the run's first). */
  readonly chartSymbol?: string
  readonly focusedTrade?: FocusedTrade
  /** Candles of the trades chart by `chartBarsKey`. */
  readonly chartBars: Readonly<Record<string, ChartBars>>
  load(): Promise<void>
  select(id: number): Promise<void>
  setCompare(id: number | undefined): Promise<void>
  edit(change: Partial<BacktestDraft>): void
  /** Picks the form's strategy and sets its ML checkbox from that strategy's switch (Strategies view). */
  pickStrategy(name: string): void
  toggleSeries(key: string): void
  /** Types a strategy parameter ('' = its default). */
  editParam(name: string, text: string): void
  submit(series: readonly SeriesSummary[]): Promise<void>
  /** Saves the run's trades or metrics as CSV (`saveText`: a download, or the desktop's save dialog). */
  exportCsv(run: BacktestDetail, kind: 'trades' | 'metrics'): Promise<void>
  /** Follows the submitted job; on success lists runs again and opens the new one. */
  applyJob(job: JobInfo): void
  setTradesVariant(v: TradesVariant): void
  setChartSymbol(symbol: string): void
  /** Scrolls the trades chart to `run.trades[index]` (switching to its symbol). */
  focusTrade(run: BacktestDetail, index: number): void
  /** Loads the candles of `symbol` over the run's range (at most `MAX_CHART_BARS`, the most recent) once. */
  loadChartBars(run: BacktestSummary, symbol: string): Promise<void>
}

export type BacktestsStore = StoreApi<BacktestsState>

/**
 * Backtests over `runBacktest` (a job), `listBacktests` and `getBacktest`; `mlSwitch` is a strategy's ML switch, the
 * form's ML default when a strategy is picked (default: on); `saveText` saves CSV exports (absent: exports say so).
 */
export function createBacktestsStore(
  api: Pick<WorkstationApi, 'runBacktest' | 'listBacktests' | 'getBacktest' | 'getBars'>,
  mlSwitch: (strategy: string) => boolean = () => true,
  saveText?: SaveTextFile,
): BacktestsStore {
  return createStore<BacktestsState>()((set, get) => {
    // Once a submit was refused, the field errors follow the edits (fixed fields clear, new mistakes show).
    let lastSeries: readonly SeriesSummary[] | undefined
    const revalidate = (draft: BacktestDraft): BacktestFieldErrors =>
      lastSeries ? backtestFormErrors(draft, lastSeries) : typingErrors(draft)
    const fetchDetail = async (id: number): Promise<void> => {
      if (get().details[id]) return
      const d = await api.getBacktest({ id })
      set({ details: { ...get().details, [id]: d } })
    }
    return {
      runs: [],
      details: {},
      draft: EMPTY_BACKTEST_DRAFT,
      submitting: false,
      fieldErrors: {},
      tradesVariant: 'ml',
      chartBars: {},
      load: async () => {
        try {
          const runs = await api.listBacktests()
          set({ runs, error: undefined })
          const first = runs[0]
          if (get().selectedId === undefined && first) await get().select(first.id)
        } catch (err) {
          set({ error: errorLine(err) })
        }
      },
      select: async (id) => {
        const changed = get().selectedId !== id
        set({ selectedId: id, compareId: get().compareId === id ? undefined : get().compareId })
        if (changed) set({ tradesVariant: 'ml', chartSymbol: undefined, focusedTrade: undefined })
        try {
          await fetchDetail(id)
        } catch (err) {
          set({ error: errorLine(err) })
        }
      },
      setCompare: async (id) => {
        set({ compareId: id })
        if (id === undefined) return
        try {
          await fetchDetail(id)
        } catch (err) {
          set({ error: errorLine(err) })
        }
      },
      edit: (change) => {
        const draft = { ...get().draft, ...change }
        set({ draft, formError: undefined, fieldErrors: revalidate(draft) })
      },
      pickStrategy: (name) => {
        // Another strategy has other parameters: the form starts again from its defaults.
        const draft = {
          ...get().draft,
          strategy: name,
          ml: mlSwitch(name),
          params: name === get().draft.strategy ? get().draft.params : {},
        }
        set({ draft, formError: undefined, fieldErrors: revalidate(draft) })
      },
      toggleSeries: (key) => {
        const s = get().draft.series
        const draft = { ...get().draft, series: s.includes(key) ? s.filter((k) => k !== key) : [...s, key] }
        set({ draft, formError: undefined, fieldErrors: revalidate(draft) })
      },
      editParam: (name, text) => {
        const draft = { ...get().draft, params: { ...get().draft.params, [name]: text } }
        set({ draft, formError: undefined, fieldErrors: revalidate(draft) })
      },
      submit: async (series) => {
        lastSeries = series
        const fieldErrors = backtestFormErrors(get().draft, series)
        const req = backtestRequest(get().draft, series)
        if (typeof req === 'string') return set({ formError: req, fieldErrors })
        set({ submitting: true, formError: undefined, fieldErrors: {} })
        try {
          const job = await api.runBacktest(req)
          set({ submitting: false, job })
        } catch (err) {
          set({ submitting: false, formError: errorLine(err) })
        }
      },
      applyJob: (job) => {
        const mine = get().job
        if (!mine || mine.id !== job.id || job.updatedAt < mine.updatedAt) return
        set({ job })
        if (job.state !== 'succeeded') return
        const id = (job.result as { id?: unknown } | undefined)?.id
        void (async () => {
          await get().load()
          if (typeof id === 'number') await get().select(id)
        })()
      },
      exportCsv: async (run, kind) => {
        const name = exportFileName(run, kind)
        if (!saveText) return set({ exported: { ok: false, text: 'this window cannot save files' } })
        try {
          const where = await saveText(name, kind === 'trades' ? tradesCsv(run) : metricsCsv(run))
          set({ exported: where === null ? undefined : { ok: true, text: `saved ${where}` } })
        } catch (err) {
          set({ exported: { ok: false, text: `${name}: ${errorLine(err)}` } })
        }
      },
      setTradesVariant: (v) => set({ tradesVariant: v, focusedTrade: undefined }),
      setChartSymbol: (symbol) => set({ chartSymbol: symbol, focusedTrade: undefined }),
      focusTrade: (run, index) => {
        const t = run.trades[index]
        if (!t) return
        set({ chartSymbol: t.symbol, focusedTrade: { runId: run.id, index, seq: (get().focusedTrade?.seq ?? 0) + 1 } })
      },
      loadChartBars: async (run, symbol) => {
        const key = chartBarsKey(run, symbol)
        const had = get().chartBars[key]
        if (had && had.state !== 'error') return
        set({ chartBars: { ...get().chartBars, [key]: { state: 'loading', bars: [] } } })
        try {
          const bars = await api.getBars({
            symbol,
            venue: run.venue,
            timeframe: run.timeframe as Timeframe,
            from: run.from,
            to: run.to,
            limit: MAX_CHART_BARS,
          })
          set({ chartBars: { ...get().chartBars, [key]: { state: 'ready', bars } } })
        } catch (err) {
          set({ chartBars: { ...get().chartBars, [key]: { state: 'error', bars: [], error: errorLine(err) } } })
        }
      },
    }
  })
}
