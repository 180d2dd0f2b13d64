import { EmptyState } from './empty-state'
import { ViewHeader } from './view-header'

/** Model registry: versions, aliases, metrics and drift. */
export function ModelsView() {
  return (
    <section className="view" data-testid="view-models">
      <ViewHeader title="Models" />
      <EmptyState title="No models registered yet" testId="empty-models">
        <p>Registered ONNX model versions appear here with their model card, validation metrics against naive baselines, aliases and drift reports.</p>
        <p>
          Train one on stored bars with <code>armada train PREDICTOR --symbol S --timeframe TF</code>, or import one with{' '}
          <code>armada models import M.onnx --card card.json</code>.
        </p>
      </EmptyState>
    </section>
  )
}
