import { formatMetric } from '../format'
import { useModels, useStores } from '../store-hooks'

/** One chip per model name: champion F1 next to its best baseline, health dot, version count. */
export function ModelTabs() {
  const models = useModels((s) => s.models)
  const selected = useModels((s) => s.selectedName)
  const { models: store } = useStores()
  return (
    <div className="model-tabs" role="tablist" aria-label="Models" data-testid="model-tabs">
      {models.map((m) => {
        const v = m.champion?.validation
        const best = Math.max(m.champion?.baselines?.majority?.f1 ?? -1, m.champion?.baselines?.persistence?.f1 ?? -1)
        const below = v && best >= 0 && typeof v.f1 === 'number' && v.f1 <= best
        return (
          <button
            key={m.name}
            type="button"
            role="tab"
            aria-selected={m.name === selected}
            className="model-tab"
            data-testid="model-tab"
            data-name={m.name}
            onClick={() => void store.getState().select(m.name)}
          >
            <span
              className={`health-dot health-dot--${m.health?.health ?? 'unknown'}`}
              title={m.health ? `health: ${m.health.health}` : 'no drift check yet'}
            />
            <span className="model-tab__name">{m.name}</span>
            <span className="model-tab__meta">
              {m.versions} v · F1 <b className={below ? 'metric__loses' : undefined}>{formatMetric(v?.f1)}</b>
            </span>
          </button>
        )
      })}
    </div>
  )
}
