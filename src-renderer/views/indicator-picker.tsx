import { useEffect, useRef } from 'react'
import { searchOverlays } from '../../src-shared'
import { useOverlays, useStores } from '../store-hooks'

/**
 * The searchable indicator list: type to filter, ↑/↓ move, Enter adds the highlighted overlay, Esc closes (focus goes
 * back to the Indicators button); a click adds one too.
 */
export function IndicatorPicker() {
  const picker = useOverlays((s) => s.picker)
  const count = useOverlays((s) => s.overlays.length)
  const { overlays } = useStores()
  const input = useRef<HTMLInputElement>(null)
  const open = picker.open
  useEffect(() => {
    if (!open) return
    input.current?.focus()
    return () => document.querySelector<HTMLElement>('[data-testid="indicators-button"]')?.focus()
  }, [open])
  if (!open) return null
  const matches = searchOverlays(picker.query)
  const s = overlays.getState()
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') s.moveActive(e.key === 'ArrowDown' ? 1 : -1)
    else if (e.key === 'Enter') void s.pickActive()
    else if (e.key === 'Escape') s.closePicker()
    else return
    e.preventDefault()
    e.stopPropagation()
  }
  return (
    <div
      className="indicator-picker"
      data-testid="indicator-picker"
      data-layout-box
      onBlur={(e) => !e.currentTarget.contains(e.relatedTarget as Node | null) && s.closePicker()}
    >
      <input
        ref={input}
        className="input indicator-picker__search"
        type="search"
        role="combobox"
        aria-label="Search indicators"
        aria-expanded="true"
        aria-controls="indicator-list"
        aria-activedescendant={matches[picker.active] ? `indicator-${matches[picker.active].kind}` : undefined}
        placeholder="Search indicators…"
        data-testid="indicator-search"
        value={picker.query}
        onChange={(e) => s.setQuery(e.target.value)}
        onKeyDown={onKey}
      />
      <ul className="indicator-picker__list" id="indicator-list" role="listbox" aria-label="Indicators">
        {matches.map((d, i) => (
          <li
            key={d.kind}
            id={`indicator-${d.kind}`}
            role="option"
            aria-selected={i === picker.active}
            className="indicator-picker__item"
            data-testid="indicator-option"
            data-kind={d.kind}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => {
              s.closePicker()
              void s.add(d.kind)
            }}
          >
            <span className="indicator-picker__name">{d.name}</span>
            <span className="indicator-picker__spec">{[d.indicator, ...d.params.map((p) => p.default)].join(':')}</span>
          </li>
        ))}
        {matches.length === 0 && <li className="indicator-picker__none">No indicator matches “{picker.query}”</li>}
      </ul>
      {count > 0 && <div className="indicator-picker__hint">{count} on this chart · saved for this series</div>}
    </div>
  )
}
