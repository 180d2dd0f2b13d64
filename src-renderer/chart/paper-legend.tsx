import { strategyInfo, type PaperPosition } from '../../src-shared'
import './chart-signals.css'
import { formatPrice } from '../format'

/** Signed money with two decimals (`+12.34`, `−5.00`). */
export function formatPnl(v: number): string {
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`
}

/** A legend row per open paper position of the charted series: strategy, side, size, entry, stop/target and open PnL. */
export function PaperLegend({ positions, precision }: { positions: readonly PaperPosition[]; precision: number }) {
  if (positions.length === 0) return null
  return (
    <ul className="paper-legend" data-testid="paper-legend" aria-label="Paper positions">
      {positions.map((p) => (
        <li
          key={p.strategy}
          className="paper-legend__row"
          data-testid="paper-position"
          data-strategy={p.strategy}
          data-side={p.side}
          data-open-pnl={p.openPnl}
        >
          <span className="paper-legend__label">Paper</span>
          <b>{strategyInfo(p.strategy)?.label ?? p.strategy}</b>
          <span className={`paper-legend__side paper-legend__side--${p.side}`}>{p.side}</span>
          <span>
            {p.qty.toPrecision(4).replace(/\.?0+$/, '')} @ {formatPrice(p.entryPrice, precision)}
          </span>
          {p.stop !== null && <span className="paper-legend__muted">stop {formatPrice(p.stop, precision)}</span>}
          {p.target !== null && <span className="paper-legend__muted">target {formatPrice(p.target, precision)}</span>}
          <span
            className={`paper-legend__pnl paper-legend__pnl--${p.openPnl >= 0 ? 'up' : 'down'}`}
            data-testid="paper-open-pnl"
          >
            open PnL {formatPnl(p.openPnl)}
          </span>
        </li>
      ))}
    </ul>
  )
}
