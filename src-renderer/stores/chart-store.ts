import { createStore, type StoreApi } from 'zustand/vanilla'
import { TIMEFRAMES, type SeriesSummary, type StoredBar, type Timeframe, type WorkstationApi } from '../../src-shared'
import { errorLine } from '../api'

/** The series on the chart: one instrument at one timeframe. */
export interface SeriesSelection {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
}

/** Load state of an asynchronous slice. */
export type LoadState = 'idle' | 'loading' | 'ready' | 'error'

/** Stored series, the selected one and its bars (oldest first, live bars appended). */
export interface ChartState {
  readonly series: readonly SeriesSummary[]
  readonly seriesState: LoadState
  readonly seriesError?: string
  readonly selection?: SeriesSelection
  readonly bars: readonly StoredBar[]
  readonly barsState: LoadState
  readonly barsError?: string
  /** True while the selection was made by `loadSeries`, not by the user: a main-feed series appearing later replaces it. */
  readonly autoSelected?: boolean
  /** Reloads the series list; keeps the selection when it still exists, else picks the main feed's series or the first. */
  loadSeries(): Promise<void>
  /** Changes symbol/venue and/or timeframe and loads its bars; keeps the timeframe when the new symbol has it. */
  select(change: Partial<SeriesSelection>): Promise<void>
  /** Reloads the bars of the selection. */
  loadBars(): Promise<void>
  /** Applies a live bar from the `bar` topic: replaces the forming bar or appends a new one; a new series reloads the list. */
  applyBar(bar: StoredBar): void
}

export type ChartStore = StoreApi<ChartState>

/** Most recent bars loaded for the chart. */
export const CHART_BAR_LIMIT = 5000

/** An instrument that has stored series. */
export interface InstrumentChoice {
  readonly symbol: string
  readonly venue: string
}

/** Distinct instruments of the stored series, sorted by symbol then venue. */
export function instrumentsOf(series: readonly SeriesSummary[]): InstrumentChoice[] {
  const seen = new Map<string, InstrumentChoice>()
  for (const s of series) seen.set(`${s.symbol}.${s.venue}`, { symbol: s.symbol, venue: s.venue })
  return [...seen.values()].sort((a, b) => a.symbol.localeCompare(b.symbol) || a.venue.localeCompare(b.venue))
}

/** Timeframes stored for one instrument, shortest first. */
export function timeframesFor(series: readonly SeriesSummary[], symbol: string, venue: string): Timeframe[] {
  const have = new Set(series.filter((s) => s.symbol === symbol && s.venue === venue).map((s) => s.timeframe))
  return TIMEFRAMES.filter((tf) => have.has(tf))
}

/** True when the bar belongs to the selected series. */
export function isSelected(sel: SeriesSelection | undefined, bar: Pick<StoredBar, 'symbol' | 'venue' | 'timeframe'>): boolean {
  return sel !== undefined && sel.symbol === bar.symbol && sel.venue === bar.venue && sel.timeframe === bar.timeframe
}

function resolveSelection(series: readonly SeriesSummary[], current: SeriesSelection | undefined, change: Partial<SeriesSelection>): SeriesSelection | undefined {
  const symbol = change.symbol ?? current?.symbol
  const venue = change.venue ?? (change.symbol !== undefined ? undefined : current?.venue)
  const candidates = series.filter((s) => s.symbol === symbol && (venue === undefined || s.venue === venue))
  // With nothing chosen yet, open on the main live feed's series.
  const primary = symbol === undefined ? series.find((s) => s.primary) : undefined
  const first = candidates[0] ?? primary ?? series[0]
  if (!first) return undefined
  const tfs = timeframesFor(series, first.symbol, first.venue)
  const wanted = change.timeframe ?? current?.timeframe ?? primary?.timeframe
  const timeframe = wanted && tfs.includes(wanted) ? wanted : tfs[0]
  return { symbol: first.symbol, venue: first.venue, timeframe }
}

/** Chart state over `listSeries` and `getBars`; stale answers (after a newer selection) are dropped. */
export function createChartStore(api: Pick<WorkstationApi, 'listSeries' | 'getBars'>): ChartStore {
  let barsRequest = 0
  const store = createStore<ChartState>()((set, get) => {
    /** Sets the selection (by the user, or automatically) and loads its bars. */
    const choose = async (change: Partial<SeriesSelection>, auto: boolean): Promise<void> => {
      const selection = resolveSelection(get().series, get().selection, change)
      const prev = get().selection
      if (!selection) {
        set({ selection: undefined, bars: [], barsState: 'idle', barsError: undefined })
        return
      }
      if (prev && isSelected(prev, selection) && get().barsState !== 'error' && get().barsState !== 'idle') return
      set({ selection, autoSelected: auto })
      return get().loadBars()
    }
    return {
      series: [],
      seriesState: 'idle',
      bars: [],
      barsState: 'idle',

      loadSeries: async () => {
        set({ seriesState: 'loading' })
        let series: SeriesSummary[]
        try {
          series = await api.listSeries()
        } catch (err) {
          set({ seriesState: 'error', seriesError: errorLine(err) })
          return
        }
        const { selection: current, autoSelected } = get()
        const stillThere = current && series.some((s) => isSelected(current, s))
        const primary = series.find((s) => s.primary)
        set({ series, seriesState: 'ready', seriesError: undefined })
        if (autoSelected && primary && current && !isSelected(current, primary)) return choose(primary, true)
        if (stillThere) return get().loadBars()
        return choose(current ?? {}, current === undefined || autoSelected === true)
      },

      select: (change) => choose(change, false),

      loadBars: async () => {
        const selection = get().selection
        if (!selection) return
        const request = ++barsRequest
        set({ barsState: 'loading', barsError: undefined })
        try {
          const bars = await api.getBars({ ...selection, limit: CHART_BAR_LIMIT })
          if (request !== barsRequest) return
          set({ bars, barsState: 'ready' })
        } catch (err) {
          if (request !== barsRequest) return
          set({ bars: [], barsState: 'error', barsError: errorLine(err) })
        }
      },

      applyBar: (bar) => {
        const { selection, bars, barsState, series } = get()
        if (!bar.partial) {
          const i = series.findIndex((s) => isSelected(s, bar))
          // A closed bar of a series not listed yet (a feed just started storing it): list the series again.
          if (i < 0 && get().seriesState !== 'loading') void get().loadSeries()
          if (i >= 0 && bar.time > series[i].last) {
            const s = series[i]
            set({ series: series.map((x, k) => (k === i ? { ...s, last: bar.time, count: s.count + 1 } : x)) })
          }
        }
        if (!isSelected(selection, bar) || barsState !== 'ready') return
        const last = bars[bars.length - 1]
        if (last && bar.time === last.time) set({ bars: [...bars.slice(0, -1), bar] })
        else if (!last || bar.time > last.time) set({ bars: [...bars, bar] })
      },
    }
  })
  return store
}
