import {
  LineSeries,
  type IChartApi,
  type ISeriesApi,
  type LineData,
  type UTCTimestamp,
  type WhitespaceData,
} from 'lightweight-charts'
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react'
import { chartTime } from './bars-delta'
import { CHART_COLORS } from './chart-theme'
import { isChartRemoved } from './use-chart'

/** One feature to plot under the candles: its values at the bar times (ms UTC), null where missing. */
export interface FeatureLine {
  readonly name: string
  readonly color: string
  readonly time: readonly number[]
  readonly values: readonly (number | null)[]
}

/** A plotted feature pane as drawn: where its top edge is (px from the chart top) and what it holds. */
export interface FeaturePaneInfo {
  readonly name: string
  readonly color: string
  /** Non-missing points on the series. */
  readonly points: number
  readonly last: number | null
  readonly top: number
  readonly height: number
}

/** Height of a new feature pane (px); the price pane keeps the rest. */
export const FEATURE_PANE_HEIGHT = 92

/** Distinct line colours for plotted features (picked by feature index, so a feature keeps its colour). */
export const FEATURE_COLORS = [
  '#f0b429',
  '#3d8bfd',
  '#c77dff',
  '#4dd0e1',
  '#ff8a65',
  '#9ccc65',
  '#f06292',
  '#b0bec5',
] as const

/** Compact axis/crosshair label for feature values of any magnitude. */
export function featureAxisLabel(v: number): string {
  const a = Math.abs(v)
  if (a >= 1e9) return `${(v / 1e9).toFixed(2)}B`
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}K`
  if (a === 0 || a >= 1e-4) return Number(v.toPrecision(4)).toString()
  return v.toExponential(1)
}

/** A feature column as line data: whitespace where missing, so the pane stays aligned bar for bar. */
export function toLineData(
  line: Pick<FeatureLine, 'time' | 'values'>,
): (LineData<UTCTimestamp> | WhitespaceData<UTCTimestamp>)[] {
  return line.time.map((t, i) => {
    const v = line.values[i]
    const time = chartTime(t) as UTCTimestamp
    return v === null || v === undefined || !Number.isFinite(v) ? { time } : { time, value: v }
  })
}

interface Plotted {
  readonly series: ISeriesApi<'Line'>
  line?: FeatureLine
  points: number
}

/**
 * One pane per feature under the candles (and under any pane already there), each with a line series on the
 * chart's shared time scale. Panes are added and removed with `lines`; returns where each pane sits so the
 * caller can draw its legend and close button. `container` is the element the chart fills.
 */
export function useFeaturePanes(
  chart: IChartApi | null,
  lines: readonly FeatureLine[],
  container: RefObject<HTMLElement | null>,
): FeaturePaneInfo[] {
  const plotted = useRef(new Map<string, Plotted>())
  const [layout, setLayout] = useState<FeaturePaneInfo[]>([])
  const [tick, setTick] = useState(0)

  // Remove everything with the chart (a new chart starts empty).
  useEffect(() => {
    if (!chart) return
    const map = plotted.current
    return () => {
      if (!isChartRemoved(chart)) for (const p of map.values()) chart.removeSeries(p.series)
      map.clear()
    }
  }, [chart])

  useEffect(() => {
    if (!chart) return
    const map = plotted.current
    const wanted = new Set(lines.map((l) => l.name))
    let added = false
    let removed = false
    for (const [name, p] of map) {
      if (wanted.has(name)) continue
      chart.removeSeries(p.series)
      map.delete(name)
      removed = true
    }
    for (const line of lines) {
      let p = map.get(line.name)
      if (!p) {
        const pane = chart.addPane()
        const series = chart.addSeries(
          LineSeries,
          {
            color: line.color,
            lineWidth: 1,
            priceLineVisible: false,
            lastValueVisible: true,
            crosshairMarkerRadius: 3,
            priceFormat: { type: 'custom', minMove: 1e-8, formatter: featureAxisLabel },
          },
          pane.paneIndex(),
        )
        pane
          .priceScale('right')
          .applyOptions({ borderColor: CHART_COLORS.border, scaleMargins: { top: 0.26, bottom: 0.08 } })
        p = { series, points: 0 }
        map.set(line.name, p)
        added = true
      }
      if (p.line?.time === line.time && p.line.values === line.values && p.line.color === line.color) continue
      if (p.line && p.line.color !== line.color) p.series.applyOptions({ color: line.color })
      p.series.setData(toLineData(line))
      p.line = line
      p.points = line.values.reduce<number>((n, v) => (v === null || !Number.isFinite(v) ? n : n + 1), 0)
    }
    if (added || removed)
      sizeFeaturePanes(
        chart,
        [...map.values()].map((p) => p.series),
        container.current?.clientHeight ?? 0,
      )
    setTick((t) => t + 1)
  }, [chart, lines, container])

  // Pane positions: measured after lightweight-charts lays out (next frame) and again whenever a pane resizes.
  useLayoutEffect(() => {
    const el = container.current
    if (!chart || !el) return
    const measure = () => {
      if (isChartRemoved(chart)) return
      const top = el.getBoundingClientRect().top
      const out: FeaturePaneInfo[] = []
      for (const [name, p] of plotted.current) {
        const paneEl = p.series.getPane().getHTMLElement()
        const r = paneEl?.getBoundingClientRect()
        const data = p.line
        out.push({
          name,
          color: data?.color ?? '',
          points: p.points,
          last: lastValue(data),
          top: r ? r.top - top : 0,
          height: r?.height ?? 0,
        })
      }
      setLayout(out)
    }
    const frame = requestAnimationFrame(measure)
    const observer = new ResizeObserver(() => measure())
    observer.observe(el)
    for (const p of plotted.current.values()) {
      const paneEl = p.series.getPane().getHTMLElement()
      if (paneEl) observer.observe(paneEl)
    }
    return () => {
      cancelAnimationFrame(frame)
      observer.disconnect()
    }
  }, [chart, tick, container])

  return layout
}

/** Most of the height the feature panes may take together; the price pane keeps the rest. */
const MAX_FEATURE_SHARE = 0.5

/**
 * Gives each feature pane about FEATURE_PANE_HEIGHT px through stretch factors (the other panes keep their
 * proportions), capped at MAX_FEATURE_SHARE of the chart together.
 */
function sizeFeaturePanes(chart: IChartApi, series: readonly ISeriesApi<'Line'>[], height: number): void {
  if (series.length === 0 || height <= 0) return
  const mine = new Set(series.map((s) => s.getPane().paneIndex()))
  const others = chart.panes().reduce((sum, p, i) => (mine.has(i) ? sum : sum + p.getStretchFactor()), 0)
  const share = Math.min(MAX_FEATURE_SHARE, (series.length * FEATURE_PANE_HEIGHT) / height)
  const each = (others * share) / (1 - share) / series.length
  for (const s of series) s.getPane().setStretchFactor(each)
}

function lastValue(line: FeatureLine | undefined): number | null {
  if (!line) return null
  for (let i = line.values.length - 1; i >= 0; i--) {
    const v = line.values[i]
    if (v !== null && Number.isFinite(v)) return v
  }
  return null
}
