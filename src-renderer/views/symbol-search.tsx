import { useEffect, useMemo, useRef } from 'react'
import { formatCount, formatUtc } from '../format'
import { useChartState, useStores, useSymbolSearch } from '../store-hooks'
import { searchSeries } from '../stores'

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el || typeof el.tagName !== 'string') return false
  return el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT'
}

/**
 * The chart's symbol search: a toolbar button, `/` (not while typing) or Ctrl+K opens it; typing filters the stored
 * series (pair spellings and timeframe words work: `eth/btc 5m`), ↑/↓ move, Enter charts the highlighted series (or
 * adds it to the watchlist when opened from there), Esc closes.
 */
export function SymbolSearch() {
  const { symbolSearch } = useStores()
  const open = useSymbolSearch((s) => s.open)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (symbolSearch.getState().open || e.repeat) return
      const ctrlK = (e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k'
      const slash = e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target)
      if (!ctrlK && !slash) return
      e.preventDefault()
      symbolSearch.getState().openSearch('chart')
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [symbolSearch])
  return (
    <>
      <button
        type="button"
        className="button button--small symbol-search__trigger"
        data-testid="symbol-search-open"
        title="Search stored series (/ or Ctrl+K)"
        onClick={() => symbolSearch.getState().openSearch('chart')}
      >
        Search <kbd>/</kbd>
      </button>
      {open && <SymbolSearchDialog />}
    </>
  )
}

function SymbolSearchDialog() {
  const { symbolSearch } = useStores()
  const query = useSymbolSearch((s) => s.query)
  const active = useSymbolSearch((s) => s.active)
  const mode = useSymbolSearch((s) => s.mode)
  const kinds = useSymbolSearch((s) => s.kinds)
  const error = useSymbolSearch((s) => s.error)
  const series = useChartState((s) => s.series)
  const selection = useChartState((s) => s.selection)
  const results = useMemo(() => searchSeries(series, query), [series, query])
  const list = useRef<HTMLUListElement>(null)
  const { setQuery, move, choose, close } = symbolSearch.getState()
  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' })
  }, [active, results])
  const title = mode === 'watch' ? 'Add to the watchlist' : 'Open a series on the chart'
  return (
    <div
      className="modal-backdrop symbol-search__backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && close()}
    >
      <div
        className="modal symbol-search"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid="symbol-search"
        data-mode={mode}
      >
        <div className="symbol-search__title">
          <b>{title}</b>
          <span className="modal__hint">
            <kbd>↑</kbd>
            <kbd>↓</kbd> move · <kbd>Enter</kbd> {mode === 'watch' ? 'add' : 'chart'} · <kbd>Esc</kbd> close
          </span>
        </div>
        <input
          className="input symbol-search__input"
          data-testid="symbol-search-input"
          placeholder="Symbol, pair or venue — e.g. eth/btc 5m"
          value={query}
          autoFocus
          role="combobox"
          aria-expanded="true"
          aria-controls="symbol-search-results"
          aria-activedescendant={results[active] ? `symbol-search-${active}` : undefined}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault()
              move(e.key === 'ArrowDown' ? 1 : -1)
            } else if (e.key === 'Enter') {
              e.preventDefault()
              void choose()
            } else if (e.key === 'Escape') {
              e.preventDefault()
              close()
            }
          }}
        />
        {error && <div className="symbol-search__error">{error}</div>}
        <ul
          className="symbol-search__results"
          id="symbol-search-results"
          role="listbox"
          ref={list}
          data-testid="symbol-search-results"
          data-count={results.length}
        >
          {results.length === 0 && (
            <li className="symbol-search__empty">No stored series matches “{query}”. Import bars in the Data view.</li>
          )}
          {results.map((s, i) => {
            const current =
              selection &&
              selection.symbol === s.symbol &&
              selection.venue === s.venue &&
              selection.timeframe === s.timeframe
            return (
              <li
                key={`${s.symbol}.${s.venue}-${s.timeframe}`}
                id={`symbol-search-${i}`}
                role="option"
                aria-selected={i === active}
                className="symbol-search__row"
                data-testid="symbol-search-result"
                data-series={`${s.symbol}.${s.venue}-${s.timeframe}`}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => void choose(i)}
              >
                <span className="symbol-search__symbol">{s.symbol}</span>
                <span className="symbol-search__venue">{s.venue}</span>
                <span className="symbol-search__tf">{s.timeframe}</span>
                <span className="symbol-search__kind">
                  {kinds[`${s.symbol}.${s.venue}`] === 'other' ? '' : (kinds[`${s.symbol}.${s.venue}`] ?? '')}
                </span>
                <span className="symbol-search__facts" title={`${formatUtc(s.first)} → ${formatUtc(s.last)} UTC`}>
                  {formatCount(s.count)} bars · to {formatUtc(s.last)}
                  {s.primary ? ' · live' : ''}
                  {current ? ' · on chart' : ''}
                </span>
              </li>
            )
          })}
        </ul>
      </div>
    </div>
  )
}
