import type { KeyboardEvent } from 'react'
import { formatPrice, formatUtc, pricePrecision, shortId } from '../format'
import { useChartState, useStores, useWatchlist } from '../store-hooks'
import { change24h, lastPrice, RISK_UNAVAILABLE, seriesKey, type SeriesSelection, type WatchQuote } from '../stores'

const CHANGE_TITLE = 'Change over the last 24 h of bars: from the close 24 h before the newest bar to the newest close'

function changeCell(q: WatchQuote | undefined): { text: string; title: string; tone: 'up' | 'down' | 'flat' } {
  const c = change24h(q)
  if (!c)
    return {
      text: '—',
      title: q?.state === 'error' ? `bars could not be read: ${q.error}` : 'fewer than two bars stored',
      tone: 'flat',
    }
  const span =
    c.hours >= 24
      ? 'the last 24 h of bars'
      : `the last ${c.hours.toFixed(1)} h of bars (the series holds less than 24 h)`
  return {
    text: `${c.change >= 0 ? '+' : '−'}${Math.abs(100 * c.change).toFixed(2)}%`,
    title: `Change over ${span}: close of ${formatUtc(c.from)} → close of ${formatUtc(c.to)} UTC`,
    tone: c.change > 0 ? 'up' : c.change < 0 ? 'down' : 'flat',
  }
}

function regimeCell(q: WatchQuote | undefined): { text: string; title: string; regime?: string } {
  const r = q?.regime
  if (r)
    return {
      text: r.regime,
      regime: r.regime,
      title: `${r.regime} (p ${r.probability.toFixed(2)}) for the next ${r.horizon} bars, forecast on the bar of ${formatUtc(r.time)} UTC by ${r.modelName} @ ${shortId(r.modelVersion)}`,
    }
  if (q?.modelCount === 0)
    return {
      text: '—',
      title: 'No regime model for this series: train one from its forecast card (chart it, then Train regime model).',
    }
  if (q?.state === 'ready')
    return {
      text: '—',
      title: 'A regime model is registered but no forecast is stored yet (forecasts are made as live bars close).',
    }
  return { text: '—', title: 'loading…' }
}

/** Focuses the row `delta` places away (↑/↓ in the list). */
function focusSibling(e: KeyboardEvent<HTMLElement>, delta: number): void {
  const rows = [...(e.currentTarget.parentElement?.querySelectorAll<HTMLElement>('[data-testid="watch-row"]') ?? [])]
  rows[rows.indexOf(e.currentTarget) + delta]?.focus()
}

/**
 * The watchlist beside the chart: rows the trader adds (the chart's series, or any through the search) with last
 * price, 24 h change, current regime and liquidation risk (not built yet: "—" with the reason); live bars move them.
 * Click or Enter charts a row, Delete removes it, ↑/↓ move; the head collapses the panel to one line.
 */
export function WatchlistPanel() {
  const rows = useWatchlist((s) => s.rows)
  const quotes = useWatchlist((s) => s.quotes)
  const collapsed = useWatchlist((s) => s.collapsed)
  const error = useWatchlist((s) => s.error)
  const selection = useChartState((s) => s.selection)
  const { watchlist, chart, symbolSearch } = useStores()
  const watched = selection !== undefined && rows.some((r) => seriesKey(r) === seriesKey(selection))
  const open = (row: SeriesSelection) => void chart.getState().select(row)
  return (
    <aside
      className={`watchlist${collapsed ? ' watchlist--collapsed' : ''}`}
      data-testid="watchlist"
      data-collapsed={collapsed}
      data-rows={rows.length}
      aria-label="Watchlist"
      data-layout-box
    >
      <div className="watchlist__head">
        <button
          type="button"
          className="watchlist__toggle"
          data-testid="watchlist-toggle"
          aria-expanded={!collapsed}
          title={collapsed ? 'Show the watchlist' : 'Collapse the watchlist'}
          onClick={() => void watchlist.getState().setCollapsed(!collapsed)}
        >
          <span className="watchlist__chevron" aria-hidden="true">
            {collapsed ? '▸' : '▾'}
          </span>
          <b>Watchlist</b>
          <span className="watchlist__count">{rows.length}</span>
        </button>
        <button
          type="button"
          className="button button--small button--ghost"
          data-testid="watchlist-add-current"
          disabled={!selection || watched}
          title={
            selection
              ? watched
                ? 'The chart’s series is on the watchlist'
                : `Add ${selection.symbol}.${selection.venue} · ${selection.timeframe}`
              : 'No series on the chart'
          }
          onClick={() => selection && void watchlist.getState().add(selection)}
        >
          + Chart
        </button>
        <button
          type="button"
          className="button button--small button--ghost"
          data-testid="watchlist-add"
          title="Search a stored series to add"
          onClick={() => symbolSearch.getState().openSearch('watch')}
        >
          Add…
        </button>
      </div>
      {error && !collapsed && (
        <div className="watchlist__error" role="alert">
          {error}
        </div>
      )}
      {!collapsed && (
        <div className="watchlist__body" role="grid" aria-label="Watched series" data-testid="watchlist-rows">
          <div className="watchlist__row watchlist__row--head" role="row">
            <span role="columnheader">Symbol</span>
            <span role="columnheader" className="watchlist__num">
              Last
            </span>
            <span role="columnheader" className="watchlist__num" title={CHANGE_TITLE}>
              24 h
            </span>
            <span role="columnheader" title="Latest stored regime forecast (shortest horizon)">
              Regime
            </span>
            <span role="columnheader" title={RISK_UNAVAILABLE}>
              Risk
            </span>
            <span />
          </div>
          {rows.length === 0 && (
            <div className="watchlist__empty" data-testid="watchlist-empty">
              No series yet: <b>+ Chart</b> adds the chart’s series, <b>Add…</b> searches the stored ones.
            </div>
          )}
          {rows.map((row) => {
            const key = seriesKey(row)
            const q = quotes[key]
            const price = lastPrice(q)
            const change = changeCell(q)
            const regime = regimeCell(q)
            const current = selection !== undefined && seriesKey(selection) === key
            return (
              <div
                key={key}
                role="row"
                tabIndex={0}
                className={`watchlist__row${current ? ' watchlist__row--current' : ''}`}
                data-testid="watch-row"
                data-series={`${row.symbol}.${row.venue}-${row.timeframe}`}
                data-state={q?.state ?? 'idle'}
                aria-current={current ? 'true' : undefined}
                title={`${row.symbol}.${row.venue} · ${row.timeframe} — Enter or click charts it, Delete removes it`}
                onClick={() => open(row)}
                onKeyDown={(e) => {
                  if (e.target !== e.currentTarget) return
                  if (e.key === 'Enter') open(row)
                  else if (e.key === 'Delete' || e.key === 'Backspace') void watchlist.getState().remove(row)
                  else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') focusSibling(e, e.key === 'ArrowDown' ? 1 : -1)
                  else return
                  e.preventDefault()
                }}
              >
                <span role="gridcell" className="watchlist__symbol">
                  <span className="watchlist__name">{row.symbol}</span>
                  <span className="watchlist__tf">
                    {row.timeframe} · {row.venue}
                  </span>
                </span>
                <span role="gridcell" className="watchlist__num" data-testid="watch-last">
                  {price === undefined
                    ? '—'
                    : formatPrice(price, Math.min(6, pricePrecision(q!.closes.map((c) => c.close))))}
                </span>
                <span
                  role="gridcell"
                  className={`watchlist__num watchlist__change--${change.tone}`}
                  data-testid="watch-change"
                  title={change.title}
                >
                  {change.text}
                </span>
                <span
                  role="gridcell"
                  className={regime.regime ? `watchlist__regime regime--${regime.regime}` : 'watchlist__regime'}
                  data-testid="watch-regime"
                  data-regime={regime.regime ?? 'none'}
                  title={regime.title}
                >
                  {regime.text}
                </span>
                <span role="gridcell" className="watchlist__risk" data-testid="watch-risk" title={RISK_UNAVAILABLE}>
                  —
                </span>
                <span role="gridcell">
                  <button
                    type="button"
                    className="watchlist__remove"
                    data-testid="watch-remove"
                    tabIndex={-1}
                    aria-label={`Remove ${row.symbol} ${row.timeframe} from the watchlist`}
                    title="Remove from the watchlist (Delete)"
                    onClick={(e) => {
                      e.stopPropagation()
                      void watchlist.getState().remove(row)
                    }}
                  >
                    ×
                  </button>
                </span>
              </div>
            )
          })}
        </div>
      )}
    </aside>
  )
}
