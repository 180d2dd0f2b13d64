import {
  createChartEx,
  type IChartApi,
  type ISeriesApi,
  type ISeriesPrimitive,
  type SeriesType,
  type Time,
} from 'lightweight-charts'
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react'
import { displayTimeZone, formatAxisTime, formatUtc, type AxisLabelKind } from '../format'
import { CHART_OPTIONS } from './chart-theme'
import { ZonedTimeScale } from './zoned-time-scale'

const removedCharts = new WeakSet<IChartApi>()

/**
 * True once the chart was removed. On unmount React runs `useChart`'s cleanup before those of the series
 * hooks declared after it; they check this instead of calling `removeSeries` on a dead chart.
 */
export function isChartRemoved(chart: IChartApi): boolean {
  return removedCharts.has(chart)
}

/** Time-axis labels kept on the container as `data-axis-labels` (newest last), for tests that read the axis. */
const AXIS_LABELS_KEPT = 40

/**
 * Chart options with the time axis, crosshair label and tick labels in the display zone. The tick labels the chart asks
 * for are mirrored on `el` (the chart draws them on a canvas).
 */
function zonedOptions(el: HTMLElement): typeof CHART_OPTIONS {
  const labels: string[] = []
  const tickLabel = (t: Time, kind: number): string => {
    const label = formatAxisTime((t as number) * 1000, kind as AxisLabelKind)
    labels.push(label)
    if (labels.length > AXIS_LABELS_KEPT) labels.shift()
    el.dataset.axisLabels = labels.join(' ')
    return label
  }
  return {
    ...CHART_OPTIONS,
    localization: { ...CHART_OPTIONS.localization, timeFormatter: (t: Time) => formatUtc((t as number) * 1000) },
    // Uniform tick marks: a weight level is drawn whole or not at all, so building them stops at the first level that
    // does not fit instead of walking every point (with 1M bars each zoom step cost 20–40 ms without it; bench/chart.ts).
    timeScale: { ...CHART_OPTIONS.timeScale, tickMarkFormatter: tickLabel, uniformDistribution: true },
  }
}

/**
 * Creates a chart in the container on mount and removes it on unmount; resizes with the container. The time axis is
 * in the display time zone: a new zone makes a new chart (tick weights are computed as data arrives), and the series
 * hooks fill it again.
 * A layout effect, so the chart is removed before React detaches its container: with `autoSize` a detached
 * container fires a resize that lightweight-charts would otherwise deliver to disposed canvases ("Object is disposed").
 */
export function useChart(container: RefObject<HTMLDivElement | null>): IChartApi | null {
  const [chart, setChart] = useState<IChartApi | null>(null)
  const zone = displayTimeZone()
  useLayoutEffect(() => {
    const el = container.current
    if (!el) return
    el.dataset.axisLabels = ''
    const c = createChartEx(el, new ZonedTimeScale(zone), zonedOptions(el)) as IChartApi
    setChart(c)
    return () => {
      removedCharts.add(c)
      setChart(null)
      c.remove()
    }
  }, [container, zone])
  return chart
}

/**
 * Attaches a series primitive (made by `make`) for as long as the chart and series live, and detaches it on the way out —
 * unless the chart was removed first (on unmount), where detaching would repaint disposed canvases and throw later.
 * Returns a ref to the attached primitive (null while there is none).
 */
export function useSeriesPrimitive<P extends ISeriesPrimitive<Time>>(
  chart: IChartApi | null,
  series: ISeriesApi<SeriesType> | null,
  make: () => P,
): RefObject<P | null> {
  const primitive = useRef<P | null>(null)
  const factory = useRef(make)
  factory.current = make
  useEffect(() => {
    if (!chart || !series) return
    const p = factory.current()
    series.attachPrimitive(p)
    primitive.current = p
    return () => {
      primitive.current = null
      if (!isChartRemoved(chart)) series.detachPrimitive(p)
    }
  }, [chart, series])
  return primitive
}
