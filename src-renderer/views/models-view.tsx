import { useModels, useStores } from '../store-hooks'
import { AliasDialog } from './alias-dialog'
import { EmptyState } from './empty-state'
import { ModelDetailPanel } from './model-detail'
import { ModelTabs } from './model-tabs'
import { TrainModelForm } from './train-model-form'
import { ViewHeader } from './view-header'
import './models-view.css'

/** Model registry: train on stored bars, versions vs baselines, aliases with history, calibration, importance, health. */
export function ModelsView() {
  const models = useModels((s) => s.models)
  const listState = useModels((s) => s.listState)
  const listError = useModels((s) => s.listError)
  const detail = useModels((s) => s.detail)
  const detailError = useModels((s) => s.detailError)
  const trainOpen = useModels((s) => s.trainOpen)
  const { models: store } = useStores()
  const versions = models.reduce((a, m) => a + m.versions, 0)
  return (
    <section className="view" data-testid="view-models">
      <ViewHeader title="Models">
        <span className="view-header__meta" data-testid="models-summary">
          {models.length} models · {versions} versions
        </span>
        <button
          type="button"
          className="button"
          data-testid="train-toggle"
          aria-expanded={trainOpen}
          onClick={store.getState().toggleTrain}
        >
          Train model…
        </button>
        <button
          type="button"
          className="button"
          data-testid="models-refresh"
          onClick={() => void store.getState().load()}
          disabled={listState === 'loading'}
        >
          Refresh
        </button>
      </ViewHeader>
      {trainOpen && <TrainModelForm />}
      {(listError ?? detailError) && (
        <div className="banner banner--error" data-testid="models-error">
          {listError ?? detailError}
        </div>
      )}
      {models.length === 0 && listState === 'ready' ? (
        <EmptyState title="No models registered yet" testId="empty-models">
          <p>
            Train one with <b>Train model…</b> above: a regime model (bearish / neutral / bullish, DOMAIN.md §1) on a
            stored series, validated walk-forward next to the majority-class and persistence baselines. It then appears
            here with its calibration, feature importance, aliases and health.
          </p>
          <p>
            Models trained elsewhere (scikit-learn, LightGBM, XGBoost or PyTorch, as ONNX with a card) are imported from
            a terminal with <code>armada models import</code>.
          </p>
        </EmptyState>
      ) : (
        <div className="models" data-testid="models-body">
          <ModelTabs />
          {detail && <ModelDetailPanel detail={detail} />}
        </div>
      )}
      <AliasDialog />
    </section>
  )
}
