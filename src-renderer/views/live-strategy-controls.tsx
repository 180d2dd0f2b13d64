import { useMemo, useState } from 'react'
import { parameterRange, type StrategyInfo, type StrategyParameter } from '../../src-shared'
import { useLiveStrategies, useStores, useStrategies } from '../store-hooks'
import {
  accountOf,
  checkParams,
  liveKey,
  paramsChanged,
  paramsDraft,
  type LiveTarget,
  type SeriesSelection,
} from '../stores'
import './live-strategy-controls.css'

/** One parameter field: a number typed (empty = its default, shown as the placeholder) or a true/false choice. */
function ParamField({
  p,
  id,
  value,
  error,
  onChange,
}: {
  p: StrategyParameter
  id: string
  value: string
  error?: string
  onChange(text: string): void
}) {
  const title = `${p.meaning} — ${parameterRange(p)}, default ${String(p.default)}`
  return (
    <div className="live-param" data-testid="live-param" data-param={p.name}>
      <label className="live-param__name" htmlFor={id} title={title}>
        {p.name}
      </label>
      {typeof p.default === 'boolean' ? (
        <select
          id={id}
          className="input live-param__input"
          value={value}
          title={title}
          aria-invalid={error !== undefined}
          onChange={(e) => onChange(e.target.value)}
        >
          <option value="">default ({String(p.default)})</option>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : (
        <input
          id={id}
          className="input live-param__input"
          inputMode="decimal"
          placeholder={String(p.default)}
          value={value}
          title={title}
          aria-invalid={error !== undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {error && (
        <span className="live-param__error" id={`${id}-error`} role="alert" data-testid="live-param-error">
          {error}
        </span>
      )}
    </div>
  )
}

/**
 * A strategy on one series, live: its Enabled switch (`setLiveStrategy`), its ML switch (setting `strategies.ml`, for
 * every series), its parameters (defaults as placeholders, checked field by field; stored when enabling or applied
 * to a running node) and, while it runs, what scores its signals (`mlNote`). The chart's strategy menu and the
 * Strategies view (which has its own ML switch: `showMl` false) both show it.
 */
export function LiveStrategyControls({
  strategy,
  series,
  disabledReason,
  showMl = true,
}: {
  strategy: StrategyInfo
  series: SeriesSelection
  disabledReason?: string
  showMl?: boolean
}) {
  const { liveStrategies, strategies } = useStores()
  const target: LiveTarget = useMemo(
    () => ({ strategy: strategy.name, ...series }),
    [strategy.name, series.symbol, series.venue, series.timeframe],
  )
  const key = liveKey(target)
  const specs = useLiveStrategies((s) => s.specs)
  const drafts = useLiveStrategies((s) => s.drafts)
  const accounts = useLiveStrategies((s) => s.accounts)
  const busy = useLiveStrategies((s) => s.busy.includes(key))
  const error = useLiveStrategies((s) => s.errors[key])
  const ml = useStrategies((s) => s.ml[strategy.name] ?? false)
  const spec = specs.find((x) => liveKey(x) === key)
  const enabled = spec !== undefined
  const account = accountOf(accounts, target)
  const draft = drafts[key] ?? paramsDraft(spec)
  const check = useMemo(() => checkParams(strategy.name, draft), [strategy.name, draft])
  const changed = paramsChanged({ drafts, specs }, target)
  const fieldErrors = check.ok ? {} : check.errors
  const typed = Object.values(draft).filter((v) => v.trim() !== '').length
  const id = `live-${key.replace(/[^a-zA-Z0-9-]/g, '-')}`
  const l = liveStrategies.getState()
  // The fields are rendered only while the parameters are shown (a closed <details> still lays its content out).
  const [paramsOpen, setParamsOpen] = useState(false)
  const status = busy
    ? enabled
      ? 'applying…'
      : 'starting… (warming up on stored bars)'
    : enabled
      ? account
        ? `live · ${account.bars} bars`
        : 'live'
      : 'off'

  return (
    <section
      className="live-controls"
      data-testid={`live-${strategy.name}`}
      data-enabled={enabled}
      data-busy={busy}
      aria-labelledby={`${id}-title`}
    >
      <div className="live-controls__head">
        <label className="live-controls__switch">
          <input
            type="checkbox"
            role="switch"
            data-testid={`live-enable-${strategy.name}`}
            checked={enabled}
            // Busy, it stays focusable (a disabled control drops the focus) and the store ignores presses meanwhile.
            aria-disabled={busy || undefined}
            disabled={!enabled && disabledReason !== undefined}
            onChange={(e) => void l.setEnabled(target, e.target.checked)}
          />
          <b id={`${id}-title`}>{strategy.label}</b>
        </label>
        <span
          className={`live-controls__status live-controls__status--${enabled ? 'on' : 'off'}`}
          data-testid={`live-status-${strategy.name}`}
        >
          {status}
        </span>
      </div>
      {showMl && (
        <label className="live-controls__ml" title={strategy.mlNote}>
          <input
            type="checkbox"
            role="switch"
            data-testid={`live-ml-${strategy.name}`}
            checked={ml}
            disabled={!strategy.mlApplies}
            onChange={(e) => void strategies.getState().setMl(strategy.name, e.target.checked)}
          />
          ML enhancement {ml ? 'on' : 'off'} <span className="live-controls__faint">(every series)</span>
        </label>
      )}
      {enabled && account && (
        <p className="live-controls__note" data-testid={`live-ml-note-${strategy.name}`} data-ml={account.ml}>
          {account.mlNote}
        </p>
      )}
      {!enabled && disabledReason && <p className="live-controls__note">{disabledReason}</p>}
      <details
        className="live-controls__params"
        open={paramsOpen}
        onToggle={(e) => setParamsOpen(e.currentTarget.open)}
      >
        <summary data-testid={`live-params-${strategy.name}`}>
          Parameters <span className="live-controls__faint">{typed === 0 ? '(defaults)' : `(${typed} set)`}</span>
        </summary>
        {paramsOpen && (
          <>
            <div className="live-controls__fields">
              {strategy.parameters.map((p) => (
                <ParamField
                  key={p.name}
                  p={p}
                  id={`${id}-${p.name}`}
                  value={draft[p.name] ?? ''}
                  error={fieldErrors[p.name]}
                  onChange={(text) => l.editParam(target, p.name, text)}
                />
              ))}
            </div>
            <div className="live-controls__actions">
              {enabled ? (
                <button
                  type="button"
                  className="button button--small"
                  data-testid={`live-apply-${strategy.name}`}
                  disabled={!changed || !check.ok || busy}
                  onClick={() => void l.saveParams(target)}
                >
                  Apply (restarts, warmed up again)
                </button>
              ) : (
                <span className="live-controls__faint">Used when you enable it.</span>
              )}
              {changed && (
                <button
                  type="button"
                  className="button button--small button--ghost"
                  onClick={() => l.resetParams(target)}
                >
                  Reset
                </button>
              )}
            </div>
          </>
        )}
      </details>
      {error && (
        <p className="live-controls__error" role="alert" data-testid={`live-error-${strategy.name}`}>
          {error}
        </p>
      )}
    </section>
  )
}
