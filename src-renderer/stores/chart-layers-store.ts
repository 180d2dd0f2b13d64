import { createStore, type StoreApi } from 'zustand/vanilla'

/** Layers of the chart a trader can switch off (the legend's toggles and the Layers shortcuts). */
export const CHART_LAYERS = [
  'regime',
  'probabilities',
  'alerts',
  'transitions',
  'signals',
  'volume',
  'overlays',
] as const
/** One switchable chart layer. */
export type ChartLayer = (typeof CHART_LAYERS)[number]

/** What the chart is asked to do with its view (applied once per `seq`). */
export type ViewportAction = 'zoomIn' | 'zoomOut'

/** A request to the chart's time scale; a new `seq` repeats it. */
export interface ViewportCommand {
  readonly action: ViewportAction
  readonly seq: number
}

/** View requests kept for the chart to catch up on. */
const MAX_HELD_COMMANDS = 16

/** Which chart layers are hidden, the shortcuts overlay, and view requests from the keyboard. */
export interface ChartLayersState {
  readonly hidden: Readonly<Record<ChartLayer, boolean>>
  /** The `?` shortcuts overlay is open. */
  readonly helpOpen: boolean
  /** The latest view requests, oldest first (two keys pressed within one render are both applied). */
  readonly viewport: readonly ViewportCommand[]
  toggle(layer: ChartLayer): void
  setHelpOpen(open: boolean): void
  requestViewport(action: ViewportAction): void
}

/** The chart layers store (zustand, vanilla). */
export type ChartLayersStore = StoreApi<ChartLayersState>

/** Every layer shown, overlay closed. */
export function createChartLayersStore(): ChartLayersStore {
  return createStore<ChartLayersState>()((set, get) => ({
    hidden: {
      regime: false,
      probabilities: false,
      alerts: false,
      transitions: false,
      signals: false,
      volume: false,
      overlays: false,
    },
    helpOpen: false,
    toggle: (layer) => set({ hidden: { ...get().hidden, [layer]: !get().hidden[layer] } }),
    setHelpOpen: (helpOpen) => set({ helpOpen }),
    viewport: [],
    requestViewport: (action) => {
      const held = get().viewport
      set({
        viewport: [...held.slice(-(MAX_HELD_COMMANDS - 1)), { action, seq: (held[held.length - 1]?.seq ?? 0) + 1 }],
      })
    },
  }))
}
