import {
  createSeriesMarkers,
  type IChartApi,
  type ISeriesApi,
  type MouseEventParams,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { Alert, PredictionPoint, SignalView, StoredBar } from '../../src-shared'
import { alertMarker, mergeMarkers, placeAlerts } from './alert-markers'
import { signalMarker, signalsOnBars } from './signal-markers'
import { chartTime } from './bars-delta'
import { isChartRemoved } from './use-chart'

/** The markers under the pointer (every transition and alert of the hovered bar) and where to show the tooltip. */
export interface HoveredTransition {
  /** The bar's transition, when it has one. */
  readonly point?: PredictionPoint
  /** The bar's alerts, newest first. */
  readonly alerts: readonly Alert[]
  /** The bar's strategy signals, newest first. */
  readonly signals: readonly SignalView[]
  readonly x: number
  readonly y: number
  /** The pointer is in the right part of the pane: the tooltip opens to its left. */
  readonly flip?: boolean
  /** The pointer is in the lower part of the pane: the tooltip opens above it. */
  readonly above?: boolean
}

/** Result of `useTransitionMarkers`: markers drawn, the hovered ones, and where the newest visible ones sit. */
export interface MarkersHandle {
  /** Transition markers drawn. */
  readonly count: number
  /** Alert markers drawn. */
  readonly alertCount: number
  readonly hovered: HoveredTransition | null
  /** Pixel position of the newest transition marker in view (tests hover it), or null. */
  readonly newest: { readonly x: number; readonly y: number } | null
  /** Pixel position of the newest alert marker in view, or null. */
  readonly newestAlert: { readonly x: number; readonly y: number } | null
  /** Strategy signal markers drawn. */
  readonly signalCount: number
  /** Pixel position of the newest signal marker in view, or null. */
  readonly newestSignal: { readonly x: number; readonly y: number } | null
}

const COLORS = { bullish: '#26a69a', bearish: '#ef5350', neutral: '#b2b5be' } as const
const NO_ALERTS: readonly Alert[] = []
const NO_SIGNALS: readonly SignalView[] = []
/** Width a marker tooltip needs to the right of the pointer before it opens to the left instead (px). */
const TOOLTIP_ROOM = 360
const NO_BARS: readonly StoredBar[] = []

/** A transition as a marker: arrow up below the bar for bullish, down above it for bearish, a circle for neutral. */
export function transitionMarker(p: PredictionPoint): SeriesMarker<Time> {
  const t = chartTime(p.time) as UTCTimestamp
  if (p.regime === 'bullish')
    return { id: String(p.id), time: t, position: 'belowBar', shape: 'arrowUp', color: COLORS.bullish, size: 1.2 }
  if (p.regime === 'bearish')
    return { id: String(p.id), time: t, position: 'aboveBar', shape: 'arrowDown', color: COLORS.bearish, size: 1.2 }
  return { id: String(p.id), time: t, position: 'aboveBar', shape: 'circle', color: COLORS.neutral, size: 0.8 }
}

/**
 * Transition, strategy signal and alert markers on the candle series (one series-markers plugin, the lists merged by
 * time) with hover: the bar whose markers are under the pointer (or nearest within 1.5 bars) is reported with all its
 * markers and a position for a tooltip. Alerts are placed on the bar containing their time (`placeAlerts`); signals
 * (of the charted series, at its bars' open times) only while their bar is loaded.
 */
export function useTransitionMarkers(
  chart: IChartApi | null,
  series: ISeriesApi<'Candlestick'> | null,
  transitions: readonly PredictionPoint[],
  alerts: readonly Alert[] = NO_ALERTS,
  bars: readonly StoredBar[] = NO_BARS,
  signals: readonly SignalView[] = NO_SIGNALS,
): MarkersHandle {
  const [hovered, setHovered] = useState<HoveredTransition | null>(null)
  const [newest, setNewest] = useState<{ x: number; y: number } | null>(null)
  const [newestAlert, setNewestAlert] = useState<{ x: number; y: number } | null>(null)
  const [newestSignal, setNewestSignal] = useState<{ x: number; y: number } | null>(null)
  const [plugin, setPlugin] = useState<ReturnType<typeof createSeriesMarkers<Time>> | null>(null)
  // Alerts are placed on the loaded bars; re-placed only when the bar range changes, not on every forming-bar tick.
  const firstBar = bars[0]?.time
  const lastBar = bars[bars.length - 1]?.time
  const timeframe = bars[0]?.timeframe
  const placed = useMemo(() => placeAlerts(alerts, bars), [alerts, firstBar, lastBar, timeframe])
  const shownSignals = useMemo(() => signalsOnBars(signals, bars), [signals, firstBar, lastBar])
  const signalsByTime = useMemo(() => {
    const m = new Map<number, SignalView[]>()
    for (const s of shownSignals) {
      const t = chartTime(s.time)
      const list = m.get(t)
      if (list) list.unshift(s)
      else m.set(t, [s])
    }
    return m
  }, [shownSignals])
  const byTime = useMemo(() => new Map(transitions.map((p) => [chartTime(p.time), p])), [transitions])
  const byId = useMemo(() => new Map(transitions.map((p) => [String(p.id), p])), [transitions])
  const alertsByTime = useMemo(() => {
    const m = new Map<number, Alert[]>()
    for (const p of placed) {
      const t = chartTime(p.barTime)
      const list = m.get(t)
      if (list) list.unshift(p.alert)
      else m.set(t, [p.alert])
    }
    return m
  }, [placed])

  useEffect(() => {
    if (!series) return
    const m = createSeriesMarkers<Time>(series, [])
    setPlugin(m)
    return () => {
      setPlugin(null)
      if (!chart || !isChartRemoved(chart)) m.detach()
    }
  }, [chart, series])

  useEffect(() => {
    plugin?.setMarkers(
      mergeMarkers(
        mergeMarkers(transitions.map(transitionMarker), shownSignals.map(signalMarker)),
        placed.map(alertMarker),
      ),
    )
  }, [plugin, transitions, placed, shownSignals])

  // Marked times ascending (chart seconds): with 10k markers over 1M bars, every lookup below is a binary search.
  const transitionTimes = useMemo(() => [...byTime.keys()].sort((a, b) => a - b), [byTime])
  const alertTimes = useMemo(() => [...alertsByTime.keys()].sort((a, b) => a - b), [alertsByTime])
  const signalTimes = useMemo(() => [...signalsByTime.keys()].sort((a, b) => a - b), [signalsByTime])
  const markedTimes = useMemo(
    () => [...new Set([...transitionTimes, ...alertTimes, ...signalTimes])].sort((a, b) => a - b),
    [transitionTimes, alertTimes, signalTimes],
  )
  const barsRef = useRef(bars)
  barsRef.current = bars

  useEffect(() => {
    if (!chart || !series) return
    const position = (t: number, above: boolean, offset: number) => {
      const x = chart.timeScale().timeToCoordinate(t as UTCTimestamp)
      const b = barsRef.current
      const i = lastAtOrBefore(b, t * 1000, (x) => x.time)
      const bar = i >= 0 && chartTime(b[i].time) === t ? b[i] : undefined
      const price = above ? bar?.high : bar?.low
      const y = price !== undefined ? series.priceToCoordinate(price) : null
      return x === null || y === null ? null : { x: Math.round(x), y: Math.round(y + (above ? -offset : offset)) }
    }
    /** The newest of `times` inside the visible range (all of them when nothing is in view yet). */
    const newestInView = (times: readonly number[]): number | undefined => {
      const range = chart.timeScale().getVisibleRange()
      if (!range) return times[times.length - 1]
      const i = lastAtOrBefore(times, range.to as number, (x) => x)
      return i >= 0 && times[i] >= (range.from as number) ? times[i] : undefined
    }
    const locate = () => {
      const lt = newestInView(transitionTimes)
      const last = lt !== undefined ? byTime.get(lt) : undefined
      setNewest(samePoint(last ? position(chartTime(last.time), last.regime !== 'bullish', 12) : null))
      const t = newestInView(alertTimes)
      // Above the bar, past a bearish/neutral transition marker drawn nearer to it.
      const stacked = t !== undefined && byTime.has(t) && byTime.get(t)!.regime !== 'bullish'
      setNewestAlert(samePoint(t === undefined ? null : position(t, true, stacked ? 26 : 11)))
      const st = newestInView(signalTimes)
      const newestSig = st !== undefined ? signalsByTime.get(st)?.[0] : undefined
      // Past a transition marker on the same side of the bar, drawn nearer to it.
      const transitionSide =
        st !== undefined && byTime.has(st) && (byTime.get(st)!.regime !== 'bullish') === (newestSig?.side === 'short')
      setNewestSignal(samePoint(newestSig ? position(st!, newestSig.side === 'short', transitionSide ? 26 : 12) : null))
    }
    const onMove = (param: MouseEventParams<Time>) => {
      const at = param.point
      if (!at) return setHovered(null)
      const id = param.hoveredObjectId !== undefined ? String(param.hoveredObjectId) : undefined
      const hit = id?.startsWith('alert:')
        ? placed.find((p) => `alert:${p.alert.id}` === id)?.barTime
        : id?.startsWith('signal:')
          ? shownSignals.find((s) => `signal:${s.id}` === id)?.time
          : id !== undefined
            ? byId.get(id)?.time
            : undefined
      const under = param.time as number | undefined
      let t =
        hit !== undefined
          ? chartTime(hit)
          : under !== undefined && (byTime.has(under) || alertsByTime.has(under) || signalsByTime.has(under))
            ? under
            : undefined
      if (t === undefined) {
        // Markers are a few pixels wide: snap to the nearest marked bar within 1.5 bars of the pointer (only the
        // marked times between the times at the two ends of that span are looked at).
        const ts = chart.timeScale()
        let bestDx = Math.max(6, 1.5 * ts.options().barSpacing)
        const from = ts.coordinateToTime(at.x - bestDx) as number | null
        const to = ts.coordinateToTime(at.x + bestDx) as number | null
        const hi = to === null ? markedTimes.length - 1 : lastAtOrBefore(markedTimes, to, (x) => x)
        for (let k = hi; k >= 0 && (from === null || markedTimes[k] >= from); k--) {
          const c = markedTimes[k]
          const x = ts.timeToCoordinate(c as UTCTimestamp)
          if (x !== null && Math.abs(x - at.x) <= bestDx) {
            bestDx = Math.abs(x - at.x)
            t = c
          }
        }
      }
      const point = t !== undefined ? byTime.get(t) : undefined
      const barAlerts = t !== undefined ? (alertsByTime.get(t) ?? NO_ALERTS) : NO_ALERTS
      const barSignals = t !== undefined ? (signalsByTime.get(t) ?? NO_SIGNALS) : NO_SIGNALS
      setHovered(
        point || barAlerts.length > 0 || barSignals.length > 0
          ? {
              point,
              alerts: barAlerts,
              signals: barSignals,
              x: at.x,
              y: at.y,
              flip: at.x > chart.timeScale().width() - TOOLTIP_ROOM,
              above: at.y > chart.chartElement().clientHeight * 0.55,
            }
          : null,
      )
    }
    locate()
    chart.timeScale().subscribeVisibleTimeRangeChange(locate)
    chart.subscribeCrosshairMove(onMove)
    return () => {
      if (isChartRemoved(chart)) return
      chart.timeScale().unsubscribeVisibleTimeRangeChange(locate)
      chart.unsubscribeCrosshairMove(onMove)
    }
  }, [
    chart,
    series,
    byTime,
    byId,
    alertsByTime,
    placed,
    transitionTimes,
    alertTimes,
    markedTimes,
    shownSignals,
    signalsByTime,
    signalTimes,
  ])

  return {
    count: transitions.length,
    alertCount: placed.length,
    hovered,
    newest,
    newestAlert,
    signalCount: shownSignals.length,
    newestSignal,
  }
}

/**
 * A state update to `next` that keeps the previous point when it is at the same place: markers are located again after
 * every data change (a burst of live events), and an unchanged position must not render the pane once more.
 */
function samePoint(
  next: { x: number; y: number } | null,
): (prev: { x: number; y: number } | null) => { x: number; y: number } | null {
  return (prev) =>
    prev === next || (prev !== null && next !== null && prev.x === next.x && prev.y === next.y) ? prev : next
}

/** Index of the last element whose key is at or before `t` in `xs` (ascending by key), or -1. */
function lastAtOrBefore<T>(xs: readonly T[], t: number, key: (x: T) => number): number {
  let lo = 0
  let hi = xs.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (key(xs[mid]) <= t) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return found
}
