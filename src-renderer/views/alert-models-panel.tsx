import {
  ALERT_THRESHOLDS,
  ALERT_TYPES,
  type AlertModelStatus,
  type AlertStatus,
  type AlertType,
} from '../../src-shared'
import { formatMetric, formatUtc, shortId, timeZoneLabel } from '../format'
import { useAlerts } from '../store-hooks'
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
      {m.lastProbability !== null && (
        <span
          className={`alert-pbar__fill alert-pbar__fill--${sev ?? 'none'}`}
          style={{ width: pct(m.lastProbability) }}
        />
      )}
      <span className="alert-pbar__tick alert-pbar__tick--S2" style={{ left: pct(th.s2) }} />
      <span className="alert-pbar__tick alert-pbar__tick--S3" style={{ left: pct(th.s3) }} />
      <span className="alert-pbar__label">{m.lastProbability === null ? '—' : pct(m.lastProbability)}</span>
    </div>
  )
}

/** Validation AUC, F1 and log loss next to the majority baseline's (coloured by which is better). */
function Validation({ m }: { m: AlertModelStatus }) {
  const v = m.validation
  if (!v) return <span className="alert-cell__line">validation —</span>
  const beats = v.f1 > v.baselineF1
  const ll =
    v.logLoss !== undefined && v.baselineLogLoss !== undefined
      ? { beats: v.logLoss < v.baselineLogLoss, v: v.logLoss, base: v.baselineLogLoss }
      : undefined
  return (
    <span
      className="alert-cell__line"
      title={`walk-forward validation vs the majority class${v.persistenceF1 !== undefined ? ` (label of t−H F1 ${formatMetric(v.persistenceF1, 3)})` : ''}${v.baseRate !== undefined ? `; positive base rate ${pct(v.baseRate)}` : ''}`}
      data-testid="alert-model-validation"
    >
      AUC {formatMetric(v.rocAuc, 2)} · F1{' '}
      <span className={beats ? 'alert-beats' : 'alert-loses'}>{formatMetric(v.f1, 2)}</span>/
      {formatMetric(v.baselineF1, 2)}
      {ll && (
        <>
          {' '}
          · LL <span className={ll.beats ? 'alert-beats' : 'alert-loses'}>{formatMetric(ll.v, 2)}</span>/
          {formatMetric(ll.base, 2)}
        </>
      )}
    </span>
  )
}

/**
 * Whether the model fires: "no skill — muted" (DOMAIN.md §2: it did not beat its baselines on walk-forward) or "muted by
 * you", with the walk-forward comparison as the tooltip and a button to unmute or mute it.
 */
function MuteLine({ m }: { m: AlertModelStatus }) {
  const setMuted = useAlerts((s) => s.setMuted)
  const busy = useAlerts((s) => s.muting.includes(m.modelName))
  const noSkill = m.skill !== undefined && !m.skill.skill
  const label = m.muted
    ? noSkill
      ? 'no skill — muted'
      : 'muted by you'
    : noSkill
      ? 'no skill — unmuted by you'
      : m.skill
        ? 'skill — fires'
        : 'fires'
  const why = m.skill ? `walk-forward: ${m.skill.detail}` : 'no walk-forward record: skill unknown'
  return (
    <span
      className={`alert-cell__line alert-mute${m.muted ? ' alert-mute--muted' : ''}`}
      data-testid="alert-model-mute"
      data-muted={m.muted}
      title={why}
    >
      <span className={`badge alert-mute__badge${m.muted ? ' alert-mute__badge--muted' : ''}`}>{label}</span>
      <button
        type="button"
        className="button button--small alert-mute__button"
        data-testid="alert-model-mute-button"
        disabled={busy}
        aria-label={`${m.muted ? 'Unmute' : 'Mute'} ${m.modelName}`}
        onClick={() => void setMuted(m.modelName, !m.muted)}
      >
        {m.muted ? 'Unmute' : 'Mute'}
      </button>
    </span>
  )
}

/** One (type, horizon) model: probability bar, validation, live hit rate and version; or why there is none. */
function ModelCell({ m }: { m: AlertModelStatus | undefined }) {
  if (!m) return <td className="alert-cell alert-cell--none">—</td>
  if (m.versionId === null) {
    return (
      <td
        className="alert-cell alert-cell--none"
        data-testid="alert-model-row"
        data-type={m.type}
        data-horizon={m.horizonHours}
        data-version=""
        title={m.reason}
      >
        <span className="alert-cell__line alert-cell__missing">no model</span>
        <span className="alert-cell__reason" data-testid="alert-model-reason">
          {m.reason ?? 'not registered'}
        </span>
      </td>
    )
  }
  return (
    <td
      className={`alert-cell${m.muted ? ' alert-cell--muted' : ''}`}
      data-testid="alert-model-row"
      data-type={m.type}
      data-horizon={m.horizonHours}
      data-version={m.versionId}
      data-muted={m.muted}
      data-fired={m.fired}
      data-model={m.modelName}
      title={`${m.modelName} @ ${m.versionId}${m.trainingWindow ? ` · trained on ${formatUtc(m.trainingWindow.from)} → ${formatUtc(m.trainingWindow.to)} UTC` : ''}`}
    >
      <ProbabilityBar m={m} />
      <Validation m={m} />
      <MuteLine m={m} />
      <span
        className="alert-cell__line"
        title={`${m.fired} ${m.muted ? 'would have fired (muted: stored, not shown)' : 'fired'} · ${m.resolved} resolved`}
      >
        live {m.hitRate === null ? '—' : `${pct(m.hitRate)} hits of ${m.resolved}`} · {m.fired}{' '}
        {m.muted ? 'muted' : 'fired'} · {shortId(m.versionId).slice(0, 8)}
      </span>
    </td>
  )
}

/** The basket the live loop scores and its state. */
export function AlertBasket({
  status,
  error,
  onEdit,
}: {
  status: AlertStatus | undefined
  error?: string
  onEdit?: () => void
}) {
  if (!status)
    return (
      <div className="alerts-basket" data-testid="alerts-basket" data-state="unknown">
        {error ?? 'reading the alert loop’s status…'}
      </div>
    )
  return (
    <div
      className={`alerts-basket alerts-basket--${status.state}`}
      data-testid="alerts-basket"
      data-state={status.state}
    >
      <span className={`badge alerts-state alerts-state--${status.state}`} data-testid="alerts-state">
        {status.state}
      </span>
      <span className="alerts-basket__name" data-testid="alerts-basket-name">
        {status.basket ?? 'no basket'}
      </span>
      {status.source && (
        <span className="alerts-basket__source" data-testid="alerts-basket-source" data-source={status.source}>
          {status.source === 'trader' ? 'your basket' : status.source === 'embedded' ? 'demo basket' : 'configured'}
        </span>
      )}
      {status.timeframe && <span className="mono">{status.timeframe}</span>}
      {status.venue && <span className="mono">{status.venue}</span>}
      {status.assets.length > 0 && <span className="alerts-basket__assets mono">{status.assets.join(' ')}</span>}
      {status.detail && (
        <span className="alerts-basket__detail" data-testid="alerts-detail">
          {status.detail}
        </span>
      )}
      <span className="alerts-basket__meta mono">
        {status.open} open
        {status.lastScoredAt !== null && ` · last scored bar ${formatUtc(status.lastScoredAt)} ${timeZoneLabel()}`}
      </span>
      {error && <span className="alerts-basket__error">{error}</span>}
      {onEdit && (
        <button type="button" className="button button--small" data-testid="alerts-basket-edit" onClick={onEdit}>
          Change basket…
        </button>
      )}
    </div>
  )
}

/** The alert models as a type × horizon grid: newest probability vs S2/S3, validation vs baseline, live hit rate. */
export function AlertModelsPanel({ status }: { status: AlertStatus | undefined }) {
  const muteError = useAlerts((s) => s.muteError)
  const models = status?.models ?? []
  const horizons = [...new Set(models.map((m) => m.horizonHours))].sort((a, b) => a - b)
  const find = (type: AlertType, h: number) => models.find((m) => m.type === type && m.horizonHours === h)
  return (
    <Panel
      title="Alert models"
      note="newest probability vs S2 / S3 ticks · walk-forward AUC, F1 and log loss (model/majority) · skill or muted · live hit rate"
      testId="alert-models"
    >
      {muteError && (
        <div className="banner banner--error" data-testid="alert-mute-error">
          Mute failed: {muteError}
        </div>
      )}
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
                <td
                  className="strong"
                  title={`${t}: S2 from ${pct(ALERT_THRESHOLDS[t].s2)}, S3 from ${pct(ALERT_THRESHOLDS[t].s3)}`}
                >
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
