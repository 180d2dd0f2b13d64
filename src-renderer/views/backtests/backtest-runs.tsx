import { formatPercent, formatUtc, formatUtcShort, timeZoneLabel } from '../../format'
import { useBacktests, useBacktestsStore } from './use-backtests'

/** Past runs, newest first: click to open, "compare" to overlay one beside the open run. */
export function BacktestRuns() {
  const runs = useBacktests((s) => s.runs)
  const selected = useBacktests((s) => s.selectedId)
  const compare = useBacktests((s) => s.compareId)
  const store = useBacktestsStore()
  if (runs.length === 0)
    return (
      <div className="panel__empty" data-testid="backtest-runs-empty">
        No stored runs yet — run one above (or `armada backtest …` on the command line).
      </div>
    )
  return (
    <div className="backtest-runs__scroll" tabIndex={0} aria-label="Past runs">
      <table className="table backtest-runs" data-testid="backtest-runs">
        <thead>
          <tr>
            <th>#</th>
            <th>Strategy</th>
            <th>Symbols</th>
            <th>ML</th>
            <th className="num">Return off / on</th>
            <th className="num">Max DD off / on</th>
            <th>Run at ({timeZoneLabel()})</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr
              key={r.id}
              aria-selected={r.id === selected}
              data-testid={`backtest-run-${r.id}`}
              tabIndex={0}
              title="Open this run (Enter)"
              onClick={() => void store.getState().select(r.id)}
              onKeyDown={(e) => e.key === 'Enter' && e.target === e.currentTarget && void store.getState().select(r.id)}
            >
              <td>{r.id}</td>
              <td>{r.strategy}</td>
              <td>{`${r.symbols.join(',')} · ${r.timeframe}`}</td>
              <td>{r.ml ? 'on' : 'off'}</td>
              <td className="num">{`${formatPercent(r.metrics.totalReturn)}${r.mlMetrics ? ` / ${formatPercent(r.mlMetrics.totalReturn)}` : ''}`}</td>
              <td className="num">{`${formatPercent(r.metrics.maxDrawdown)}${r.mlMetrics ? ` / ${formatPercent(r.mlMetrics.maxDrawdown)}` : ''}`}</td>
              <td className="mono" title={formatUtc(r.createdAt)}>
                {formatUtcShort(r.createdAt)}
              </td>
              <td>
                {r.id !== selected && (
                  <button
                    type="button"
                    className="button button--small button--ghost"
                    data-testid={`backtest-compare-${r.id}`}
                    aria-pressed={compare === r.id}
                    onClick={(e) => {
                      e.stopPropagation()
                      void store.getState().setCompare(compare === r.id ? undefined : r.id)
                    }}
                  >
                    {compare === r.id ? 'uncompare' : 'compare'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
