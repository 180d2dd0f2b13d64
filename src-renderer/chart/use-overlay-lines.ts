import { LineSeries, LineStyle, type IChartApi, type ISeriesApi } from 'lightweight-charts'
import { useEffect, useRef } from 'react'
import { isChartRemoved } from './use-chart'
import { toLineData } from './use-feature-panes'

/** One line of a price overlay (a band's upper, middle or lower line, or a moving average) over the candles. */
export interface OverlayLine {
  /** Stable key: overlay id and output. */
  readonly key: string
  readonly color: string
  /** Middle lines of bands are dashed. */
  readonly dashed: boolean
  /** Bar open times (ms) and values (null during warm-up). */
  readonly time: readonly number[]
  readonly values: readonly (number | null)[]
}

interface Drawn {
  readonly series: ISeriesApi<'Line'>
  line: OverlayLine
}

/**
 * Line series in the price pane for the overlay lines, on the candles' price scale: added and removed with `lines`,
 * data replaced when a line's values change (a live bar merged into them), restyled when its colour does.
 */
export function useOverlayLines(chart: IChartApi | null, lines: readonly OverlayLine[]): void {
  const drawn = useRef(new Map<string, Drawn>())

  useEffect(() => {
    if (!chart) return
    const map = drawn.current
    return () => {
      if (!isChartRemoved(chart)) for (const d of map.values()) chart.removeSeries(d.series)
      map.clear()
    }
  }, [chart])

  useEffect(() => {
    if (!chart) return
    const map = drawn.current
    const wanted = new Set(lines.map((l) => l.key))
    for (const [key, d] of map) {
      if (wanted.has(key)) continue
      chart.removeSeries(d.series)
      map.delete(key)
    }
    for (const line of lines) {
      const d = map.get(line.key)
      if (!d) {
        const series = chart.addSeries(
          LineSeries,
          {
            color: line.color,
            lineWidth: 1,
            lineStyle: line.dashed ? LineStyle.Dashed : LineStyle.Solid,
            priceLineVisible: false,
            lastValueVisible: false,
            crosshairMarkerVisible: false,
          },
          0,
        )
        series.setData(toLineData(line))
        map.set(line.key, { series, line })
        continue
      }
      if (d.line.color !== line.color) d.series.applyOptions({ color: line.color })
      if (d.line.time !== line.time || d.line.values !== line.values) d.series.setData(toLineData(line))
      d.line = line
    }
  }, [chart, lines])
}
