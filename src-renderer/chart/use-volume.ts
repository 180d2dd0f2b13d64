import { HistogramSeries, type HistogramData, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts'
import { useEffect, useRef, useState } from 'react'
import type { Bar } from '../../src-shared'
import { barsDelta, chartTime } from './bars-delta'
import { CHART_COLORS, VOLUME_SCALE_ID } from './chart-theme'
import { isChartRemoved } from './use-chart'

/** A bar's volume as a histogram column coloured by the bar's direction. */
export function toVolume(b: Bar): HistogramData<UTCTimestamp> {
  return { time: chartTime(b.time) as UTCTimestamp, value: b.volume, color: b.close >= b.open ? CHART_COLORS.upVolume : CHART_COLORS.downVolume }
}

/** Volume histogram on its own overlay price scale in the bottom fifth of the main pane. */
export function useVolume(chart: IChartApi | null, bars: readonly Bar[]): ISeriesApi<'Histogram'> | null {
  const [series, setSeries] = useState<ISeriesApi<'Histogram'> | null>(null)
  const shown = useRef<readonly Bar[] | undefined>(undefined)

  useEffect(() => {
    if (!chart) return
    const s = chart.addSeries(HistogramSeries, {
      priceScaleId: VOLUME_SCALE_ID,
      priceFormat: { type: 'volume' },
      lastValueVisible: false,
      priceLineVisible: false,
    })
    chart.priceScale(VOLUME_SCALE_ID).applyOptions({ scaleMargins: { top: 0.8, bottom: 0 }, visible: false })
    setSeries(s)
    return () => {
      shown.current = undefined
      setSeries(null)
      if (!isChartRemoved(chart)) chart.removeSeries(s)
    }
  }, [chart])

  useEffect(() => {
    if (!series) return
    const delta = barsDelta(shown.current, bars)
    if (delta.kind === 'update') series.update(toVolume(delta.bar))
    else if (delta.kind === 'reset') series.setData(bars.map(toVolume))
    shown.current = bars
  }, [series, bars])

  return series
}
