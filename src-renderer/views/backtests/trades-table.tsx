import { useState } from 'react'
import type { BacktestDetail } from '../../../src-shared'
import { formatMetric, formatPrice, formatUtc } from '../../format'

const SHOWN = 500

/** The run's trades (ML off or on), newest last; the first 500 are shown. */
export function TradesTable({ run }: { run: BacktestDetail }) {
  const [variant, setVariant] = useState<'base' | 'ml'>(run.ml ? 'ml' : 'base')
  const trades = run.trades.filter((t) => t.variant === variant)
  return (
    <div data-testid="backtest-trades">
      {run.ml && (
        <div>
          <button type="button" className="button button--small" aria-pressed={variant === 'base'} data-testid="trades-base" onClick={() => setVariant('base')}>
            ML off
          </button>{' '}
          <button type="button" className="button button--small" aria-pressed={variant === 'ml'} data-testid="trades-ml" onClick={() => setVariant('ml')}>
            ML on
          </button>{' '}
          <span className="panel__note">{`${trades.length} trades${trades.length > SHOWN ? `, first ${SHOWN} shown` : ''}`}</span>
        </div>
      )}
      <div className="table-scroll" style={{ maxHeight: 320, overflow: 'auto' }}>
        <table className="table">
          <thead>
            <tr>
              <th>Symbol</th>
              <th>Side</th>
              <th>Entry (UTC)</th>
              <th className="num">Entry</th>
              <th>Exit (UTC)</th>
              <th className="num">Exit</th>
              <th>Reason</th>
              <th className="num">PnL</th>
              <th className="num">R</th>
              <th className="num">Conf.</th>
              <th className="num">ML p</th>
            </tr>
          </thead>
          <tbody>
            {trades.slice(0, SHOWN).map((t, i) => (
              <tr key={i} data-testid="trade-row">
                <td>{t.symbol}</td>
                <td>{t.side}</td>
                <td className="mono">{formatUtc(t.entryTime)}</td>
                <td className="num">{formatPrice(t.entryPrice, 2)}</td>
                <td className="mono">{formatUtc(t.exitTime)}</td>
                <td className="num">{formatPrice(t.exitPrice, 2)}</td>
                <td>{t.exitReason}</td>
                <td className="num" style={{ color: t.pnl > 0 ? '#26a69a' : '#ef5350' }}>
                  {formatMetric(t.pnl, 2)}
                </td>
                <td className="num">{formatMetric(t.r, 2)}</td>
                <td className="num">{formatMetric(t.confidence, 2)}</td>
                <td className="num">{t.mlProbability === null ? '—' : formatMetric(t.mlProbability, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
