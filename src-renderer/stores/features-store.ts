import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Disposable, FeatureTableResult, StoredBar, WorkstationApi } from '../../src-shared'
import { errorLine } from '../api'
import { CHART_BAR_LIMIT, isSelected, type ChartStore, type LoadState, type SeriesSelection } from './chart-store'

/** Feature sets the core computes (src-main/features FEATURE_SET_NAMES); the first is the default. */
export const FEATURE_SETS = ['regime', 'liquidation', 'microstructure', 'battle-navale'] as const

/** A feature set name. */
export type FeatureSetChoice = (typeof FEATURE_SETS)[number]

/** Rows fetched while something is plotted: as many as the chart shows, so plotted features span the candles. */
export const FEATURE_HISTORY_LIMIT = CHART_BAR_LIMIT

/** Rows fetched for the table alone: the latest vector and the one before (for the change arrow). */
export const FEATURE_LATEST_LIMIT = 2

/** Rows fetched after a closed bar: a few, merged by time into what is held. */
export const FEATURE_REFRESH_LIMIT = 3

/** Features panel state: the set of the chart's series, its rows (oldest first) and the plotted features. */
export interface FeaturesState {
  readonly open: boolean
  readonly set: FeatureSetChoice
  /** Case-insensitive substring filter on feature names. */
  readonly filter: string
  /** The series the rows belong to (follows the chart selection). */
  readonly target?: SeriesSelection
  readonly names: readonly string[]
  readonly specHash: string
  /** Bar open times (ms UTC) of `rows`, ascending. */
  readonly time: readonly number[]
  readonly rows: readonly (readonly (number | null)[])[]
  readonly cached: boolean
  readonly state: LoadState
  readonly error?: string
  /** Plotted feature names, in the order they were added (one pane each under the chart). */
  readonly plotted: readonly string[]
  /** Shows or hides the panel; opening loads the rows when they are not those of the target. */
  setOpen(open: boolean): Promise<void>
  /** Switches the feature set; plotted features not in the new set are dropped after the load. */
  setSet(set: FeatureSetChoice): Promise<void>
  setFilter(filter: string): void
  /** Follows the chart selection; reloads when the panel is open and the series changed. */
  setTarget(target: SeriesSelection | undefined): Promise<void>
  /** Reloads the target's rows: FEATURE_LATEST_LIMIT, or FEATURE_HISTORY_LIMIT while a feature is plotted. */
  load(): Promise<void>
  /** Plots the feature (fetching the history first when only the latest rows are held), or removes it. */
  togglePlot(name: string): Promise<void>
  unplot(name: string): void
  /** A `bar` event: a closed bar of the target newer than the held rows fetches and merges the newest rows. */
  applyBar(bar: StoredBar): Promise<void>
}

export type FeaturesStore = StoreApi<FeaturesState>

/** One line of the feature table: latest value, the one before, and whether it is a `*_missing` flag. */
export interface FeatureVectorRow {
  readonly name: string
  readonly index: number
  readonly value: number | null
  readonly previous: number | null
  readonly flag: boolean
}

/** True for data-availability flags (`funding_missing`, `spread_is_proxy`, …): 1 means the input was absent. */
export function isMissingFlag(name: string): boolean {
  return name.endsWith('_missing') || name.endsWith('_is_proxy')
}

/** The latest feature vector as table rows, filtered by a case-insensitive substring of the name. */
export function latestVector(s: Pick<FeaturesState, 'names' | 'rows'>, filter = ''): FeatureVectorRow[] {
  const last = s.rows[s.rows.length - 1]
  const prev = s.rows[s.rows.length - 2]
  const f = filter.trim().toLowerCase()
  const out: FeatureVectorRow[] = []
  s.names.forEach((name, index) => {
    if (f && !name.toLowerCase().includes(f)) return
    out.push({ name, index, value: last?.[index] ?? null, previous: prev?.[index] ?? null, flag: isMissingFlag(name) })
  })
  return out
}

/** One feature over time: the held bar times and that column (null where missing). */
export function featureColumn(
  s: Pick<FeaturesState, 'names' | 'rows' | 'time'>,
  name: string,
): { time: readonly number[]; values: (number | null)[] } | undefined {
  const i = s.names.indexOf(name)
  if (i < 0) return undefined
  return { time: s.time, values: s.rows.map((r) => r[i] ?? null) }
}

/**
 * A feature value for a dense table: "—" when missing, integers as is (grouped past 1e4), large magnitudes
 * compact (1.23M), else 4 significant digits (no exponent above 1e-4).
 */
export function formatFeatureValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  const a = Math.abs(v)
  if (a >= 1e12) return `${(v / 1e12).toFixed(2)}T`
  if (a >= 1e9) return `${(v / 1e9).toFixed(2)}B`
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`
  if (Number.isInteger(v)) return a >= 1e4 ? v.toLocaleString('en-US') : String(v)
  if (a >= 1e4) return v.toLocaleString('en-US', { maximumFractionDigits: 1 })
  if (a >= 1e-4) return Number(v.toPrecision(4)).toString()
  return v.toExponential(2)
}

function sameTarget(a: SeriesSelection | undefined, b: SeriesSelection | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && isSelected(a, b))
}

/** Merges newer rows into held ones by time; undefined when they do not overlap (a gap: reload instead). */
export function mergeRows(
  held: Pick<FeaturesState, 'time' | 'rows'>,
  fresh: Pick<FeatureTableResult, 'time' | 'rows'>,
  cap = FEATURE_HISTORY_LIMIT,
): { time: number[]; rows: (readonly (number | null)[])[] } | undefined {
  if (fresh.time.length === 0) return { time: [...held.time], rows: [...held.rows] }
  const first = fresh.time[0]
  const lastHeld = held.time[held.time.length - 1]
  if (lastHeld === undefined || first > lastHeld) return undefined
  let cut = held.time.length
  while (cut > 0 && held.time[cut - 1] >= first) cut--
  const time = [...held.time.slice(0, cut), ...fresh.time]
  const rows = [...held.rows.slice(0, cut), ...fresh.rows]
  const drop = Math.max(0, time.length - cap)
  return { time: time.slice(drop), rows: rows.slice(drop) }
}

/**
 * Feature panel state over `getFeatures`. Loads only while open; answers for an older request (another series
 * or set) are dropped. A closed bar of the target fetches FEATURE_REFRESH_LIMIT rows and merges them.
 */
export function createFeaturesStore(api: Pick<WorkstationApi, 'getFeatures'>): FeaturesStore {
  let request = 0
  let loadedFor: string | undefined
  // Whether the held rows are the history (FEATURE_HISTORY_LIMIT) rather than the latest few.
  let history = false
  // A closed bar of the target arrived while the panel was closed: reopening reloads.
  let missedBar = false
  const keyOf = (t: SeriesSelection, set: string) => `${t.symbol}.${t.venue}-${t.timeframe}:${set}`

  return createStore<FeaturesState>()((set, get) => ({
    open: false,
    set: FEATURE_SETS[0],
    filter: '',
    names: [],
    specHash: '',
    time: [],
    rows: [],
    cached: false,
    state: 'idle',
    plotted: [],

    setOpen: async (open) => {
      set({ open })
      const { target } = get()
      if (open && target && (loadedFor !== keyOf(target, get().set) || missedBar || get().state === 'error'))
        return get().load()
    },

    setSet: async (choice) => {
      if (choice === get().set) return
      set({ set: choice })
      if (get().open) return get().load()
    },

    setFilter: (filter) => set({ filter }),

    setTarget: async (target) => {
      if (sameTarget(target, get().target)) return
      request++
      loadedFor = undefined
      history = false
      set({ target, names: [], time: [], rows: [], specHash: '', state: 'idle', error: undefined })
      if (target && get().open) return get().load()
    },

    load: async () => {
      const { target, set: featureSet } = get()
      if (!target) return
      const mine = ++request
      const wantHistory = get().plotted.length > 0
      set({ state: 'loading', error: undefined })
      try {
        const t = await api.getFeatures({
          ...target,
          set: featureSet,
          limit: wantHistory ? FEATURE_HISTORY_LIMIT : FEATURE_LATEST_LIMIT,
        })
        if (mine !== request) return
        loadedFor = keyOf(target, featureSet)
        history = wantHistory
        missedBar = false
        const plotted = get().plotted.filter((n) => t.names.includes(n))
        set({
          names: t.names,
          specHash: t.specHash,
          time: t.time,
          rows: t.rows,
          cached: t.cached,
          state: 'ready',
          plotted,
        })
      } catch (err) {
        if (mine !== request) return
        loadedFor = undefined
        history = false
        set({ names: [], time: [], rows: [], specHash: '', state: 'error', error: errorLine(err) })
      }
    },

    togglePlot: async (name) => {
      const { plotted, names } = get()
      if (plotted.includes(name)) return set({ plotted: plotted.filter((n) => n !== name) })
      if (!names.includes(name)) return
      set({ plotted: [...plotted, name] })
      if (!history) return get().load()
    },

    unplot: (name) => set({ plotted: get().plotted.filter((n) => n !== name) }),

    applyBar: async (bar) => {
      const { target, open, state, time, specHash, set: featureSet } = get()
      if (bar.partial || !isSelected(target, bar)) return
      if (!open) missedBar = true
      if (!open || state !== 'ready') return
      const last = time[time.length - 1]
      if (last !== undefined && bar.time <= last) return
      const mine = ++request
      try {
        const t = await api.getFeatures({ ...target!, set: featureSet, limit: FEATURE_REFRESH_LIMIT })
        if (mine !== request) return
        const merged = t.specHash === specHash ? mergeRows(get(), t) : undefined
        if (!merged) return get().load()
        set({ ...merged, cached: t.cached })
      } catch (err) {
        if (mine !== request) return
        set({ state: 'error', error: errorLine(err) })
      }
    },
  }))
}

/** Wires the features store: it follows the chart selection and the `bar` topic. Dispose to detach. */
export function startFeaturesStore(
  store: FeaturesStore,
  chart: ChartStore,
  api: Pick<WorkstationApi, 'subscribe'>,
): Disposable {
  void store.getState().setTarget(chart.getState().selection)
  const unsubscribe = chart.subscribe((s, prev) => {
    if (s.selection !== prev.selection) void store.getState().setTarget(s.selection)
  })
  const sub = api.subscribe('bar', (bar) => void store.getState().applyBar(bar))
  return {
    dispose: () => {
      unsubscribe()
      sub.dispose()
    },
  }
}
