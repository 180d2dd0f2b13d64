import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Disposable, Drawing, DrawingPoint, DrawingTool, WorkstationApi } from '../../src-shared'
import { errorLine } from '../api'
import type { ChartStore, LoadState } from './chart-store'

/** The instrument drawings belong to: they are anchored to time and price, so every timeframe of it shows them. */
export interface DrawingsTarget {
  readonly symbol: string
  readonly venue: string
}

/** Most drawings kept per instrument. */
export const MAX_DRAWINGS = 200

/** Setting key of an instrument's drawings: `chart.drawings.BTCUSDT.BINANCE`. */
export function drawingsSettingKey(t: DrawingsTarget): string {
  return `chart.drawings.${t.symbol}.${t.venue}`
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const point = (p: unknown): p is DrawingPoint =>
  typeof p === 'object' && p !== null && finite((p as DrawingPoint).time) && finite((p as DrawingPoint).price)

/** The drawings of a stored setting; entries that are not valid drawings are left out. */
export function parseSavedDrawings(raw: unknown): Drawing[] {
  if (!Array.isArray(raw)) return []
  const out: Drawing[] = []
  for (const d of raw) {
    if (
      typeof d !== 'object' ||
      d === null ||
      typeof (d as Drawing).id !== 'string' ||
      out.some((x) => x.id === (d as Drawing).id)
    )
      continue
    const { id, kind } = d as Drawing
    if (kind === 'level' && finite((d as { price: unknown }).price))
      out.push({ id, kind, price: (d as { price: number }).price })
    else if (kind === 'trendline' && point((d as { a: unknown }).a) && point((d as { b: unknown }).b)) {
      const { a, b } = d as { a: DrawingPoint; b: DrawingPoint }
      out.push({ id, kind, a: { time: a.time, price: a.price }, b: { time: b.time, price: b.price } })
    }
  }
  return out.slice(0, MAX_DRAWINGS)
}

/** `kind-N` with the smallest N no item holds: ids stay unique within one saved list, with no clock or randomness. */
export function freeId(kind: string, items: readonly { readonly id: string }[]): string {
  const taken = new Set(items.map((x) => x.id))
  let n = 1
  while (taken.has(`${kind}-${n}`)) n++
  return `${kind}-${n}`
}

/** A drawing shifted by `dTime` ms and `dPrice` (a level only moves in price). */
export function shiftDrawing(d: Drawing, dTime: number, dPrice: number): Drawing {
  if (d.kind === 'level') return { ...d, price: d.price + dPrice }
  return {
    ...d,
    a: { time: d.a.time + dTime, price: d.a.price + dPrice },
    b: { time: d.b.time + dTime, price: d.b.price + dPrice },
  }
}

/** Drawings on the charted instrument, the active tool, a trendline's first click and the selected drawing. */
export interface DrawingsState {
  readonly target?: DrawingsTarget
  readonly drawings: readonly Drawing[]
  readonly state: LoadState
  readonly error?: string
  /** Why the last change could not be saved (it stays on the chart until reload). */
  readonly saveError?: string
  readonly tool?: DrawingTool
  /** A trendline's first anchor, placed by the first click. */
  readonly pending?: DrawingPoint
  readonly selected?: string
  /** Follows the charted instrument: loads its saved drawings. */
  setTarget(target: DrawingsTarget | undefined): Promise<void>
  /** Picks a tool (the same tool again puts it down); drops a half-placed trendline. */
  setTool(tool: DrawingTool | undefined): void
  /** A click with a tool: a level is added; a trendline's first click anchors it, the second adds it. Saves. */
  place(at: DrawingPoint): Promise<void>
  /** Escape: drops a half-placed trendline, else puts the tool down, else clears the selection. */
  cancel(): void
  select(id: string | undefined): void
  /** Replaces a drawing while it is dragged (not saved until `commit`). */
  update(drawing: Drawing): void
  /** Saves the drawings (a drag ended). */
  commit(): Promise<void>
  remove(id: string): Promise<void>
  /** Delete: removes the selected drawing, if any; true when one was removed. */
  removeSelected(): Promise<boolean>
}

/** The drawings store (zustand, vanilla). */
export type DrawingsStore = StoreApi<DrawingsState>

/** Drawings over `getSetting`/`setSetting`, one key per instrument. */
export function createDrawingsStore(api: Pick<WorkstationApi, 'getSetting' | 'setSetting'>): DrawingsStore {
  let generation = 0
  let loaded = false
  return createStore<DrawingsState>()((set, get) => {
    const save = async () => {
      const { target, drawings } = get()
      if (!target || !loaded) return
      try {
        await api.setSetting({ key: drawingsSettingKey(target), value: drawings })
        set({ saveError: undefined })
      } catch (err) {
        set({ saveError: `drawings not saved: ${errorLine(err)}` })
      }
    }
    const add = async (d: Drawing) => {
      if (get().drawings.length >= MAX_DRAWINGS) return
      set({ drawings: [...get().drawings, d], selected: d.id, pending: undefined, tool: undefined })
      await save()
    }
    const newId = (kind: string) => freeId(kind, get().drawings)

    return {
      drawings: [],
      state: 'idle',

      setTarget: async (target) => {
        const prev = get().target
        if (prev && target && prev.symbol === target.symbol && prev.venue === target.venue) return
        const mine = ++generation
        loaded = false
        set({
          target,
          drawings: [],
          state: target ? 'loading' : 'idle',
          error: undefined,
          saveError: undefined,
          pending: undefined,
          selected: undefined,
        })
        if (!target) return
        try {
          const saved = parseSavedDrawings(await api.getSetting({ key: drawingsSettingKey(target) }))
          if (mine !== generation) return
          loaded = true
          set({ drawings: saved, state: 'ready' })
        } catch (err) {
          if (mine === generation) set({ state: 'error', error: errorLine(err) })
        }
      },

      setTool: (tool) => set({ tool: tool === get().tool ? undefined : tool, pending: undefined, selected: undefined }),

      place: async (at) => {
        const { tool, pending } = get()
        if (!tool || !loaded) return
        if (tool === 'level') return add({ id: newId('level'), kind: 'level', price: at.price })
        if (!pending) return set({ pending: at })
        if (pending.time === at.time && pending.price === at.price) return
        return add({ id: newId('trendline'), kind: 'trendline', a: pending, b: at })
      },

      cancel: () => {
        const { pending, tool } = get()
        if (pending) set({ pending: undefined })
        else if (tool) set({ tool: undefined })
        else set({ selected: undefined })
      },

      select: (id) => set({ selected: id }),

      update: (drawing) => set({ drawings: get().drawings.map((d) => (d.id === drawing.id ? drawing : d)) }),

      commit: () => save(),

      remove: async (id) => {
        set({
          drawings: get().drawings.filter((d) => d.id !== id),
          ...(get().selected === id ? { selected: undefined } : {}),
        })
        await save()
      },

      removeSelected: async () => {
        const id = get().selected
        if (!id) return false
        await get().remove(id)
        return true
      },
    }
  })
}

/** Wires the drawings store to the chart's instrument. Dispose to detach. */
export function startDrawingsStore(store: DrawingsStore, chart: ChartStore): Disposable {
  const follow = () => {
    const s = chart.getState().selection
    void store.getState().setTarget(s ? { symbol: s.symbol, venue: s.venue } : undefined)
  }
  follow()
  return { dispose: chart.subscribe((s, prev) => s.selection !== prev.selection && follow()) }
}
