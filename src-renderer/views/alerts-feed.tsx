import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react'
import type { Alert } from '../../src-shared'
import { formatMetric, formatUtc, formatUtcShort, shortId, timeZoneLabel } from '../format'
import { useAlerts, useStores } from '../store-hooks'
import { ALERT_TYPE_LABELS, filterAlerts, showAlertOnChart } from '../stores'

const pct = (v: number) => `${(100 * v).toFixed(0)}%`

/** Keys of the feed: ↓/j and ↑/k move, Home/End jump; `a` acknowledges the selected alert, Enter shows it on the chart. */
const MOVES: Readonly<Record<string, number>> = {
  ArrowDown: 1,
  j: 1,
  ArrowUp: -1,
  k: -1,
  PageDown: 10,
  PageUp: -10,
  Home: -Infinity,
  End: Infinity,
}

/** The outcome cell: open until the horizon passes, then hit or miss with the resolution time. */
function Outcome({ a }: { a: Alert }) {
  if (!a.outcome)
    return (
      <span
        className="alert-outcome alert-outcome--open"
        title={`resolved at ${formatUtc(a.targetTime)} ${timeZoneLabel()}`}
      >
        open
      </span>
    )
  return (
    <span className="alert-outcome-cell">
      <span className={`badge alert-outcome alert-outcome--${a.outcome}`} data-testid="alert-outcome">
        {a.outcome}
      </span>
      {a.resolvedAt !== undefined && (
        <span className="mono" title={`resolved ${formatUtc(a.resolvedAt)} ${timeZoneLabel()}`}>
          {formatUtcShort(a.resolvedAt)}
        </span>
      )}
    </span>
  )
}

/** One alert: severity, type, times, probability and confidence, horizon, assets, model, outcome, acknowledgement. */
function AlertRow({ a, selected, tabbable, busy }: { a: Alert; selected: boolean; tabbable: boolean; busy: boolean }) {
  const stores = useStores()
  const { select, acknowledge } = stores.alerts.getState()
  return (
    <tr
      data-testid="alert-row"
      data-id={a.id}
      data-severity={a.severity}
      data-type={a.type}
      data-acknowledged={a.acknowledged}
      data-outcome={a.outcome ?? 'open'}
      className={`alert-row alert-row--${a.severity}${a.acknowledged ? ' alert-row--acked' : ''}`}
      tabIndex={tabbable ? 0 : -1}
      aria-selected={selected}
      onClick={() => select(a.id)}
      onFocus={() => select(a.id)}
      onDoubleClick={() => showAlertOnChart(stores, a)}
    >
      <td>
        <span className={`badge alert-severity alert-severity--${a.severity}`} data-testid="alert-severity">
          {a.severity}
        </span>
        {a.escalated && (
          <span
            className="alert-escalated"
            title="escalated: two S2 of this type within 30 min"
            data-testid="alert-escalated"
          >
            ↑esc
          </span>
        )}
      </td>
      <td className="strong" title={a.type}>
        {ALERT_TYPE_LABELS[a.type]}
      </td>
      <td className="mono" title={`${formatUtc(a.time)} ${timeZoneLabel()}`}>
        {formatUtcShort(a.time)}
      </td>
      <td className="num alert-p" title={`rf ${formatMetric(a.pRf, 2)} · gbdt ${formatMetric(a.pGbdt, 2)}`}>
        {pct(a.probability)}
      </td>
      <td className="num">{formatMetric(a.confidence, 2)}</td>
      <td
        className="mono"
        title={`horizon ${a.horizonHours} h: resolved at ${formatUtc(a.targetTime)} ${timeZoneLabel()}`}
      >
        <span className="alert-h">{a.horizonHours} h</span> → {formatUtcShort(a.targetTime)}
      </td>
      <td className="alert-assets" title={a.assets.join(', ')}>
        {a.assets.slice(0, 2).join(' ')}
        {a.assets.length > 2 && <span className="alert-assets__more"> +{a.assets.length - 2}</span>}
      </td>
      <td className="mono alert-model" title={`${a.modelName} @ ${a.modelVersion}`}>
        {shortId(a.modelVersion).slice(0, 8)} <span className="alert-model__name">{a.modelName}</span>
      </td>
      <td>
        <Outcome a={a} />
      </td>
      <td className="actions">
        <span className="alert-actions">
          <button
            type="button"
            className="button button--small button--ghost"
            data-testid="alert-show-chart"
            title="Show on the chart (Enter)"
            tabIndex={-1}
            onClick={(e) => {
              e.stopPropagation()
              showAlertOnChart(stores, a)
            }}
          >
            Chart
          </button>
          {a.acknowledged ? (
            <span
              className="alert-acked"
              data-testid="alert-acked"
              title={
                a.acknowledgedAt !== undefined
                  ? `acknowledged ${formatUtc(a.acknowledgedAt)} ${timeZoneLabel()}`
                  : 'acknowledged'
              }
            >
              ✓ ack’d
            </span>
          ) : (
            <button
              type="button"
              className="button button--small"
              data-testid="alert-ack"
              title="Acknowledge (A)"
              disabled={busy}
              tabIndex={-1}
              onClick={(e) => {
                e.stopPropagation()
                select(a.id)
                void acknowledge(a.id)
              }}
            >
              {busy ? 'ack…' : 'Ack'}
            </button>
          )}
        </span>
      </td>
    </tr>
  )
}

/** The live feed, newest first, filtered; keyboard: ↓/j ↑/k move, `a` acknowledges. */
export function AlertsFeed() {
  const all = useAlerts((s) => s.alerts)
  const filters = useAlerts((s) => s.filters)
  const selectedId = useAlerts((s) => s.selectedId)
  const acknowledging = useAlerts((s) => s.acknowledging)
  const stores = useStores()
  const { alerts } = stores
  const shown = useMemo(() => filterAlerts(all, filters), [all, filters])
  const body = useRef<HTMLTableSectionElement>(null)

  // Focus follows the selection while the feed has focus (keyboard moves), never steals it from elsewhere.
  useEffect(() => {
    const tb = body.current
    if (!tb || !tb.contains(document.activeElement)) return
    const row = tb.querySelector<HTMLElement>(`tr[aria-selected="true"]`)
    if (row && row !== document.activeElement) row.focus()
  }, [selectedId, shown])

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return
    const delta = MOVES[e.key]
    if (delta !== undefined) {
      e.preventDefault()
      alerts.getState().move(Number.isFinite(delta) ? delta : delta > 0 ? shown.length : -shown.length)
      return
    }
    if (e.key === 'Enter' && e.target instanceof HTMLTableRowElement) {
      const a = shown.find((x) => x.id === alerts.getState().selectedId)
      if (a) {
        e.preventDefault()
        showAlertOnChart(stores, a)
      }
      return
    }
    if (e.key === 'a' || e.key === 'A') {
      const id = alerts.getState().selectedId
      if (id) {
        e.preventDefault()
        void alerts.getState().acknowledge(id)
      }
    }
  }

  if (all.length > 0 && shown.length === 0) {
    return (
      <div className="panel__empty" data-testid="alerts-none-shown">
        No alert matches these filters ({all.length} in the feed).{' '}
        <button
          type="button"
          className="button button--small"
          onClick={() =>
            alerts
              .getState()
              .setFilters({ type: 'all', severity: 'all', status: 'all', acknowledged: 'all', symbol: '' })
          }
        >
          Clear filters
        </button>
      </div>
    )
  }
  const focusable = shown.some((a) => a.id === selectedId)
  return (
    <div className="table-wrap alerts-feed" onKeyDown={onKey} data-testid="alerts-feed" data-count={shown.length}>
      <table className="table table--alerts">
        <thead>
          <tr>
            <th>Sev</th>
            <th>Type</th>
            <th>Time ({timeZoneLabel()})</th>
            <th className="num">p</th>
            <th className="num">Conf</th>
            <th>Horizon → target</th>
            <th>Assets</th>
            <th>Model</th>
            <th>Outcome</th>
            <th />
          </tr>
        </thead>
        <tbody ref={body}>
          {shown.map((a, i) => (
            <AlertRow
              key={a.id}
              a={a}
              selected={a.id === selectedId}
              tabbable={focusable ? a.id === selectedId : i === 0}
              busy={acknowledging.includes(a.id)}
            />
          ))}
        </tbody>
      </table>
    </div>
  )
}
