import { formatCount, formatSpan, formatUtc, timeZoneLabel } from '../format'
import { useChartState, useImports, useStores } from '../store-hooks'
import { isSelected } from '../stores'
import { EmptyState } from './empty-state'
import { ImportChooseButton } from './import-choose-button'
import { ImportDropTarget } from './import-drop-target'
import { ImportForm } from './import-form'
import { ImportStatus } from './import-status'
import { ViewHeader } from './view-header'
import './data-view.css'
import { FollowedSeriesPanel } from './followed-series-panel'

/** Stored series with bar counts and ranges (a row opens the series on the chart); import by picking, dropping or typing paths. */
export function DataView() {
  const series = useChartState((s) => s.series)
  const state = useChartState((s) => s.seriesState)
  const error = useChartState((s) => s.seriesError)
  const selection = useChartState((s) => s.selection)
  const importOpen = useImports((s) => s.open)
  const toggleImport = useImports((s) => s.toggle)
  const importMode = useImports((s) => s.mode)
  const { chart, navigation } = useStores()
  const total = series.reduce((a, s) => a + s.count, 0)
  const open = (i: number) => {
    const s = series[i]
    void chart.getState().select({ symbol: s.symbol, venue: s.venue, timeframe: s.timeframe })
    navigation.getState().show('chart')
  }
  return (
    <section className="view" data-testid="view-data">
      <ImportDropTarget className="data-view__body" testId="data-drop">
        <ViewHeader title="Data">
          <span className="view-header__meta" data-testid="data-summary">
            {series.length} series · {formatCount(total)} bars
          </span>
          <button
            type="button"
            className="button"
            data-testid="import-toggle"
            aria-expanded={importOpen}
            onClick={toggleImport}
          >
            Import…
          </button>
          <button
            type="button"
            className="button"
            data-testid="data-refresh"
            onClick={() => void chart.getState().loadSeries()}
            disabled={state === 'loading'}
          >
            Refresh
          </button>
        </ViewHeader>
        {importOpen && <ImportForm />}
        <ImportStatus />
        <FollowedSeriesPanel />
        {error && (
          <div className="banner banner--error" data-testid="data-error">
            {error}
          </div>
        )}
        {series.length === 0 && state === 'ready' ? (
          <EmptyState title="No bars stored yet" testId="empty-data">
            <p>
              {importMode === 'none' ? (
                <>
                  Import bar files with <b>Import…</b> above (paths on this workstation:{' '}
                </>
              ) : (
                <>
                  Drop bar files here, choose them below, or type their paths under <b>Import…</b> (
                </>
              )}
              Binance, freqtrade, LEAN, backtrader/Yahoo or any OHLCV CSV); each stored series is then listed here with
              its bar count and range.
            </p>
            {!importOpen && <ImportChooseButton primary />}
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="series-table">
              <thead>
                <tr>
                  <th>Symbol</th>
                  <th>Venue</th>
                  <th>TF</th>
                  <th className="num">Bars</th>
                  <th>First ({timeZoneLabel()})</th>
                  <th>Last ({timeZoneLabel()})</th>
                  <th className="num">Span</th>
                </tr>
              </thead>
              <tbody>
                {series.map((s, i) => (
                  <tr
                    key={`${s.symbol}.${s.venue}-${s.timeframe}`}
                    data-testid="series-row"
                    tabIndex={0}
                    aria-selected={isSelected(selection, s)}
                    title="Open on the chart (Enter)"
                    onClick={() => open(i)}
                    onKeyDown={(e) => e.key === 'Enter' && open(i)}
                  >
                    <td className="strong">{s.symbol}</td>
                    <td>{s.venue}</td>
                    <td>{s.timeframe}</td>
                    <td className="num">{formatCount(s.count)}</td>
                    <td className="mono">{formatUtc(s.first)}</td>
                    <td className="mono">{formatUtc(s.last)}</td>
                    <td className="num">{formatSpan(s.last - s.first)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </ImportDropTarget>
    </section>
  )
}
