import { TIMEFRAMES } from '../../src-shared'
import { useImports, useStores } from '../store-hooks'
import { ImportChooseButton } from './import-choose-button'

/**
 * Import market-data files: choose or drop them (uploaded in web mode, by path on the desktop), or type paths on the
 * workstation (power users). Symbol, venue and timeframe apply to either; anything left empty is read from the file.
 */
export function ImportForm() {
  const draft = useImports((s) => s.draft)
  const submitting = useImports((s) => s.submitting)
  const mode = useImports((s) => s.mode)
  const job = useImports((s) => s.job)
  const { imports } = useStores()
  const edit = imports.getState().edit
  return (
    <form
      className="import-form"
      data-testid="import-form"
      onSubmit={(e) => {
        e.preventDefault()
        void imports.getState().submit()
      }}
    >
      {mode !== 'none' && (
        <div className="import-form__pick" data-testid="import-pick">
          <ImportChooseButton primary />
          <span>
            or drop files anywhere on this view — Binance, freqtrade, LEAN, backtrader/Yahoo or any OHLCV CSV; .gz and
            .zip are read as they are
          </span>
        </div>
      )}
      <label className="field field--wide">
        <span className="field__label">
          {mode === 'none' ? 'Files on this workstation' : 'Or type paths on this workstation'}
        </span>
        <input
          className="input"
          data-testid="import-files"
          placeholder="/data/BTCUSDT-1m-2024-01.csv, /data/ETHUSDT-1m-2024-01.csv"
          value={draft.files}
          onChange={(e) => edit({ files: e.target.value })}
          autoFocus={mode === 'none'}
        />
      </label>
      <label className="field">
        <span className="field__label">Symbol</span>
        <input
          className="input"
          data-testid="import-symbol"
          placeholder="from file"
          value={draft.symbol}
          onChange={(e) => edit({ symbol: e.target.value })}
        />
      </label>
      <label className="field">
        <span className="field__label">Venue</span>
        <input
          className="input"
          data-testid="import-venue"
          placeholder="from file"
          value={draft.venue}
          onChange={(e) => edit({ venue: e.target.value })}
        />
      </label>
      <label className="field">
        <span className="field__label">Timeframe</span>
        <select
          className="select select--small"
          data-testid="import-timeframe"
          value={draft.timeframe}
          onChange={(e) => edit({ timeframe: e.target.value })}
        >
          <option value="">from file</option>
          {TIMEFRAMES.map((tf) => (
            <option key={tf} value={tf}>
              {tf}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button" data-testid="import-submit" disabled={submitting}>
        {submitting ? 'Starting…' : 'Import paths'}
      </button>
      <div className="import-form__status">
        {job ? (
          <span data-testid="import-started">
            Import job started — progress and the result below and in the jobs tray; the table refreshes when it is
            done.
          </span>
        ) : (
          <span>
            Rows are validated; rejected rows are reported with file, line and reason. Nothing already stored is lost.
          </span>
        )}
      </div>
    </form>
  )
}
