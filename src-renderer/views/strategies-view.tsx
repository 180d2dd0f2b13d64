import { EmptyState } from './empty-state'
import { ViewHeader } from './view-header'

/** Strategies with their ML-enhancement toggle. */
export function StrategiesView() {
  return (
    <section className="view" data-testid="view-strategies">
      <ViewHeader title="Strategies" />
      <EmptyState title="No strategies configured yet" testId="empty-strategies">
        <p>Strategies such as Battle Navale appear here with their signals, parameters and a per-strategy switch for ML enhancement.</p>
        <p>Their signals are drawn on the chart once a strategy runs on a stored or live series.</p>
      </EmptyState>
    </section>
  )
}
