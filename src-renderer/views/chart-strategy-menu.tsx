import { useEffect, useRef, useState } from 'react'
import { STRATEGY_CATALOG } from '../../src-shared'
import { useChartState, useLiveStrategies } from '../store-hooks'
import { addKeyboardShortcuts, isTypingTarget } from '../stores'
import { LiveStrategyControls } from './live-strategy-controls'
import './chart-strategy-menu.css'

addKeyboardShortcuts([
  {
    id: 'chart.strategies',
    keys: ['l'],
    label: 'Strategy menu: run strategies live on this series',
    group: 'Chart',
    scope: 'chart',
  },
])

/**
 * The chart header's strategy menu: a button (with how many strategies run on the charted series; `l` opens it) and a
 * dialog with every catalog strategy's live controls for that series. Esc (or a press outside) closes it; Esc gives focus
 * back to the button.
 */
export function ChartStrategyMenu() {
  const selection = useChartState((s) => s.selection)
  const resampledFrom = useChartState((s) => s.resampledFrom)
  const running = useLiveStrategies((s) =>
    selection
      ? s.specs.filter(
          (x) => x.symbol === selection.symbol && x.venue === selection.venue && x.timeframe === selection.timeframe,
        ).length
      : 0,
  )
  const loadError = useLiveStrategies((s) => s.error)
  const [open, setOpen] = useState(false)
  const button = useRef<HTMLButtonElement>(null)
  const dialog = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'l' || e.ctrlKey || e.metaKey || e.altKey || e.repeat || e.defaultPrevented) return
      if (isTypingTarget(e.target) || (e.target as Element | null)?.closest?.('[role="dialog"]')) return
      e.preventDefault()
      setOpen(true)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  // While open: Esc closes it wherever the focus is (a switch that was busy may have dropped it), and so does a press
  // outside it.
  useEffect(() => {
    if (!open) return
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return
      const inOther = (e.target as Element | null)?.closest?.('[role="dialog"]')
      if (inOther && inOther !== dialog.current) return
      e.preventDefault()
      setOpen(false)
      button.current?.focus()
    }
    const onPointer = (e: PointerEvent) => {
      const t = e.target as Node | null
      if (t && !dialog.current?.contains(t) && !button.current?.contains(t)) setOpen(false)
    }
    window.addEventListener('keydown', onKey)
    document.addEventListener('pointerdown', onPointer)
    return () => {
      window.removeEventListener('keydown', onKey)
      document.removeEventListener('pointerdown', onPointer)
    }
  }, [open])

  useEffect(() => {
    // The first strategy's Enabled switch: Space enables it.
    if (open)
      (
        dialog.current?.querySelector<HTMLElement>('input') ?? dialog.current?.querySelector<HTMLElement>('button')
      )?.focus()
  }, [open])

  const close = () => {
    setOpen(false)
    button.current?.focus()
  }
  const series = selection ? `${selection.symbol}.${selection.venue} · ${selection.timeframe}` : ''
  return (
    <div className="chart-strategies">
      <button
        ref={button}
        type="button"
        className="button button--small chart-strategies__button"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls="strategy-menu"
        aria-keyshortcuts="l"
        aria-label={`Strategies${running > 0 ? ` (${running} live on this series)` : ''}`}
        data-testid="strategy-menu-button"
        data-running={running}
        disabled={!selection}
        title="Run strategies live on this series (l)"
        onClick={() => (open ? close() : setOpen(true))}
      >
        {/* The Strategies view's icon; the word goes in small windows, where the toolbar is full. */}
        <svg className="chart-strategies__icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
          <path
            d="M2 12l3.5-4 3 2.5L14 4M10.5 4H14v3.5"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.4"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
        <span className="chart-strategies__label">Strategies</span>
        {running > 0 && <span className="chart-strategies__count">{running}</span>}
      </button>
      {open && selection && (
        <div
          ref={dialog}
          id="strategy-menu"
          className="strategy-menu"
          role="dialog"
          aria-label={`Strategies live on ${series}`}
          data-testid="strategy-menu"
          data-layout-box
        >
          <header className="strategy-menu__head">
            <span>
              Live on <b>{series}</b>
            </span>
            <button
              type="button"
              className="strategy-menu__close"
              aria-label="Close the strategy menu"
              data-testid="strategy-menu-close"
              onClick={close}
            >
              ×
            </button>
          </header>
          <div className="strategy-menu__body">
            {loadError && (
              <p className="live-controls__error strategy-menu__error" role="alert" data-testid="strategy-menu-error">
                Live strategies could not be read: {loadError}
              </p>
            )}
            {STRATEGY_CATALOG.map((s) => (
              <LiveStrategyControls
                key={s.name}
                strategy={s}
                series={selection}
                disabledReason={
                  resampledFrom
                    ? `${selection.timeframe} is built from ${resampledFrom} bars here; strategies run on stored timeframes (switch to ${resampledFrom}).`
                    : undefined
                }
              />
            ))}
          </div>
          <footer className="strategy-menu__foot">
            Paper trading only: signals become markers, fills go to a paper account.
          </footer>
        </div>
      )}
    </div>
  )
}
