import type { Drawing } from '../../src-shared'
import { formatPrice } from '../format'
import { LegendIcon } from './legend-icons'
import type { DrawingSpot } from './use-drawings'

/** Drawings of the chart as a row of chips: select one (then Delete removes it) or remove it with its × button. */
export function DrawingsLegend({
  drawings,
  selected,
  spots,
  precision,
  onSelect,
  onRemove,
}: {
  drawings: readonly Drawing[]
  selected?: string
  spots: readonly DrawingSpot[]
  precision: number
  onSelect(id: string): void
  onRemove(id: string): void
}) {
  if (drawings.length === 0) return null
  return (
    <ul className="drawings-legend" aria-label="Drawings" data-testid="drawings-legend">
      {drawings.map((d, i) => {
        const spot = spots.find((s) => s.id === d.id)
        const nth = drawings.slice(0, i + 1).filter((x) => x.kind === d.kind).length
        const label = d.kind === 'level' ? `Level ${formatPrice(d.price, precision)}` : `Trendline ${nth}`
        return (
          <li
            key={d.id}
            className="drawings-legend__chip"
            data-testid="drawing-chip"
            data-kind={d.kind}
            data-selected={d.id === selected}
            data-at={spot ? `${spot.x},${spot.y}` : ''}
          >
            <button
              type="button"
              className="drawings-legend__name"
              aria-pressed={d.id === selected}
              onClick={() => onSelect(d.id)}
            >
              {label}
            </button>
            <button
              type="button"
              className="legend-button"
              aria-label={`Remove ${label}`}
              title="Remove"
              data-testid="drawing-remove"
              onClick={() => onRemove(d.id)}
            >
              <LegendIcon name="close" />
            </button>
          </li>
        )
      })}
    </ul>
  )
}
