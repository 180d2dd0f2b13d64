import { useEffect, useMemo, useRef } from 'react'
import type { BacktestDetail } from '../../../src-shared'
import { formatCount, formatMetric, formatPrice, formatUtc, timeZoneLabel } from '../../format'
import { MAX_CHART_TRADES, shownSymbol, shownVariant } from '../../stores/backtests-store'
import { chartTrades } from './trade-markers'
import { TradesChart } from './trades-chart'
import { useBacktests, useBacktestsStore } from './use-backtests'

const SHOWN = 500

/** Decimals for a price of this size: 2 from 100 up, 4 from 1, 6 below. */
export function priceDecimals(p: number): number {
  return p >= 100 ? 2 : p >= 1 ? 4 : 6
}

/**
 * The run's trades, ML off or ML on (one toggle for the chart and the table, kept in the store): the candles of the
 * run's range with every trade marked (a symbol picker for multi-symbol runs), then the trade list; clicking a row
 * scrolls the chart to that trade.
 */
export function TradesPanel({ run }: { run: BacktestDetail }) {
  const store = useBacktestsStore()
  const chosenVariant = useBacktests((s) => s.tradesVariant)
  const chosenSymbol = useBacktests((s) => s.chartSymbol)
  const variant = shownVariant(run, chosenVariant)
  const symbol = shownSymbol(run, chosenSymbol)
  const onChart = useMemo(() => chartTrades(run.trades, variant, symbol), [run, variant, symbol])
  const count = useMemo(() => run.trades.reduce((n, t) => n + (t.variant === variant ? 1 : 0), 0), [run, variant])
  const { setTradesVariant, setChartSymbol } = store.getState()
  return (
    <div data-testid="backtest-trades" style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
      <div style={{ display: 'flex', alignItems: 'center', gap: 10, flexWrap: 'wrap' }}>
        {run.ml && (
          <div className="segmented" role="group" aria-label="Trades shown">
            <button
              type="button"
              className="segmented__item"
              aria-pressed={variant === 'base'}
              data-testid="trades-base"
              onClick={() => setTradesVariant('base')}
            >
              ML off
            </button>
            <button
              type="button"
              className="segmented__item"
              aria-pressed={variant === 'ml'}
              data-testid="trades-ml"
              onClick={() => setTradesVariant('ml')}
            >
              ML on
            </button>
          </div>
        )}
        {run.symbols.length > 1 && symbol !== undefined && (
          <select
            className="select"
            style={{ width: 'auto', minWidth: 0 }}
            data-testid="trades-chart-symbol"
            aria-label="Symbol on the chart"
            value={symbol}
            onChange={(e) => setChartSymbol(e.target.value)}
          >
            {run.symbols.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        )}
        <span className="panel__note" data-testid="trades-count" data-count={count}>
          {`${formatCount(count)} trades${run.symbols.length > 1 && symbol ? ` · ${formatCount(onChart.total)} on ${symbol}` : ''}`}
        </span>
        {onChart.capped && (
          <span className="panel__note" data-testid="trades-chart-capped" style={{ color: '#ffb74d' }}>
            {`chart marks the last ${formatCount(MAX_CHART_TRADES)} of ${formatCount(onChart.total)} trades`}
          </span>
        )}
        <span className="panel__note" style={{ marginLeft: 'auto' }}>
          click a trade to show it on the chart
        </span>
      </div>
      {symbol !== undefined && <TradesChart run={run} variant={variant} symbol={symbol} trades={onChart} />}
      <TradesTable run={run} />
    </div>
  )
}

/** The run's trades of the shown variant, oldest first; the first 500 are listed. A click scrolls the chart to one. */
export function TradesTable({ run }: { run: BacktestDetail }) {
  const store = useBacktestsStore()
  const variant = shownVariant(
    run,
    useBacktests((s) => s.tradesVariant),
  )
  const focused = useBacktests((s) => (s.focusedTrade?.runId === run.id ? s.focusedTrade.index : undefined))
  const rows = useMemo(() => {
    const out: number[] = []
    for (let i = 0; i < run.trades.length && out.length < SHOWN; i++) if (run.trades[i].variant === variant) out.push(i)
    return out
  }, [run, variant])
  // Prices with decimals by magnitude per symbol (BTC 2, XRP 4), not a fixed 2; fills carry slippage, so their own
  // decimals say nothing.
  const decimals = useMemo(() => {
    const out = new Map<string, number>()
    for (const i of rows) {
      const t = run.trades[i]
      if (!out.has(t.symbol)) out.set(t.symbol, priceDecimals(Math.abs(t.entryPrice)))
    }
    return out
  }, [run, rows])
  // The focused trade's row in view inside the list (not the page), e.g. after a marker was clicked on the chart.
  const scroller = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const box = scroller.current
    const row = focused !== undefined ? box?.querySelector<HTMLElement>(`tr[data-index="${focused}"]`) : null
    if (!box || !row) return
    const head = box.querySelector('thead')?.getBoundingClientRect().height ?? 0
    const top = row.offsetTop - head
    if (top < box.scrollTop || row.offsetTop + row.offsetHeight > box.scrollTop + box.clientHeight)
      box.scrollTop = Math.max(0, top - 2 * row.offsetHeight)
  }, [focused])
  return (
    <div className="table-scroll" ref={scroller} style={{ maxHeight: 320, overflow: 'auto' }}>
      <table className="table" data-testid="trades-table">
        <thead>
          <tr>
            <th>Symbol</th>
            <th>Side</th>
            <th>Entry ({timeZoneLabel()})</th>
            <th className="num">Entry</th>
            <th>Exit ({timeZoneLabel()})</th>
            <th className="num">Exit</th>
            <th>Reason</th>
            <th className="num">PnL</th>
            <th className="num">R</th>
            <th className="num">Conf.</th>
            <th className="num">ML p</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => {
            const t = run.trades[i]
            const d = decimals.get(t.symbol) ?? 2
            return (
              <tr
                key={i}
                data-testid="trade-row"
                data-index={i}
                data-entry-time={t.entryTime}
                aria-selected={focused === i}
                style={{ cursor: 'pointer' }}
                title="show on the chart"
                onClick={() => store.getState().focusTrade(run, i)}
              >
                <td>{t.symbol}</td>
                <td style={{ color: t.side === 'long' ? '#3d8bfd' : '#ffb74d' }}>{t.side}</td>
                <td className="mono">{formatUtc(t.entryTime)}</td>
                <td className="num">{formatPrice(t.entryPrice, d)}</td>
                <td className="mono">{formatUtc(t.exitTime)}</td>
                <td className="num">{formatPrice(t.exitPrice, d)}</td>
                <td>{t.exitReason}</td>
                <td className="num" style={{ color: t.pnl > 0 ? '#26a69a' : '#ef5350' }}>
                  {formatMetric(t.pnl, 2)}
                </td>
                <td className="num">{formatMetric(t.r, 2)}</td>
                <td className="num">{formatMetric(t.confidence, 2)}</td>
                <td className="num">{t.mlProbability === null ? '—' : formatMetric(t.mlProbability, 2)}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
      {rows.length >= SHOWN && <div className="panel__foot">{`first ${SHOWN} trades listed`}</div>}
    </div>
  )
}
