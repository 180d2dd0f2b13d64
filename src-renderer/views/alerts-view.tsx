import { useState } from 'react'
import { ALERT_TYPES } from '../../src-shared'
import { useAlerts, useStores } from '../store-hooks'
import { isOpen } from '../stores'
import { AlertBasketEditor, AlertBasketTrain } from './alert-basket-editor'
import { AlertBasket, AlertModelsPanel } from './alert-models-panel'
import { AlertsFeed } from './alerts-feed'
import { AlertsFilters } from './alerts-filters'
import { EmptyState } from './empty-state'
import { ViewHeader } from './view-header'
import './alerts-view.css'

/**
 * Predictive alerts (DOMAIN.md §2): the live feed (newest first, filters, acknowledgement, resolved outcomes), the
 * basket the live loop scores and its models (newest probability vs thresholds, validation vs baseline, hit rate).
 */
export function AlertsView() {
  const alerts = useAlerts((s) => s.alerts)
  const state = useAlerts((s) => s.state)
  const error = useAlerts((s) => s.error)
  const ackError = useAlerts((s) => s.ackError)
  const status = useAlerts((s) => s.status)
  const statusError = useAlerts((s) => s.statusError)
  const store = useStores().alerts
  const [editing, setEditing] = useState(false)
  const open = alerts.reduce((n, a) => n + (isOpen(a) ? 1 : 0), 0)
  const unacked = alerts.reduce((n, a) => n + (a.acknowledged ? 0 : 1), 0)
  return (
    <section className="view" data-testid="view-alerts">
      <ViewHeader title="Alerts">
        <span className="view-header__meta" data-testid="alerts-summary" data-count={alerts.length}>
          {alerts.length} alerts · {open} open · {unacked} not acknowledged
        </span>
        <span className="view-header__meta alerts-keys">
          <kbd>↑</kbd>
          <kbd>↓</kbd>/<kbd>j</kbd>
          <kbd>k</kbd> move · <kbd>a</kbd> acknowledge · <kbd>Enter</kbd> chart
        </span>
        <button
          type="button"
          className="button"
          data-testid="alerts-refresh"
          disabled={state === 'loading'}
          onClick={() => {
            void store.getState().load()
            void store.getState().loadStatus()
          }}
        >
          Refresh
        </button>
      </ViewHeader>
      {(error ?? ackError) && (
        <div className="banner banner--error" data-testid="alerts-error">
          {ackError ? `Acknowledge failed: ${ackError}` : error}
        </div>
      )}
      <AlertBasket status={status} error={statusError} onEdit={() => setEditing(!editing)} />
      {editing && <AlertBasketEditor status={status} onClose={() => setEditing(false)} />}
      <AlertBasketTrain status={status} />
      <div className="alerts-body">
        <AlertModelsPanel status={status} />
        <div className="alerts-main">
          <AlertsFilters />
          {alerts.length === 0 && state !== 'error' ? (
            <EmptyState
              title={state === 'loading' || state === 'idle' ? 'Loading alerts…' : 'No alerts yet'}
              testId="empty-alerts"
            >
              <p>
                Alerts appear here as the live loop fires them, newest first, with their probability, confidence,
                horizon, target time and assets, and once the horizon has passed, whether they hit.
              </p>
              <p>
                {status?.state === 'scoring'
                  ? 'The basket is being scored: an alert fires when a model’s probability crosses its S2 threshold (the bars in Alert models).'
                  : status?.state === 'off'
                    ? `Alerts are off: ${status.detail ?? 'no basket'}. The built-in demo (the app started without a feed of its own) scores a real alt/BTC basket with shipped models; choose a basket of your own stored series with Change basket…, then Train alert models.`
                    : status?.detail
                      ? `Not scoring yet: ${status.detail}`
                      : 'They are raised on live or replayed bars of a basket once alert models are registered (Train alert models above, or armada train alerts).'}
              </p>
              <p className="empty__list">
                {ALERT_TYPES.map((t) => (
                  <code key={t}>{t}</code>
                ))}
              </p>
            </EmptyState>
          ) : (
            <AlertsFeed />
          )}
        </div>
      </div>
    </section>
  )
}
