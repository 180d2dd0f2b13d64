import type { IChartApi, ISeriesApi, LogicalRange, SeriesType } from 'lightweight-charts'
import { useEffect, useRef } from 'react'
import { isChartRemoved } from './use-chart'

/** Bars visible when a series is first shown; the rest is a scroll or zoom away. */
export const INITIAL_VISIBLE_BARS = 160

/**
 * Shows the most recent bars whenever `seriesKey` changes (not on live updates or pages, which keep the view). A new
 * chart for the same key (another display time zone) gets the view the old one had.
 * Must be called after the hooks that set the series data: it reads the bar count back from `series`.
 */
export function useInitialViewport(
  chart: IChartApi | null,
  series: ISeriesApi<SeriesType> | null,
  seriesKey: string,
): void {
  const applied = useRef<{ key: string; chart: IChartApi } | undefined>(undefined)
  // The last view of each chart: a new chart restores its predecessor's (its own first views are the library's defaults).
  const views = useRef(new WeakMap<IChartApi, LogicalRange>())
  useEffect(() => {
    if (!chart) return
    const keep = (r: LogicalRange | null) => {
      if (r) views.current.set(chart, r)
    }
    chart.timeScale().subscribeVisibleLogicalRangeChange(keep)
    return () => {
      if (!isChartRemoved(chart)) chart.timeScale().unsubscribeVisibleLogicalRangeChange(keep)
    }
  }, [chart])
  useEffect(() => {
    if (!chart || !series) return
    const prev = applied.current
    if (prev?.key === seriesKey && prev.chart === chart) return
    const n = series.data().length
    if (n === 0) return
    applied.current = { key: seriesKey, chart }
    const before = prev?.key === seriesKey ? views.current.get(prev.chart) : undefined
    if (before) chart.timeScale().setVisibleLogicalRange(before)
    else chart.timeScale().setVisibleLogicalRange({ from: Math.max(0, n - INITIAL_VISIBLE_BARS) - 1, to: n + 4 })
  }, [chart, series, seriesKey])
}
