import type { IChartApi } from 'lightweight-charts'
import { useLayoutEffect, useState, type RefObject } from 'react'
import type { PredictionPoint } from '../../src-shared'
import { isChartRemoved } from './use-chart'
import { PROBABILITY_COLORS, PROBABILITY_PANE } from './use-probability-pane'

const NAMES = ['Bearish', 'Neutral', 'Bullish'] as const

/**
 * Names the three lines of the probability pane in its top-left corner (colour, class, latest probability and the
 * horizon), placed at the pane's top as lightweight-charts lays it out.
 */
export function ProbabilityLegend({
  chart,
  container,
  points,
  visible,
}: {
  chart: IChartApi | null
  container: RefObject<HTMLElement | null>
  points: readonly PredictionPoint[]
  visible: boolean
}) {
  const [top, setTop] = useState<number | null>(null)
  useLayoutEffect(() => {
    const el = container.current
    if (!chart || !el || !visible) return setTop(null)
    const measure = () => {
      if (isChartRemoved(chart)) return
      const pane = chart.panes()[PROBABILITY_PANE]?.getHTMLElement()
      setTop(pane ? pane.getBoundingClientRect().top - el.getBoundingClientRect().top : null)
    }
    const frame = requestAnimationFrame(measure)
    const observer = new ResizeObserver(measure)
    observer.observe(el)
    return () => {
      cancelAnimationFrame(frame)
      observer.disconnect()
    }
  }, [chart, container, visible, points.length > 0])
  const last = points[points.length - 1]
  if (!visible || !last || top === null) return null
  return (
    <div
      className="probability-legend"
      style={{ top: top + 4 }}
      data-testid="probability-legend"
      data-horizon={last.horizon}
    >
      {NAMES.map((name, k) => (
        <span key={name} className="probability-legend__item" data-testid="probability-name">
          <i className="probability-legend__line" style={{ background: PROBABILITY_COLORS[k] }} />
          {name}
          <b>{last.probabilities[k].toFixed(2)}</b>
        </span>
      ))}
      <span className="probability-legend__horizon">H{last.horizon}</span>
    </div>
  )
}
