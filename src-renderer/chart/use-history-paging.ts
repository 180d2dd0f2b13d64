import type { IChartApi, ISeriesApi, LogicalRange, SeriesType } from 'lightweight-charts'
import { useEffect, useRef, type RefObject } from 'react'
import type { Bar } from '../../src-shared'
import { isChartRemoved } from './use-chart'
import { barIndexAt } from './bars-delta'

/** The chart's window of history: what replaced it last, where to centre, and how to grow it. */
export interface ChartHistory {
  /** Changes when the bars were replaced as a whole (new series, reload, go to date). */
  readonly epoch: number
  /** Centre on this time once per `seq` (go to date); with `end`, show the newest bars instead. */
  readonly goTo?: { readonly time: number; readonly seq: number; readonly end?: boolean }
  /** Asks for the page before the first bar (a no-op when there is none or one is loading). */
  loadOlder(): void
  /** Asks for the page after the last bar while the window ends before the newest one. */
  loadNewer(): void
}

/** Bars from an edge of the view at which the next page is fetched: at least this many, or one screen. */
export const PAGE_TRIGGER_BARS = 50

/**
 * Watches the visible range: near the left edge asks for older bars, near the right edge for newer ones; centres on
 * `goTo` once per request (keeping the zoom); mirrors the visible time span on `pane` as `data-visible-from/to` (ms)
 * for tests, written straight to the element so panning re-renders nothing.
 */
export function useHistoryPaging(
  chart: IChartApi | null,
  series: ISeriesApi<SeriesType> | null,
  bars: readonly Bar[],
  history: ChartHistory | undefined,
  pane: RefObject<HTMLElement | null>,
): void {
  const latest = useRef({ bars, history })
  latest.current = { bars, history }
  const centred = useRef<number | undefined>(undefined)

  useEffect(() => {
    if (!chart || !series) return
    const onRange = (r: LogicalRange | null) => {
      const { bars: b, history: h } = latest.current
      if (!r || b.length === 0) return
      const el = pane.current
      if (el) {
        const from = b[Math.min(b.length - 1, Math.max(0, Math.ceil(r.from)))]
        const to = b[Math.min(b.length - 1, Math.max(0, Math.floor(r.to)))]
        el.dataset.visibleFrom = String(from.time)
        el.dataset.visibleTo = String(to.time)
      }
      // Until a go-to-date has centred the new window, the view is in between: no pages for it.
      if (!h || (h.goTo && h.goTo.seq !== centred.current)) return
      const margin = Math.max(PAGE_TRIGGER_BARS, r.to - r.from)
      if (r.from < margin) h.loadOlder()
      if (r.to > b.length - 1 - margin) h.loadNewer()
    }
    chart.timeScale().subscribeVisibleLogicalRangeChange(onRange)
    return () => {
      if (!isChartRemoved(chart)) chart.timeScale().unsubscribeVisibleLogicalRangeChange(onRange)
    }
  }, [chart, series, pane])

  const goTo = history?.goTo
  const first = bars[0]?.time
  const last = bars[bars.length - 1]?.time
  useEffect(() => {
    if (!chart || !series || !goTo || centred.current === goTo.seq) return
    const i = barIndexAt(bars, goTo.time)
    if (i < 0) return
    centred.current = goTo.seq
    // At once (scrollToRealTime animates, and a page joining mid-animation would stop it short).
    if (goTo.end) return chart.timeScale().scrollToPosition(chart.timeScale().options().rightOffset, false)
    const r = chart.timeScale().getVisibleLogicalRange()
    const half = r ? (r.to - r.from) / 2 : 80
    chart.timeScale().setVisibleLogicalRange({ from: i - half, to: i + half })
  }, [chart, series, goTo, first, last, history?.epoch])
}
