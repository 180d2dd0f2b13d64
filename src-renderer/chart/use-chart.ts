import { createChart, type IChartApi } from 'lightweight-charts'
import { useEffect, useState, type RefObject } from 'react'
import { CHART_OPTIONS } from './chart-theme'

/** Creates a chart in the container on mount and removes it on unmount; resizes with the container. */
export function useChart(container: RefObject<HTMLDivElement | null>): IChartApi | null {
  const [chart, setChart] = useState<IChartApi | null>(null)
  useEffect(() => {
    const el = container.current
    if (!el) return
    const c = createChart(el, CHART_OPTIONS)
    setChart(c)
    return () => {
      setChart(null)
      c.remove()
    }
  }, [container])
  return chart
}
