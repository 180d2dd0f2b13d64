import {
  CandlestickSeries,
  LineStyle,
  type CandlestickData,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts'
import { useEffect, useRef, useState } from 'react'
import type { Bar } from '../../src-shared'
import { formatPrice } from '../format'
import { barsDelta, chartTime } from './bars-delta'
import { CHART_COLORS } from './chart-theme'
import { isChartRemoved } from './use-chart'
import { joinPage } from './join-page'

/** A bar as a candle. */
export function toCandle(b: Bar): CandlestickData<UTCTimestamp> {
  return { time: chartTime(b.time) as UTCTimestamp, open: b.open, high: b.high, low: b.low, close: b.close }
}

/** Result of `useCandles`: the series (for legends, primitives, markers), how many bars it holds, and the last price shown. */
export interface CandlesHandle {
  readonly series: ISeriesApi<'Candlestick'> | null
  /** Bars currently on the series (read back from it after each `setData`; counted on live updates). */
  readonly rendered: number
  /** The price of the last-price line and its axis label (the newest bar's close), read back from the line. */
  readonly lastPrice: number | undefined
}

/** Colour of the last-price line and label: the newest bar's direction. */
export function lastPriceColor(b: Bar): string {
  return b.close >= b.open ? CHART_COLORS.up : CHART_COLORS.down
}

/**
 * The candlestick series of a chart, fed from `bars`: live bars are applied with `update()`, a page joining on either
 * side with `setData()` keeping the view, anything else with `setData()`. `precision` sets the price format (decimals).
 *
 * The last price is one price line of our own (line and axis label) at the newest bar's close: the library's built-in
 * last-value label follows the last *visible* bar while its price line follows the last bar, so after panning left
 * they disagreed.
 */
export function useCandles(chart: IChartApi | null, bars: readonly Bar[], precision: number): CandlesHandle {
  const [made, setMade] = useState<{ chart: IChartApi; series: ISeriesApi<'Candlestick'> } | null>(null)
  // A series of a chart that was just replaced (another time zone) is never handed out: touching it would repaint disposed canvases.
  const series = made && made.chart === chart ? made.series : null
  const [rendered, setRendered] = useState(0)
  const [lastPrice, setLastPrice] = useState<number | undefined>(undefined)
  const shown = useRef<readonly Bar[] | undefined>(undefined)
  const candles = useRef<CandlestickData<UTCTimestamp>[]>([])
  const priceLine = useRef<IPriceLine | null>(null)

  useEffect(() => {
    if (!chart) return
    const s = chart.addSeries(CandlestickSeries, {
      upColor: CHART_COLORS.up,
      downColor: CHART_COLORS.down,
      borderUpColor: CHART_COLORS.up,
      borderDownColor: CHART_COLORS.down,
      wickUpColor: CHART_COLORS.up,
      wickDownColor: CHART_COLORS.down,
      lastValueVisible: false,
      priceLineVisible: false,
    })
    priceLine.current = s.createPriceLine({
      price: 0,
      color: CHART_COLORS.up,
      lineWidth: 1,
      lineStyle: LineStyle.Dashed,
      lineVisible: false,
      axisLabelVisible: false,
      title: '',
    })
    setMade({ chart, series: s })
    return () => {
      shown.current = undefined
      candles.current = []
      priceLine.current = null
      setMade(null)
      if (!isChartRemoved(chart)) chart.removeSeries(s)
    }
  }, [chart])

  useEffect(() => {
    // One formatter for axis, crosshair label and legend, so prices read the same everywhere.
    series?.applyOptions({
      priceFormat: { type: 'custom', minMove: 10 ** -precision, formatter: (p: number) => formatPrice(p, precision) },
    })
  }, [series, precision])

  useEffect(() => {
    if (!series || !chart) return
    const delta = barsDelta(shown.current, bars)
    if (delta.kind === 'none') return
    if (delta.kind === 'update') {
      for (const b of delta.bars) {
        const c = toCandle(b)
        series.update(c)
        const list = candles.current
        if (list.length > 0 && list[list.length - 1].time === c.time) list[list.length - 1] = c
        else list.push(c)
      }
      setRendered(candles.current.length)
    } else {
      // Pages convert only their own bars: the candles already shown are reused.
      candles.current = joinPage(delta, candles.current, bars, toCandle)
      const view = delta.kind === 'append' ? chart.timeScale().getVisibleLogicalRange() : null
      series.setData(candles.current)
      // Appending on the right would move a right-anchored view to the new end; put it back on the same bars.
      if (view) chart.timeScale().setVisibleLogicalRange(view)
      setRendered(series.data().length)
    }
    shown.current = bars
    const last = bars[bars.length - 1]
    const line = priceLine.current
    if (line) {
      line.applyOptions(
        last
          ? { price: last.close, color: lastPriceColor(last), lineVisible: true, axisLabelVisible: true }
          : { lineVisible: false, axisLabelVisible: false },
      )
      setLastPrice(last ? line.options().price : undefined)
    }
  }, [chart, series, bars])

  return { series, rendered, lastPrice }
}
