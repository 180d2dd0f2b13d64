import { CandlestickSeries, type CandlestickData, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts'
import { useEffect, useRef, useState } from 'react'
import type { Bar } from '../../src-shared'
import { formatPrice } from '../format'
import { barsDelta, chartTime } from './bars-delta'
import { CHART_COLORS } from './chart-theme'
import { isChartRemoved } from './use-chart'

/** A bar as a candle. */
export function toCandle(b: Bar): CandlestickData<UTCTimestamp> {
  return { time: chartTime(b.time) as UTCTimestamp, open: b.open, high: b.high, low: b.low, close: b.close }
}

/** Result of `useCandles`: the series (for legends, primitives, markers) and how many bars it holds. */
export interface CandlesHandle {
  readonly series: ISeriesApi<'Candlestick'> | null
  /** Bars currently on the series, read back from it (tests assert on this). */
  readonly rendered: number
}

/**
 * The candlestick series of a chart, fed from `bars`: a live bar is applied with `update()`, anything else
 * with `setData()`. `precision` sets the price format (decimals).
 */
export function useCandles(chart: IChartApi | null, bars: readonly Bar[], precision: number): CandlesHandle {
  const [series, setSeries] = useState<ISeriesApi<'Candlestick'> | null>(null)
  const [rendered, setRendered] = useState(0)
  const shown = useRef<readonly Bar[] | undefined>(undefined)

  useEffect(() => {
    if (!chart) return
    const s = chart.addSeries(CandlestickSeries, {
      upColor: CHART_COLORS.up,
      downColor: CHART_COLORS.down,
      borderUpColor: CHART_COLORS.up,
      borderDownColor: CHART_COLORS.down,
      wickUpColor: CHART_COLORS.up,
      wickDownColor: CHART_COLORS.down,
      priceLineWidth: 1,
    })
    setSeries(s)
    return () => {
      shown.current = undefined
      setSeries(null)
      if (!isChartRemoved(chart)) chart.removeSeries(s)
    }
  }, [chart])

  useEffect(() => {
    // One formatter for axis, crosshair label and legend, so prices read the same everywhere.
    series?.applyOptions({ priceFormat: { type: 'custom', minMove: 10 ** -precision, formatter: (p: number) => formatPrice(p, precision) } })
  }, [series, precision])

  useEffect(() => {
    if (!series) return
    const delta = barsDelta(shown.current, bars)
    if (delta.kind === 'update') series.update(toCandle(delta.bar))
    else if (delta.kind === 'reset') series.setData(bars.map(toCandle))
    shown.current = bars
    setRendered(series.data().length)
  }, [series, bars])

  return { series, rendered }
}
