import { strategyInfo, type PaperAccount } from '../../src-shared'
import { formatPnl } from '../chart'
import { formatPercent, formatPrice, pricePrecision } from '../format'
import { EquityCurve } from './equity-curve'
import './paper-account-summary.css'

/** A live strategy's paper account: equity and return, closed trades, the open position with its PnL, the equity curve. */
export function PaperAccountSummary({ account, title }: { account: PaperAccount; title?: string }) {
  const change = account.equity - account.initialEquity
  const label = strategyInfo(account.strategy)?.label ?? account.strategy
  // Fills carry slippage: prices are shown at the decimals of the mark (the latest close).
  const precision = pricePrecision(account.positions.map((p) => p.mark))
  return (
    <div
      className="paper-account"
      data-testid="paper-account"
      data-strategy={account.strategy}
      data-series={`${account.symbol}.${account.venue}-${account.timeframe}`}
      data-equity={account.equity}
      data-trades={account.closedTrades}
      data-positions={account.positions.length}
    >
      {title !== undefined && <div className="paper-account__title">{title || label}</div>}
      <div className="paper-account__facts">
        <span>
          equity <b data-testid="paper-equity">{account.equity.toFixed(2)}</b>
        </span>
        <span className={`paper-account__change paper-account__change--${change >= 0 ? 'up' : 'down'}`}>
          {formatPnl(change)} ({formatPercent(account.initialEquity ? change / account.initialEquity : 0)})
        </span>
        <span>
          <b>{account.closedTrades}</b> closed
        </span>
      </div>
      {account.positions.map((p) => (
        <div
          key={`${p.strategy}-${p.entryTime}`}
          className="paper-account__position"
          data-testid="paper-account-position"
          data-side={p.side}
        >
          <span className={`paper-account__side paper-account__side--${p.side}`}>{p.side}</span>{' '}
          {p.qty.toPrecision(4).replace(/\.?0+$/, '')} @ {formatPrice(p.entryPrice, precision)} · mark{' '}
          {formatPrice(p.mark, precision)} ·{' '}
          <b
            className={`paper-account__change--${p.openPnl >= 0 ? 'up' : 'down'}`}
            data-testid="paper-account-open-pnl"
          >
            open {formatPnl(p.openPnl)}
          </b>
        </div>
      ))}
      {account.positions.length === 0 && <div className="paper-account__flat">flat — no open position</div>}
      <EquityCurve
        curve={account.equityCurve}
        initialEquity={account.initialEquity}
        label={`${label} paper equity on ${account.symbol} ${account.timeframe}`}
      />
    </div>
  )
}
