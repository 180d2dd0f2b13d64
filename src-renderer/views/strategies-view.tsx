import { STRATEGY_CATALOG } from '../../src-shared'
import { useLiveStrategies, useStrategies } from '../store-hooks'
import { StrategyPanel } from './strategy-panel'
import { ViewHeader } from './view-header'
import './strategies-view.css'

/** The shipped strategies: what each trades on, its parameters, its ML-enhancement switch and its latest backtest. */
export function StrategiesView() {
  const error = useStrategies((s) => s.error)
  const loaded = useStrategies((s) => s.loaded)
  const liveError = useLiveStrategies((s) => s.error)
  return (
    <section className="view" data-testid="view-strategies" data-loaded={loaded}>
      <ViewHeader title="Strategies">
        <span className="view-header__meta">ML switches persist in the workstation database</span>
      </ViewHeader>
      {error && (
        <div className="banner banner--error" data-testid="strategies-error">
          {error}
        </div>
      )}
      {liveError && (
        <div className="banner banner--error" data-testid="live-strategies-error">
          Live strategies and paper accounts could not be read: {liveError}
        </div>
      )}
      <div className="panel-grid strategies-grid">
        {STRATEGY_CATALOG.map((s) => (
          <StrategyPanel key={s.name} strategy={s} />
        ))}
      </div>
    </section>
  )
}
