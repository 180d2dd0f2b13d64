import { useMemo } from 'react'
import { ALERT_THRESHOLDS } from '../../src-shared'
import { useAlerts, useStores } from '../store-hooks'
import { ALERT_TYPE_LABELS, severityOf, summarizeAlertTypes } from '../stores'

const pct = (v: number) => `${(100 * v).toFixed(0)}%`

/**
 * The forecast card's alert lines: per alert type the highest newest probability over its horizons (coloured when it
 * is at S2/S3) and its open alerts; a click opens the Alerts view filtered to the type.
 */
export function ForecastAlerts() {
  const status = useAlerts((s) => s.status)
  const alerts = useAlerts((s) => s.alerts)
  const rows = useMemo(() => summarizeAlertTypes(status, alerts), [status, alerts])
  const stores = useStores()
  return (
    <div className="forecast-alerts" data-testid="forecast-alerts" data-state={status?.state ?? 'unknown'}>
      <div className="forecast-card__head">
        <b>Alerts</b>
        <span className="forecast-card__age" title={status?.detail}>
          {status ? `${status.basket ?? 'no basket'} · ${status.state}` : 'no status'}
        </span>
      </div>
      {rows.map((r) => {
        const sev = severityOf(r.type, r.probability)
        const th = ALERT_THRESHOLDS[r.type]
        return (
          <button
            type="button"
            key={r.type}
            className="forecast-alert"
            data-testid={`forecast-alert-${r.type}`}
            data-probability={r.probability ?? ''}
            data-open={r.open}
            title={`${r.type}: newest probability${r.horizonHours !== null ? ` (${r.horizonHours} h model)` : ''}; S2 from ${pct(th.s2)}, S3 from ${pct(th.s3)}. Open the Alerts view.`}
            onClick={() => {
              stores.alerts.getState().setFilters({ type: r.type, status: 'open' })
              stores.navigation.getState().show('alerts')
            }}
          >
            <span>{ALERT_TYPE_LABELS[r.type]}</span>
            {r.models === 0 && status ? (
              <span className="forecast-alert__none">no model</span>
            ) : r.models === r.muted && status ? (
              <span
                className="forecast-alert__none"
                title="no model of this type beat its baselines on walk-forward: muted (Alerts view → Unmute)"
              >
                muted
              </span>
            ) : (
              <>
                <span className={`forecast-alert__p${sev ? ` forecast-alert__p--${sev}` : ''}`}>
                  {r.probability === null ? '—' : pct(r.probability)}
                </span>
                <span className="forecast-alert__h">{r.horizonHours === null ? '' : `${r.horizonHours} h`}</span>
              </>
            )}
            <span className={`forecast-alert__open${r.open > 0 ? ' forecast-alert__open--some' : ''}`}>
              {r.open} open
            </span>
          </button>
        )
      })}
    </div>
  )
}
