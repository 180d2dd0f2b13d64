import { useNotifications, useStores } from '../store-hooks'
import { showSignalOnChart } from '../stores'
import './notifications-tray.css'

/**
 * Short-lived messages in the bottom-right corner above the status bar (a strategy signal taken live): announced to
 * screen readers, each with "Chart" (centres the chart on the signal's bar) and a close button; they go by themselves.
 */
export function NotificationsTray() {
  const items = useNotifications((s) => s.items)
  const stores = useStores()
  return (
    <div className="notifications" role="status" aria-live="polite" data-testid="notifications">
      {items.map((n) => (
        <div
          key={n.id}
          className={`notification notification--${n.tone}`}
          data-testid="notification"
          data-signal={n.signal?.id ?? ''}
        >
          <div className="notification__text">
            <b className="notification__title">
              {n.title}
              {n.count > 1 && (
                <span className="notification__count" title={`${n.count} signals taken since this message appeared`}>
                  ×{n.count}
                </span>
              )}
            </b>
            <span className="notification__detail">{n.detail}</span>
          </div>
          <div className="notification__actions">
            {n.signal && (
              <button
                type="button"
                className="button button--small"
                data-testid="notification-chart"
                title="Show the signal’s bar on the chart"
                onClick={() => {
                  stores.notifications.getState().dismiss(n.id)
                  void showSignalOnChart(stores, n.signal!)
                }}
              >
                Chart
              </button>
            )}
            <button
              type="button"
              className="notification__close"
              aria-label="Dismiss"
              data-testid="notification-dismiss"
              onClick={() => stores.notifications.getState().dismiss(n.id)}
            >
              ×
            </button>
          </div>
        </div>
      ))}
    </div>
  )
}
