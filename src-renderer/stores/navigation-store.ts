import { createStore, type StoreApi } from 'zustand/vanilla'

/** The six top-level views, in navigation order; the position is also the keyboard shortcut (1–6). */
export const VIEWS = [
  { id: 'chart', label: 'Chart' },
  { id: 'alerts', label: 'Alerts' },
  { id: 'models', label: 'Models' },
  { id: 'strategies', label: 'Strategies' },
  { id: 'backtests', label: 'Backtests' },
  { id: 'data', label: 'Data' },
] as const

export type ViewId = (typeof VIEWS)[number]['id']

/** Which view fills the main area, and whether the jobs drawer is open. */
export interface NavigationState {
  readonly view: ViewId
  readonly jobsPanelOpen: boolean
  toggleJobsPanel(): void
  show(view: ViewId): void
  /** Shows the view behind shortcut `n` (1-based); ignores numbers without a view. */
  showByShortcut(n: number): void
}

export type NavigationStore = StoreApi<NavigationState>

/** Navigation starts on the chart. */
export function createNavigationStore(initial: ViewId = 'chart'): NavigationStore {
  return createStore<NavigationState>()((set, get) => ({
    view: initial,
    jobsPanelOpen: false,
    toggleJobsPanel: () => set({ jobsPanelOpen: !get().jobsPanelOpen }),
    show: (view) => set({ view }),
    showByShortcut: (n) => {
      const v = VIEWS[n - 1]
      if (v) set({ view: v.id })
    },
  }))
}
