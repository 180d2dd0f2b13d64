import { useEffect, useRef } from 'react'
import { overlayDefinition, overlayTitle } from '../../src-shared'
import { useOverlays, useStores } from '../store-hooks'
import { editErrors } from '../stores'

/**
 * The parameter editor of one overlay: a field per parameter, each checked as it is typed (the reason shows next to
 * the field); Enter or Apply saves a valid edit, Esc or Cancel drops it.
 */
export function OverlayEditor() {
  const editing = useOverlays((s) => s.editing)
  const overlay = useOverlays((s) => s.overlays.find((o) => o.id === s.editing?.id))
  const { overlays } = useStores()
  const first = useRef<HTMLInputElement>(null)
  const id = editing?.id
  useEffect(() => {
    if (!id) return
    first.current?.focus()
    first.current?.select()
    return () => document.querySelector<HTMLElement>(`[data-overlay="${id}"] [data-testid="overlay-edit"]`)?.focus()
  }, [id])
  if (!editing || !overlay) return null
  const def = overlayDefinition(overlay.kind)
  const errors = editErrors(overlay.kind, editing.text)
  const s = overlays.getState()
  return (
    <form
      className="overlay-editor"
      role="dialog"
      aria-label={`${def.name} parameters`}
      data-testid="overlay-editor"
      data-layout-box
      onSubmit={(e) => {
        e.preventDefault()
        void s.commitEdit()
      }}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return
        e.preventDefault()
        e.stopPropagation()
        s.cancelEdit()
      }}
    >
      <h3 className="overlay-editor__title">
        <span className="overlay-legend__swatch" style={{ background: overlay.color }} />
        {def.name} <span className="overlay-editor__now">{overlayTitle(overlay.kind, overlay.params)}</span>
      </h3>
      {def.params.length === 0 && (
        <p className="overlay-editor__none">No parameters: the session restarts at 00:00 UTC.</p>
      )}
      {def.params.map((p, i) => (
        <label key={p.label} className="overlay-editor__field">
          <span className="overlay-editor__label">{p.label}</span>
          <input
            ref={i === 0 ? first : undefined}
            className="input overlay-editor__input"
            inputMode={p.integer ? 'numeric' : 'decimal'}
            value={editing.text[i] ?? ''}
            aria-invalid={errors[i] !== undefined}
            aria-describedby={errors[i] ? `overlay-error-${i}` : undefined}
            data-testid={`overlay-param-${i}`}
            onChange={(e) => s.editParam(i, e.target.value)}
          />
          {errors[i] && (
            <span
              className="overlay-editor__error"
              id={`overlay-error-${i}`}
              role="alert"
              data-testid={`overlay-param-error-${i}`}
            >
              {errors[i]}
            </span>
          )}
        </label>
      ))}
      <div className="overlay-editor__actions">
        <button
          type="button"
          className="button button--small"
          data-testid="overlay-cancel"
          onClick={() => s.cancelEdit()}
        >
          Cancel
        </button>
        <button
          type="submit"
          className="button button--small button--primary"
          data-testid="overlay-apply"
          disabled={errors.some((e) => e !== undefined)}
        >
          Apply
        </button>
      </div>
    </form>
  )
}
