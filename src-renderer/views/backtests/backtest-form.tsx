import { parameterRange, strategyInfo, STRATEGY_CATALOG } from '../../../src-shared'
import { formatCount } from '../../format'
import { useChartState } from '../../store-hooks'
import type { BacktestField } from '../../stores/backtests-store'
import { useBacktests, useBacktestsStore } from './use-backtests'

const TONE = { queued: 'active', running: 'active', succeeded: 'done', failed: 'failed', cancelled: 'stopped' } as const

/** A refused field's reason, right under it (linked to the input by `aria-describedby`). */
function FieldError({ field }: { field: BacktestField }) {
  const message = useBacktests((s) => s.fieldErrors[field])
  if (!message) return null
  return (
    <span
      className="backtest-form__error"
      id={`backtest-error-${field}`}
      data-testid={`backtest-error-${field}`}
      role="alert"
    >
      {message}
    </span>
  )
}

/**
 * Run a backtest: strategy (its ML switch sets the ML default) and its parameters (defaults shown), stored series,
 * date range, costs and the ML toggle; progress of the `backtest.run` job.
 */
export function BacktestForm() {
  const series = useChartState((s) => s.series)
  const draft = useBacktests((s) => s.draft)
  const submitting = useBacktests((s) => s.submitting)
  const error = useBacktests((s) => s.formError)
  const errors = useBacktests((s) => s.fieldErrors)
  const job = useBacktests((s) => s.job)
  const store = useBacktestsStore()
  const { edit, editParam, pickStrategy, toggleSeries } = store.getState()
  const running = job !== undefined && (job.state === 'running' || job.state === 'queued')
  const pct = job ? (job.state === 'succeeded' ? 1 : job.progress) * 100 : 0
  const info = strategyInfo(draft.strategy)
  const described = (field: BacktestField) =>
    errors[field] ? { 'aria-invalid': true, 'aria-describedby': `backtest-error-${field}` } : {}
  return (
    <form
      className="backtest-form"
      data-testid="backtest-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        void store.getState().submit(series)
      }}
    >
      <label className="field backtest-form__full">
        <span className="field__label">Strategy</span>
        <select
          className="select select--small"
          data-testid="backtest-strategy"
          value={draft.strategy}
          onChange={(e) => pickStrategy(e.target.value)}
        >
          {STRATEGY_CATALOG.map((s) => (
            <option key={s.name} value={s.name} title={s.description}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="backtest-form__full backtest-series" data-testid="backtest-series">
        <legend className="field__label">Symbols (same venue and timeframe)</legend>
        {series.length === 0 && (
          <span className="panel__empty">no stored series — import bars in the Data view first</span>
        )}
        {series.map((s) => {
          const key = `${s.symbol}|${s.venue}|${s.timeframe}`
          const text = `${s.symbol}.${s.venue} · ${s.timeframe} · ${formatCount(s.count)} bars`
          return (
            <label key={key} className="backtest-series__row" title={text}>
              <input
                type="checkbox"
                data-testid={`backtest-series-${s.symbol}-${s.timeframe}`}
                checked={draft.series.includes(key)}
                onChange={() => toggleSeries(key)}
              />
              <span className="backtest-series__text">{text}</span>
            </label>
          )
        })}
      </fieldset>
      <FieldError field="series" />
      <label className="field">
        <span className="field__label">From (UTC)</span>
        <input
          className="input"
          type="date"
          data-testid="backtest-from"
          value={draft.from}
          max={draft.to || undefined}
          onChange={(e) => edit({ from: e.target.value })}
          {...described('from')}
        />
      </label>
      <label className="field">
        <span className="field__label">To (UTC, inclusive)</span>
        <input
          className="input"
          type="date"
          data-testid="backtest-to"
          value={draft.to}
          min={draft.from || undefined}
          onChange={(e) => edit({ to: e.target.value })}
          {...described('to')}
        />
      </label>
      <FieldError field="from" />
      <FieldError field="to" />
      <label className="field">
        <span className="field__label">Taker fee (bps)</span>
        <input
          className="input"
          data-testid="backtest-fee"
          inputMode="decimal"
          value={draft.feeBps}
          onChange={(e) => edit({ feeBps: e.target.value })}
          {...described('feeBps')}
        />
      </label>
      <label className="field">
        <span className="field__label">Slippage (bps)</span>
        <input
          className="input"
          data-testid="backtest-slippage"
          inputMode="decimal"
          value={draft.slippageBps}
          onChange={(e) => edit({ slippageBps: e.target.value })}
          {...described('slippageBps')}
        />
      </label>
      <FieldError field="feeBps" />
      <FieldError field="slippageBps" />
      {info && (
        <fieldset className="backtest-form__full backtest-params" data-testid="backtest-params-form">
          <legend className="field__label">Strategy parameters · empty = default</legend>
          {info.parameters.map((p) => {
            const field: BacktestField = `param.${p.name}`
            const typed = draft.params[p.name] ?? ''
            return (
              <div key={p.name} className="backtest-params__item">
                {typeof p.default === 'boolean' ? (
                  <label className="check backtest-params__check" title={p.meaning}>
                    <input
                      type="checkbox"
                      data-testid={`backtest-param-${p.name}`}
                      checked={typed === '' ? p.default : typed === 'true'}
                      onChange={(e) =>
                        editParam(p.name, e.target.checked === p.default ? '' : String(e.target.checked))
                      }
                    />
                    <span>
                      {p.name} <span className="backtest-params__default">default {p.default ? 'on' : 'off'}</span>
                    </span>
                  </label>
                ) : (
                  <label className="field backtest-params__field" title={`${p.meaning}; ${parameterRange(p)}`}>
                    <span className="field__label backtest-params__name">{p.name}</span>
                    <input
                      className="input"
                      data-testid={`backtest-param-${p.name}`}
                      inputMode="decimal"
                      placeholder={String(p.default)}
                      value={typed}
                      onChange={(e) => editParam(p.name, e.target.value)}
                      {...described(field)}
                    />
                    <span className="backtest-params__default">{`default ${p.default}`}</span>
                  </label>
                )}
                <FieldError field={field} />
              </div>
            )
          })}
        </fieldset>
      )}
      <label className="check backtest-form__full">
        <input
          type="checkbox"
          data-testid="backtest-ml"
          checked={draft.ml}
          onChange={(e) => edit({ ml: e.target.checked })}
        />
        <span>ML enhancement {draft.ml ? 'on (also runs off, walk-forward)' : 'off'}</span>
      </label>
      <div className="backtest-form__full backtest-form__actions">
        <button
          type="submit"
          className="button button--primary"
          data-testid="backtest-submit"
          disabled={submitting || running}
        >
          {submitting ? 'Starting…' : running ? 'Running…' : 'Run backtest'}
        </button>
        <div className="backtest-form__status" data-testid="backtest-status" data-state={job?.state ?? 'idle'}>
          {error ? (
            <span className="backtest-form__error" data-testid="backtest-error">
              {Object.keys(errors).length > 1
                ? `${Object.keys(errors).length} fields need fixing (marked above)`
                : error}
            </span>
          ) : job ? (
            <>
              <span
                className={`progress progress--${TONE[job.state]}`}
                role="progressbar"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(pct)}
                data-testid="backtest-progress"
              >
                <span className="progress__fill" style={{ width: `${pct}%` }} />
              </span>
              <span>
                {job.state === 'failed'
                  ? job.error
                  : job.state === 'succeeded'
                    ? 'done'
                    : `${Math.round(pct)} % · ${job.message}`}
              </span>
            </>
          ) : null}
        </div>
      </div>
    </form>
  )
}
