import { createStore, type StoreApi } from 'zustand/vanilla'
import {
  isOverlayKind,
  overlayDefaults,
  overlayDefinition,
  overlayParamError,
  overlayParamsError,
  overlaySpec,
  searchOverlays,
  type Disposable,
  type IndicatorsResult,
  type OverlayKind,
  type StoredBar,
  type WorkstationApi,
} from '../../src-shared'
import { errorLine } from '../api'
import { isSelected, type ChartStore, type LoadState, type SeriesSelection } from './chart-store'
import { freeId } from './drawings-store'

/** A price overlay on one chart (series): an indicator kind, its parameters, its line colour, hidden or shown. */
export interface ChartOverlay {
  readonly id: string
  readonly kind: OverlayKind
  readonly params: readonly number[]
  readonly color: string
  readonly hidden: boolean
}

/** Values of one overlay spec: bar open times (ms, ascending) and its outputs, aligned with them (null in warm-up). */
export interface OverlayValues {
  readonly time: readonly number[]
  readonly outputs: readonly { readonly output: string; readonly values: readonly (number | null)[] }[]
}

/** Line colours of new overlays, the first one not in use (none is the candles' green/red or an alert's amber). */
export const OVERLAY_COLORS = [
  '#3d8bfd',
  '#f0b429',
  '#c77dff',
  '#4dd0e1',
  '#ff8a65',
  '#9ccc65',
  '#f06292',
  '#b0bec5',
] as const

/** Most overlays on one chart (getIndicators takes at most 16 specs). */
export const MAX_OVERLAYS = 12

/** Setting key of a series' overlays: `chart.overlays.BTCUSDT.BINANCE-1h`. */
export function overlaysSettingKey(s: SeriesSelection): string {
  return `chart.overlays.${s.symbol}.${s.venue}-${s.timeframe}`
}

/** The overlays of a stored setting; entries that are not valid overlays (an older or hand-edited value) are left out. */
export function parseSavedOverlays(raw: unknown): ChartOverlay[] {
  if (!Array.isArray(raw)) return []
  const out: ChartOverlay[] = []
  for (const o of raw) {
    if (typeof o !== 'object' || o === null) continue
    const { id, kind, params, color, hidden } = o as Record<string, unknown>
    if (typeof id !== 'string' || !isOverlayKind(kind) || !Array.isArray(params) || overlayParamsError(kind, params))
      continue
    if (typeof color !== 'string' || !/^#[0-9a-f]{6}$/i.test(color) || out.some((x) => x.id === id)) continue
    out.push({ id, kind, params: params as number[], color, hidden: hidden === true })
  }
  return out.slice(0, MAX_OVERLAYS)
}

/** The spec an overlay is computed by (`bb:20:2`). */
export function specOf(o: Pick<ChartOverlay, 'kind' | 'params'>): string {
  return overlaySpec(o.kind, o.params)
}

/** Merges newer values into held ones by time; undefined when they do not overlap (a gap: reload instead). */
export function mergeOverlayValues(held: OverlayValues, fresh: OverlayValues): OverlayValues | undefined {
  if (fresh.time.length === 0) return held
  const lastHeld = held.time[held.time.length - 1]
  if (lastHeld === undefined || fresh.time[0] > lastHeld || held.outputs.length !== fresh.outputs.length)
    return undefined
  let cut = held.time.length
  while (cut > 0 && held.time[cut - 1] >= fresh.time[0]) cut--
  return {
    time: [...held.time.slice(0, cut), ...fresh.time],
    outputs: held.outputs.map((o, j) => ({
      output: o.output,
      values: [...o.values.slice(0, cut), ...fresh.outputs[j].values],
    })),
  }
}

/** Per-parameter problems of an edit (undefined where the text is valid), in parameter order. */
export function editErrors(kind: OverlayKind, text: readonly string[]): (string | undefined)[] {
  return overlayDefinition(kind).params.map((p, i) => overlayParamError(p, text[i] ?? ''))
}

function valuesOf(r: IndicatorsResult): Record<string, OverlayValues> {
  const out: Record<string, OverlayValues> = {}
  for (const ind of r.indicators)
    out[ind.spec] = { time: r.time, outputs: ind.outputs.map((o) => ({ output: o.output, values: o.values })) }
  return out
}

/** Chart overlays of the charted series: the list (saved per series), their values, the picker and the parameter editor. */
export interface OverlaysState {
  /** The series the overlays belong to (the chart's selection). */
  readonly target?: SeriesSelection
  /** Open time of the chart's first bar: values are fetched from there on. */
  readonly from?: number
  /** Open time of the chart's last bar while its window stops short of the newest bars (a date in the past). */
  readonly to?: number
  readonly overlays: readonly ChartOverlay[]
  /** Values by spec. */
  readonly values: Readonly<Record<string, OverlayValues>>
  /** Loading the saved list and the values. */
  readonly state: LoadState
  readonly error?: string
  /** Why the last change could not be saved (it stays on the chart until reload). */
  readonly saveError?: string
  /** The indicator picker: open, its search text and the highlighted entry (index into the search result). */
  readonly picker: { readonly open: boolean; readonly query: string; readonly active: number }
  /** The overlay whose parameters are being edited and the text in each field. */
  readonly editing?: { readonly id: string; readonly text: readonly string[] }
  /**
   * Follows the chart: another series loads its saved overlays; another window (a history page, a go-to-date) refetches
   * the values for it. `to` is undefined while the chart shows the newest bars.
   */
  setTarget(target: SeriesSelection | undefined, from: number | undefined, to?: number): Promise<void>
  /** Adds an overlay with default parameters and the next free colour; saves and fetches its values. */
  add(kind: OverlayKind): Promise<void>
  /** Removes an overlay and saves. */
  remove(id: string): Promise<void>
  /** Hides or shows one overlay and saves. */
  toggleHidden(id: string): Promise<void>
  openPicker(): void
  closePicker(): void
  setQuery(query: string): void
  /** Moves the picker's highlight by `delta` entries (wrapping). */
  moveActive(delta: number): void
  /** Adds the highlighted entry and closes the picker. */
  pickActive(): Promise<void>
  startEdit(id: string): void
  editParam(index: number, text: string): void
  cancelEdit(): void
  /** Applies the edit when every field is valid (false otherwise: the errors show next to the fields); saves and refetches. */
  commitEdit(): Promise<boolean>
  /**
   * The chart's newest closed bar opens at `time` (stored or resampled): when that is newer than the held values, the
   * values from the last held bar on are fetched and merged. The forming bar is left out.
   */
  catchUp(time: number): Promise<void>
}

/** The overlays store (zustand, vanilla). */
export type OverlaysStore = StoreApi<OverlaysState>

/** Overlays over `getSetting`/`setSetting` (one key per series) and `getIndicators` (values from the core's kernels). */
export function createOverlaysStore(
  api: Pick<WorkstationApi, 'getSetting' | 'setSetting' | 'getIndicators'>,
): OverlaysStore {
  // Bumped on every target change: answers for another series are dropped.
  let generation = 0
  // Bumped on every full values request: an older full answer is dropped.
  let valuesRequest = 0
  // The target's saved list has been read (values wait for it).
  let listLoaded = false
  return createStore<OverlaysState>()((set, get) => {
    const save = async () => {
      const { target, overlays } = get()
      if (!target) return
      try {
        await api.setSetting({
          key: overlaysSettingKey(target),
          value: overlays.map(({ id, kind, params, color, hidden }) => ({ id, kind, params, color, hidden })),
        })
        set({ saveError: undefined })
      } catch (err) {
        set({ saveError: `overlays not saved: ${errorLine(err)}` })
      }
    }

    /** Fetches the values of `specs` (every overlay's when omitted, replacing what is held) from `from` on. */
    const fetchValues = async (specs?: readonly string[]) => {
      const { target, from, to, overlays } = get()
      if (!listLoaded) return
      const wanted = [...new Set(specs ?? overlays.map(specOf))]
      if (!target || wanted.length === 0) return set({ state: 'ready', ...(specs ? {} : { values: {} }) })
      // The chart is reloading its bars: keep what is drawn until they are there.
      if (from === undefined) return
      const mine = generation
      const request = specs ? valuesRequest : ++valuesRequest
      set({ state: 'loading', error: undefined })
      try {
        const r = await api.getIndicators({
          ...target,
          specs: wanted,
          from,
          ...(to !== undefined ? { to } : {}),
          limit: 100_000,
        })
        if (mine !== generation || request !== valuesRequest) return
        set({ values: { ...(specs ? get().values : {}), ...valuesOf(r) }, state: 'ready' })
      } catch (err) {
        if (mine !== generation || request !== valuesRequest) return
        set({ state: 'error', error: errorLine(err) })
      }
    }

    const replace = (id: string, change: Partial<ChartOverlay>) =>
      set({ overlays: get().overlays.map((o) => (o.id === id ? { ...o, ...change } : o)) })

    return {
      overlays: [],
      values: {},
      state: 'idle',
      picker: { open: false, query: '', active: 0 },

      setTarget: async (target, from, to) => {
        const prev = get().target
        const same = target !== undefined && prev !== undefined && isSelected(prev, target)
        if (same) {
          if (from === get().from && to === get().to) return
          set({ from, to })
          return fetchValues()
        }
        const mine = ++generation
        listLoaded = false
        set({
          target,
          from,
          to,
          overlays: [],
          values: {},
          state: target ? 'loading' : 'idle',
          error: undefined,
          saveError: undefined,
          editing: undefined,
        })
        if (!target) return
        let saved: ChartOverlay[]
        try {
          saved = parseSavedOverlays(await api.getSetting({ key: overlaysSettingKey(target) }))
        } catch (err) {
          if (mine === generation) set({ state: 'error', error: errorLine(err) })
          return
        }
        if (mine !== generation) return
        listLoaded = true
        set({ overlays: saved })
        return fetchValues()
      },

      add: async (kind) => {
        const { overlays, target } = get()
        // Before the saved list is read, saving would overwrite it.
        if (!target || !listLoaded || overlays.length >= MAX_OVERLAYS) return
        const used = new Set(overlays.map((o) => o.color))
        const color =
          OVERLAY_COLORS.find((c) => !used.has(c)) ?? OVERLAY_COLORS[overlays.length % OVERLAY_COLORS.length]
        const overlay: ChartOverlay = {
          id: freeId(kind, overlays),
          kind,
          params: overlayDefaults(kind),
          color,
          hidden: false,
        }
        set({ overlays: [...overlays, overlay] })
        await save()
        const spec = specOf(overlay)
        if (!get().values[spec]) await fetchValues([spec])
      },

      remove: async (id) => {
        set({
          overlays: get().overlays.filter((o) => o.id !== id),
          ...(get().editing?.id === id ? { editing: undefined } : {}),
        })
        await save()
      },

      toggleHidden: async (id) => {
        const o = get().overlays.find((x) => x.id === id)
        if (!o) return
        replace(id, { hidden: !o.hidden })
        await save()
      },

      openPicker: () => set({ picker: { open: true, query: '', active: 0 }, editing: undefined }),
      closePicker: () => set({ picker: { ...get().picker, open: false } }),
      setQuery: (query) => set({ picker: { ...get().picker, query, active: 0 } }),
      moveActive: (delta) => {
        const { picker } = get()
        const n = searchOverlays(picker.query).length
        if (n === 0) return
        set({ picker: { ...picker, active: (((picker.active + delta) % n) + n) % n } })
      },
      pickActive: async () => {
        const { picker } = get()
        const d = searchOverlays(picker.query)[picker.active]
        if (!d) return
        set({ picker: { open: false, query: '', active: 0 } })
        await get().add(d.kind)
      },

      startEdit: (id) => {
        const o = get().overlays.find((x) => x.id === id)
        if (o) set({ editing: { id, text: o.params.map(String) }, picker: { ...get().picker, open: false } })
      },
      editParam: (index, text) => {
        const e = get().editing
        if (e) set({ editing: { ...e, text: e.text.map((t, i) => (i === index ? text : t)) } })
      },
      cancelEdit: () => set({ editing: undefined }),
      commitEdit: async () => {
        const e = get().editing
        const o = e && get().overlays.find((x) => x.id === e.id)
        if (!e || !o) return false
        if (editErrors(o.kind, e.text).some((x) => x !== undefined)) return false
        const params = e.text.map((t) => Number(t.trim()))
        set({ editing: undefined })
        replace(o.id, { params })
        await save()
        const spec = overlaySpec(o.kind, params)
        if (!get().values[spec]) await fetchValues([spec])
        return true
      },

      catchUp: async (time) => {
        const { target, state, values, overlays, to } = get()
        if (!target || state !== 'ready' || overlays.length === 0 || to !== undefined) return
        const specs = [...new Set(overlays.map(specOf))]
        const held = specs.map((s) => values[s])
        // A spec still being fetched gets this bar with its answer.
        if (held.some((v) => !v || v.time.length === 0)) return
        const last = Math.min(...held.map((v) => v!.time[v!.time.length - 1]))
        if (time <= last) return
        const mine = generation
        try {
          // From the last held bar on: it is recomputed too, so a bar stored again (a late correction) is picked up.
          const r = await api.getIndicators({ ...target, specs, from: last, limit: 100_000 })
          if (mine !== generation) return
          const fresh = valuesOf(r)
          const merged: Record<string, OverlayValues> = { ...get().values }
          for (const s of specs) {
            const m = merged[s] && fresh[s] ? mergeOverlayValues(merged[s], fresh[s]) : undefined
            if (!m) return fetchValues()
            merged[s] = m
          }
          set({ values: merged })
        } catch (err) {
          if (mine === generation) set({ state: 'error', error: errorLine(err) })
        }
      },
    }
  })
}

/** Open time of the newest closed bar of the chart's bars (the forming bar is `partial`), or undefined. */
export function newestClosedTime(bars: readonly StoredBar[]): number | undefined {
  for (let i = bars.length - 1; i >= 0 && i >= bars.length - 3; i--) if (!bars[i].partial) return bars[i].time
  return undefined
}

/**
 * Wires the overlays store to the chart store: its selection and bar window (first bar; last bar while the window stops
 * short of the newest), and its newest closed bar, stored or resampled live. Dispose to detach.
 */
export function startOverlaysStore(store: OverlaysStore, chart: ChartStore): Disposable {
  const follow = () => {
    const { selection, bars, barsState, hasNewer } = chart.getState()
    const ready = barsState === 'ready' && bars[0] !== undefined && isSelected(selection, bars[0])
    void store
      .getState()
      .setTarget(
        selection,
        ready ? bars[0].time : undefined,
        ready && hasNewer ? bars[bars.length - 1].time : undefined,
      )
  }
  follow()
  const unsubscribe = chart.subscribe((s, prev) => {
    if (
      s.selection !== prev.selection ||
      s.barsState !== prev.barsState ||
      s.bars[0] !== prev.bars[0] ||
      s.hasNewer !== prev.hasNewer
    )
      follow()
    else if (s.hasNewer && s.bars !== prev.bars) follow()
    if (s.bars === prev.bars || s.barsState !== 'ready') return
    const closed = newestClosedTime(s.bars)
    if (closed !== undefined && closed !== newestClosedTime(prev.bars)) void store.getState().catchUp(closed)
  })
  return { dispose: unsubscribe }
}
