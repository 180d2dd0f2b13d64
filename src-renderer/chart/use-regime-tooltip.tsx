import type { Alert, PredictionPoint, SignalView } from '../../src-shared'
import { formatUtc, shortId } from '../format'
import { signalColor, signalLines } from './signal-markers'
import type { HoveredTransition } from './use-markers'
import './chart-signals.css'

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
    a.outcome
      ? `outcome ${a.outcome}${a.resolvedAt !== undefined ? ` (resolved ${formatUtc(a.resolvedAt)})` : ''}`
      : `open until ${formatUtc(a.targetTime)}`,
    `${formatUtc(a.time)} · ${a.basket}${a.acknowledged ? ' · acknowledged' : ''}`,
  ]
}

/**
 * Tooltip of the hovered bar's markers (its transition, its strategy signals, then its alerts), placed next to the
 * pointer in the pane (to its left near the right edge, above it in the lower part).
 */
export function RegimeTooltip({ hovered }: { hovered: HoveredTransition | null }) {
  if (!hovered) return null
  const { point, alerts, signals } = hovered
  return (
    <div
      className={`regime-tooltip${hovered.flip ? ' regime-tooltip--left' : ''}`}
      data-testid="marker-tooltip"
      data-regime={point?.regime ?? ''}
      data-alerts={alerts.length}
      data-signals={signals.length}
      style={{
        ...(hovered.flip ? { right: `calc(100% - ${hovered.x - 14}px)` } : { left: hovered.x + 14 }),
        ...(hovered.above ? { bottom: `calc(100% - ${hovered.y + 20}px)` } : { top: Math.max(4, hovered.y - 40) }),
      }}
    >
      {point && <Lines lines={transitionLines(point)} head={`regime--${point.regime}`} />}
      {signals.map((s, i) => (
        <SignalBlock key={s.id} s={s} separated={point !== undefined || i > 0} />
      ))}
      {alerts.map((a, i) => (
        <div
          key={a.id}
          className="regime-tooltip__alert"
          data-testid="alert-tooltip"
          data-severity={a.severity}
          data-outcome={a.outcome ?? 'open'}
        >
          {(point || signals.length > 0 || i > 0) && <div className="regime-tooltip__sep" />}
          <Lines lines={alertLines(a)} head={`alert-tooltip--${a.severity}`} />
        </div>
      ))}
    </div>
  )
}

/** One strategy signal of the hovered bar: its fields, the head in the side's colour (faded text when skipped). */
function SignalBlock({ s, separated }: { s: SignalView; separated: boolean }) {
  const [head, ...rest] = signalLines(s)
  return (
    <div
      className={`regime-tooltip__alert signal-tooltip signal-tooltip--${s.outcome}`}
      data-testid="signal-tooltip"
      data-id={s.id}
      data-side={s.side}
      data-outcome={s.outcome}
      data-ml={s.ml}
      data-ml-probability={s.mlProbability ?? ''}
      data-model={s.modelVersion ?? ''}
    >
      {separated && <div className="regime-tooltip__sep" />}
      <b className="regime-tooltip__head" style={{ color: signalColor({ side: s.side, outcome: 'taken' }) }}>
        {head}
      </b>
      {rest.map((l) => (
        <span key={l}>{l}</span>
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
