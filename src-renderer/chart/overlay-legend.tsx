import type { IChartApi, ISeriesApi } from 'lightweight-charts'
import { formatPrice } from '../format'
import { LegendIcon } from './legend-icons'
import { useCrosshairBar } from './use-crosshair-bar'

/** A price overlay as the chart pane gets it: title, colour, and the values of the lines it draws. */
export interface PaneOverlay {
  readonly id: string
  /** Legend title: `BB 20 2`. */
  readonly title: string
  readonly color: string
  readonly hidden: boolean
  /** Bar open times (ms) of `lines`; empty while the values load. */
  readonly time: readonly number[]
  /** Drawn outputs (`upper`, `middle`, `lower`, or `''`) and their values, null during warm-up. */
  readonly lines: readonly { readonly output: string; readonly values: readonly (number | null)[] }[]
}

/** Overlays of a chart pane and what their legend buttons do. */
export interface OverlaysPaneProps {
  readonly items: readonly PaneOverlay[]
  /** The Overlays layer is off: nothing is drawn, the legend rows are dimmed. */
  readonly layerHidden: boolean
  /** The overlay whose parameters are being edited (its row is marked). */
  readonly editing?: string
  onEdit(id: string): void
  onToggle(id: string): void
  onRemove(id: string): void
}

/** Index of `time` in ascending `times`, or -1. */
function indexOf(times: readonly number[], time: number): number {
  let lo = 0
  let hi = times.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (times[mid] === time) return mid
    if (times[mid] < time) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}

/** The values of an overlay's lines at a bar time (the latest bar when none is hovered), null where there is none. */
export function overlayValuesAt(o: Pick<PaneOverlay, 'time' | 'lines'>, time: number | undefined): (number | null)[] {
  const i = time === undefined ? o.time.length - 1 : indexOf(o.time, time)
  return o.lines.map((l) => (i >= 0 ? (l.values[i] ?? null) : null))
}

/**
 * One legend row per overlay under the OHLC legend: colour, title, values at the hovered bar (else the latest), and
 * buttons to edit its parameters, hide it and remove it. `data-values` carries the raw values for tests.
 */
export function OverlayLegend({
  chart,
  candles,
  precision,
  overlays,
}: {
  chart: IChartApi | null
  candles: ISeriesApi<'Candlestick'> | null
  precision: number
  overlays: OverlaysPaneProps
}) {
  const hovered = useCrosshairBar(chart, candles, null)
  if (overlays.items.length === 0) return null
  return (
    <ul
      className="overlay-legend"
      data-testid="overlay-legend"
      data-layer-hidden={overlays.layerHidden}
      data-live={hovered === undefined}
      aria-label="Indicator overlays"
    >
      {overlays.items.map((o) => {
        const values = overlayValuesAt(o, hovered?.time)
        return (
          <li
            key={o.id}
            className={`overlay-legend__row${o.hidden || overlays.layerHidden ? ' overlay-legend__row--hidden' : ''}${overlays.editing === o.id ? ' overlay-legend__row--editing' : ''}`}
            data-testid="overlay-row"
            data-overlay={o.id}
            data-title={o.title}
            data-points={o.lines[0]?.values.filter((v) => v !== null).length ?? 0}
            data-values={values.map((v) => (v === null ? '' : String(v))).join(',')}
          >
            <span className="overlay-legend__swatch" style={{ background: o.color }} />
            <span className="overlay-legend__title">{o.title}</span>
            <span className="overlay-legend__values">
              {o.time.length === 0
                ? '…'
                : values.map((v, k) => <b key={k}>{v === null ? '—' : formatPrice(v, precision)}</b>)}
            </span>
            <button
              type="button"
              className="legend-button"
              title="Edit parameters"
              aria-label={`Edit ${o.title}`}
              data-testid="overlay-edit"
              onClick={() => overlays.onEdit(o.id)}
            >
              <LegendIcon name="settings" />
            </button>
            <button
              type="button"
              className="legend-button"
              title={o.hidden ? 'Show' : 'Hide'}
              aria-label={`${o.hidden ? 'Show' : 'Hide'} ${o.title}`}
              aria-pressed={!o.hidden}
              data-testid="overlay-toggle"
              onClick={() => overlays.onToggle(o.id)}
            >
              <LegendIcon name={o.hidden ? 'eyeOff' : 'eye'} />
            </button>
            <button
              type="button"
              className="legend-button"
              title="Remove"
              aria-label={`Remove ${o.title}`}
              data-testid="overlay-remove"
              onClick={() => overlays.onRemove(o.id)}
            >
              <LegendIcon name="close" />
            </button>
          </li>
        )
      })}
    </ul>
  )
}
