import { ColorType, CrosshairMode, type DeepPartial, type ChartOptions } from 'lightweight-charts'

/** Palette shared by the chart and the CSS (base.css mirrors these as custom properties). */
export const CHART_COLORS = {
  background: '#0b0e13',
  text: '#8b94a3',
  grid: '#161b23',
  border: '#232a35',
  crosshair: '#5d6778',
  up: '#26a69a',
  down: '#ef5350',
  upVolume: 'rgba(38, 166, 154, 0.35)',
  downVolume: 'rgba(239, 83, 80, 0.35)',
} as const

/** Dark, dense chart options; the pane sizes itself to its container (`autoSize`). */
export const CHART_OPTIONS: DeepPartial<ChartOptions> = {
  autoSize: true,
  layout: {
    background: { type: ColorType.Solid, color: CHART_COLORS.background },
    textColor: CHART_COLORS.text,
    fontSize: 11,
    fontFamily: "'JetBrains Mono', 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
    attributionLogo: false,
    // Pane separators (probability and feature panes) in the border colour, not the library's light grey.
    panes: { separatorColor: CHART_COLORS.border, separatorHoverColor: 'rgba(61, 139, 253, 0.35)' },
  },
  grid: { vertLines: { color: CHART_COLORS.grid }, horzLines: { color: CHART_COLORS.grid } },
  crosshair: {
    mode: CrosshairMode.Normal,
    vertLine: { color: CHART_COLORS.crosshair, labelBackgroundColor: '#2a3140' },
    horzLine: { color: CHART_COLORS.crosshair, labelBackgroundColor: '#2a3140' },
  },
  rightPriceScale: { borderColor: CHART_COLORS.border, scaleMargins: { top: 0.08, bottom: 0.24 } },
  timeScale: {
    borderColor: CHART_COLORS.border,
    timeVisible: true,
    secondsVisible: false,
    rightOffset: 6,
    barSpacing: 7,
  },
}

/** Price scale id of the volume histogram: an overlay scale squeezed into the bottom of the pane. */
export const VOLUME_SCALE_ID = 'volume'
