import { useMemo, useRef } from 'react'
import type { Alert, PredictionPoint, StoredBar } from '../../src-shared'
import { pricePrecision } from '../format'
import { ChartLegend } from './chart-legend'
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

/** Props of a price chart pane. */
export interface ChartPaneProps {
  readonly bars: readonly StoredBar[]
  readonly title: string
  /** Regime forecasts of one horizon, oldest first: shading, probability pane and transition markers. */
  readonly predictions?: readonly PredictionPoint[]
  /** Alerts concerning the charted symbol, oldest first: markers (S2 amber, S3 red) on the bars containing them. */
  readonly alerts?: readonly Alert[]
  /** A time to scroll to (e.g. an alert opened from the Alerts view); a new key repeats it. */
  readonly focus?: ChartFocusRequest
  /** Features plotted in panes under the candles (one pane each, with a legend and a close button). */
  readonly features?: FeaturePanesProps
  /** The window of history the bars are: paged as the view nears an edge, centred on a go-to-date. */
  readonly history?: ChartHistory
}

/**
 * A candlestick chart with a volume histogram and a crosshair legend. Overlays (regime shading, markers,
 * probability pane) attach to the same chart through further hooks next to `useCandles`.
 */
const NO_PREDICTIONS: readonly PredictionPoint[] = []
const NO_ALERTS: readonly Alert[] = []

export function ChartPane({ bars, title, predictions = NO_PREDICTIONS, alerts = NO_ALERTS, focus, features, history }: ChartPaneProps) {
  const container = useRef<HTMLDivElement>(null)
  const pane = useRef<HTMLDivElement>(null)
  const chart = useChart(container)
  // The newest 300 closes decide the decimals (pricePrecision reads no more): no pass over a long history per live bar.
  const precision = useMemo(() => pricePrecision(bars.slice(-300).map((b) => b.close)), [bars])
  const candles = useCandles(chart, bars, precision)
  const volume = useVolume(chart, bars)
  const first = bars[0]
  const seriesKey = first ? `${first.symbol}.${first.venue}-${first.timeframe}` : ''
  // With a history window the view moves only for a new series or a go-to-date; pages and reloads keep it.
  useInitialViewport(chart, candles.series, first ? `${seriesKey}${history ? '' : `@${first.time}`}` : '')
  useHistoryPaging(chart, candles.series, bars, history, pane)
  useFocusTime(chart, candles.series, bars, focus)
  const transitions = useMemo(() => predictions.filter((p) => p.transition), [predictions])
  const shaded = useRegimeShading(chart, candles.series, predictions)
  const probabilityPoints = useProbabilityPane(chart, predictions)
  const markers = useTransitionMarkers(chart, candles.series, transitions, alerts, bars)

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
    >
      <div className="chart-pane__canvas" ref={container} />
      <RegimeTooltip hovered={markers.hovered} />
      {features && <FeaturePanes chart={chart} container={container} {...features} />}
      <ChartLegend chart={chart} candles={candles.series} volume={volume} bars={bars} title={title} precision={precision} />
    </div>
  )
}
