import { createSeriesMarkers, type IChartApi, type ISeriesApi, type MouseEventParams, type SeriesMarker, type Time, type UTCTimestamp } from 'lightweight-charts'
import { useEffect, useMemo, useState } from 'react'
import type { PredictionPoint } from '../../src-shared'
import { chartTime } from './bars-delta'
import { isChartRemoved } from './use-chart'

/** The transition under the pointer and where to show its tooltip (px in the chart container). */
export interface HoveredTransition {
  readonly point: PredictionPoint
  readonly x: number
  readonly y: number
}

/** Result of `useTransitionMarkers`: markers drawn, the hovered one, and where the newest visible one sits. */
export interface MarkersHandle {
  readonly count: number
  readonly hovered: HoveredTransition | null
  /** Pixel position of the newest marker in view (tests hover it), or null. */
  readonly newest: { readonly x: number; readonly y: number } | null
}

const COLORS = { bullish: '#26a69a', bearish: '#ef5350', neutral: '#b2b5be' } as const

/** A transition as a marker: arrow up below the bar for bullish, down above it for bearish, a circle for neutral. */
export function transitionMarker(p: PredictionPoint): SeriesMarker<Time> {
  const t = chartTime(p.time) as UTCTimestamp
  if (p.regime === 'bullish') return { id: String(p.id), time: t, position: 'belowBar', shape: 'arrowUp', color: COLORS.bullish, size: 1.2 }
  if (p.regime === 'bearish') return { id: String(p.id), time: t, position: 'aboveBar', shape: 'arrowDown', color: COLORS.bearish, size: 1.2 }
  return { id: String(p.id), time: t, position: 'aboveBar', shape: 'circle', color: COLORS.neutral, size: 0.8 }
}

/**
 * Transition markers on the candle series (series-markers plugin) with hover: the transition whose bar is under the
 * crosshair (or whose marker is hovered) is reported with a position for a tooltip.
 */
export function useTransitionMarkers(chart: IChartApi | null, series: ISeriesApi<'Candlestick'> | null, transitions: readonly PredictionPoint[]): MarkersHandle {
  const [hovered, setHovered] = useState<HoveredTransition | null>(null)
  const [newest, setNewest] = useState<{ x: number; y: number } | null>(null)
  const [plugin, setPlugin] = useState<ReturnType<typeof createSeriesMarkers<Time>> | null>(null)
  const byTime = useMemo(() => new Map(transitions.map((p) => [chartTime(p.time), p])), [transitions])

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
    plugin?.setMarkers(transitions.map(transitionMarker))
  }, [plugin, transitions])

  useEffect(() => {
    if (!chart || !series) return
    const locate = () => {
      const range = chart.timeScale().getVisibleRange()
      const last = [...byTime.values()].reverse().find((p) => !range || (chartTime(p.time) >= (range.from as number) && chartTime(p.time) <= (range.to as number)))
      if (!last) return setNewest(null)
      const x = chart.timeScale().timeToCoordinate(chartTime(last.time) as UTCTimestamp)
      const bar = series.data().find((d) => d.time === chartTime(last.time)) as { high?: number; low?: number } | undefined
      const price = last.regime === 'bullish' ? bar?.low : bar?.high
      const y = price !== undefined ? series.priceToCoordinate(price) : null
      setNewest(x === null || y === null ? null : { x: Math.round(x), y: Math.round(y + (last.regime === 'bullish' ? 12 : -12)) })
    }
    const onMove = (param: MouseEventParams<Time>) => {
      const at = param.point
      if (!at) return setHovered(null)
      const byId = param.hoveredObjectId !== undefined ? transitions.find((p) => String(p.id) === String(param.hoveredObjectId)) : undefined
      // Markers are a few pixels wide: snap to the nearest transition within 1.5 bars of the pointer.
      const reach = Math.max(6, 1.5 * chart.timeScale().options().barSpacing)
      let best: PredictionPoint | undefined = byId ?? (param.time !== undefined ? byTime.get(param.time as number) : undefined)
      if (!best) {
        let bestDx = reach
        for (const p of transitions) {
          const x = chart.timeScale().timeToCoordinate(chartTime(p.time) as UTCTimestamp)
          if (x !== null && Math.abs(x - at.x) <= bestDx) {
            bestDx = Math.abs(x - at.x)
            best = p
          }
        }
      }
      setHovered(best ? { point: best, x: at.x, y: at.y } : null)
    }
    locate()
    chart.timeScale().subscribeVisibleTimeRangeChange(locate)
    chart.subscribeCrosshairMove(onMove)
    return () => {
      if (isChartRemoved(chart)) return
      chart.timeScale().unsubscribeVisibleTimeRangeChange(locate)
      chart.unsubscribeCrosshairMove(onMove)
    }
  }, [chart, series, byTime, transitions])

  return { count: transitions.length, hovered, newest }
}
