import { createContext, useContext, type ReactNode } from 'react'
import { useStore } from 'zustand'
import type {
  AlertsState,
  AppStores,
  ChartLayersState,
  ChartState,
  ConnectionStoreState,
  DisplayState,
  DrawingsState,
  FeaturesState,
  FollowedState,
  ForecastState,
  ImportState,
  JobsState,
  LiveStrategiesState,
  ModelsState,
  NavigationState,
  NotificationsState,
  OverlaysState,
  RegimeTrainingState,
  SignalsState,
  StrategiesState,
  SymbolSearchState,
  WatchlistState,
} from '../stores'

const StoresContext = createContext<AppStores | null>(null)

/** Makes the page's stores available to the components below. */
export function StoresProvider({ stores, children }: { stores: AppStores; children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>
}

/** The page's stores; throws outside `StoresProvider` (a wiring bug, not a runtime condition). */
export function useStores(): AppStores {
  const s = useContext(StoresContext)
  if (!s) throw new Error('useStores outside StoresProvider')
  return s
}

/** Selects a slice of the connection store. */
export function useConnection<T>(select: (s: ConnectionStoreState) => T): T {
  return useStore(useStores().connection, select)
}

/** Selects a slice of the chart store. */
export function useChartState<T>(select: (s: ChartState) => T): T {
  return useStore(useStores().chart, select)
}

/** Selects a slice of the jobs store. */
export function useJobs<T>(select: (s: JobsState) => T): T {
  return useStore(useStores().jobs, select)
}

/** Selects a slice of the navigation store. */
export function useNavigation<T>(select: (s: NavigationState) => T): T {
  return useStore(useStores().navigation, select)
}

/** Selects a slice of the import-form store. */
export function useImports<T>(select: (s: ImportState) => T): T {
  return useStore(useStores().imports, select)
}

/** Selects a slice of the models store. */
export function useModels<T>(select: (s: ModelsState) => T): T {
  return useStore(useStores().models, select)
}

/** Selects a slice of the features panel store. */
export function useFeatures<T>(select: (s: FeaturesState) => T): T {
  return useStore(useStores().features, select)
}

/** Selects a slice of the regime-training store (training started from the forecast card). */
export function useRegimeTraining<T>(select: (s: RegimeTrainingState) => T): T {
  return useStore(useStores().regimeTraining, select)
}

/** Selects a slice of the watchlist store. */
export function useWatchlist<T>(select: (s: WatchlistState) => T): T {
  return useStore(useStores().watchlist, select)
}

/** Selects a slice of the symbol search store. */
export function useSymbolSearch<T>(select: (s: SymbolSearchState) => T): T {
  return useStore(useStores().symbolSearch, select)
}

/** Selects a slice of the forecast store. */
export function useForecast<T>(select: (s: ForecastState) => T): T {
  return useStore(useStores().forecast, select)
}

/** Selects a slice of the followed-series store. */
export function useFollowed<T>(select: (s: FollowedState) => T): T {
  return useStore(useStores().followed, select)
}

/** Selects a slice of the alerts store. */
export function useAlerts<T>(select: (s: AlertsState) => T): T {
  return useStore(useStores().alerts, select)
}

/** Selects a slice of the strategies store (per-strategy ML switches). */
export function useStrategies<T>(select: (s: StrategiesState) => T): T {
  return useStore(useStores().strategies, select)
}

/** Selects a slice of the display store (time zone). */
export function useDisplay<T>(select: (s: DisplayState) => T): T {
  return useStore(useStores().display, select)
}

/** Selects a slice of the chart overlays store (indicator overlays, picker, parameter editor). */
export function useOverlays<T>(select: (s: OverlaysState) => T): T {
  return useStore(useStores().overlays, select)
}

/** Selects a slice of the drawings store (levels, trendlines, the active tool). */
export function useDrawings<T>(select: (s: DrawingsState) => T): T {
  return useStore(useStores().drawings, select)
}

/** Selects a slice of the chart layers store (hidden layers, the shortcuts overlay, view requests). */
export function useChartLayers<T>(select: (s: ChartLayersState) => T): T {
  return useStore(useStores().chartLayers, select)
}

/** Selects a slice of the signals store (chart markers, the Signals panel). */
export function useSignals<T>(select: (s: SignalsState) => T): T {
  return useStore(useStores().signals, select)
}

/** Selects a slice of the live strategies store (enabled strategies, paper accounts, training). */
export function useLiveStrategies<T>(select: (s: LiveStrategiesState) => T): T {
  return useStore(useStores().liveStrategies, select)
}

/** Selects a slice of the notifications store. */
export function useNotifications<T>(select: (s: NotificationsState) => T): T {
  return useStore(useStores().notifications, select)
}
