import type {
  IChartApi,
  IPrimitivePaneRenderer,
  IPrimitivePaneView,
  ISeriesApi,
  ISeriesPrimitive,
  ISeriesPrimitiveAxisView,
  Logical,
  PrimitiveHoveredItem,
  SeriesAttachedParameter,
  SeriesType,
  Time,
} from 'lightweight-charts'
import type { Drawing, DrawingPoint } from '../../src-shared'
import { hitTestDrawings, timeToLogical, type ScreenDrawing } from './drawing-geometry'

type Target = Parameters<IPrimitivePaneRenderer['draw']>[0]

/** Line colour of drawings, and of the selected one. */
export const DRAWING_COLORS = { line: '#7aa2f7', selected: '#d6e4ff', label: '#0b0e13' } as const

/** What the primitive draws: the drawings, which is selected, a trendline being placed, and how to place times. */
export interface DrawingsScene {
  readonly drawings: readonly Drawing[]
  readonly selected?: string
  /** A trendline being placed: its first anchor and where the pointer is now. */
  readonly preview?: { readonly a: DrawingPoint; readonly b: DrawingPoint }
  /** Open times (ms) of the bars on the series, and the bar length. */
  readonly times: readonly number[]
  readonly stepMs: number
  readonly formatPrice: (price: number) => string
}

const EMPTY: DrawingsScene = { drawings: [], times: [], stepMs: 60_000, formatPrice: String }

/**
 * Levels and trendlines over the price pane, as one series primitive: anchored to time (placed by `timeToLogical`,
 * so between bars on a coarser timeframe) and price, redrawn on every pan and zoom. Levels get a price-axis label;
 * the selected drawing is brighter with handles at a trendline's ends. `hitTest` gives the move cursor over a drawing.
 */
export class DrawingsPrimitive implements ISeriesPrimitive<Time> {
  private chart?: IChartApi
  private series?: ISeriesApi<SeriesType>
  private requestUpdate?: () => void
  private scene: DrawingsScene = EMPTY
  /** Called when lightweight-charts recomputes the views (pan, zoom, autoscale, resize): drawings moved on screen. */
  onViewChange?: () => void
  private axisViews: readonly ISeriesPrimitiveAxisView[] = []
  private readonly view: IPrimitivePaneView = {
    zOrder: () => 'top',
    renderer: () => ({ draw: (target: Target) => this.draw(target) }),
  }

  attached(p: SeriesAttachedParameter<Time, SeriesType>): void {
    this.chart = p.chart as IChartApi
    this.series = p.series
    this.requestUpdate = p.requestUpdate
  }

  detached(): void {
    this.chart = undefined
    this.series = undefined
    this.requestUpdate = undefined
  }

  /** Replaces what is drawn and repaints. */
  setScene(scene: DrawingsScene): void {
    this.scene = scene
    this.axisViews = scene.drawings.flatMap((d) =>
      d.kind === 'level' ? [this.levelLabel(d.price, d.id === scene.selected)] : [],
    )
    this.requestUpdate?.()
  }

  updateAllViews(): void {
    this.onViewChange?.()
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return [this.view]
  }

  priceAxisViews(): readonly ISeriesPrimitiveAxisView[] {
    return this.axisViews
  }

  hitTest(x: number, y: number): PrimitiveHoveredItem | null {
    const hit = hitTestDrawings(this.screen(), x, y)
    return hit
      ? { externalId: `drawing:${hit.id}`, zOrder: 'top', cursorStyle: hit.handle ? 'crosshair' : 'move' }
      : null
  }

  /** Where each drawing is on screen now (px in the price pane); drawings off the time scale's reach are left out. */
  screen(): ScreenDrawing[] {
    return this.scene.drawings.flatMap((d): ScreenDrawing[] => {
      if (d.kind === 'level') {
        const y = this.y(d.price)
        return y === null ? [] : [{ id: d.id, kind: 'level', y }]
      }
      const a = this.xy(d.a)
      const b = this.xy(d.b)
      return a && b ? [{ id: d.id, kind: 'trendline', a, b }] : []
    })
  }

  private y(price: number): number | null {
    return this.series?.priceToCoordinate(price) ?? null
  }

  private xy(p: DrawingPoint): { x: number; y: number } | null {
    const logical = timeToLogical(this.scene.times, this.scene.stepMs, p.time)
    const x = logical === null || !this.chart ? null : this.chart.timeScale().logicalToCoordinate(logical as Logical)
    const y = this.y(p.price)
    return x === null || y === null ? null : { x, y }
  }

  private levelLabel(price: number, selected: boolean): ISeriesPrimitiveAxisView {
    return {
      coordinate: () => this.y(price) ?? -100,
      text: () => this.scene.formatPrice(price),
      textColor: () => DRAWING_COLORS.label,
      backColor: () => (selected ? DRAWING_COLORS.selected : DRAWING_COLORS.line),
    }
  }

  private draw(target: Target): void {
    const { selected, preview } = this.scene
    const screen = this.screen()
    const previewLine = preview ? [this.xy(preview.a), this.xy(preview.b)] : undefined
    target.useBitmapCoordinateSpace(
      ({ context: ctx, horizontalPixelRatio: hr, verticalPixelRatio: vr, bitmapSize }) => {
        const line = (
          ax: number,
          ay: number,
          bx: number,
          by: number,
          width: number,
          color: string,
          dash: number[] = [],
        ) => {
          ctx.beginPath()
          ctx.setLineDash(dash.map((d) => d * hr))
          ctx.lineWidth = Math.max(1, Math.round(width * hr))
          ctx.strokeStyle = color
          ctx.moveTo(ax * hr, ay * vr)
          ctx.lineTo(bx * hr, by * vr)
          ctx.stroke()
        }
        const handle = (x: number, y: number, color: string) => {
          const r = 4 * hr
          ctx.setLineDash([])
          ctx.fillStyle = DRAWING_COLORS.label
          ctx.strokeStyle = color
          ctx.lineWidth = Math.max(1, Math.round(1.5 * hr))
          ctx.beginPath()
          ctx.arc(x * hr, y * vr, r, 0, 2 * Math.PI)
          ctx.fill()
          ctx.stroke()
        }
        for (const d of screen) {
          const on = d.id === selected
          const color = on ? DRAWING_COLORS.selected : DRAWING_COLORS.line
          if (d.kind === 'level') {
            line(0, d.y, bitmapSize.width / hr, d.y, on ? 2 : 1.25, color)
            continue
          }
          line(d.a.x, d.a.y, d.b.x, d.b.y, on ? 2 : 1.5, color)
          if (on) {
            handle(d.a.x, d.a.y, color)
            handle(d.b.x, d.b.y, color)
          }
        }
        if (previewLine?.[0] && previewLine[1]) {
          line(
            previewLine[0].x,
            previewLine[0].y,
            previewLine[1].x,
            previewLine[1].y,
            1.5,
            DRAWING_COLORS.selected,
            [5, 4],
          )
          handle(previewLine[0].x, previewLine[0].y, DRAWING_COLORS.selected)
        }
      },
    )
  }
}
