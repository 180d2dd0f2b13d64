import { createStore, type StoreApi } from 'zustand/vanilla'
import {
  bucketStart,
  chartTimeframes,
  LiveBarResampler,
  resampleSource,
  TIMEFRAME_MS,
  TIMEFRAMES,
  type SeriesSummary,
  type StoredBar,
  type Timeframe,
  type WorkstationApi,
} from '../../src-shared'
import { errorLine } from '../api'

/** The series on the chart: one instrument at one timeframe (stored, or resampled from a finer stored one). */
export interface SeriesSelection {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
}

/** Load state of an asynchronous slice. */
export type LoadState = 'idle' | 'loading' | 'ready' | 'error'

/** A request to show a time on the chart, centred (or, with `end`, the newest bar at the right edge); a new `seq` repeats it. */
export interface GoToRequest {
  readonly time: number
  readonly seq: number
  readonly end?: boolean
}

/** Stored series, the selected one and a window of its bars (oldest first): pages join it on the left, live bars on the right. */
export interface ChartState {
  readonly series: readonly SeriesSummary[]
  readonly seriesState: LoadState
  readonly seriesError?: string
  readonly selection?: SeriesSelection
  /** The stored timeframe the selection is resampled from (the core resamples history, the store folds live bars); undefined when stored. */
  readonly resampledFrom?: Timeframe
  readonly bars: readonly StoredBar[]
  readonly barsState: LoadState
  readonly barsError?: string
  /** Stored bars exist before the first loaded one. */
  readonly hasOlder: boolean
  /** The window ends before the newest stored bar (after going to a date): live bars join once a newer page reaches the end. */
  readonly hasNewer: boolean
  /** A page of older or newer bars being fetched, or why the last one failed. */
  readonly pageState: LoadState
  readonly pageError?: string
  /** Counts replacements of the whole window (new selection, reload, go to date); pages and live bars keep it. */
  readonly barsEpoch: number
  /** Where the last go-to-date asked the chart to centre. */
  readonly goTo?: GoToRequest
  /** True while the selection was made by `loadSeries`, not by the user: a main-feed series appearing later replaces it. */
  readonly autoSelected?: boolean
  /** Reloads the series list; keeps the selection when it still exists, else picks the main feed's series or the first. */
  loadSeries(): Promise<void>
  /** Changes symbol/venue and/or timeframe and loads its bars; keeps the timeframe when the new symbol can show it. */
  select(change: Partial<SeriesSelection>): Promise<void>
  /** Reloads the newest bars of the selection (also "back to live" after going to a date). */
  loadBars(): Promise<void>
  /** Prepends the page before the first loaded bar (no-op without older bars or while a page loads). */
  loadOlder(): Promise<void>
  /** Appends the page after the last loaded bar while the window ends before the newest bar. */
  loadNewer(): Promise<void>
  /** Centres the chart on `time` (clamped to the stored range), loading the page around it unless it is loaded. */
  goToTime(time: number): Promise<void>
  /** Shows the newest bars at the right edge, reloading them first when the window ends in the past (back to live). */
  goToLatest(): Promise<void>
  /** Applies a live bar from the `bar` topic (forming or closed; folded into the selection's bar when it is resampled). */
  applyBar(bar: StoredBar): void
}

export type ChartStore = StoreApi<ChartState>

/** Most recent bars loaded for the chart, and the size of the first page before or after them. */
export const CHART_BAR_LIMIT = 5000

/** Largest page of bars one request asks for (the core's cap). */
export const CHART_PAGE_MAX = 100_000

/** Source bars a resampled page may cover (keeps a page of daily bars built from minutes to a second or so of reading). */
export const RESAMPLE_SOURCE_BUDGET = 1_000_000

/**
 * Bars to ask for in the next page: as many as are loaded (history grows geometrically, so reaching 1M bars takes ~15 pages,
 * not 200), between {@link CHART_BAR_LIMIT} and {@link CHART_PAGE_MAX}, and for a resampled timeframe at most
 * {@link RESAMPLE_SOURCE_BUDGET} source bars' worth.
 */
export function historyPageLimit(loaded: number, timeframe: Timeframe, source: Timeframe = timeframe): number {
  const ratio = TIMEFRAME_MS[timeframe] / TIMEFRAME_MS[source]
  const budget = Math.max(CHART_BAR_LIMIT, Math.floor(RESAMPLE_SOURCE_BUDGET / ratio))
  return Math.min(CHART_PAGE_MAX, budget, Math.max(CHART_BAR_LIMIT, loaded))
}

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

/** Timeframes the chart offers for one instrument: the stored ones and those it can resample to (1m → 5m, 15m, 1h, 4h, 1d). */
export function chartTimeframesFor(series: readonly SeriesSummary[], symbol: string, venue: string): Timeframe[] {
  return chartTimeframes(timeframesFor(series, symbol, venue))
}

/** True when the bar belongs to the selected series. */
export function isSelected(
  sel: SeriesSelection | undefined,
  bar: Pick<StoredBar, 'symbol' | 'venue' | 'timeframe'>,
): boolean {
  return sel !== undefined && sel.symbol === bar.symbol && sel.venue === bar.venue && sel.timeframe === bar.timeframe
}

function resolveSelection(
  series: readonly SeriesSummary[],
  current: SeriesSelection | undefined,
  change: Partial<SeriesSelection>,
): SeriesSelection | undefined {
  const symbol = change.symbol ?? current?.symbol
  const venue = change.venue ?? (change.symbol !== undefined ? undefined : current?.venue)
  const candidates = series.filter((s) => s.symbol === symbol && (venue === undefined || s.venue === venue))
  // With nothing chosen yet, open on the main live feed's series.
  const primary = symbol === undefined ? series.find((s) => s.primary) : undefined
  const first = candidates[0] ?? primary ?? series[0]
  if (!first) return undefined
  const tfs = chartTimeframesFor(series, first.symbol, first.venue)
  const wanted = change.timeframe ?? current?.timeframe ?? primary?.timeframe
  const timeframe = wanted && tfs.includes(wanted) ? wanted : timeframesFor(series, first.symbol, first.venue)[0]
  return { symbol: first.symbol, venue: first.venue, timeframe }
}

/** Replaces the last bar when `b` opens at its time, appends `b` when it is newer; otherwise returns `bars` unchanged. */
function withBar(bars: readonly StoredBar[], b: StoredBar): readonly StoredBar[] {
  const last = bars[bars.length - 1]
  if (last && b.time === last.time) return [...bars.slice(0, -1), b]
  if (!last || b.time > last.time) return [...bars, b]
  return bars
}

/**
 * Chart state over `listSeries` and `getBars`: a window of bars that grows by pages as the chart pans, jumps to a date,
 * and follows live bars (a resampled timeframe folds its source timeframe's live bars with the shared kernel, the
 * same step the core resampled the history with). Stale answers (after a newer selection or window) are dropped.
 */
export function createChartStore(api: Pick<WorkstationApi, 'listSeries' | 'getBars'>): ChartStore {
  let barsRequest = 0
  let goToSeq = 0
  /** Folds live source bars into the newest bar while the selection is resampled and the window reaches the end. */
  let live: LiveBarResampler | undefined
  /** Open time up to which the window is complete on the right (past the last bar when a newer page found a gap). */
  let newerCursor = -Infinity

  const store = createStore<ChartState>()((set, get) => {
    /** The stored series the selection's bars come from. */
    const sourceSummary = (): SeriesSummary | undefined => {
      const { selection, resampledFrom, series } = get()
      if (!selection) return undefined
      return series.find(
        (s) =>
          s.symbol === selection.symbol &&
          s.venue === selection.venue &&
          s.timeframe === (resampledFrom ?? selection.timeframe),
      )
    }

    /** Older / newer bars exist beyond a window [first, last] of the selection. */
    const edges = (bars: readonly StoredBar[]): { hasOlder: boolean; hasNewer: boolean } => {
      const s = sourceSummary()
      const tf = get().selection!.timeframe
      if (bars.length === 0 || !s) return { hasOlder: false, hasNewer: false }
      return {
        hasOlder: bars[0].time > bucketStart(s.first, tf),
        hasNewer: bars[bars.length - 1].time < bucketStart(s.last, tf),
      }
    }

    /** Starts live folding from the newest loaded bar (only when the selection is resampled and the window reaches the end). */
    const followLive = (bars: readonly StoredBar[], hasNewer: boolean): void => {
      const { selection, resampledFrom } = get()
      live =
        selection && resampledFrom && !hasNewer
          ? new LiveBarResampler(resampledFrom, selection.timeframe, bars[bars.length - 1])
          : undefined
    }

    /** Replaces the whole window with `bars` (a new epoch), or records why it could not be loaded. */
    const replaceWindow = async (
      load: () => Promise<StoredBar[]>,
      after?: (bars: readonly StoredBar[]) => Partial<ChartState>,
    ): Promise<void> => {
      const request = ++barsRequest
      set({ barsState: 'loading', barsError: undefined, pageError: undefined })
      try {
        const bars = await load()
        if (request !== barsRequest) return
        const e = edges(bars)
        followLive(bars, e.hasNewer)
        newerCursor = bars[bars.length - 1]?.time ?? -Infinity
        set({ bars, barsState: 'ready', ...e, pageState: 'idle', barsEpoch: get().barsEpoch + 1, ...after?.(bars) })
      } catch (err) {
        if (request !== barsRequest) return
        live = undefined
        set({ bars: [], barsState: 'error', barsError: errorLine(err), hasOlder: false, hasNewer: false })
      }
    }

    /** Fetches a page next to the window and joins it; dropped when the window was replaced meanwhile. */
    const loadPage = async (side: 'older' | 'newer'): Promise<void> => {
      const { selection, bars, barsState, pageState, resampledFrom } = get()
      if (!selection || barsState !== 'ready' || pageState === 'loading' || bars.length === 0) return
      if (side === 'older' ? !get().hasOlder : !get().hasNewer) return
      const epoch = get().barsEpoch
      const tf = selection.timeframe
      const limit = historyPageLimit(bars.length, tf, resampledFrom)
      const stale = () => get().barsEpoch !== epoch || get().selection !== selection
      set({ pageState: 'loading', pageError: undefined })
      try {
        if (side === 'older') {
          // The newest `limit` bars before the window: contiguous with it, across any gap.
          const page = await api.getBars({ ...selection, to: bars[0].time - 1, limit })
          if (stale()) return
          const cur = get().bars
          const older = page.filter((b) => b.time < cur[0].time)
          const next = older.length ? [...older, ...cur] : cur
          set({ bars: next, hasOlder: older.length > 0 && edges(next).hasOlder, pageState: 'ready' })
          return
        }
        // The span of `limit` buckets after what is known complete (never more bars than `limit`, so none is skipped);
        // an empty span (a gap) moves on to the next one.
        const newestOpen = bucketStart(sourceSummary()?.last ?? -Infinity, tf)
        for (;;) {
          const to = newerCursor + limit * TIMEFRAME_MS[tf]
          const page = await api.getBars({ ...selection, from: newerCursor + 1, to, limit })
          if (stale()) return
          newerCursor = to
          const cur = get().bars
          const newer = page.filter((b) => b.time > cur[cur.length - 1].time)
          const hasNewer = to < newestOpen
          if (newer.length === 0 && hasNewer) continue
          const next = newer.length ? [...cur, ...newer] : cur
          followLive(next, hasNewer)
          set({ bars: next, hasNewer, pageState: 'ready' })
          return
        }
      } catch (err) {
        if (get().barsEpoch !== epoch) return
        set({ pageState: 'error', pageError: errorLine(err) })
      }
    }

    /**
     * After loading the newest window: bars that closed while it loaded (listed in the series, not in the answer) would
     * make the window look like a past one and stop it following live bars; join them as newer pages.
     */
    const joinBarsClosedWhileLoading = async (selection: SeriesSelection): Promise<void> => {
      while (get().hasNewer && get().barsState === 'ready' && get().selection === selection) {
        const before = get().bars.length
        await loadPage('newer')
        if (get().pageState === 'error' || (get().bars.length === before && get().hasNewer)) return
      }
    }

    /** Sets the selection (by the user, or automatically) and loads its bars. */
    const choose = async (change: Partial<SeriesSelection>, auto: boolean): Promise<void> => {
      const series = get().series
      const selection = resolveSelection(series, get().selection, change)
      const prev = get().selection
      if (!selection) {
        live = undefined
        set({
          selection: undefined,
          resampledFrom: undefined,
          bars: [],
          barsState: 'idle',
          barsError: undefined,
          hasOlder: false,
          hasNewer: false,
        })
        return
      }
      if (prev && isSelected(prev, selection) && get().barsState !== 'error' && get().barsState !== 'idle') return
      const source = resampleSource(timeframesFor(series, selection.symbol, selection.venue), selection.timeframe)
      set({
        selection,
        resampledFrom: source !== selection.timeframe ? source : undefined,
        autoSelected: auto,
        goTo: undefined,
      })
      return get().loadBars()
    }

    return {
      series: [],
      seriesState: 'idle',
      bars: [],
      barsState: 'idle',
      hasOlder: false,
      hasNewer: false,
      pageState: 'idle',
      barsEpoch: 0,

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
        const stillThere =
          current && chartTimeframesFor(series, current.symbol, current.venue).includes(current.timeframe)
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
        await replaceWindow(() => api.getBars({ ...selection, limit: CHART_BAR_LIMIT }))
        await joinBarsClosedWhileLoading(selection)
      },

      loadOlder: () => loadPage('older'),

      loadNewer: () => loadPage('newer'),

      goToTime: async (time) => {
        const { selection, bars, barsState } = get()
        const s = sourceSummary()
        if (!selection || !s) return
        const tf = selection.timeframe
        const target = bucketStart(Math.min(Math.max(time, s.first), s.last), tf)
        const goTo = { time: target, seq: ++goToSeq }
        // Bars still loading belong to the previous selection or window: load the page around the date instead.
        if (
          barsState === 'ready' &&
          bars.length > 0 &&
          target >= bars[0].time &&
          target <= bars[bars.length - 1].time
        ) {
          set({ goTo })
          return
        }
        // CHART_BAR_LIMIT buckets, the target's the middle one.
        const half = (CHART_BAR_LIMIT / 2) * TIMEFRAME_MS[tf]
        const window = { from: target - half, to: target + half - TIMEFRAME_MS[tf], limit: CHART_BAR_LIMIT }
        await replaceWindow(
          () => api.getBars({ ...selection, ...window }),
          () => ({ goTo }),
        )
      },

      goToLatest: async () => {
        const { selection, bars, hasNewer } = get()
        if (!selection) return
        const end = (b: readonly StoredBar[]) => ({
          goTo: { time: b[b.length - 1]?.time ?? 0, seq: ++goToSeq, end: true },
        })
        if (!hasNewer && bars.length > 0) set(end(bars))
        else {
          await replaceWindow(() => api.getBars({ ...selection, limit: CHART_BAR_LIMIT }), end)
          await joinBarsClosedWhileLoading(selection)
        }
      },

      applyBar: (bar) => {
        const { series } = get()
        if (!bar.partial) {
          const i = series.findIndex((s) => isSelected(s, bar))
          // A closed bar of a series not listed yet (a feed just started storing it): list the series again.
          if (i < 0 && get().seriesState !== 'loading') void get().loadSeries()
          if (i >= 0 && bar.time > series[i].last) {
            const s = series[i]
            set({ series: series.map((x, k) => (k === i ? { ...s, last: bar.time, count: s.count + 1 } : x)) })
          }
        }
        const { selection, bars, barsState, hasNewer, resampledFrom } = get()
        if (
          !selection ||
          barsState !== 'ready' ||
          hasNewer ||
          bar.symbol !== selection.symbol ||
          bar.venue !== selection.venue
        )
          return
        if (bar.timeframe === selection.timeframe) {
          const next = withBar(bars, bar)
          if (next !== bars) set({ bars: next })
          return
        }
        if (bar.timeframe !== resampledFrom || !live) return
        const r = live.push(bar, bar.partial === true)
        if (!r) return
        const key = { symbol: selection.symbol, venue: selection.venue, timeframe: selection.timeframe, resampledFrom }
        const next = withBar(r.closed ? withBar(bars, { ...r.closed, ...key }) : bars, { ...r.forming, ...key })
        if (next !== bars) set({ bars: next })
      },
    }
  })
  return store
}
