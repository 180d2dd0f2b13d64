import { IMPORT_JOB_KIND, type Disposable } from '../../src-shared'
import type { Workstation } from '../api'
import { setDisplayTimeZone } from '../format'
import { createAlertsStore, startAlertsStore, type AlertsStore } from './alerts-store'
import { createBacktestsStore, type BacktestsStore, type SaveTextFile } from './backtests-store'
import { createChartStore, type ChartStore } from './chart-store'
import { createConnectionStore, type ConnectionStore } from './connection-store'
import { createDisplayStore, startDisplayStore, type DisplayStore } from './display-store'
import { createFollowedStore, type FollowedStore } from './followed-store'
import { createFeaturesStore, startFeaturesStore, type FeaturesStore } from './features-store'
import { createForecastStore, startForecastStore, type ForecastStore } from './forecast-store'
import { createImportStore, type ImportStore } from './import-store'
import { createJobsStore, type JobsStore } from './jobs-store'
import { createModelsStore, type ModelsStore } from './models-store'
import { createNavigationStore, type NavigationStore } from './navigation-store'
import { createRegimeTrainingStore, startRegimeTrainingStore, type RegimeTrainingStore } from './regime-training-store'
import { createStrategiesStore, type StrategiesStore } from './strategies-store'
import { createSymbolSearchStore, type SymbolSearchStore } from './symbol-search-store'
import { createWatchlistStore, startWatchlistStore, type WatchlistStore } from './watchlist-store'
import { createChartLayersStore, type ChartLayersStore } from './chart-layers-store'
import { createDrawingsStore, startDrawingsStore, type DrawingsStore } from './drawings-store'
import { createOverlaysStore, startOverlaysStore, type OverlaysStore } from './overlays-store'
import { createLiveStrategiesStore, startLiveStrategiesStore, type LiveStrategiesStore } from './live-strategies-store'
import { createNotificationsStore, signalNotification, type NotificationsStore } from './notifications-store'
import { createSignalsStore, startSignalsStore, type SignalsStore } from './signals-store'

/** How long `signal` events are gathered before the signals store applies them together (ms). */
export const SIGNAL_BATCH_MS = 100

// The job kind its calls start (src-shared/job-requests.ts), for the views that follow the job.
export { IMPORT_JOB_KIND }

/** Every renderer store, built once per page (the renderer's composition root). */
export interface AppStores {
  readonly connection: ConnectionStore
  readonly chart: ChartStore
  readonly followed: FollowedStore
  readonly jobs: JobsStore
  readonly imports: ImportStore
  readonly models: ModelsStore
  readonly navigation: NavigationStore
  readonly features: FeaturesStore
  readonly forecast: ForecastStore
  readonly backtests: BacktestsStore
  readonly alerts: AlertsStore
  readonly strategies: StrategiesStore
  /** Regime training started from the forecast card. */
  readonly regimeTraining: RegimeTrainingStore
  /** The watchlist beside the chart (rows persisted in the `watchlist` setting). */
  readonly watchlist: WatchlistStore
  /** The chart's keyboard-first symbol search (`/` or Ctrl+K). */
  readonly symbolSearch: SymbolSearchStore
  /** The display time zone (UTC, local or the charted exchange's). */
  readonly display: DisplayStore
  /** The chart's indicator overlays per series (setting `chart.overlays.…`), picker and parameter editor. */
  readonly overlays: OverlaysStore
  /** Levels and trendlines per instrument (setting `chart.drawings.…`) and the drawing tool. */
  readonly drawings: DrawingsStore
  /** Hidden chart layers, the `?` shortcuts overlay, keyboard zoom requests. */
  readonly chartLayers: ChartLayersStore
  /** Strategy signals: the charted series' markers and the Signals panel. */
  readonly signals: SignalsStore
  /** Strategies running live per series, their paper accounts and signal-quality training. */
  readonly liveStrategies: LiveStrategiesStore
  /** Short-lived messages (a signal taken live). */
  readonly notifications: NotificationsStore
}

/** Builds the stores over one workstation; nothing is fetched until `startAppStores`. `saveText` saves exports (CSV). */
export function createAppStores(
  ws: Pick<Workstation, 'api' | 'shell' | 'status' | 'files'>,
  saveText?: SaveTextFile,
): AppStores {
  const strategies = createStrategiesStore(ws.api)
  const chart = createChartStore(ws.api)
  const watchlist = createWatchlistStore(ws.api)
  return {
    connection: createConnectionStore(ws.api, ws.shell, ws.status),
    chart,
    followed: createFollowedStore(ws.api),
    jobs: createJobsStore(ws.api),
    imports: createImportStore(ws.api, ws.files),
    models: createModelsStore(ws.api),
    navigation: createNavigationStore(),
    features: createFeaturesStore(ws.api),
    forecast: createForecastStore(ws.api),
    backtests: createBacktestsStore(ws.api, (name) => strategies.getState().ml[name] ?? true, saveText),
    alerts: createAlertsStore(ws.api),
    strategies,
    regimeTraining: createRegimeTrainingStore(ws.api),
    watchlist,
    symbolSearch: createSymbolSearchStore(ws.api, chart, watchlist),
    display: createDisplayStore(ws.api, Intl.DateTimeFormat().resolvedOptions().timeZone),
    overlays: createOverlaysStore(ws.api),
    drawings: createDrawingsStore(ws.api),
    chartLayers: createChartLayersStore(),
    // A warm-up sends hundreds of signals at once: the chart takes them ten times a second, not one render each.
    signals: createSignalsStore(ws.api, SIGNAL_BATCH_MS),
    liveStrategies: createLiveStrategiesStore(ws.api),
    notifications: createNotificationsStore(),
  }
}

/**
 * Wires the stores to the core: topic subscriptions feed them, and every (re)connect refreshes health,
 * series, bars, jobs, models, backtests, strategy ML switches, alerts, live strategies and signals (events missed while
 * disconnected are not replayed). A signal taken live (not one of a warm-up) is a notification. Dispose to detach.
 */
export function startAppStores(stores: AppStores, ws: Pick<Workstation, 'api' | 'status' | 'onStatus'>): Disposable {
  const { api } = ws
  const refresh = () => {
    void stores.connection.getState().refreshHealth()
    void stores.chart.getState().loadSeries()
    void stores.followed.getState().load()
    void stores.jobs.getState().load()
    void stores.models.getState().load()
    void stores.backtests.getState().load()
    void stores.strategies.getState().load()
    void stores.alerts.getState().load()
    void stores.alerts.getState().loadStatus()
    void stores.watchlist.getState().load()
    void stores.display.getState().load()
    void stores.liveStrategies.getState().load()
    void stores.signals.getState().loadChart(stores.chart.getState().selection)
    void stores.signals.getState().loadList()
  }
  const subs: Disposable[] = [
    api.subscribe('status', (feed) => stores.connection.getState().setFeed(feed)),
    api.subscribe('job', (job) => {
      stores.jobs.getState().applyJob(job)
      stores.models.getState().applyJob(job)
      stores.backtests.getState().applyJob(job)
      stores.imports.getState().applyJob(job)
      // A finished import changes what is stored: list the series again.
      if (job.state === 'succeeded' && job.kind === IMPORT_JOB_KIND) void stores.chart.getState().loadSeries()
    }),
    api.subscribe('bar', (bar) => stores.chart.getState().applyBar(bar)),
    api.subscribe('models', (e) => void stores.models.getState().applyEvent(e)),
    api.subscribe('signal', (e) => {
      if (!e.warmUp && e.signal.outcome === 'taken') stores.notifications.getState().push(signalNotification(e.signal))
    }),
    ws.onStatus((link) => {
      const was = stores.connection.getState().link.state
      stores.connection.getState().setLink(link)
      if (link.state === 'connected' && was !== 'connected') refresh()
    }),
  ]
  // The Backtests form's ML checkbox follows the switch of the strategy it has picked whenever that switch is read
  // or changed (a per-run override stays until then).
  const followMl = stores.strategies.subscribe((s, prev) => {
    const { draft, pickStrategy } = stores.backtests.getState()
    if (s.ml[draft.strategy] !== prev.ml[draft.strategy]) pickStrategy(draft.strategy)
  })
  subs.push({ dispose: followMl })
  subs.push(startForecastStore(stores.forecast, stores.chart, api))
  subs.push(startFeaturesStore(stores.features, stores.chart, api))
  subs.push(startRegimeTrainingStore(stores.regimeTraining, stores.forecast, api))
  subs.push(startWatchlistStore(stores.watchlist, api))
  subs.push(startAlertsStore(stores.alerts, api))
  subs.push(startDisplayStore(stores.display, stores.chart, setDisplayTimeZone))
  subs.push(startOverlaysStore(stores.overlays, stores.chart))
  subs.push(startDrawingsStore(stores.drawings, stores.chart))
  subs.push(startSignalsStore(stores.signals, stores.chart, api))
  // One side panel beside the chart at a time (the chart keeps its width at 1280 px): Signals and Features take turns.
  const onePanel = [
    stores.signals.subscribe((s, prev) => {
      if (s.open && !prev.open && stores.features.getState().open) void stores.features.getState().setOpen(false)
    }),
    stores.features.subscribe((s, prev) => {
      if (s.open && !prev.open && stores.signals.getState().open) stores.signals.getState().setOpen(false)
    }),
  ]
  subs.push({ dispose: () => onePanel.forEach((off) => off()) })
  subs.push(startLiveStrategiesStore(stores.liveStrategies, api, stores.strategies))
  // Over IPC the link is up from the start; over WebSocket the first `connected` above triggers it.
  if (ws.status.state === 'connected') refresh()
  return { dispose: () => subs.forEach((s) => s.dispose()) }
}
