import type { IChartApi, ISeriesApi, SeriesType } from 'lightweight-charts'
import { useEffect, useRef } from 'react'
import type { StoredBar } from '../../src-shared'

/** A request to show one time on the chart; a new `key` repeats it. */
export interface ChartFocusRequest {
  /** Applied only once the chart shows this symbol's bars. */
  readonly symbol: string
  readonly time: number
  readonly key: number
}

/** Index of the last bar opening at or before `time`, or -1 when it is before the first bar. */
export function barIndexAt(bars: readonly StoredBar[], time: number): number {
  let lo = 0
  let hi = bars.length - 1
  if (hi < 0 || time < bars[0].time) return -1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (bars[mid].time <= time) lo = mid
    else hi = mid - 1
  }
  return lo
}

/**
 * Scrolls the chart so the bar containing `focus.time` sits at two thirds of the view (once per `focus.key`, as soon
 * as bars containing it are loaded). Call after `useInitialViewport`, which it overrides for that series.
 */
export function useFocusTime(
  chart: IChartApi | null,
  series: ISeriesApi<SeriesType> | null,
  bars: readonly StoredBar[],
  focus: ChartFocusRequest | undefined,
): void {
  const applied = useRef<number | undefined>(undefined)
  const first = bars[0]?.time
  const last = bars[bars.length - 1]?.time
  const symbol = bars[0]?.symbol
  useEffect(() => {
    if (!chart || !series || !focus || applied.current === focus.key || bars[0]?.symbol !== focus.symbol) return
    const i = barIndexAt(bars, focus.time)
    if (i < 0) return
    applied.current = focus.key
    chart.timeScale().setVisibleLogicalRange({ from: i - 100, to: i + 50 })
  }, [chart, series, focus, first, last, symbol])
}
