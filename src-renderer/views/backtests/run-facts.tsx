import type { BacktestDetail } from '../../../src-shared'
import { useBacktests, useBacktestsStore } from './use-backtests'

/** The strategy parameters a run used (stored with it), and its trades and metrics as CSV. */
export function RunFacts({ run }: { run: BacktestDetail }) {
  const exported = useBacktests((s) => s.exported)
  const store = useBacktestsStore()
  const params = run.config.strategyParams
  const entries = params && typeof params === 'object' ? Object.entries(params as Record<string, unknown>) : []
  return (
    <div className="run-facts">
      <div className="run-facts__params" data-testid="backtest-params">
        <span className="field__label">Parameters</span>{' '}
        {entries.length ? (
          entries.map(([k, v]) => (
            <span key={k} className="run-facts__param" data-param={k}>{`${k} ${String(v)}`}</span>
          ))
        ) : (
          <span>defaults (stored before runs kept their parameters)</span>
        )}
      </div>
      <div className="run-facts__export">
        <span className="field__label">Export CSV</span>
        <button
          type="button"
          className="button button--small"
          data-testid="export-trades"
          onClick={() => void store.getState().exportCsv(run, 'trades')}
        >
          Trades
        </button>
        <button
          type="button"
          className="button button--small"
          data-testid="export-metrics"
          onClick={() => void store.getState().exportCsv(run, 'metrics')}
        >
          Metrics
        </button>
        {exported && (
          <span className={exported.ok ? 'run-facts__saved' : 'backtest-form__error'} data-testid="export-status">
            {exported.text}
          </span>
        )}
      </div>
    </div>
  )
}
