import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react'
import { STRATEGY_CATALOG, strategyInfo, type SignalView } from '../../src-shared'
import { signalColor, strategyTag } from '../chart'
import { formatUtc, formatUtcShort, timeZoneLabel } from '../format'
import { useChartState, useLiveStrategies, useSignals, useStores } from '../store-hooks'
import { isSignalOf, seriesKey, showSignalOnChart } from '../stores'
import { PaperAccountSummary } from './paper-account-summary'
import './signals-panel.css'

/** Keys of the list: ↓/j and ↑/k move, Home/End jump, Enter shows the selected signal's bar on the chart. */
const MOVES: Readonly<Record<string, number>> = {
  ArrowDown: 1,
  j: 1,
  ArrowUp: -1,
  k: -1,
  PageDown: 10,
  PageUp: -10,
  Home: -Infinity,
  End: Infinity,
}

const seriesLabel = (s: { symbol: string; venue: string; timeframe: string }) =>
  `${s.symbol}.${s.venue} · ${s.timeframe}`

/** One signal: time, side and strategy, outcome (the reason in its title), enhanced confidence and ML probability. */
function SignalRow({
  s,
  selected,
  tabbable,
  showSeries,
}: {
  s: SignalView
  selected: boolean
  tabbable: boolean
  showSeries: boolean
}) {
  const stores = useStores()
  const ml = !s.ml ? 'off' : s.mlProbability === null ? '—' : s.mlProbability.toFixed(2)
  return (
    <tr
      className={`signal-row signal-row--${s.outcome}`}
      data-testid="signal-row"
      data-id={s.id}
      data-time={s.time}
      data-outcome={s.outcome}
      data-side={s.side}
      data-strategy={s.strategy}
      data-ml={s.ml}
      data-ml-probability={s.mlProbability ?? ''}
      data-model={s.modelVersion ?? ''}
      tabIndex={tabbable ? 0 : -1}
      aria-selected={selected}
      title={`${strategyInfo(s.strategy)?.label ?? s.strategy} ${s.side} ${s.outcome}${s.reason ? `: ${s.reason}` : ''} · ${formatUtc(s.time)} ${timeZoneLabel()} — click or Enter shows the bar`}
      onFocus={() => stores.signals.getState().select(s.id)}
      onClick={() => {
        stores.signals.getState().select(s.id)
        void showSignalOnChart(stores, s)
      }}
    >
      <td className="mono">{formatUtcShort(s.time)}</td>
      <td className="mono">
        <b className="signal-row__side" style={{ color: signalColor(s) }}>
          {s.side === 'long' ? '▲' : '▼'}
        </b>{' '}
        {strategyTag(s.strategy)}
        {showSeries && <span className="signal-row__series"> {s.symbol}</span>}
      </td>
      <td className="signal-row__outcome">{s.outcome === 'taken' ? 'taken' : 'skip'}</td>
      <td className="num mono">{s.enhancedConfidence.toFixed(2)}</td>
      <td
        className="num mono"
        title={
          !s.ml
            ? 'ML off'
            : s.mlProbability === null
              ? 'ML on, no model: acting as off'
              : `model ${s.modelVersion ?? ''}`
        }
      >
        {ml}
      </td>
    </tr>
  )
}

/**
 * The Signals panel beside the chart: strategy signals filtered by strategy and series, newest first; a click or Enter
 * on a row centres the chart on its bar (charting its series first). Under the list, the paper accounts of the
 * strategies live on the charted series with their equity curves.
 */
export function SignalsPanel() {
  const open = useSignals((s) => s.open)
  const list = useSignals((s) => s.list)
  const filters = useSignals((s) => s.filters)
  const listState = useSignals((s) => s.listState)
  const listError = useSignals((s) => s.listError)
  const selectedId = useSignals((s) => s.selectedId)
  const selection = useChartState((s) => s.selection)
  const specs = useLiveStrategies((s) => s.specs)
  const accounts = useLiveStrategies((s) => s.accounts)
  const stores = useStores()
  const { signals } = stores
  const body = useRef<HTMLTableSectionElement>(null)
  const charted = useMemo(() => accounts.filter((a) => isSignalOf(a, selection)), [accounts, selection])
  // Series a strategy runs on, plus the one the filter names (its strategy may have been switched off since).
  const seriesChoices = useMemo(() => {
    const m = new Map<string, string>()
    for (const s of specs) m.set(seriesKey(s), seriesLabel(s))
    if (filters.series !== 'all' && filters.series !== 'chart' && !m.has(filters.series)) {
      const [symbol, venue, timeframe] = filters.series.split('|')
      m.set(filters.series, seriesLabel({ symbol, venue, timeframe }))
    }
    return [...m.entries()].sort((a, b) => a[1].localeCompare(b[1]))
  }, [specs, filters.series])

  useEffect(() => {
    const tb = body.current
    if (!tb || !tb.contains(document.activeElement)) return
    const row = tb.querySelector<HTMLElement>('tr[aria-selected="true"]')
    if (row && row !== document.activeElement) row.focus()
  }, [selectedId, list])

  if (!open) return null
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return
    const delta = MOVES[e.key]
    if (delta !== undefined) {
      e.preventDefault()
      signals.getState().move(Number.isFinite(delta) ? delta : delta > 0 ? list.length : -list.length)
    } else if (e.key === 'Enter' && e.target instanceof HTMLTableRowElement) {
      const s = list.find((x) => x.id === signals.getState().selectedId)
      if (s) {
        e.preventDefault()
        void showSignalOnChart(stores, s)
      }
    }
  }
  const focusable = list.some((s) => s.id === selectedId)
  const showSeries = filters.series === 'all'
  return (
    <aside
      className="signals-panel"
      id="signals-panel"
      data-testid="signals-panel"
      data-layout-box
      data-state={listState}
      data-count={list.length}
      aria-label="Signals"
    >
      <header className="signals-panel__head">
        <h2 className="signals-panel__title">Signals</h2>
        <button
          type="button"
          className="signals-panel__close"
          aria-label="Close the Signals panel"
          data-testid="signals-close"
          onClick={() => signals.getState().setOpen(false)}
        >
          ×
        </button>
      </header>
      <div className="signals-panel__filters">
        <select
          className="select select--small signals-panel__filter"
          aria-label="Strategy"
          data-testid="signals-filter-strategy"
          value={filters.strategy}
          onChange={(e) => signals.getState().setFilters({ strategy: e.target.value })}
        >
          <option value="all">All strategies</option>
          {STRATEGY_CATALOG.map((s) => (
            <option key={s.name} value={s.name}>
              {s.label}
            </option>
          ))}
        </select>
        <select
          className="select select--small signals-panel__filter"
          aria-label="Series"
          data-testid="signals-filter-series"
          value={filters.series}
          onChange={(e) => signals.getState().setFilters({ series: e.target.value })}
        >
          <option value="chart">This chart{selection ? ` (${selection.symbol} ${selection.timeframe})` : ''}</option>
          <option value="all">All series</option>
          {seriesChoices.map(([key, label]) => (
            <option key={key} value={key}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {listError && (
        <div className="signals-panel__error" data-testid="signals-error" title={listError}>
          {listError}
        </div>
      )}
      {list.length === 0 ? (
        <div className="signals-panel__empty" data-testid="signals-empty">
          {listState === 'loading'
            ? 'loading…'
            : 'No signals yet. Enable a strategy on this series from the chart’s Strategies menu (l): its signals since the warm-up appear here.'}
        </div>
      ) : (
        <div className="signals-panel__list" onKeyDown={onKey}>
          <table className="table signals-table">
            <thead>
              <tr>
                <th>Time</th>
                <th>Sig.</th>
                <th>Taken</th>
                <th className="num" title="enhanced confidence">
                  Conf
                </th>
                <th className="num" title="ML probability">
                  ML p
                </th>
              </tr>
            </thead>
            <tbody ref={body}>
              {list.map((s, i) => (
                <SignalRow
                  key={s.id}
                  s={s}
                  selected={s.id === selectedId}
                  tabbable={focusable ? s.id === selectedId : i === 0}
                  showSeries={showSeries}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {charted.length > 0 && (
        <section
          className="signals-panel__paper"
          aria-label="Paper accounts on this series"
          data-testid="signals-paper"
        >
          {charted.map((a) => (
            <PaperAccountSummary
              key={a.strategy}
              account={a}
              title={`${strategyInfo(a.strategy)?.label ?? a.strategy} · paper`}
            />
          ))}
        </section>
      )}
      <footer className="signals-panel__hint">
        <kbd>Click</kbd>/<kbd>Enter</kbd> show on the chart · <kbd>↑</kbd>
        <kbd>↓</kbd> move
      </footer>
    </aside>
  )
}
