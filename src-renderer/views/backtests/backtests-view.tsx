import { useEffect, useState } from 'react'
import { useStores } from '../../store-hooks'
import type { AppStores } from '../../stores'
import { formatUtc } from '../../format'
import { Panel } from '../panel'
import { ViewHeader } from '../view-header'
import { BacktestForm } from './backtest-form'
import { BacktestRuns } from './backtest-runs'
import { EquityChart } from './equity-chart'
import { MetricsTable, MlActivity, PromotionChecks } from './metrics-table'
import { RunFacts } from './run-facts'
import { SweepsPanel } from './sweeps-panel'
import { TradesPanel } from './trades-table'
import { EmptyState } from '../empty-state'
import type { BacktestsStore } from '../../stores/backtests-store'
import { BacktestsStoreContext, useBacktests, useWiredBacktestsStore } from './use-backtests'
import './backtests-view.css'

/** Offline backtests: run form with progress, past runs, equity with and without ML, drawdown, metrics, trades. */
export function BacktestsView() {
  const store = useWiredBacktestsStore()
  if (!store) return <UnwiredBacktests />
  return (
    <BacktestsStoreContext.Provider value={store}>
      <BacktestsWorkspace store={store} />
    </BacktestsStoreContext.Provider>
  )
}

function UnwiredBacktests() {
  return (
    <section className="view" data-testid="view-backtests">
      <ViewHeader title="Backtests" />
      <EmptyState title="Backtests are not connected in this build" testId="empty-backtests">
        <p>
          Run backtests with `armada backtest --strategy battle-navale --symbol S --timeframe TF --ml on`; stored runs
          appear here once the backtests store is part of the page.
        </p>
      </EmptyState>
    </section>
  )
}

function BacktestsWorkspace({ store }: { store: BacktestsStore }) {
  const run = useBacktests((s) => (s.selectedId !== undefined ? s.details[s.selectedId] : undefined))
  const compare = useBacktests((s) => (s.compareId !== undefined ? s.details[s.compareId] : undefined))
  const error = useBacktests((s) => s.error)
  useEffect(() => void store.getState().load(), [store])
  const sweeps = (useStores() as AppStores).sweeps
  const [tab, setTab] = useState<'runs' | 'sweeps'>('runs')

  return (
    <section className="view" data-testid="view-backtests">
      <ViewHeader title="Backtests" />
      {sweeps && (
        <div className="backtests-tabs" role="tablist">
          {(['runs', 'sweeps'] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              data-testid={`backtests-tab-${t}`}
              onClick={() => setTab(t)}
            >
              {t === 'runs' ? 'Runs' : 'Sweeps'}
            </button>
          ))}
        </div>
      )}
      {tab === 'sweeps' && sweeps ? (
        <div className="backtests-grid backtests-grid--sweeps">
          <Panel
            title="Sweeps"
            note="each combination × symbol backtested in-sample, then out-of-sample on the later bars"
            testId="sweeps"
          >
            <SweepsPanel store={sweeps} />
          </Panel>
        </div>
      ) : (
        <div className="backtests-grid" data-testid="backtests-grid">
          <Panel
            title="Run a backtest"
            note="signals at the close fill at the next open · fees and slippage on every fill"
            testId="backtest-run-panel"
            className="backtests-grid__form"
          >
            <BacktestForm />
          </Panel>
          <Panel title="Past runs" testId="backtest-runs-panel" note={error} className="backtests-grid__runs">
            <BacktestRuns />
          </Panel>
          {run && (
            <>
              <Panel title="Metrics" testId="backtest-metrics-panel" className="backtests-grid__metrics">
                <RunFacts run={run} />
                <MlActivity run={run} />
                <MetricsTable run={run} compare={compare} />
                <PromotionChecks run={run} />
              </Panel>
              <Panel
                title={`#${run.id} ${run.strategy} · ${run.symbols.join(',')} · ${run.timeframe}`}
                note={`${formatUtc(run.from)} → ${formatUtc(run.to)} · ML ${run.ml ? 'on (walk-forward, each window trained only on earlier trades)' : 'off'}`}
                testId="backtest-detail"
                className="backtests-grid__detail"
              >
                <EquityChart run={run} compare={compare} />
              </Panel>
              <Panel
                title="Trades"
                note="marked on the run's candles · entries ▲ long / ▼ short · exits ● at the exit price"
                testId="backtest-trades-panel"
                className="backtests-grid__trades"
              >
                <TradesPanel key={run.id} run={run} />
              </Panel>
            </>
          )}
        </div>
      )}
    </section>
  )
}
