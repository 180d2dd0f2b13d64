import { LineSeries, type IChartApi, type ISeriesApi, type UTCTimestamp } from 'lightweight-charts'
import { useEffect, useState } from 'react'
import type { PredictionPoint } from '../../src-shared'
import { chartTime } from './bars-delta'
import { isChartRemoved } from './use-chart'

/** Pane index of the probability lines (0 is the price pane). */
export const PROBABILITY_PANE = 1

/** Line colours of the three classes: bearish, neutral, bullish. */
export const PROBABILITY_COLORS = ['#ef5350', '#9598a1', '#26a69a'] as const

/**
 * A pane under the candles with the forecast probabilities (bearish, neutral, bullish) of one horizon as three lines
 * in [0, 1]. Returns the number of points drawn per line (read back from the series). Hidden (`visible` false), the
 * pane is removed; shown again, it comes back right under the candles, above any feature pane.
 */
export function useProbabilityPane(
  chart: IChartApi | null,
  points: readonly PredictionPoint[],
  visible = true,
): number {
  const [lines, setLines] = useState<ISeriesApi<'Line'>[] | null>(null)
  const [rendered, setRendered] = useState(0)
  useEffect(() => {
    if (!chart || !visible) return
    const pane = chart.panes().length > PROBABILITY_PANE ? chart.addPane() : undefined
    const index = pane?.paneIndex() ?? PROBABILITY_PANE
    const made = PROBABILITY_COLORS.map((color, k) =>
      chart.addSeries(
        LineSeries,
        {
          color,
          lineWidth: k === 1 ? 1 : 2,
          priceLineVisible: false,
          lastValueVisible: true,
          priceFormat: { type: 'custom', minMove: 0.01, formatter: (v: number) => v.toFixed(2) },
          autoscaleInfoProvider: () => ({ priceRange: { minValue: 0, maxValue: 1 } }),
        },
        index,
      ),
    )
    if (index !== PROBABILITY_PANE) made[0].getPane().moveTo(PROBABILITY_PANE)
    chart.panes()[PROBABILITY_PANE]?.setHeight(110)
    setLines(made)
    return () => {
      setLines(null)
      setRendered(0)
      if (!isChartRemoved(chart)) for (const s of made) chart.removeSeries(s)
    }
  }, [chart, visible])
  useEffect(() => {
    if (!lines) return
    lines.forEach((s, k) =>
      s.setData(points.map((p) => ({ time: chartTime(p.time) as UTCTimestamp, value: p.probabilities[k] }))),
    )
    setRendered(lines[0].data().length)
  }, [lines, points])
  return rendered
}
