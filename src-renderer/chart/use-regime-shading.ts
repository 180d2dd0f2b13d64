import type {
  IChartApi,
  IPrimitivePaneRenderer,
  IPrimitivePaneView,
  ISeriesApi,
  ISeriesPrimitive,
  SeriesAttachedParameter,
  SeriesType,
  Time,
  UTCTimestamp,
} from 'lightweight-charts'
import { useEffect } from 'react'
import type { PredictionPoint, Regime } from '../../src-shared'
import { chartTime } from './bars-delta'
import { useSeriesPrimitive } from './use-chart'

type Target = Parameters<IPrimitivePaneRenderer['draw']>[0]

/**
 * Background colour of a regime at a confidence: alpha rises linearly with confidence and saturates at 0.4 (typical
 * regime confidences are 0.02–0.3); neutral starts fainter so directional forecasts stand out.
 */
export function regimeShade(regime: Regime, confidence: number): string {
  const rgb = regime === 'bullish' ? '38, 166, 154' : regime === 'bearish' ? '239, 83, 80' : '120, 123, 134'
  const base = regime === 'neutral' ? 0.04 : 0.12
  const alpha = base + 0.4 * Math.min(1, Math.max(0, confidence) / 0.4)
  return `rgba(${rgb}, ${alpha.toFixed(3)})`
}

/** One shaded bar: its chart time and fill colour. */
interface Shade {
  readonly time: UTCTimestamp
  readonly color: string
}

/**
 * Background shading of the price pane by forecast regime (argmax colour, alpha by confidence): a series primitive
 * drawn beneath the candles, one column per forecast bar, only the visible ones.
 */
export class RegimeShadingPrimitive implements ISeriesPrimitive<Time> {
  private chart?: IChartApi
  private requestUpdate?: () => void
  private shades: readonly Shade[] = []
  private readonly view: IPrimitivePaneView = {
    zOrder: () => 'bottom',
    renderer: () => ({ draw: () => undefined, drawBackground: (target: Target) => this.draw(target) }),
  }

  attached(p: SeriesAttachedParameter<Time, SeriesType>): void {
    this.chart = p.chart as IChartApi
    this.requestUpdate = p.requestUpdate
  }

  detached(): void {
    this.chart = undefined
    this.requestUpdate = undefined
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return [this.view]
  }

  /** Replaces the shaded bars and redraws. */
  setShades(points: readonly Pick<PredictionPoint, 'time' | 'regime' | 'confidence'>[]): void {
    this.shades = points.map((p) => ({
      time: chartTime(p.time) as UTCTimestamp,
      color: regimeShade(p.regime, p.confidence),
    }))
    this.requestUpdate?.()
  }

  get count(): number {
    return this.shades.length
  }

  private draw(target: Target): void {
    const chart = this.chart
    if (!chart || !this.shades.length) return
    const ts = chart.timeScale()
    const spacing = ts.options().barSpacing
    const range = ts.getVisibleRange()
    // Only the shades in view (a binary search for the first): thousands of forecasts over a long history.
    let first = 0
    if (range) {
      let hi = this.shades.length
      while (first < hi) {
        const mid = (first + hi) >> 1
        if (this.shades[mid].time < (range.from as number)) first = mid + 1
        else hi = mid
      }
      first = Math.max(0, first - 1)
    }
    target.useBitmapCoordinateSpace(({ context, bitmapSize, horizontalPixelRatio }) => {
      const w = Math.max(1, Math.ceil(spacing * horizontalPixelRatio))
      for (let i = first; i < this.shades.length; i++) {
        const s = this.shades[i]
        const x = ts.timeToCoordinate(s.time)
        if (x === null) continue
        const left = Math.round((x - spacing / 2) * horizontalPixelRatio)
        if (left > bitmapSize.width) break
        if (left + w < 0) continue
        context.fillStyle = s.color
        context.fillRect(left, 0, w, bitmapSize.height)
      }
    })
  }
}

/** Attaches regime shading to the candle series and keeps it in step with `points` (one horizon); returns how many bars are shaded. */
export function useRegimeShading(
  chart: IChartApi | null,
  series: ISeriesApi<'Candlestick'> | null,
  points: readonly Pick<PredictionPoint, 'time' | 'regime' | 'confidence'>[],
): number {
  const primitive = useSeriesPrimitive(chart, series, () => new RegimeShadingPrimitive())
  useEffect(() => {
    primitive.current?.setShades(points)
  }, [series, points])
  return series ? points.length : 0
}
