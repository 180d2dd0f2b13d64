import { createChart, type IChartApi } from 'lightweight-charts'
import { useLayoutEffect, useState, type RefObject } from 'react'
import { CHART_OPTIONS } from './chart-theme'

const removedCharts = new WeakSet<IChartApi>()

/**
 * True once the chart was removed. On unmount React runs `useChart`'s cleanup before those of the series
 * hooks declared after it; they check this instead of calling `removeSeries` on a dead chart.
 */
export function isChartRemoved(chart: IChartApi): boolean {
  return removedCharts.has(chart)
}

/**
 * Creates a chart in the container on mount and removes it on unmount; resizes with the container.
 * A layout effect, so the chart is removed before React detaches its container: with `autoSize` a detached
 * container fires a resize that lightweight-charts would otherwise deliver to disposed canvases ("Object is disposed").
 */
export function useChart(container: RefObject<HTMLDivElement | null>): IChartApi | null {
  const [chart, setChart] = useState<IChartApi | null>(null)
  useLayoutEffect(() => {
    const el = container.current
    if (!el) return
    const c = createChart(el, CHART_OPTIONS)
    setChart(c)
    return () => {
      removedCharts.add(c)
      setChart(null)
      c.remove()
    }
  }, [container])
  return chart
}
