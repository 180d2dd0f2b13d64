import { TIMEFRAMES } from '../../src-shared'
import { useImports, useStores } from '../store-hooks'

/** Import bar files that sit on the workstation's disk; runs as a job, the table refreshes when it succeeds. */
export function ImportForm() {
  const draft = useImports((s) => s.draft)
  const submitting = useImports((s) => s.submitting)
  const error = useImports((s) => s.error)
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
      <label className="field field--wide">
        <span className="field__label">Files on this workstation</span>
        <input
          className="input"
          data-testid="import-files"
          placeholder="/data/BTCUSDT-1m-2024-01.csv, /data/ETHUSDT-1m-2024-01.csv"
          value={draft.files}
          onChange={(e) => edit({ files: e.target.value })}
          autoFocus
        />
      </label>
      <label className="field">
        <span className="field__label">Symbol</span>
        <input className="input" data-testid="import-symbol" placeholder="from file" value={draft.symbol} onChange={(e) => edit({ symbol: e.target.value })} />
      </label>
      <label className="field">
        <span className="field__label">Venue</span>
        <input className="input" data-testid="import-venue" placeholder="from file" value={draft.venue} onChange={(e) => edit({ venue: e.target.value })} />
      </label>
      <label className="field">
        <span className="field__label">Timeframe</span>
        <select className="select select--small" data-testid="import-timeframe" value={draft.timeframe} onChange={(e) => edit({ timeframe: e.target.value })}>
          <option value="">from file</option>
          {TIMEFRAMES.map((tf) => (
            <option key={tf} value={tf}>
              {tf}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button button--primary" data-testid="import-submit" disabled={submitting}>
        {submitting ? 'Starting…' : 'Import'}
      </button>
      <div className="import-form__status">
        {error ? (
          <span className="status__error" data-testid="import-error">{error}</span>
        ) : job ? (
          <span data-testid="import-started">Import job started — progress in the jobs tray; the table refreshes when it is done.</span>
        ) : (
          <span>Rows are validated; rejected rows are reported with file, line and reason. Nothing already stored is lost.</span>
        )}
      </div>
    </form>
  )
}
