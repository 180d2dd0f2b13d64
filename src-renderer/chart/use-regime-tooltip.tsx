import type { Alert, PredictionPoint } from '../../src-shared'
import { formatUtc, shortId } from '../format'
import type { HoveredTransition } from './use-markers'

const pct = (v: number) => `${(100 * v).toFixed(0)}%`

/** Short names of the alert types in tooltips. */
const ALERT_NAMES: Readonly<Record<Alert['type'], string>> = {
  VOLATILITY_SPIKE_IMMINENT: 'volatility spike imminent',
  SPIKE_LIKELY: 'correlation spike likely',
  CORRELATION_BREAKDOWN: 'correlation breakdown',
  REGIME_CHANGE_PENDING: 'regime change pending',
}

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

/** What an alert marker's tooltip says: severity and type, probability, confidence, horizon, model version, outcome. */
export function alertLines(a: Alert): string[] {
  return [
    `${a.severity} ${ALERT_NAMES[a.type]} (p ${pct(a.probability)})${a.escalated ? ' · escalated' : ''}`,
    `confidence ${a.confidence.toFixed(2)} · horizon ${a.horizonHours} h → ${formatUtc(a.targetTime)}`,
    `model ${a.modelName} @ ${shortId(a.modelVersion)}`,
    a.outcome ? `outcome ${a.outcome}${a.resolvedAt !== undefined ? ` (resolved ${formatUtc(a.resolvedAt)})` : ''}` : `open until ${formatUtc(a.targetTime)}`,
    `${formatUtc(a.time)} · ${a.basket}${a.acknowledged ? ' · acknowledged' : ''}`,
  ]
}

/** Tooltip of the hovered bar's markers (its transition, then its alerts), placed next to the pointer in the pane. */
export function RegimeTooltip({ hovered }: { hovered: HoveredTransition | null }) {
  if (!hovered) return null
  const { point, alerts } = hovered
  return (
    <div
      className="regime-tooltip"
      data-testid="marker-tooltip"
      data-regime={point?.regime ?? ''}
      data-alerts={alerts.length}
      style={{ left: hovered.x + 14, top: Math.max(4, hovered.y - 40) }}
    >
      {point && <Lines lines={transitionLines(point)} head={`regime--${point.regime}`} />}
      {alerts.map((a, i) => (
        <div key={a.id} className="regime-tooltip__alert" data-testid="alert-tooltip" data-severity={a.severity} data-outcome={a.outcome ?? 'open'}>
          {(point || i > 0) && <div className="regime-tooltip__sep" />}
          <Lines lines={alertLines(a)} head={`alert-tooltip--${a.severity}`} />
        </div>
      ))}
    </div>
  )
}

function Lines({ lines, head }: { lines: string[]; head: string }) {
  return (
    <>
      <b className={`regime-tooltip__head ${head}`}>{lines[0]}</b>
      {lines.slice(1).map((l) => (
        <span key={l}>{l}</span>
      ))}
    </>
  )
}
