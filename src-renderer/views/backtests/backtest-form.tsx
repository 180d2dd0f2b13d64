import { STRATEGY_CATALOG } from '../../../src-shared'
import { formatCount } from '../../format'
import { useChartState } from '../../store-hooks'
import { useBacktests, useBacktestsStore } from './use-backtests'

const TONE = { queued: 'active', running: 'active', succeeded: 'done', failed: 'failed', cancelled: 'stopped' } as const

/** Run a backtest: strategy (its ML switch sets the ML default), stored series, range, costs and the ML toggle; progress of the `backtest.run` job. */
export function BacktestForm() {
  const series = useChartState((s) => s.series)
  const draft = useBacktests((s) => s.draft)
  const submitting = useBacktests((s) => s.submitting)
  const error = useBacktests((s) => s.formError)
  const job = useBacktests((s) => s.job)
  const store = useBacktestsStore()
  const { edit, pickStrategy, toggleSeries } = store.getState()
  const running = job !== undefined && (job.state === 'running' || job.state === 'queued')
  const pct = job ? (job.state === 'succeeded' ? 1 : job.progress) * 100 : 0
  return (
    <form
      className="import-form"
      data-testid="backtest-form"
      onSubmit={(e) => {
        e.preventDefault()
        void store.getState().submit(series)
      }}
    >
      <label className="field field--full">
        <span className="field__label">Strategy</span>
        <select className="select select--small" data-testid="backtest-strategy" value={draft.strategy} onChange={(e) => pickStrategy(e.target.value)}>
          {STRATEGY_CATALOG.map((s) => (
            <option key={s.name} value={s.name} title={s.description}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="field field--full check-list" data-testid="backtest-series">
        <span className="field__label">Symbols (same venue and timeframe)</span>
        {series.length === 0 && <span className="panel__empty">no stored series — import bars in the Data view first</span>}
        {series.map((s) => {
          const key = `${s.symbol}|${s.venue}|${s.timeframe}`
          return (
            <label key={key} title={`${s.symbol}.${s.venue} · ${s.timeframe} · ${formatCount(s.count)} bars`}>
              <input type="checkbox" data-testid={`backtest-series-${s.symbol}-${s.timeframe}`} checked={draft.series.includes(key)} onChange={() => toggleSeries(key)} />{' '}
              {`${s.symbol}.${s.venue} · ${s.timeframe} · ${formatCount(s.count)} bars`}
            </label>
          )
        })}
      </fieldset>
      <label className="field field--narrow">
        <span className="field__label">From (UTC)</span>
        <input className="input" data-testid="backtest-from" placeholder="YYYY-MM-DD" value={draft.from} onChange={(e) => edit({ from: e.target.value })} />
      </label>
      <label className="field field--narrow">
        <span className="field__label">To (UTC)</span>
        <input className="input" data-testid="backtest-to" placeholder="YYYY-MM-DD" value={draft.to} onChange={(e) => edit({ to: e.target.value })} />
      </label>
      <label className="field field--narrow">
        <span className="field__label">Taker fee (bps)</span>
        <input className="input" data-testid="backtest-fee" inputMode="decimal" value={draft.feeBps} onChange={(e) => edit({ feeBps: e.target.value })} />
      </label>
      <label className="field field--narrow">
        <span className="field__label">Slippage (bps)</span>
        <input className="input" data-testid="backtest-slippage" inputMode="decimal" value={draft.slippageBps} onChange={(e) => edit({ slippageBps: e.target.value })} />
      </label>
      <label className="field field--narrow">
        <span className="field__label">ML enhancement</span>
        <span>
          <input type="checkbox" data-testid="backtest-ml" checked={draft.ml} onChange={(e) => edit({ ml: e.target.checked })} /> {draft.ml ? 'on (also runs off, walk-forward)' : 'off'}
        </span>
      </label>
      <button type="submit" className="button button--primary" data-testid="backtest-submit" disabled={submitting || running}>
        {submitting ? 'Starting…' : running ? 'Running…' : 'Run backtest'}
      </button>
      <div className="import-form__status" data-testid="backtest-status" data-state={job?.state ?? 'idle'}>
        {error ? (
          <span className="import-form__error" data-testid="backtest-error">
            {error}
          </span>
        ) : job ? (
          <>
            <span className={`progress progress--${TONE[job.state]}`} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)} data-testid="backtest-progress">
              <span className="progress__fill" style={{ width: `${pct}%` }} />
            </span>{' '}
            <span>{job.state === 'failed' ? job.error : job.state === 'succeeded' ? 'done' : `${Math.round(pct)} % · ${job.message}`}</span>
          </>
        ) : null}
      </div>
    </form>
  )
}
