import { useMemo } from 'react'
import { ChartPane, type ChartHistory } from '../chart'
import { formatCount, formatUtc, timeZoneLabel } from '../format'
import {
  useAlerts,
  useChartState,
  useForecast,
  useImports,
  useLiveStrategies,
  useSignals,
  useStores,
} from '../store-hooks'
import { alertsForSymbol, chartPredictions, isSignalOf } from '../stores'
import { ChartStrategyMenu } from './chart-strategy-menu'
import { ChartTimeControls } from './chart-time-controls'
import { ChartToolsBar } from './chart-tools-bar'
import { EmptyState } from './empty-state'
import { ImportChooseButton } from './import-choose-button'
import { ImportDropTarget } from './import-drop-target'
import { ImportStatus } from './import-status'
import { FeaturesPanel } from './features-panel'
import { useFeatureLines } from './features-panel-lines'
import { FeaturesToggle } from './features-panel-toggle'
import { ForecastCard } from './forecast-card'
import { IndicatorPicker } from './indicator-picker'
import { OverlayEditor } from './overlay-editor'
import { SeriesPicker } from './series-picker'
import { SignalsPanel } from './signals-panel'
import { SignalsToggle } from './signals-toggle'
import { SymbolSearch } from './symbol-search'
import { WatchlistPanel } from './watchlist-panel'
import { useChartShortcuts } from './use-chart-shortcuts'
import { useChartTools } from './use-chart-tools'
import './chart-view.css'

/**
 * The chart workspace: series picker and symbol search, bar-range facts, the strategy menu, the price chart with strategy
 * signals and paper positions, the watchlist and forecast card, the Features and Signals panels.
 */
/** No HMM regimes (yet): nothing shaded. */
const NO_SHADES: readonly never[] = []

export function ChartView() {
  const selection = useChartState((s) => s.selection)
  const bars = useChartState((s) => s.bars)
  const barsState = useChartState((s) => s.barsState)
  const barsError = useChartState((s) => s.barsError)
  const seriesState = useChartState((s) => s.seriesState)
  const seriesError = useChartState((s) => s.seriesError)
  const seriesCount = useChartState((s) => s.series.length)
  const importMode = useImports((s) => s.mode)
  const allPredictions = useForecast((s) => s.predictions)
  const horizon = useForecast((s) => s.horizon)
  const predictions = useMemo(() => chartPredictions(allPredictions, horizon), [allPredictions, horizon])
  const shadingSource = useForecast((s) => s.shading)
  const hmm = useForecast((s) => s.hmm)
  // The HMM shades the price pane when chosen; the probability pane and transition markers stay the forecast's.
  const shading = shadingSource === 'hmm' ? (hmm?.points ?? NO_SHADES) : undefined
  const allAlerts = useAlerts((s) => s.alerts)
  const alerts = useMemo(() => alertsForSymbol(allAlerts, selection?.symbol), [allAlerts, selection?.symbol])
  const chartFocus = useAlerts((s) => s.chartFocus)
  const focus = useMemo(
    () =>
      chartFocus && chartFocus.symbol === selection?.symbol
        ? { symbol: chartFocus.symbol, time: chartFocus.time, key: chartFocus.seq }
        : undefined,
    [chartFocus, selection?.symbol],
  )
  const featureLines = useFeatureLines()
  const signals = useSignals((s) => s.chartSignals)
  const accounts = useLiveStrategies((s) => s.accounts)
  const paper = useMemo(
    () => accounts.filter((a) => isSignalOf(a, selection)).flatMap((a) => a.positions),
    [accounts, selection],
  )
  const { chart } = useStores()
  const barsEpoch = useChartState((s) => s.barsEpoch)
  const goTo = useChartState((s) => s.goTo)
  const history = useMemo<ChartHistory>(
    () => ({
      epoch: barsEpoch,
      goTo,
      loadOlder: () => void chart.getState().loadOlder(),
      loadNewer: () => void chart.getState().loadNewer(),
    }),
    [chart, barsEpoch, goTo],
  )
  const tools = useChartTools()
  useChartShortcuts()
  const title = selection ? `${selection.symbol}.${selection.venue} · ${selection.timeframe}` : ''
  const first = bars[0]
  const last = bars[bars.length - 1]
  const rangeText =
    first && last
      ? `${formatCount(bars.length)} bars · ${formatUtc(first.time)} → ${formatUtc(last.time)} ${timeZoneLabel()}`
      : ''
  return (
    <section className="view view--chart" data-testid="view-chart">
      <div className="toolbar">
        <SeriesPicker />
        <SymbolSearch />
        {/* The bar range takes the free width and shortens with an ellipsis when the toolbar is full (the title has it whole). */}
        <span
          className="toolbar__meta toolbar__fill"
          data-testid={barsState === 'loading' ? 'chart-loading' : 'chart-range'}
          title={rangeText || undefined}
        >
          {barsState === 'loading' ? 'loading…' : rangeText}
        </span>
        <ChartTimeControls />
        <ChartToolsBar />
        <ChartStrategyMenu />
        <SignalsToggle />
        <FeaturesToggle />
      </div>
      {(seriesError || barsError) && (
        <div className="banner banner--error" data-testid="chart-error">
          {seriesError ?? barsError}
        </div>
      )}
      {seriesState === 'ready' && seriesCount === 0 ? (
        <ImportDropTarget className="chart-view__empty" testId="chart-drop">
          <EmptyState title="No bars stored yet" testId="empty-chart">
            <p>
              {importMode === 'none' ? 'Import bar files' : 'Drop bar files here, choose them below,'} or use the Data
              view (press <kbd>6</kbd>, then <b>Import…</b>); the chart then shows candles, volume and live updates for
              the chosen series.
            </p>
            <ImportChooseButton primary />
            <ImportStatus />
          </EmptyState>
        </ImportDropTarget>
      ) : (
        <div className="chart-with-forecast">
          <div className="chart-area">
            <ChartPane
              bars={bars}
              title={title}
              predictions={predictions}
              shading={shading}
              alerts={alerts}
              focus={focus}
              features={featureLines}
              history={history}
              signals={signals}
              paper={paper}
              {...tools}
            />
            <IndicatorPicker />
            <OverlayEditor />
          </div>
          <div className="chart-side" data-testid="chart-side">
            <WatchlistPanel />
            {selection && <ForecastCard />}
          </div>
          {selection && <FeaturesPanel />}
          {selection && <SignalsPanel />}
        </div>
      )}
    </section>
  )
}
