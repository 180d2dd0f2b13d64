import type { ViewId } from '../stores'
import { useDisplay, useNavigation, useStores } from '../store-hooks'
import { AlertsView, BacktestsView, ChartView, DataView, ModelsView, StrategiesView } from '../views'
import { LinkBanner } from './link-banner'
import { NavBar } from './nav-bar'
import { NotificationsTray } from './notifications-tray'
import { ShortcutsDialog, useHelpShortcut } from './shortcuts-dialog'
import { StatusBar } from './status-bar'
import { useViewShortcuts } from './use-view-shortcuts'
import { ViewErrorBoundary } from './view-error-boundary'
import './app.css'

const VIEW_COMPONENTS: Record<ViewId, () => React.JSX.Element> = {
  chart: ChartView,
  alerts: AlertsView,
  models: ModelsView,
  strategies: StrategiesView,
  backtests: BacktestsView,
  data: DataView,
}

/** The workstation frame: navigation rail, the current view, status bar, notifications. */
export function App() {
  const view = useNavigation((s) => s.view)
  // Every time on screen is formatted in this zone: a change re-renders the whole frame.
  const zone = useDisplay((s) => s.zone)
  useViewShortcuts(useStores().navigation)
  useHelpShortcut()
  const View = VIEW_COMPONENTS[view]
  return (
    <div className="app" data-testid="app" data-view={view} data-time-zone={zone}>
      <NavBar />
      <main className="main" data-testid="main">
        <LinkBanner />
        <ViewErrorBoundary key={view} view={view}>
          <View />
        </ViewErrorBoundary>
      </main>
      <StatusBar />
      <ShortcutsDialog />
      <NotificationsTray />
    </div>
  )
}
