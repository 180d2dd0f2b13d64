import { useStore } from 'zustand'
import type { StrategyInfo } from '../../src-shared'
import { formatPercent, formatUtc } from '../format'
import { useStores, useStrategies } from '../store-hooks'
import { latestBacktest } from '../stores'
import { Panel } from './panel'
import { StrategyLiveSection } from './strategy-live-section'

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '—')

/** What the latest run of a strategy shows, ML off next to ML on. */
const LATEST_ROWS = [
  { key: 'totalReturn', label: 'Return', format: formatPercent },
  { key: 'maxDrawdown', label: 'Max drawdown', format: formatPercent },
  { key: 'trades', label: 'Trades', format: count },
] as const

/** One strategy: description, ML switch, parameter defaults, its latest stored backtest and "Backtest…", then live on series. */
export function StrategyPanel({ strategy }: { strategy: StrategyInfo }) {
  const stores = useStores()
  const on = useStrategies((s) => s.ml[strategy.name] ?? false)
  const run = useStore(stores.backtests, (s) => latestBacktest(s.runs, strategy.name))
  const name = strategy.name
  const openBacktest = () => {
    stores.backtests.getState().pickStrategy(name)
    stores.navigation.getState().show('backtests')
  }
  return (
    <Panel title={strategy.label} note={name} testId={`strategy-${name}`} className="strategy-panel">
      <p className="strategy-panel__description">{strategy.description}</p>
      <label className="strategy-panel__ml" title={strategy.mlNote}>
        <input
          type="checkbox"
          role="switch"
          data-testid={`strategy-ml-${name}`}
          checked={on}
          disabled={!strategy.mlApplies}
          aria-describedby={`strategy-ml-note-${name}`}
          onChange={(e) => void stores.strategies.getState().setMl(name, e.target.checked)}
        />{' '}
        <b>ML enhancement {on ? 'on' : 'off'}</b>
      </label>
      <p className="strategy-panel__note" id={`strategy-ml-note-${name}`}>
        {strategy.mlApplies ? strategy.mlNote : `Not available: ${strategy.mlNote}`}
      </p>
      <table className="table" data-testid={`strategy-params-${name}`}>
        <thead>
          <tr>
            <th>Parameter</th>
            <th className="num">Default</th>
            <th>Meaning</th>
          </tr>
        </thead>
        <tbody>
          {strategy.parameters.map((p) => (
            <tr key={p.name} data-testid={`strategy-param-${name}-${p.name}`}>
              <td className="mono">{p.name}</td>
              <td className="num">{String(p.default)}</td>
              <td>{p.meaning}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="strategy-panel__backtest" data-testid={`strategy-latest-${name}`} data-run={run?.id ?? ''}>
        <div className="strategy-panel__subhead">
          Latest backtest
          {run && (
            <span className="mono">{` #${run.id} · ${run.symbols.join(',')} · ${run.timeframe} · ${formatUtc(run.createdAt)}`}</span>
          )}
        </div>
        {run ? (
          <table className="table">
            <thead>
              <tr>
                <th />
                <th className="num">ML off</th>
                <th className="num">ML on</th>
              </tr>
            </thead>
            <tbody>
              {LATEST_ROWS.map((m) => (
                <tr key={m.key}>
                  <td>{m.label}</td>
                  <td className="num">{m.format(run.metrics[m.key])}</td>
                  <td className="num">{run.mlMetrics ? m.format(run.mlMetrics[m.key]) : 'not run'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <div className="strategy-panel__none">no backtest yet — “Backtest…” opens the form with this strategy</div>
        )}
      </div>
      <button
        type="button"
        className="button button--primary"
        data-testid={`strategy-backtest-${name}`}
        onClick={openBacktest}
      >
        Backtest…
      </button>
      <StrategyLiveSection strategy={strategy} />
    </Panel>
  )
}
