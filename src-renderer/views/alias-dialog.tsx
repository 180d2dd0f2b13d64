import { useEffect } from 'react'
import { MODEL_ALIASES } from '../../src-shared'
import { shortId } from '../format'
import { useModels, useStores } from '../store-hooks'

/**
 * The reason prompt for an alias move (modal): promote a version to champion/challenger/shadow, or roll an alias
 * back. The reason is required and recorded in the alias history; `force` (a champion without a passing gate or
 * A/B win) needs one too. Enter confirms, Escape cancels.
 */
export function AliasDialog() {
  const dialog = useModels((s) => s.dialog)
  const { models } = useStores()
  const { editDialog, closeDialog, submitDialog } = models.getState()
  useEffect(() => {
    if (!dialog) return
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && closeDialog()
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [dialog, closeDialog])
  if (!dialog) return null
  const promote = dialog.kind === 'promote'
  const title = promote ? `Promote ${shortId(dialog.versionId)}` : `Roll back ${dialog.alias}`
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && closeDialog()}>
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="alias-dialog-title"
        data-testid="alias-dialog"
        onSubmit={(e) => {
          e.preventDefault()
          void submitDialog()
        }}
      >
        <h2 className="modal__title" id="alias-dialog-title">
          {title}
          <span className="modal__subtitle">{dialog.name}</span>
        </h2>
        {promote ? (
          <div className="field field--full">
            <span className="field__label">Alias</span>
            <div className="segmented" role="radiogroup" aria-label="Alias">
              {MODEL_ALIASES.map((a) => (
                <button
                  key={a}
                  type="button"
                  role="radio"
                  aria-checked={dialog.alias === a}
                  className="segmented__item"
                  data-testid={`dialog-alias-${a}`}
                  onClick={() => editDialog({ alias: a, ...(a === 'champion' ? {} : { force: false }) })}
                >
                  {a}
                </button>
              ))}
            </div>
          </div>
        ) : (
          <p className="modal__text">
            Restores the version that held <b>{dialog.alias}</b> before the current one. The move is appended to the
            alias history.
          </p>
        )}
        <label className="field field--full">
          <span className="field__label">Reason (required, recorded in the history)</span>
          <input
            className="input"
            data-testid="dialog-reason"
            placeholder={
              promote
                ? 'e.g. better F1 than the champion on the last 4 folds'
                : 'e.g. live F1 fell below the validation F1'
            }
            value={dialog.reason}
            maxLength={500}
            onChange={(e) => editDialog({ reason: e.target.value })}
            autoFocus
          />
        </label>
        {promote && dialog.alias === 'champion' && (
          <label
            className="check"
            title="Needed when there is no passing promotion gate or A/B win against the current champion"
          >
            <input
              type="checkbox"
              data-testid="dialog-force"
              checked={dialog.force}
              onChange={(e) => editDialog({ force: e.target.checked })}
            />
            <span>
              Force — replace the champion without a passing gate or A/B win{' '}
              <span className="check__hint">(the reason is kept with the move)</span>
            </span>
          </label>
        )}
        {dialog.error && (
          <div className="modal__error" role="alert" data-testid="dialog-error">
            {dialog.error}
          </div>
        )}
        <div className="modal__actions">
          <span className="modal__hint">
            <kbd>Enter</kbd> confirm · <kbd>Esc</kbd> cancel
          </span>
          <button type="button" className="button" onClick={closeDialog}>
            Cancel
          </button>
          <button
            type="submit"
            className={`button ${dialog.force ? 'button--danger' : 'button--primary'}`}
            data-testid="dialog-confirm"
            disabled={dialog.submitting}
          >
            {dialog.submitting ? 'Working…' : promote ? (dialog.force ? 'Force promote' : 'Promote') : 'Roll back'}
          </button>
        </div>
      </form>
    </div>
  )
}
