import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Disposable, SignalEvent, SignalsQuery, SignalView, WorkstationApi } from '../../src-shared'
import { errorLine } from '../api'
import type { ChartStore, LoadState, SeriesSelection } from './chart-store'
import { seriesKey } from './models-store'
import type { NavigationStore } from './navigation-store'

/** Newest signals loaded for the charted series (its markers). */
export const CHART_SIGNAL_LIMIT = 2000

/** Newest signals the Signals panel lists. */
export const SIGNAL_LIST_LIMIT = 500

/** The Signals panel's filters: a strategy name or every one; the charted series, every series, or one (`seriesKey`). */
export interface SignalFilters {
  readonly strategy: string
  readonly series: string
}

/** Every strategy, the charted series. */
export const DEFAULT_SIGNAL_FILTERS: SignalFilters = { strategy: 'all', series: 'chart' }

/** Strategy signals: the charted series' (markers, oldest first) and the Signals panel's list (newest first, filtered). */
export interface SignalsState {
  /** The series the chart shows (its signals are `chartSignals`). */
  readonly chartSeries?: SeriesSelection
  /** Signals of the charted series, oldest first. */
  readonly chartSignals: readonly SignalView[]
  readonly chartState: LoadState
  readonly chartError?: string
  /** The panel's signals, newest first, as the filters select them. */
  readonly list: readonly SignalView[]
  readonly listState: LoadState
  readonly listError?: string
  readonly filters: SignalFilters
  /** The Signals panel beside the chart is shown. */
  readonly open: boolean
  readonly selectedId?: number
  /** Loads the signals of the charted series (none without a selection); the panel follows when it shows that series. */
  loadChart(selection: SeriesSelection | undefined): Promise<void>
  /** Loads the panel's list for the filters. */
  loadList(): Promise<void>
  setFilters(change: Partial<SignalFilters>): void
  setOpen(open: boolean): void
  /**
   * Applies a `signal` event: added to the chart's signals when of its series, to the list when the filters keep it.
   * With a batch time, events are applied together that long after the first (a warm-up sends hundreds at once).
   */
  applyEvent(e: SignalEvent): void
  select(id: number | undefined): void
  /** Moves the selection by `delta` rows of the list (first row when nothing is selected). */
  move(delta: number): void
}

export type SignalsStore = StoreApi<SignalsState>

/** True when the signal (or paper account) belongs to the series. */
export function isSignalOf(
  s: Pick<SignalView, 'symbol' | 'venue' | 'timeframe'>,
  series: SeriesSelection | undefined,
): boolean {
  return (
    series !== undefined && s.symbol === series.symbol && s.venue === series.venue && s.timeframe === series.timeframe
  )
}

/** The `listSignals` query of the panel's filters (undefined when they name the chart and nothing is charted). */
export function signalsQuery(
  filters: SignalFilters,
  chartSeries: SeriesSelection | undefined,
): SignalsQuery | undefined {
  const strategy = filters.strategy === 'all' ? {} : { strategy: filters.strategy }
  if (filters.series === 'all') return { ...strategy, limit: SIGNAL_LIST_LIMIT }
  if (filters.series === 'chart')
    return chartSeries ? { ...chartSeries, ...strategy, limit: SIGNAL_LIST_LIMIT } : undefined
  const [symbol, venue, timeframe] = filters.series.split('|')
  return { symbol, venue, timeframe: timeframe as SeriesSelection['timeframe'], ...strategy, limit: SIGNAL_LIST_LIMIT }
}

/** True when the filters keep the signal. */
export function signalMatches(
  s: SignalView,
  filters: SignalFilters,
  chartSeries: SeriesSelection | undefined,
): boolean {
  if (filters.strategy !== 'all' && s.strategy !== filters.strategy) return false
  if (filters.series === 'all') return true
  if (filters.series === 'chart') return isSignalOf(s, chartSeries)
  return seriesKey(s) === filters.series
}

/** Inserts a signal into a list ordered by bar time (then id), newest first or oldest first; a known id is replaced. */
export function insertSignal(
  list: readonly SignalView[],
  s: SignalView,
  order: 'newest' | 'oldest',
  limit: number,
): SignalView[] {
  const cmp = (a: SignalView, b: SignalView) =>
    order === 'newest' ? b.time - a.time || b.id - a.id : a.time - b.time || a.id - b.id
  const next = list.filter((x) => x.id !== s.id)
  let i = next.length
  // Live signals are the newest: the search from the end (oldest first) or the start (newest first) is short.
  if (order === 'oldest') while (i > 0 && cmp(next[i - 1], s) > 0) i--
  else {
    i = 0
    while (i < next.length && cmp(next[i], s) < 0) i++
  }
  next.splice(i, 0, s)
  return order === 'oldest' ? next.slice(-limit) : next.slice(0, limit)
}

/**
 * The signals store over `listSignals`; stale answers (an older selection or filter) are dropped. `batchMs` > 0 gathers
 * `signal` events for that long and applies them in one update (one chart render per batch, not per event).
 */
export function createSignalsStore(api: Pick<WorkstationApi, 'listSignals'>, batchMs = 0): SignalsStore {
  let chartRequest = 0
  let listRequest = 0
  let pending: SignalView[] = []
  let timer: ReturnType<typeof setTimeout> | undefined
  return createStore<SignalsState>()((set, get) => {
    const apply = (batch: readonly SignalView[]) => {
      const { chartSeries, filters } = get()
      let chartSignals = get().chartSignals
      let list = get().list
      for (const signal of batch) {
        if (isSignalOf(signal, chartSeries))
          chartSignals = insertSignal(chartSignals, signal, 'oldest', CHART_SIGNAL_LIMIT)
        if (signalMatches(signal, filters, chartSeries)) list = insertSignal(list, signal, 'newest', SIGNAL_LIST_LIMIT)
      }
      if (chartSignals !== get().chartSignals || list !== get().list) set({ chartSignals, list })
    }
    return {
      chartSignals: [],
      chartState: 'idle',
      list: [],
      listState: 'idle',
      filters: DEFAULT_SIGNAL_FILTERS,
      open: false,

      loadChart: async (selection) => {
        const r = ++chartRequest
        const same = isSameSeries(get().chartSeries, selection)
        set({
          chartSeries: selection,
          ...(same ? {} : { chartSignals: [] }),
          chartState: selection ? 'loading' : 'idle',
          chartError: undefined,
        })
        if (get().filters.series === 'chart' && !same) void get().loadList()
        if (!selection) return
        try {
          const listed = await api.listSignals({ ...selection, limit: CHART_SIGNAL_LIMIT })
          if (r !== chartRequest) return
          // Events that arrived while listing are kept (the list may predate them).
          let signals = [...listed].sort((a, b) => a.time - b.time || a.id - b.id)
          for (const s of get().chartSignals)
            if (!listed.some((x) => x.id === s.id)) signals = insertSignal(signals, s, 'oldest', CHART_SIGNAL_LIMIT)
          set({ chartSignals: signals, chartState: 'ready' })
        } catch (err) {
          if (r === chartRequest) set({ chartState: 'error', chartError: errorLine(err) })
        }
      },

      loadList: async () => {
        const r = ++listRequest
        const q = signalsQuery(get().filters, get().chartSeries)
        if (!q) return set({ list: [], listState: 'ready', listError: undefined })
        set({ listState: 'loading', listError: undefined })
        try {
          const listed = await api.listSignals(q)
          if (r !== listRequest) return
          const list = [...listed].sort((a, b) => b.time - a.time || b.id - a.id)
          const selectedId = list.some((s) => s.id === get().selectedId) ? get().selectedId : undefined
          set({ list, listState: 'ready', selectedId })
        } catch (err) {
          if (r === listRequest) set({ listState: 'error', listError: errorLine(err) })
        }
      },

      setFilters: (change) => {
        set({ filters: { ...get().filters, ...change } })
        void get().loadList()
      },

      setOpen: (open) => set({ open }),

      applyEvent: ({ signal }) => {
        if (batchMs <= 0) return apply([signal])
        pending.push(signal)
        timer ??= setTimeout(() => {
          timer = undefined
          const batch = pending
          pending = []
          apply(batch)
        }, batchMs)
      },

      select: (selectedId) => set({ selectedId }),

      move: (delta) => {
        const { list, selectedId } = get()
        if (list.length === 0) return
        const at = list.findIndex((s) => s.id === selectedId)
        const next = at < 0 ? 0 : Math.min(list.length - 1, Math.max(0, at + delta))
        set({ selectedId: list[next].id })
      },
    }
  })
}

function isSameSeries(a: SeriesSelection | undefined, b: SeriesSelection | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && seriesKey(a) === seriesKey(b))
}

/**
 * Shows a signal's bar on the chart: charts its series (when another is shown) and centres the chart on the bar, then
 * switches to the Chart view.
 */
export async function showSignalOnChart(
  stores: { chart: ChartStore; navigation: NavigationStore },
  signal: SignalView,
): Promise<void> {
  const { selection } = stores.chart.getState()
  stores.navigation.getState().show('chart')
  if (!isSignalOf(signal, selection))
    await stores.chart.getState().select({ symbol: signal.symbol, venue: signal.venue, timeframe: signal.timeframe })
  await stores.chart.getState().goToTime(signal.time)
}

/** Wires the store: `signal` events, and the charted series' signals reloaded whenever the chart shows another series. */
export function startSignalsStore(
  store: SignalsStore,
  chart: ChartStore,
  api: Pick<WorkstationApi, 'subscribe'>,
): Disposable {
  const sub = api.subscribe('signal', (e) => store.getState().applyEvent(e))
  const follow = chart.subscribe((s, prev) => {
    if (!isSameSeries(s.selection, prev.selection)) void store.getState().loadChart(s.selection)
  })
  return {
    dispose: () => {
      sub.dispose()
      follow()
    },
  }
}
