import { createStore, type StoreApi } from 'zustand/vanilla'
import {
  REGIMES,
  systemClock,
  type Clock,
  type Disposable,
  type ForecastResult,
  type HmmRegimesResult,
  type HorizonForecast,
  type PredictionEvent,
  type PredictionPoint,
  type Regime,
  type WorkstationApi,
} from '../../src-shared'
import { errorLine } from '../api'
import type { ChartStore, LoadState, SeriesSelection } from './chart-store'

/** Regime forecasts of the chart's series: the newest per horizon (the card) and the stored history (the overlays). */
export interface ForecastState {
  readonly selection?: SeriesSelection
  readonly forecast?: ForecastResult
  /** Wall time at which `forecast` was fetched or last updated by an event (for its age). */
  readonly forecastAt: number
  /** Stored forecasts of the series, every horizon, oldest first. */
  readonly predictions: readonly PredictionPoint[]
  /** Horizon drawn on the chart (shading, probability pane, markers); the shortest by default. */
  readonly horizon?: number
  readonly state: LoadState
  readonly error?: string
  /** What shades the chart's price pane: the regime forecast (one horizon) or the regime HMM's filtered regimes. */
  readonly shading: 'forecast' | 'hmm'
  /** The HMM's regimes of the selected series (read while `shading` is `hmm`), or why there are none. */
  readonly hmm?: HmmRegimesResult
  /** Loads the forecast and the history of a series (the chart's selection). */
  load(selection: SeriesSelection | undefined): Promise<void>
  /** Re-reads the newest forecast (age and staleness), keeping the history. */
  refresh(): Promise<void>
  /** Applies a `prediction` event of the selected series. */
  applyPrediction(e: PredictionEvent): void
  setHorizon(horizon: number): void
  /** Chooses the shading; `hmm` reads the HMM's regimes of the selection. */
  setShading(shading: 'forecast' | 'hmm'): Promise<void>
  /** Re-reads the HMM's regimes of the selection (new bars move them). */
  loadHmm(): Promise<void>
}

export type ForecastStore = StoreApi<ForecastState>

/** Most forecasts loaded for the chart (every horizon). */
export const FORECAST_HISTORY_LIMIT = 20_000

/** Forecasts of one horizon, oldest first, one per bar time (what the chart overlays draw). */
export function chartPredictions(all: readonly PredictionPoint[], horizon: number | undefined): PredictionPoint[] {
  if (horizon === undefined) return []
  const byTime = new Map<number, PredictionPoint>()
  for (const p of all) if (p.horizon === horizon) byTime.set(p.time, p)
  return [...byTime.values()].sort((a, b) => a.time - b.time)
}

/** The transition signals among forecasts (markers). */
export function transitionsOf(points: readonly PredictionPoint[]): PredictionPoint[] {
  return points.filter((p) => p.transition)
}

/** Horizons present in the forecast or the history, shortest first. */
export function horizonsOf(forecast: ForecastResult | undefined, all: readonly PredictionPoint[]): number[] {
  return [...new Set([...(forecast?.horizons.map((h) => h.horizon) ?? []), ...all.map((p) => p.horizon)])].sort(
    (a, b) => a - b,
  )
}

const sameSeries = (
  sel: SeriesSelection | undefined,
  e: { symbol: string; venue: string; timeframe: string },
): boolean => sel !== undefined && sel.symbol === e.symbol && sel.venue === e.venue && sel.timeframe === e.timeframe

function horizonForecast(e: PredictionEvent, prev: HorizonForecast | undefined): HorizonForecast {
  // The same version's training window and skill carry over (the event does not repeat them).
  const facts =
    prev && prev.modelVersion === e.modelVersion
      ? {
          ...(prev.trainingWindow ? { trainingWindow: prev.trainingWindow } : {}),
          ...(prev.skill ? { skill: prev.skill } : {}),
        }
      : {}
  return {
    ...facts,
    horizon: e.horizon,
    modelName: e.modelName,
    modelVersion: e.modelVersion,
    time: e.time,
    probabilities: e.probabilities,
    regime: e.regime,
    confidence: e.confidence,
    quality: e.quality,
    transition: e.transition,
    currentRegime: e.currentRegime,
    sizeMultiplier: e.sizeMultiplier,
  }
}

/** The forecast store over `getForecast` and `getPredictions`; stale answers (after a newer selection) are dropped. */
export function createForecastStore(
  api: Pick<WorkstationApi, 'getForecast' | 'getPredictions' | 'getHmmRegimes'>,
  clock: Clock = systemClock,
): ForecastStore {
  let request = 0
  return createStore<ForecastState>()((set, get) => ({
    forecastAt: 0,
    predictions: [],
    state: 'idle',
    shading: 'forecast',

    load: async (selection) => {
      const r = ++request
      if (!selection) {
        set({ selection: undefined, forecast: undefined, predictions: [], state: 'idle', error: undefined })
        return
      }
      const changed = !sameSeries(get().selection, selection)
      set({
        selection,
        state: 'loading',
        error: undefined,
        ...(changed ? { forecast: undefined, predictions: [], horizon: undefined, hmm: undefined } : {}),
      })
      if (get().shading === 'hmm') void get().loadHmm()
      try {
        const [forecast, predictions] = await Promise.all([
          api.getForecast(selection),
          api.getPredictions({ ...selection, limit: FORECAST_HISTORY_LIMIT }),
        ])
        if (r !== request) return
        const horizons = horizonsOf(forecast, predictions)
        const horizon = get().horizon !== undefined && horizons.includes(get().horizon!) ? get().horizon : horizons[0]
        set({ forecast, forecastAt: clock.now(), predictions, horizon, state: 'ready' })
      } catch (err) {
        if (r === request) set({ state: 'error', error: errorLine(err) })
      }
    },

    refresh: async () => {
      const selection = get().selection
      if (!selection) return
      const r = request
      try {
        const forecast = await api.getForecast(selection)
        if (r !== request) return
        const horizon = get().horizon ?? horizonsOf(forecast, get().predictions)[0]
        set({ forecast, forecastAt: clock.now(), horizon })
      } catch (err) {
        set({ error: errorLine(err) })
      }
    },

    applyPrediction: (e) => {
      const { selection, forecast, predictions } = get()
      if (!sameSeries(selection, e)) return
      const last = predictions[predictions.length - 1]
      const point: PredictionPoint = { ...e }
      const next = last && last.id === e.id ? predictions : [...predictions, point]
      const others = (forecast?.horizons ?? []).filter((h) => h.horizon !== e.horizon)
      const prev = forecast?.horizons.find((h) => h.horizon === e.horizon)
      const horizons = [...others, horizonForecast(e, prev)].sort((a, b) => a.horizon - b.horizon)
      const updated: ForecastResult = {
        symbol: e.symbol,
        venue: e.venue,
        timeframe: e.timeframe,
        feed: forecast?.feed ?? 'replay',
        ...(forecast ?? {}),
        horizons,
        // A forecast was made, so the series has models now (the card leaves its "no regime model" state at once).
        modelCount: Math.max(forecast?.modelCount ?? 0, horizons.length),
        time: Math.max(forecast?.time ?? e.time, e.time),
        ageMs: 0,
        stale: false,
        staleReason: undefined,
        training: undefined,
      }
      set({ predictions: next, forecast: updated, forecastAt: clock.now(), horizon: get().horizon ?? e.horizon })
    },

    setHorizon: (horizon) => set({ horizon }),

    setShading: async (shading) => {
      set({ shading })
      if (shading === 'hmm') await get().loadHmm()
    },

    loadHmm: async () => {
      const selection = get().selection
      if (!selection) return
      try {
        const hmm = await api.getHmmRegimes(selection)
        if (sameSeries(get().selection, selection)) set({ hmm })
      } catch (err) {
        set({ error: errorLine(err) })
      }
    },
  }))
}

/**
 * Wires the forecast store: follows the chart's selection, applies `prediction` events, and re-reads the newest
 * forecast every `refreshMs` so its age and staleness stay current. Dispose to detach.
 */
export function startForecastStore(
  store: ForecastStore,
  chart: ChartStore,
  api: Pick<WorkstationApi, 'subscribe'>,
  refreshMs = 3000,
): Disposable {
  const sameSelection = (a?: SeriesSelection, b?: SeriesSelection) =>
    a === b || (!!a && !!b && a.symbol === b.symbol && a.venue === b.venue && a.timeframe === b.timeframe)
  void store.getState().load(chart.getState().selection)
  const unsubscribe = chart.subscribe((s, prev) => {
    if (!sameSelection(s.selection, prev.selection)) void store.getState().load(s.selection)
  })
  const sub = api.subscribe('prediction', (e) => store.getState().applyPrediction(e))
  let ticks = 0
  const timer = setInterval(() => {
    void store.getState().refresh()
    // The HMM's regimes are recomputed from the stored bars: every fifth refresh while they shade the chart.
    if (store.getState().shading === 'hmm' && ++ticks % 5 === 0) void store.getState().loadHmm()
  }, refreshMs)
  return {
    dispose: () => {
      unsubscribe()
      sub.dispose()
      clearInterval(timer)
    },
  }
}

/** The regime of a probability vector (bearish, neutral, bullish). */
export function regimeOfProbabilities(p: readonly number[]): Regime {
  let k = 0
  for (let i = 1; i < p.length; i++) if (p[i] > p[k]) k = i
  return REGIMES[k]
}
