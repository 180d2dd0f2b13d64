import type { CandlestickData, IChartApi, ISeriesApi, MouseEventParams, Time } from 'lightweight-charts'
import { useEffect, useState } from 'react'
import type { Bar } from '../../src-shared'
import { isChartRemoved } from './use-chart'
import { barIndexAt } from './bars-delta'

/** The bar under the crosshair, or undefined when the pointer is not over a bar. */
export interface HoveredBar {
  readonly time: number
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  readonly volume: number
}

/**
 * Tracks the bar under the crosshair from the chart's series data (the canvas owns the hover state;
 * this mirrors it for the legend). Falls back to undefined when the pointer leaves.
 */
export function useCrosshairBar(
  chart: IChartApi | null,
  candles: ISeriesApi<'Candlestick'> | null,
  volume: ISeriesApi<'Histogram'> | null,
): HoveredBar | undefined {
  const [hovered, setHovered] = useState<HoveredBar | undefined>(undefined)
  useEffect(() => {
    if (!chart || !candles) return
    const onMove = (p: MouseEventParams<Time>) => {
      const c = p.seriesData.get(candles) as CandlestickData<Time> | undefined
      if (!c || p.time === undefined || c.open === undefined) return setHovered(undefined)
      const v = volume ? (p.seriesData.get(volume) as { value?: number } | undefined) : undefined
      setHovered({
        time: (p.time as number) * 1000,
        open: c.open,
        high: c.high,
        low: c.low,
        close: c.close,
        volume: v?.value ?? NaN,
      })
    }
    chart.subscribeCrosshairMove(onMove)
    return () => {
      if (!isChartRemoved(chart)) chart.unsubscribeCrosshairMove(onMove)
    }
  }, [chart, candles, volume])
  return hovered
}

/** Legend bar: the hovered one, else the most recent. */
export function legendBar(
  hovered: HoveredBar | undefined,
  bars: readonly Bar[],
): { bar?: HoveredBar; previousClose?: number; live: boolean } {
  if (hovered) {
    const i = barIndexAt(bars, hovered.time)
    return { bar: hovered, previousClose: i > 0 ? bars[i - 1].close : undefined, live: false }
  }
  const last = bars[bars.length - 1]
  return { bar: last, previousClose: bars.length > 1 ? bars[bars.length - 2].close : undefined, live: true }
}
