import type { AlertModelStatus, AlertStatus } from '../../src-shared'
import { formatMetric, formatUtc, shortId } from '../format'
import { ALERT_THRESHOLDS, ALERT_TYPE_LABELS, severityOf } from '../stores'
import { Panel } from './panel'

const pct = (v: number) => `${(100 * v).toFixed(0)}%`

/** The newest probability as a bar in [0, 1] with ticks at the type's S2 and S3 thresholds (DOMAIN.md §2). */
function ProbabilityBar({ m }: { m: AlertModelStatus }) {
  const th = ALERT_THRESHOLDS[m.type]
  const sev = severityOf(m.type, m.lastProbability)
  return (
    <div
      className="alert-pbar"
      data-testid="alert-model-pbar"
      data-probability={m.lastProbability ?? ''}
      title={`S2 from ${pct(th.s2)}, S3 from ${pct(th.s3)}${m.lastScoredAt !== null ? ` · scored ${formatUtc(m.lastScoredAt)} UTC` : ''}`}
    >
      {m.lastProbability !== null && <span className={`alert-pbar__fill alert-pbar__fill--${sev ?? 'none'}`} style={{ width: pct(m.lastProbability) }} />}
      <span className="alert-pbar__tick alert-pbar__tick--S2" style={{ left: pct(th.s2) }} />
      <span className="alert-pbar__tick alert-pbar__tick--S3" style={{ left: pct(th.s3) }} />
      <span className="alert-pbar__label">{m.lastProbability === null ? '—' : pct(m.lastProbability)}</span>
    </div>
  )
}

/** Validation F1 next to the majority baseline's, coloured by which is higher. */
function Validation({ m }: { m: AlertModelStatus }) {
  const v = m.validation
  if (!v) return <td className="mono">—</td>
  const beats = v.f1 > v.baselineF1
  return (
    <td className="mono" title={v.baseRate !== undefined ? `positive base rate ${pct(v.baseRate)}` : undefined}>
      AUC {formatMetric(v.rocAuc, 2)} · F1 <span className={beats ? 'alert-beats' : 'alert-loses'}>{formatMetric(v.f1, 2)}</span> vs {formatMetric(v.baselineF1, 2)}
    </td>
  )
}

/** The basket the live loop scores and its state. */
export function AlertBasket({ status, error }: { status: AlertStatus | undefined; error?: string }) {
  if (!status) return <div className="alerts-basket" data-testid="alerts-basket" data-state="unknown">{error ?? 'reading the alert loop’s status…'}</div>
  return (
    <div className={`alerts-basket alerts-basket--${status.state}`} data-testid="alerts-basket" data-state={status.state}>
      <span className={`badge alerts-state alerts-state--${status.state}`} data-testid="alerts-state">
        {status.state}
      </span>
      <span className="alerts-basket__name">{status.basket ?? 'no basket'}</span>
      {status.timeframe && <span className="mono">{status.timeframe}</span>}
      {status.assets.length > 0 && <span className="alerts-basket__assets mono">{status.assets.join(' ')}</span>}
      {status.detail && <span className="alerts-basket__detail" data-testid="alerts-detail">{status.detail}</span>}
      <span className="alerts-basket__meta mono">
        {status.open} open{status.lastScoredAt !== null && ` · last scored bar ${formatUtc(status.lastScoredAt)} UTC`}
      </span>
      {error && <span className="alerts-basket__error">{error}</span>}
    </div>
  )
}

/** Per (type, horizon) model: newest probability against the thresholds, validation vs baseline, live hit rate. */
export function AlertModelsPanel({ status }: { status: AlertStatus | undefined }) {
  const models = status?.models ?? []
  return (
    <Panel title="Alert models" note="newest probability vs S2/S3 · walk-forward F1 vs majority baseline · live hit rate" testId="alert-models">
      {models.length === 0 ? (
        <div className="panel__empty">{status ? 'no alert models configured for the basket' : 'no status yet'}</div>
      ) : (
        <table className="table table--alert-models">
          <thead>
            <tr>
              <th>Type</th>
              <th className="num">H</th>
              <th>Probability</th>
              <th>Validation</th>
              <th className="num">Live hits</th>
              <th>Version</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={`${m.type}-${m.horizonHours}`} data-testid="alert-model-row" data-type={m.type} data-horizon={m.horizonHours} data-version={m.versionId ?? ''}>
                <td title={m.type}>{ALERT_TYPE_LABELS[m.type]}</td>
                <td className="num">{m.horizonHours} h</td>
                {m.versionId === null ? (
                  <td colSpan={3} className="alert-model-missing" data-testid="alert-model-reason">
                    {m.reason ?? 'no model registered'}
                  </td>
                ) : (
                  <>
                    <td>
                      <ProbabilityBar m={m} />
                    </td>
                    <Validation m={m} />
                    <td className="num" title={`${m.fired} fired · ${m.resolved} resolved`}>
                      {m.hitRate === null ? `— (${m.fired} fired)` : `${pct(m.hitRate)} of ${m.resolved}`}
                    </td>
                  </>
                )}
                <td className="mono" title={m.versionId ? `${m.modelName} @ ${m.versionId}` : m.modelName}>
                  {m.versionId ? shortId(m.versionId).slice(0, 8) : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  )
}
