import { createStore, type StoreApi } from 'zustand/vanilla'
import {
  isTimeframe,
  TIMEFRAME_MS,
  type Disposable,
  type ForecastResult,
  type PredictionEvent,
  type Regime,
  type StoredBar,
  type Timeframe,
  type WorkstationApi,
} from '../../src-shared'
import { errorLine } from '../api'
import type { LoadState, SeriesSelection } from './chart-store'
import { seriesKey } from './models-store'

/** Settings key of the watchlist: `{ rows: [{ symbol, venue, timeframe }], collapsed }`. */
export const WATCHLIST_SETTING = 'watchlist'

/** The window the change column covers. */
export const CHANGE_WINDOW_MS = 24 * 3_600_000

/** Most bars read per row (a 1-second series cannot fit 24 h in it; its change then covers less, and says so). */
export const WATCH_BAR_LIMIT = 5000

/** Why the risk column shows no number. */
export const RISK_UNAVAILABLE =
  'Liquidation risk (DOMAIN.md §3) is not built yet: no liquidation model runs in this version, so there is no number to show.'

/** The latest stored regime forecast of a watched series (the shortest horizon). */
export interface WatchRegime {
  readonly regime: Regime
  readonly horizon: number
  /** Open time of the bar it was made on (ms). */
  readonly time: number
  readonly probability: number
  readonly modelName: string
  readonly modelVersion: string
}

/** What a row shows beside its name: the last 24 h of closes (oldest first) and the latest regime forecast. */
export interface WatchQuote {
  readonly state: LoadState
  readonly error?: string
  readonly closes: readonly { readonly time: number; readonly close: number }[]
  /** Regime models of the series; 0: none registered (the regime column says so). */
  readonly modelCount?: number
  readonly regime?: WatchRegime
}

/** The watchlist: rows the trader added (persisted), their quotes, and whether the panel is collapsed. */
export interface WatchlistState {
  readonly rows: readonly SeriesSelection[]
  /** Per row (`seriesKey`). */
  readonly quotes: Readonly<Record<string, WatchQuote>>
  readonly collapsed: boolean
  readonly loaded: boolean
  /** Why the watchlist could not be read or saved. */
  readonly error?: string
  /** Reads the saved rows and loads every row's quote. */
  load(): Promise<void>
  /** Adds a series (once) at the end and saves. */
  add(row: SeriesSelection): Promise<void>
  /** Removes a series and saves. */
  remove(row: SeriesSelection): Promise<void>
  setCollapsed(collapsed: boolean): Promise<void>
  /** Re-reads one row's bars and forecast. */
  refresh(row: SeriesSelection): Promise<void>
  /** A live bar of a watched series moves its last price and change. */
  applyBar(bar: StoredBar): void
  /** A stored forecast of a watched series updates its regime. */
  applyPrediction(e: PredictionEvent): void
}

export type WatchlistStore = StoreApi<WatchlistState>

/** The change of a row: from the close of `from` to the close of `to` (ms), covering `hours` (< 24 when the series is shorter). */
export interface WatchChange {
  readonly change: number
  readonly from: number
  readonly to: number
  readonly hours: number
}

/** Last close of a quote, or undefined before its bars are read. */
export function lastPrice(q: WatchQuote | undefined): number | undefined {
  return q?.closes[q.closes.length - 1]?.close
}

/**
 * The change over the last 24 h of bars: from the close of the newest bar at least 24 h before the last bar (the
 * oldest bar when the series is shorter) to the last close. Undefined with fewer than two bars.
 */
export function change24h(q: WatchQuote | undefined): WatchChange | undefined {
  const closes = q?.closes ?? []
  if (closes.length < 2) return undefined
  const last = closes[closes.length - 1]
  let ref = closes[0]
  for (const c of closes) if (c.time <= last.time - CHANGE_WINDOW_MS) ref = c
  if (ref.close === 0) return undefined
  return {
    change: last.close / ref.close - 1,
    from: ref.time,
    to: last.time,
    hours: (last.time - ref.time) / 3_600_000,
  }
}

/** Bars read per row: 24 h of bars plus the one the change starts from. */
export function barsFor24h(timeframe: Timeframe): number {
  return Math.min(WATCH_BAR_LIMIT, Math.ceil(CHANGE_WINDOW_MS / TIMEFRAME_MS[timeframe]) + 1)
}

/** Keeps the closes a change needs: the last 24 h and the bar before them. */
function trim(closes: readonly { time: number; close: number }[]): { time: number; close: number }[] {
  const last = closes[closes.length - 1]
  if (!last) return []
  let start = 0
  for (let i = 0; i < closes.length; i++) if (closes[i].time <= last.time - CHANGE_WINDOW_MS) start = i
  return closes.slice(start)
}

/** The shortest horizon's newest forecast. */
function regimeOf(f: ForecastResult): WatchRegime | undefined {
  const h = [...f.horizons].sort((a, b) => a.horizon - b.horizon)[0]
  return (
    h && {
      regime: h.regime,
      horizon: h.horizon,
      time: h.time,
      probability: Math.max(...h.probabilities),
      modelName: h.modelName,
      modelVersion: h.modelVersion,
    }
  )
}

/** Rows as saved, keeping only well-formed ones (a hand-edited setting must not break the panel). */
export function watchRows(value: unknown): SeriesSelection[] {
  const rows = (value as { rows?: unknown } | null)?.rows
  if (!Array.isArray(rows)) return []
  const out: SeriesSelection[] = []
  for (const r of rows as Record<string, unknown>[]) {
    if (
      typeof r?.symbol !== 'string' ||
      typeof r.venue !== 'string' ||
      typeof r.timeframe !== 'string' ||
      !isTimeframe(r.timeframe)
    )
      continue
    const row = { symbol: r.symbol, venue: r.venue, timeframe: r.timeframe }
    if (!out.some((o) => seriesKey(o) === seriesKey(row))) out.push(row)
  }
  return out
}

const same = (a: SeriesSelection, b: Pick<SeriesSelection, 'symbol' | 'venue' | 'timeframe'>) =>
  a.symbol === b.symbol && a.venue === b.venue && a.timeframe === b.timeframe

/** The watchlist over `getSetting`/`setSetting` (the rows), `getBars` (last price, change) and `getForecast` (regime). */
export function createWatchlistStore(
  api: Pick<WorkstationApi, 'getSetting' | 'setSetting' | 'getBars' | 'getForecast'>,
): WatchlistStore {
  return createStore<WatchlistState>()((set, get) => {
    const save = async (): Promise<void> => {
      try {
        await api.setSetting({ key: WATCHLIST_SETTING, value: { rows: get().rows, collapsed: get().collapsed } })
        set({ error: undefined })
      } catch (err) {
        set({ error: `the watchlist could not be saved: ${errorLine(err)}` })
      }
    }
    const setQuote = (key: string, q: Partial<WatchQuote>) => {
      const cur = get().quotes[key] ?? { state: 'idle' as const, closes: [] }
      set({ quotes: { ...get().quotes, [key]: { ...cur, ...q } } })
    }
    return {
      rows: [],
      quotes: {},
      collapsed: false,
      loaded: false,

      load: async () => {
        try {
          const saved = await api.getSetting({ key: WATCHLIST_SETTING })
          set({
            rows: watchRows(saved),
            collapsed: (saved as { collapsed?: unknown } | null)?.collapsed === true,
            loaded: true,
            error: undefined,
          })
        } catch (err) {
          set({ loaded: true, error: `the watchlist could not be read: ${errorLine(err)}` })
          return
        }
        await Promise.all(get().rows.map((r) => get().refresh(r)))
      },

      add: async (row) => {
        const clean = { symbol: row.symbol, venue: row.venue, timeframe: row.timeframe }
        if (get().rows.some((r) => same(r, clean))) return
        set({ rows: [...get().rows, clean] })
        await Promise.all([save(), get().refresh(clean)])
      },

      remove: async (row) => {
        const key = seriesKey(row)
        const { [key]: _gone, ...quotes } = get().quotes
        set({ rows: get().rows.filter((r) => !same(r, row)), quotes })
        await save()
      },

      setCollapsed: async (collapsed) => {
        set({ collapsed })
        await save()
      },

      refresh: async (row) => {
        const key = seriesKey(row)
        setQuote(key, { state: 'loading', error: undefined })
        try {
          const [bars, forecast] = await Promise.all([
            api.getBars({ ...row, limit: barsFor24h(row.timeframe) }),
            api.getForecast(row),
          ])
          if (!get().rows.some((r) => same(r, row))) return
          setQuote(key, {
            state: 'ready',
            closes: trim(bars.map((b) => ({ time: b.time, close: b.close }))),
            modelCount: forecast.modelCount,
            regime: regimeOf(forecast),
          })
        } catch (err) {
          setQuote(key, { state: 'error', error: errorLine(err) })
        }
      },

      applyBar: (bar) => {
        const row = get().rows.find((r) => same(r, bar))
        const q = row && get().quotes[seriesKey(row)]
        if (!row || !q || q.state !== 'ready') return
        const last = q.closes[q.closes.length - 1]
        if (last && bar.time < last.time) return
        const point = { time: bar.time, close: bar.close }
        const closes = last && last.time === bar.time ? [...q.closes.slice(0, -1), point] : [...q.closes, point]
        setQuote(seriesKey(row), { closes: trim(closes) })
      },

      applyPrediction: (e) => {
        const row = get().rows.find((r) => same(r, e))
        const q = row && get().quotes[seriesKey(row)]
        if (!row || !q) return
        const cur = q.regime
        // The row shows the shortest horizon; a newer forecast of it (or a shorter one) replaces what is shown.
        if (cur && (e.horizon > cur.horizon || (e.horizon === cur.horizon && e.time < cur.time))) return
        const regime = {
          regime: e.regime,
          horizon: e.horizon,
          time: e.time,
          probability: Math.max(...e.probabilities),
          modelName: e.modelName,
          modelVersion: e.modelVersion,
        }
        setQuote(seriesKey(row), { regime, modelCount: Math.max(1, q.modelCount ?? 1) })
      },
    }
  })
}

/** Feeds live bars and stored forecasts to the watchlist. Dispose to detach. */
export function startWatchlistStore(store: WatchlistStore, api: Pick<WorkstationApi, 'subscribe'>): Disposable {
  const subs = [
    api.subscribe('bar', (b) => store.getState().applyBar(b)),
    api.subscribe('prediction', (e) => store.getState().applyPrediction(e)),
  ]
  return { dispose: () => subs.forEach((s) => s.dispose()) }
}
