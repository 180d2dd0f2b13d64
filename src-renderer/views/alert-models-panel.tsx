import { ALERT_THRESHOLDS, ALERT_TYPES, type AlertModelStatus, type AlertStatus, type AlertType } from '../../src-shared'
import { formatMetric, formatUtc, shortId, timeZoneLabel } from '../format'
import { ALERT_TYPE_LABELS, severityOf } from '../stores'
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
      title={`S2 from ${pct(th.s2)}, S3 from ${pct(th.s3)}${m.lastScoredAt !== null ? ` · scored ${formatUtc(m.lastScoredAt)} ${timeZoneLabel()}` : ''}`}
    >
      {m.lastProbability !== null && <span className={`alert-pbar__fill alert-pbar__fill--${sev ?? 'none'}`} style={{ width: pct(m.lastProbability) }} />}
      <span className="alert-pbar__tick alert-pbar__tick--S2" style={{ left: pct(th.s2) }} />
      <span className="alert-pbar__tick alert-pbar__tick--S3" style={{ left: pct(th.s3) }} />
      <span className="alert-pbar__label">{m.lastProbability === null ? '—' : pct(m.lastProbability)}</span>
    </div>
  )
}

/** Validation AUC, and F1 next to the majority baseline's (coloured by which is higher). */
function Validation({ m }: { m: AlertModelStatus }) {
  const v = m.validation
  if (!v) return <span className="alert-cell__line">validation —</span>
  const beats = v.f1 > v.baselineF1
  return (
    <span className="alert-cell__line" title={`walk-forward validation${v.baseRate !== undefined ? `; positive base rate ${pct(v.baseRate)}` : ''}`} data-testid="alert-model-validation">
      AUC {formatMetric(v.rocAuc, 2)} · F1 <span className={beats ? 'alert-beats' : 'alert-loses'}>{formatMetric(v.f1, 2)}</span> vs base {formatMetric(v.baselineF1, 2)}
    </span>
  )
}

/** One (type, horizon) model: probability bar, validation, live hit rate and version; or why there is none. */
function ModelCell({ m }: { m: AlertModelStatus | undefined }) {
  if (!m) return <td className="alert-cell alert-cell--none">—</td>
  if (m.versionId === null) {
    return (
      <td className="alert-cell alert-cell--none" data-testid="alert-model-row" data-type={m.type} data-horizon={m.horizonHours} data-version="" title={m.reason}>
        <span className="alert-cell__line alert-cell__missing">no model</span>
        <span className="alert-cell__reason" data-testid="alert-model-reason">
          {m.reason ?? 'not registered'}
        </span>
      </td>
    )
  }
  return (
    <td className="alert-cell" data-testid="alert-model-row" data-type={m.type} data-horizon={m.horizonHours} data-version={m.versionId} title={`${m.modelName} @ ${m.versionId}`}>
      <ProbabilityBar m={m} />
      <Validation m={m} />
      <span className="alert-cell__line" title={`${m.fired} fired · ${m.resolved} resolved`}>
        live {m.hitRate === null ? '—' : `${pct(m.hitRate)} hits of ${m.resolved}`} · {m.fired} fired · {shortId(m.versionId).slice(0, 8)}
      </span>
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
        {status.open} open{status.lastScoredAt !== null && ` · last scored bar ${formatUtc(status.lastScoredAt)} ${timeZoneLabel()}`}
      </span>
      {error && <span className="alerts-basket__error">{error}</span>}
    </div>
  )
}

/** The alert models as a type × horizon grid: newest probability vs S2/S3, validation vs baseline, live hit rate. */
export function AlertModelsPanel({ status }: { status: AlertStatus | undefined }) {
  const models = status?.models ?? []
  const horizons = [...new Set(models.map((m) => m.horizonHours))].sort((a, b) => a - b)
  const find = (type: AlertType, h: number) => models.find((m) => m.type === type && m.horizonHours === h)
  return (
    <Panel title="Alert models" note="newest probability vs S2 / S3 ticks · walk-forward AUC, F1 vs majority baseline · live hit rate" testId="alert-models">
      {models.length === 0 ? (
        <div className="panel__empty">{status ? 'no alert models configured for the basket' : 'no status yet'}</div>
      ) : (
        <table className="table table--alert-models">
          <thead>
            <tr>
              <th>Type</th>
              {horizons.map((h) => (
                <th key={h}>{h} h</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ALERT_TYPES.filter((t) => models.some((m) => m.type === t)).map((t) => (
              <tr key={t}>
                <td className="strong" title={`${t}: S2 from ${pct(ALERT_THRESHOLDS[t].s2)}, S3 from ${pct(ALERT_THRESHOLDS[t].s3)}`}>
                  {ALERT_TYPE_LABELS[t]}
                  <div className="alert-cell__line">
                    S2 {pct(ALERT_THRESHOLDS[t].s2)} · S3 {pct(ALERT_THRESHOLDS[t].s3)}
                  </div>
                </td>
                {horizons.map((h) => (
                  <ModelCell key={h} m={find(t, h)} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  )
}
