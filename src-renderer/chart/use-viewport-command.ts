import type { IChartApi, LogicalRange } from 'lightweight-charts'
import { useEffect, useRef, useState } from 'react'
import { isChartRemoved } from './use-chart'

/** A request to the chart's time scale (keyboard zoom); a new `seq` repeats it. */
export interface ChartViewportCommand {
  readonly action: 'zoomIn' | 'zoomOut'
  readonly seq: number
}

const NO_COMMANDS: readonly ChartViewportCommand[] = []

/** How much one zoom step narrows (or widens) the visible bars. */
export const ZOOM_STEP = 1.25

/** Fewest bars a zoom in leaves visible. */
const MIN_VISIBLE_BARS = 10

/** The visible logical range after a zoom step, the right edge kept in place (the latest bars stay in view). */
export function zoomedRange(
  range: { from: number; to: number },
  action: 'zoomIn' | 'zoomOut',
): { from: number; to: number } {
  const width = range.to - range.from
  const next = action === 'zoomIn' ? Math.max(MIN_VISIBLE_BARS, width / ZOOM_STEP) : width * ZOOM_STEP
  return { from: range.to - next, to: range.to }
}

/**
 * Applies viewport commands to the chart, each once and in order (those newer than the last applied `seq`; a zoom keeps
 * the right edge), and returns how many bars are in view, kept current while the
 * chart pans and zooms. Commands already there when the chart mounts are not replayed.
 */
export function useViewportCommand(
  chart: IChartApi | null,
  commands: readonly ChartViewportCommand[] = NO_COMMANDS,
): number {
  const applied = useRef(commands[commands.length - 1]?.seq ?? 0)
  const [visibleBars, setVisibleBars] = useState(0)

  // The range last set here until the chart has drawn it: lightweight-charts applies a new range on its next frame, so
  // a second key within that frame starts from this one, not from the range still reported.
  const target = useRef<{ from: number; to: number } | null>(null)
  const settled = useRef(0)
  useEffect(() => {
    if (!chart) return
    const ts = chart.timeScale()
    let range = target.current ?? (ts.getVisibleLogicalRange() as { from: number; to: number } | null)
    let moved = false
    for (const c of commands) {
      if (c.seq <= applied.current) continue
      applied.current = c.seq
      if (range) {
        range = zoomedRange(range, c.action)
        ts.setVisibleLogicalRange(range)
        moved = true
      }
    }
    if (!moved) return
    target.current = range
    cancelAnimationFrame(settled.current)
    settled.current = requestAnimationFrame(() => {
      settled.current = requestAnimationFrame(() => (target.current = null))
    })
  }, [chart, commands])

  useEffect(() => {
    if (!chart) return
    const onRange = (r: LogicalRange | null) => setVisibleBars(r ? Math.round(r.to - r.from) : 0)
    chart.timeScale().subscribeVisibleLogicalRangeChange(onRange)
    return () => {
      if (!isChartRemoved(chart)) chart.timeScale().unsubscribeVisibleLogicalRangeChange(onRange)
    }
  }, [chart])

  return visibleBars
}
