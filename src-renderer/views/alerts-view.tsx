import { ALERT_TYPES } from '../../src-shared'
import { EmptyState } from './empty-state'
import { ViewHeader } from './view-header'

/** Predictive alerts (DOMAIN.md §2); empty until an alerts model runs on live bars. */
export function AlertsView() {
  return (
    <section className="view" data-testid="view-alerts">
      <ViewHeader title="Alerts" />
      <EmptyState title="No alerts yet" testId="empty-alerts">
        <p>Predictive alerts appear here with their probability, confidence, horizon and, once the horizon has passed, whether they hit.</p>
        <p>They are raised by the alerts predictor on live or replayed bars once an alerts model is registered and promoted.</p>
        <p className="empty__list">{ALERT_TYPES.map((t) => <code key={t}>{t}</code>)}</p>
      </EmptyState>
    </section>
  )
}
