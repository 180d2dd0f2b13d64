import { useEffect, useRef } from 'react'
import { useChartLayers, useStores } from '../store-hooks'
import { isTypingTarget, KEYBOARD_SHORTCUTS, matchShortcut, SHORTCUT_GROUPS } from '../stores'

const FOCUSABLE = 'button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])'

/** `?` (not while typing) opens the shortcuts overlay from any view. */
export function useHelpShortcut(): void {
  const { chartLayers } = useStores()
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.repeat || isTypingTarget(e.target) || chartLayers.getState().helpOpen) return
      if (matchShortcut(e, 'app')?.id !== 'help.shortcuts') return
      e.preventDefault()
      chartLayers.getState().setHelpOpen(true)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [chartLayers])
}

/** One key chord as key caps: `Ctrl+K` → Ctrl K. */
function Keys({ chord }: { chord: string }) {
  const parts =
    chord === '+' || chord.endsWith('++') ? [...chord.slice(0, -1).split('+').filter(Boolean), '+'] : chord.split('+')
  return (
    <span className="shortcuts__chord">
      {parts.map((p, i) => (
        <kbd key={i}>{p}</kbd>
      ))}
    </span>
  )
}

/**
 * The keyboard shortcuts overlay: every row of KEYBOARD_SHORTCUTS by group. Modal: focus moves into it and Tab stays
 * inside; Esc, the close button or a click outside close it, and focus returns where it was.
 */
export function ShortcutsDialog() {
  const open = useChartLayers((s) => s.helpOpen)
  const { chartLayers } = useStores()
  const dialog = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const before = document.activeElement as HTMLElement | null
    dialog.current?.querySelector<HTMLElement>('[data-testid="shortcuts-close"]')?.focus()
    const onKey = (e: KeyboardEvent) => {
      const el = dialog.current
      if (!el) return
      if (e.key === 'Escape') {
        e.preventDefault()
        chartLayers.getState().setHelpOpen(false)
        return
      }
      // Modal: printable keys and Ctrl chords (view digits, chart letters, Ctrl+K) do not reach the app underneath.
      if (e.key.length === 1 && (e.key !== ' ' || e.ctrlKey || e.metaKey)) {
        e.stopPropagation()
        return
      }
      if (e.key !== 'Tab') return
      const items = [...el.querySelectorAll<HTMLElement>(FOCUSABLE)]
      if (items.length === 0) return
      const i = items.indexOf(document.activeElement as HTMLElement)
      const next = e.shiftKey ? (i <= 0 ? items.length - 1 : i - 1) : i < 0 || i === items.length - 1 ? 0 : i + 1
      e.preventDefault()
      items[next].focus()
    }
    window.addEventListener('keydown', onKey, true)
    return () => {
      window.removeEventListener('keydown', onKey, true)
      before?.focus?.()
    }
  }, [open, chartLayers])
  if (!open) return null
  return (
    <div
      className="modal-backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && chartLayers.getState().setHelpOpen(false)}
    >
      <div
        className="modal shortcuts"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        data-testid="shortcuts-dialog"
        ref={dialog}
      >
        <h2 className="modal__title shortcuts__title" id="shortcuts-title">
          Keyboard shortcuts
          <button
            type="button"
            className="legend-button shortcuts__close"
            aria-label="Close"
            data-testid="shortcuts-close"
            onClick={() => chartLayers.getState().setHelpOpen(false)}
          >
            ×
          </button>
        </h2>
        <div className="shortcuts__groups" tabIndex={0} aria-label="Shortcut list">
          {SHORTCUT_GROUPS.map((g) => {
            const rows = KEYBOARD_SHORTCUTS.filter((r) => r.group === g)
            if (rows.length === 0) return null
            return (
              <section key={g} className="shortcuts__group">
                <h3 className="shortcuts__group-title">{g}</h3>
                <dl className="shortcuts__list">
                  {rows.map((r) => (
                    <div key={r.id} className="shortcuts__row" data-testid="shortcut-row" data-shortcut={r.id}>
                      <dt>
                        {r.keys.map((k, i) => (
                          <span key={k}>
                            {i > 0 && <span className="shortcuts__or">or</span>}
                            <Keys chord={k} />
                          </span>
                        ))}
                      </dt>
                      <dd>{r.label}</dd>
                    </div>
                  ))}
                </dl>
              </section>
            )
          })}
        </div>
        <p className="modal__hint shortcuts__hint">
          Chart keys work while the Chart view is shown; none fire while you type in a field.
        </p>
      </div>
    </div>
  )
}
