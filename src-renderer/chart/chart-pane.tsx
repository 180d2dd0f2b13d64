import { useMemo, useRef } from 'react'
import type { StoredBar } from '../../src-shared'
import { pricePrecision } from '../format'
import { ChartLegend } from './chart-legend'
import { useCandles } from './use-candles'
import { useChart } from './use-chart'
import { useInitialViewport } from './use-initial-viewport'
import { useVolume } from './use-volume'

/** Props of a price chart pane. */
export interface ChartPaneProps {
  readonly bars: readonly StoredBar[]
  readonly title: string
}

/**
 * A candlestick chart with a volume histogram and a crosshair legend. Overlays (regime shading, markers,
 * probability pane) attach to the same chart through further hooks next to `useCandles`.
 */
export function ChartPane({ bars, title }: ChartPaneProps) {
  const container = useRef<HTMLDivElement>(null)
  const chart = useChart(container)
  const precision = useMemo(() => pricePrecision(bars.map((b) => b.close)), [bars])
  const candles = useCandles(chart, bars, precision)
  const volume = useVolume(chart, bars)
  const first = bars[0]
  useInitialViewport(chart, candles.series, first ? `${first.symbol}.${first.venue}-${first.timeframe}@${first.time}` : '')

  return (
    <div className="chart-pane" data-testid="chart-pane" data-bars-rendered={candles.rendered}>
      <div className="chart-pane__canvas" ref={container} />
      <ChartLegend chart={chart} candles={candles.series} volume={volume} bars={bars} title={title} precision={precision} />
    </div>
  )
}
