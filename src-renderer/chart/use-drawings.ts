import type { IChartApi, ISeriesApi } from 'lightweight-charts'
import { useEffect, useMemo, useRef, useState, type RefObject } from 'react'
import { TIMEFRAME_MS, type Drawing, type DrawingPoint, type DrawingTool, type StoredBar } from '../../src-shared'
import { formatPrice } from '../format'
import { dragDrawing, hitTestDrawings, logicalToTime, type DrawingHit, type ScreenDrawing } from './drawing-geometry'
import { DrawingsPrimitive, type DrawingsScene } from './drawings-primitive'
import { isChartRemoved, useSeriesPrimitive } from './use-chart'

/** Drawings of the charted instrument and what the pointer does with them (the drawings store's state and actions). */
export interface DrawingsInput {
  readonly drawings: readonly Drawing[]
  readonly selected?: string
  readonly tool?: DrawingTool
  /** A trendline's first anchor, placed by the first click. */
  readonly pending?: DrawingPoint
  /** A click in the price pane with a tool. */
  onPlace(at: DrawingPoint): void
  /** A press on a drawing selects it; a press elsewhere clears the selection. */
  onSelect(id: string | undefined): void
  /** A drawing while it is dragged. */
  onChange(drawing: Drawing): void
  /** A drag ended (save). */
  onCommit(): void
}

/** Where a drawing sits on screen (px in the chart): a level's y at the pane's middle, a trendline's midpoint. */
export interface DrawingSpot {
  readonly id: string
  readonly kind: Drawing['kind']
  readonly x: number
  readonly y: number
}

interface Drag {
  readonly hit: DrawingHit
  readonly original: Drawing
  readonly logical: number
  readonly price: number
  moved: boolean
}

/**
 * Levels and trendlines on the candle series (`DrawingsPrimitive`) with the pointer: with a tool, a click in the price
 * pane places (a trendline shows a dashed preview after its first click); without one, a press on a drawing selects it
 * and a drag moves it (a trendline's end alone when grabbed there) — the chart does not pan meanwhile. Returns where
 * each drawing is on screen, kept current while the chart pans and zooms.
 */
export function useDrawings(
  chart: IChartApi | null,
  series: ISeriesApi<'Candlestick'> | null,
  container: RefObject<HTMLElement | null>,
  bars: readonly StoredBar[],
  precision: number,
  input: DrawingsInput | undefined,
): DrawingSpot[] {
  const primitive = useSeriesPrimitive(chart, series, () => new DrawingsPrimitive())
  const latest = useRef(input)
  latest.current = input
  const preview = useRef<DrawingPoint | undefined>(undefined)
  const [spots, setSpots] = useState<DrawingSpot[]>([])
  // Bar times change only when the bar range does, not on every forming-bar tick.
  const first = bars[0]?.time
  const last = bars[bars.length - 1]?.time
  const times = useMemo(() => bars.map((b) => b.time), [first, last, bars.length])
  const stepMs = bars[0] ? TIMEFRAME_MS[bars[0].timeframe] : 60_000

  const drawings = input?.drawings
  const selected = input?.selected
  const pending = input?.pending
  // What the pointer handlers read: current without re-registering them (a drag survives a new bar or a re-render).
  const geometry = useRef({ times, stepMs })
  geometry.current = { times, stepMs }
  const scene = useRef<() => DrawingsScene>(() => ({ drawings: [], times: [], stepMs, formatPrice: String }))
  scene.current = () => ({
    drawings: drawings ?? [],
    selected,
    preview: pending && preview.current ? { a: pending, b: preview.current } : undefined,
    times,
    stepMs,
    formatPrice: (v: number) => formatPrice(v, precision),
  })
  const locate = useRef(() => {})
  locate.current = () => {
    const p = primitive.current
    if (!p || !chart || isChartRemoved(chart)) return
    const height = chart.panes()[0]?.getHeight() ?? 0
    const width = chart.timeScale().width()
    const mid = (d: ScreenDrawing): DrawingSpot =>
      d.kind === 'level'
        ? { id: d.id, kind: d.kind, x: Math.round(width / 2), y: Math.round(d.y) }
        : { id: d.id, kind: d.kind, x: Math.round((d.a.x + d.b.x) / 2), y: Math.round((d.a.y + d.b.y) / 2) }
    const next = p
      .screen()
      .map(mid)
      .filter((s) => s.y >= 0 && s.y <= height && s.x >= 0 && s.x <= width)
    setSpots((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next))
  }

  useEffect(() => {
    if (!pending) preview.current = undefined
    primitive.current?.setScene(scene.current())
    const frame = requestAnimationFrame(() => locate.current())
    return () => cancelAnimationFrame(frame)
  }, [series, drawings, selected, pending, times, stepMs, precision])

  // Spots follow every view change (pan, zoom, autoscale, resize), at most once a frame.
  useEffect(() => {
    const p = primitive.current
    if (!p) return
    let frame = 0
    p.onViewChange = () => {
      if (frame === 0)
        frame = requestAnimationFrame(() => {
          frame = 0
          locate.current()
        })
    }
    return () => {
      p.onViewChange = undefined
      cancelAnimationFrame(frame)
    }
  }, [chart, series])

  useEffect(() => {
    const el = container.current
    const p = primitive.current
    if (!chart || !series || !el || !p) return
    const local = (e: { clientX: number; clientY: number }) => {
      const r = el.getBoundingClientRect()
      return { x: e.clientX - r.left, y: e.clientY - r.top }
    }
    const inPricePane = (x: number, y: number) =>
      x >= 0 && y >= 0 && x < chart.timeScale().width() && y < (chart.panes()[0]?.getHeight() ?? 0)
    const pointAt = (x: number, y: number): DrawingPoint | undefined => {
      const logical = chart.timeScale().coordinateToLogical(x)
      const time = logical === null ? null : logicalToTime(geometry.current.times, geometry.current.stepMs, logical)
      const price = series.coordinateToPrice(y)
      return time === null || price === null ? undefined : { time: Math.round(time), price }
    }
    // lightweight-charts starts a pan on mousedown: swallowed after a press this hook handled.
    let swallow = false
    let drag: Drag | undefined
    const onDragMove = (e: PointerEvent) => {
      if (!drag) return
      const { x, y } = local(e)
      const logical = chart.timeScale().coordinateToLogical(x)
      const price = series.coordinateToPrice(y)
      if (logical === null || price === null) return
      drag.moved = true
      const { times: t, stepMs: step } = geometry.current
      latest.current?.onChange(
        dragDrawing(drag.original, drag.hit, logical - drag.logical, price - drag.price, t, step),
      )
    }
    const onDragEnd = () => {
      window.removeEventListener('pointermove', onDragMove)
      window.removeEventListener('pointerup', onDragEnd)
      if (drag?.moved) latest.current?.onCommit()
      drag = undefined
    }
    const onPointerDown = (e: PointerEvent) => {
      const now = latest.current
      swallow = false
      if (!now || e.button !== 0) return
      const { x, y } = local(e)
      if (!inPricePane(x, y)) return
      if (now.tool) {
        const at = pointAt(x, y)
        swallow = true
        e.stopPropagation()
        e.preventDefault()
        if (at) now.onPlace(at)
        return
      }
      const hit = hitTestDrawings(p.screen(), x, y)
      const original = hit && now.drawings.find((d) => d.id === hit.id)
      const logical = chart.timeScale().coordinateToLogical(x)
      const price = series.coordinateToPrice(y)
      if (!hit || !original || logical === null || price === null) {
        if (now.selected) now.onSelect(undefined)
        return
      }
      swallow = true
      e.stopPropagation()
      e.preventDefault()
      now.onSelect(hit.id)
      drag = { hit, original, logical, price, moved: false }
      window.addEventListener('pointermove', onDragMove)
      window.addEventListener('pointerup', onDragEnd)
    }
    const onMouseDown = (e: Event) => {
      if (swallow) e.stopPropagation()
    }
    const onHover = (e: PointerEvent) => {
      const now = latest.current
      if (!now?.pending || now.tool !== 'trendline' || drag) return
      const { x, y } = local(e)
      preview.current = inPricePane(x, y) ? pointAt(x, y) : undefined
      p.setScene(scene.current())
    }
    el.addEventListener('pointerdown', onPointerDown, true)
    el.addEventListener('mousedown', onMouseDown, true)
    el.addEventListener('pointermove', onHover)
    return () => {
      el.removeEventListener('pointerdown', onPointerDown, true)
      el.removeEventListener('mousedown', onMouseDown, true)
      el.removeEventListener('pointermove', onHover)
      window.removeEventListener('pointermove', onDragMove)
      window.removeEventListener('pointerup', onDragEnd)
    }
  }, [chart, series, container])

  return spots
}
