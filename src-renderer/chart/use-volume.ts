import {
  HistogramSeries,
  type HistogramData,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts'
import { useEffect, useRef, useState } from 'react'
import type { Bar } from '../../src-shared'
import { barsDelta, chartTime } from './bars-delta'
import { CHART_COLORS, VOLUME_SCALE_ID } from './chart-theme'
import { isChartRemoved } from './use-chart'
import { joinPage } from './join-page'

/** A bar's volume as a histogram column coloured by the bar's direction. */
export function toVolume(b: Bar): HistogramData<UTCTimestamp> {
  return {
    time: chartTime(b.time) as UTCTimestamp,
    value: b.volume,
    color: b.close >= b.open ? CHART_COLORS.upVolume : CHART_COLORS.downVolume,
  }
}

/** Volume histogram on its own overlay price scale in the bottom fifth of the main pane; `visible` false hides it. */
export function useVolume(
  chart: IChartApi | null,
  bars: readonly Bar[],
  visible = true,
): ISeriesApi<'Histogram'> | null {
  const [made, setMade] = useState<{ chart: IChartApi; series: ISeriesApi<'Histogram'> } | null>(null)
  const series = made && made.chart === chart ? made.series : null
  const shown = useRef<readonly Bar[] | undefined>(undefined)
  const columns = useRef<HistogramData<UTCTimestamp>[]>([])

  useEffect(() => {
    if (!chart) return
    const s = chart.addSeries(HistogramSeries, {
      priceScaleId: VOLUME_SCALE_ID,
      priceFormat: { type: 'volume' },
      lastValueVisible: false,
      priceLineVisible: false,
    })
    chart.priceScale(VOLUME_SCALE_ID).applyOptions({ scaleMargins: { top: 0.8, bottom: 0 }, visible: false })
    setMade({ chart, series: s })
    return () => {
      shown.current = undefined
      columns.current = []
      setMade(null)
      if (!isChartRemoved(chart)) chart.removeSeries(s)
    }
  }, [chart])

  useEffect(() => {
    if (!series) return
    const delta = barsDelta(shown.current, bars)
    if (delta.kind === 'update') {
      for (const b of delta.bars) {
        const c = toVolume(b)
        series.update(c)
        const list = columns.current
        if (list.length > 0 && list[list.length - 1].time === c.time) list[list.length - 1] = c
        else list.push(c)
      }
    } else if (delta.kind !== 'none') {
      columns.current = joinPage(delta, columns.current, bars, toVolume)
      series.setData(columns.current)
    }
    shown.current = bars
  }, [series, bars])

  useEffect(() => {
    series?.applyOptions({ visible })
  }, [series, visible])

  return series
}
