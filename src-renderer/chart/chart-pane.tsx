import { useMemo, useRef } from 'react'
import type { Alert, PaperPosition, PredictionPoint, SignalView, StoredBar } from '../../src-shared'
import { pricePrecision } from '../format'
import { placeAlerts } from './alert-markers'
import { ChartLegend } from './chart-legend'
import { DrawingsLegend } from './drawings-legend'
import { LayersLegend, presentLayers, type LegendLayer } from './layers-legend'
import { OverlayLegend, type OverlaysPaneProps } from './overlay-legend'
import { PaperLegend } from './paper-legend'
import { ProbabilityLegend } from './probability-legend'
import { useDrawings, type DrawingsInput } from './use-drawings'
import { useOverlayLines, type OverlayLine } from './use-overlay-lines'
import { usePaperLines } from './use-paper-lines'
import { useViewportCommand, type ChartViewportCommand } from './use-viewport-command'
import { FeaturePanes, type FeaturePanesProps } from './feature-panes'
import { useCandles } from './use-candles'
import { useChart } from './use-chart'
import { useFocusTime, type ChartFocusRequest } from './use-focus-time'
import { useHistoryPaging, type ChartHistory } from './use-history-paging'
import { useInitialViewport } from './use-initial-viewport'
import { useTransitionMarkers } from './use-markers'
import { useProbabilityPane } from './use-probability-pane'
import { useRegimeShading } from './use-regime-shading'
import { RegimeTooltip } from './use-regime-tooltip'
import { useVolume } from './use-volume'
import './chart.css'

/** Props of a price chart pane. */
export interface ChartPaneProps {
  readonly bars: readonly StoredBar[]
  readonly title: string
  /** Regime forecasts of one horizon, oldest first: shading, probability pane and transition markers. */
  readonly predictions?: readonly PredictionPoint[]
  /** What shades the price pane instead of `predictions` (the regime HMM's regimes), oldest first. */
  readonly shading?: readonly Pick<PredictionPoint, 'time' | 'regime' | 'confidence'>[]
  /** Alerts concerning the charted symbol, oldest first: markers (S2 amber, S3 red) on the bars containing them. */
  readonly alerts?: readonly Alert[]
  /** A time to scroll to (e.g. an alert opened from the Alerts view); a new key repeats it. */
  readonly focus?: ChartFocusRequest
  /** Features plotted in panes under the candles (one pane each, with a legend and a close button). */
  readonly features?: FeaturePanesProps
  /** The window of history the bars are: paged as the view nears an edge, centred on a go-to-date. */
  readonly history?: ChartHistory
  /** Indicator overlays drawn over the candles, with a legend row each. */
  readonly overlays?: OverlaysPaneProps
  /** Levels and trendlines, and what the pointer does with them. */
  readonly drawings?: DrawingsInput & { onRemove(id: string): void }
  /** Hidden layers and how the legend switches one. */
  readonly layers?: {
    readonly hidden: Readonly<Partial<Record<LegendLayer, boolean>>>
    onToggle(layer: LegendLayer): void
  }
  /** Keyboard zoom requests, oldest first; each is applied once. */
  readonly viewport?: readonly ChartViewportCommand[]
  /** Strategy signals of the charted series, oldest first: markers (taken solid, skipped faded) with tooltips. */
  readonly signals?: readonly SignalView[]
  /** Open paper positions of the charted series: entry, stop and target lines, a legend row with open PnL. */
  readonly paper?: readonly PaperPosition[]
}

/**
 * A candlestick chart with a volume histogram and a crosshair legend. Overlays (regime shading, markers,
 * probability pane) attach to the same chart through further hooks next to `useCandles`.
 */
const NO_PREDICTIONS: readonly PredictionPoint[] = []
const NO_ALERTS: readonly Alert[] = []
const NO_SIGNALS: readonly SignalView[] = []
const NO_POSITIONS: readonly PaperPosition[] = []
const NO_LINES: readonly OverlayLine[] = []

/** The lines drawn for the overlays shown (band middles dashed). */
function overlayLines(o: OverlaysPaneProps | undefined): readonly OverlayLine[] {
  if (!o || o.layerHidden) return NO_LINES
  return o.items.flatMap((item) =>
    item.hidden
      ? []
      : item.lines.map((l) => ({
          key: `${item.id}:${l.output}`,
          color: item.color,
          dashed: l.output === 'middle',
          time: item.time,
          values: l.values,
        })),
  )
}

export function ChartPane({
  bars,
  title,
  predictions = NO_PREDICTIONS,
  shading,
  alerts = NO_ALERTS,
  focus,
  features,
  history,
  overlays,
  drawings,
  layers,
  viewport,
  signals = NO_SIGNALS,
  paper = NO_POSITIONS,
}: ChartPaneProps) {
  const container = useRef<HTMLDivElement>(null)
  const pane = useRef<HTMLDivElement>(null)
  const chart = useChart(container)
  const hidden = layers?.hidden ?? {}
  // The newest 300 closes decide the decimals (pricePrecision reads no more): no pass over a long history per live bar.
  const precision = useMemo(() => pricePrecision(bars.slice(-300).map((b) => b.close)), [bars])
  const candles = useCandles(chart, bars, precision)
  const volume = useVolume(chart, bars, !hidden.volume)
  const first = bars[0]
  const seriesKey = first ? `${first.symbol}.${first.venue}-${first.timeframe}` : ''
  // With a history window the view moves only for a new series or a go-to-date; pages and reloads keep it.
  useInitialViewport(chart, candles.series, first ? `${seriesKey}${history ? '' : `@${first.time}`}` : '')
  useHistoryPaging(chart, candles.series, bars, history, pane)
  useFocusTime(chart, candles.series, bars, focus)
  const transitions = useMemo(() => predictions.filter((p) => p.transition), [predictions])
  const shaded = useRegimeShading(chart, candles.series, hidden.regime ? NO_PREDICTIONS : (shading ?? predictions))
  const probabilityPoints = useProbabilityPane(chart, predictions, !hidden.probabilities)
  const markers = useTransitionMarkers(
    chart,
    candles.series,
    hidden.transitions ? NO_PREDICTIONS : transitions,
    hidden.alerts ? NO_ALERTS : alerts,
    bars,
    hidden.signals ? NO_SIGNALS : signals,
  )
  const paperLines = usePaperLines(chart, candles.series, paper)
  const lines = useMemo(() => overlayLines(overlays), [overlays])
  useOverlayLines(chart, lines)
  const spots = useDrawings(chart, candles.series, container, bars, precision, drawings)
  const visibleBars = useViewportCommand(chart, viewport)
  // Alerts on the loaded bars (placed again only when the bar range changes, like the markers).
  const placed = useMemo(() => placeAlerts(alerts, bars), [alerts, first?.time, bars[bars.length - 1]?.time])
  const hasSignals = signals.length > 0
  const present = useMemo(
    () =>
      presentLayers(
        predictions,
        transitions,
        placed.length > 0,
        bars.length > 0,
        hasSignals,
        (shading?.length ?? 0) > 0,
      ),
    [predictions, transitions, placed, bars.length > 0, hasSignals, shading],
  )
  const severities = useMemo(
    () => (['S2', 'S3'] as const).filter((s) => placed.some((p) => p.alert.severity === s)),
    [placed],
  )

  return (
    <div
      className="chart-pane"
      ref={pane}
      data-testid="chart-pane"
      data-bars-rendered={candles.rendered}
      data-last-price={candles.lastPrice}
      data-regime-shaded={shaded}
      data-probability-points={probabilityPoints}
      data-markers={markers.count}
      data-marker-at={markers.newest ? `${markers.newest.x},${markers.newest.y}` : ''}
      data-alert-markers={markers.alertCount}
      data-alert-marker-at={markers.newestAlert ? `${markers.newestAlert.x},${markers.newestAlert.y}` : ''}
      data-signal-markers={markers.signalCount}
      data-signal-marker-at={markers.newestSignal ? `${markers.newestSignal.x},${markers.newestSignal.y}` : ''}
      data-paper-lines={paperLines}
      data-overlay-lines={lines.length}
      data-drawings={drawings?.drawings.length ?? 0}
      data-tool={drawings?.tool ?? ''}
      data-visible-bars={visibleBars}
      data-volume-visible={!hidden.volume}
    >
      <div className={`chart-pane__canvas${drawings?.tool ? ' chart-pane__canvas--drawing' : ''}`} ref={container} />
      <RegimeTooltip hovered={markers.hovered} />
      {features && <FeaturePanes chart={chart} container={container} {...features} />}
      <ProbabilityLegend chart={chart} container={container} points={predictions} visible={!hidden.probabilities} />
      <div className="chart-legends">
        <ChartLegend
          chart={chart}
          candles={candles.series}
          volume={volume}
          bars={bars}
          title={title}
          precision={precision}
        />
        <PaperLegend positions={paper} precision={precision} />
        {overlays && <OverlayLegend chart={chart} candles={candles.series} precision={precision} overlays={overlays} />}
        {layers && (
          <LayersLegend present={present} hidden={hidden} severities={severities} onToggle={layers.onToggle} />
        )}
        {drawings && (
          <DrawingsLegend
            drawings={drawings.drawings}
            selected={drawings.selected}
            spots={spots}
            precision={precision}
            onSelect={drawings.onSelect}
            onRemove={drawings.onRemove}
          />
        )}
      </div>
    </div>
  )
}
