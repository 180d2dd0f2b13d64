import type { IChartApi, ISeriesApi, SeriesType } from 'lightweight-charts'
import { useEffect, useRef } from 'react'

/** Bars visible when a series is first shown; the rest is a scroll or zoom away. */
export const INITIAL_VISIBLE_BARS = 160

/**
 * Shows the most recent bars whenever `seriesKey` changes (not on live updates, which keep the view).
 * Must be called after the hooks that set the series data: it reads the bar count back from `series`.
 */
export function useInitialViewport(chart: IChartApi | null, series: ISeriesApi<SeriesType> | null, seriesKey: string): void {
  const applied = useRef<string | undefined>(undefined)
  useEffect(() => {
    const n = series?.data().length ?? 0
    if (!chart || n === 0 || applied.current === seriesKey) return
    applied.current = seriesKey
    chart.timeScale().setVisibleLogicalRange({ from: Math.max(0, n - INITIAL_VISIBLE_BARS) - 1, to: n + 4 })
  }, [chart, series, seriesKey])
}
