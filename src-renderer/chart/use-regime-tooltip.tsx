import type { PredictionPoint } from '../../src-shared'
import { formatUtc, shortId } from '../format'
import type { HoveredTransition } from './use-markers'

const pct = (v: number) => `${(100 * v).toFixed(0)}%`

/** What a transition marker's tooltip says: the new regime, probabilities, confidence, horizon and model version. */
export function transitionLines(p: PredictionPoint): string[] {
  return [
    `→ ${p.regime} (p ${pct(Math.max(...p.probabilities))})`,
    `bear ${pct(p.probabilities[0])} · neutral ${pct(p.probabilities[1])} · bull ${pct(p.probabilities[2])}`,
    `confidence ${p.confidence.toFixed(2)} · horizon ${p.horizon} bars`,
    `model ${p.modelName} @ ${shortId(p.modelVersion)}`,
    formatUtc(p.time),
  ]
}

/** Tooltip of the hovered transition marker, placed next to the pointer inside the chart pane. */
export function RegimeTooltip({ hovered }: { hovered: HoveredTransition | null }) {
  if (!hovered) return null
  const lines = transitionLines(hovered.point)
  return (
    <div className="regime-tooltip" data-testid="marker-tooltip" data-regime={hovered.point.regime} style={{ left: hovered.x + 14, top: Math.max(4, hovered.y - 40) }}>
      <b className={`regime-tooltip__head regime--${hovered.point.regime}`}>{lines[0]}</b>
      {lines.slice(1).map((l) => (
        <span key={l}>{l}</span>
      ))}
    </div>
  )
}
