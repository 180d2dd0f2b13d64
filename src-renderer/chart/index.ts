export { barsDelta, chartTime, type BarsDelta } from './bars-delta'
export { ChartPane, type ChartPaneProps } from './chart-pane'
export { CHART_COLORS, CHART_OPTIONS, VOLUME_SCALE_ID } from './chart-theme'
export { lastPriceColor, useCandles, toCandle, type CandlesHandle } from './use-candles'
export { isChartRemoved, useChart } from './use-chart'
export { useVolume, toVolume } from './use-volume'
export { useCrosshairBar, legendBar, type HoveredBar } from './use-crosshair-bar'
export { useInitialViewport, INITIAL_VISIBLE_BARS } from './use-initial-viewport'
export { useRegimeShading, RegimeShadingPrimitive, regimeShade } from './use-regime-shading'
export { useProbabilityPane, PROBABILITY_COLORS, PROBABILITY_PANE } from './use-probability-pane'
export { useTransitionMarkers, transitionMarker, type HoveredTransition, type MarkersHandle } from './use-markers'
export { alertLines, RegimeTooltip, transitionLines } from './use-regime-tooltip'
export { ALERT_MARKER_COLORS, alertMarker, mergeMarkers, placeAlerts, type PlacedAlert } from './alert-markers'
export { FeaturePanes, type FeaturePanesProps } from './feature-panes'
export {
  FEATURE_COLORS,
  FEATURE_PANE_HEIGHT,
  featureAxisLabel,
  toLineData,
  useFeaturePanes,
  type FeatureLine,
  type FeaturePaneInfo,
} from './use-feature-panes'
export { barIndexAt, useFocusTime, type ChartFocusRequest } from './use-focus-time'
export { useHistoryPaging, PAGE_TRIGGER_BARS, type ChartHistory } from './use-history-paging'
export { ZonedTimeScale, zonedTickWeight } from './zoned-time-scale'
export { joinPage } from './join-page'
export { OverlayLegend, overlayValuesAt, type OverlaysPaneProps, type PaneOverlay } from './overlay-legend'
export { useOverlayLines, type OverlayLine } from './use-overlay-lines'
export { LayersLegend, presentLayers, type LayersLegendProps, type LegendLayer } from './layers-legend'
export { ProbabilityLegend } from './probability-legend'
export { DrawingsLegend } from './drawings-legend'
export { DrawingsPrimitive, DRAWING_COLORS, type DrawingsScene } from './drawings-primitive'
export {
  distanceToSegment,
  dragDrawing,
  hitTestDrawings,
  logicalToTime,
  timeToLogical,
  HIT_TOLERANCE,
  type DrawingHit,
  type ScreenDrawing,
} from './drawing-geometry'
export { useDrawings, type DrawingSpot, type DrawingsInput } from './use-drawings'
export { useViewportCommand, zoomedRange, ZOOM_STEP, type ChartViewportCommand } from './use-viewport-command'
export { LegendIcon } from './legend-icons'
export {
  signalColor,
  signalLines,
  signalMarker,
  signalMlText,
  signalsOnBars,
  SIGNAL_MARKER_COLORS,
  strategyTag,
} from './signal-markers'
export { paperLines, PAPER_LINE_COLORS, usePaperLines, type PaperLine } from './use-paper-lines'
export { formatPnl, PaperLegend } from './paper-legend'
