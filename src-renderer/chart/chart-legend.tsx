import type { IChartApi, ISeriesApi } from 'lightweight-charts'
import type { Bar } from '../../src-shared'
import { formatChange, formatPrice, formatUtc, formatVolume } from '../format'
import { legendBar, useCrosshairBar } from './use-crosshair-bar'

/** Props of the OHLCV legend drawn over the top-left of a chart pane. */
export interface ChartLegendProps {
  readonly chart: IChartApi | null
  readonly candles: ISeriesApi<'Candlestick'> | null
  readonly volume: ISeriesApi<'Histogram'> | null
  readonly bars: readonly Bar[]
  readonly title: string
  readonly precision: number
}

/** OHLCV of the bar under the crosshair (else the latest) with its change against the previous close. */
export function ChartLegend({ chart, candles, volume, bars, title, precision }: ChartLegendProps) {
  const hovered = useCrosshairBar(chart, candles, volume)
  const { bar, previousClose, live } = legendBar(hovered, bars)
  const dir = bar && bar.close >= bar.open ? 'up' : 'down'
  return (
    <div className="chart-legend" data-testid="chart-legend" data-live={live}>
      <span className="chart-legend__title">{title}</span>
      {bar && (
        <>
          <span className="chart-legend__time">{formatUtc(bar.time)}</span>
          <span className={`chart-legend__values chart-legend__values--${dir}`}>
            <span>
              O<b>{formatPrice(bar.open, precision)}</b>
            </span>
            <span>
              H<b>{formatPrice(bar.high, precision)}</b>
            </span>
            <span>
              L<b>{formatPrice(bar.low, precision)}</b>
            </span>
            <span>
              C<b data-testid="legend-close">{formatPrice(bar.close, precision)}</b>
            </span>
            {previousClose !== undefined && <b>{formatChange(previousClose, bar.close)}</b>}
            <span>
              V<b>{formatVolume(bar.volume)}</b>
            </span>
          </span>
        </>
      )}
    </div>
  )
}
