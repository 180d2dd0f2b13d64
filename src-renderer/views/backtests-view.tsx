import { EmptyState } from './empty-state'
import { ViewHeader } from './view-header'

/** Offline backtests: configuration, metrics, trades and equity. */
export function BacktestsView() {
  return (
    <section className="view" data-testid="view-backtests">
      <ViewHeader title="Backtests" />
      <EmptyState title="No backtests yet" testId="empty-backtests">
        <p>Completed backtests appear here with their configuration, metrics, trade list and equity curve, with ML enhancement on and off side by side.</p>
        <p>
          Run one with <code>armada backtest --strategy NAME --symbol S --timeframe TF --ml on</code>; it runs as a background job with progress in the status bar.
        </p>
      </EmptyState>
    </section>
  )
}
