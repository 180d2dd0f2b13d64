import type { IChartApi } from 'lightweight-charts'
import type { RefObject } from 'react'
import { featureAxisLabel, useFeaturePanes, type FeatureLine } from './use-feature-panes'

/** Plotted features of a chart pane and how to remove one. */
export interface FeaturePanesProps {
  readonly lines: readonly FeatureLine[]
  readonly onClose: (name: string) => void
}

/**
 * Feature panes under the candles (`useFeaturePanes`) with a legend in each pane's top-left corner: colour,
 * name, latest value and a close button. Tests read `data-points` (non-missing points on the series).
 */
export function FeaturePanes({
  chart,
  container,
  lines,
  onClose,
}: FeaturePanesProps & { chart: IChartApi | null; container: RefObject<HTMLElement | null> }) {
  const panes = useFeaturePanes(chart, lines, container)
  return (
    <>
      {panes.map((p) => (
        <div
          key={p.name}
          className="feature-pane-legend"
          style={{ top: p.top + 4 }}
          data-testid="feature-pane"
          data-feature={p.name}
          data-points={p.points}
          data-height={Math.round(p.height)}
        >
          <span className="feature-pane-legend__swatch" style={{ background: p.color }} />
          <span className="feature-pane-legend__name">{p.name}</span>
          <b className="feature-pane-legend__value">{p.last === null ? '—' : featureAxisLabel(p.last)}</b>
          <button
            type="button"
            className="feature-pane-legend__close"
            aria-label={`Remove ${p.name} pane`}
            title="Remove pane"
            data-testid="feature-pane-close"
            onClick={() => onClose(p.name)}
          >
            ×
          </button>
        </div>
      ))}
    </>
  )
}
