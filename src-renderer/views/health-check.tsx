import type { ModelHealthPoint } from '../../src-shared'
import { healthCheckText, PSI_MEANING } from '../format'

/** The newest drift check in words: its verdict, which version, which rows against which reference, and what PSI means. */
export function HealthCheck({ point }: { point: ModelHealthPoint }) {
  const t = healthCheckText(point)
  return (
    <div className="health-check" data-testid="health-check" data-health={point.health} data-version={point.versionId}>
      <div className="health-check__head">
        <b className={`health-check__verdict health-check__verdict--${point.health}`}>{point.health}</b> ·{' '}
        <span data-testid="health-check-version">{t.version}</span>
      </div>
      <dl className="health-check__facts">
        <dt>data</dt>
        <dd data-testid="health-check-data">{t.data}</dd>
        <dt>against</dt>
        <dd data-testid="health-check-reference">{t.reference}</dd>
        <dt>drift</dt>
        <dd data-testid="health-check-psi" title={PSI_MEANING}>
          {t.psi}
        </dd>
      </dl>
      <div className="health-check__meaning">{PSI_MEANING}.</div>
      <div className="health-check__reasons" data-testid="health-check-reasons">
        {point.reasons.length ? point.reasons.join(' · ') : `${point.rows} rows checked: no drift, no anomaly`}
      </div>
    </div>
  )
}
