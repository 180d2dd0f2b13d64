import { useCallback, useEffect, useRef, useState } from 'react'
import { parseZonedDateTime } from '../../src-shared'
import { displayTimeZone, timeZoneLabel } from '../format'
import { useChartState, useStores } from '../store-hooks'
import { chartTimeframesFor, type ChartStore } from '../stores'

/** The chart's time shortcuts (the `?` overlay lists them): key as `KeyboardEvent.key`, and what it does. */
export const CHART_TIME_SHORTCUTS = [
  { key: 'g', does: 'Go to a date (typed in the display time zone)' },
  { key: 'End', does: 'Back to the newest bars (live)' },
  { key: '[', does: 'Previous timeframe' },
  { key: ']', does: 'Next timeframe' },
] as const

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el || typeof el.tagName !== 'string') return false
  return el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT'
}

/** Shifts the chart's timeframe by `step` through those the instrument can show. */
function stepTimeframe(chart: ChartStore, step: number): void {
  const { series, selection } = chart.getState()
  if (!selection) return
  const tfs = chartTimeframesFor(series, selection.symbol, selection.venue)
  const next = tfs[tfs.indexOf(selection.timeframe) + step]
  if (next) void chart.getState().select({ timeframe: next })
}

/** Keys of {@link CHART_TIME_SHORTCUTS} while the chart view is shown (not while typing, not with modifiers). */
function useChartTimeShortcuts(chart: ChartStore, openGoTo: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || isTyping(e.target)) return
      if (e.key === 'g') openGoTo()
      else if (e.key === 'End') void chart.getState().goToLatest()
      else if (e.key === '[') stepTimeframe(chart, -1)
      else if (e.key === ']') stepTimeframe(chart, 1)
      else return
      e.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [chart, openGoTo])
}

/** Toolbar controls for the chart's time: go to a date (`g`), back to the newest bars (`End`), history page status. */
export function ChartTimeControls() {
  const { chart } = useStores()
  const hasSelection = useChartState((s) => s.selection !== undefined)
  const hasNewer = useChartState((s) => s.hasNewer)
  const pageState = useChartState((s) => s.pageState)
  const pageError = useChartState((s) => s.pageError)
  const [open, setOpen] = useState(false)
  const [text, setText] = useState('')
  const [error, setError] = useState<string | undefined>(undefined)
  const button = useRef<HTMLButtonElement>(null)
  const input = useRef<HTMLInputElement>(null)
  const openGoTo = useCallback(() => setOpen(true), [])
  useChartTimeShortcuts(chart, openGoTo)

  useEffect(() => {
    if (open) input.current?.focus()
  }, [open])

  const close = () => {
    setOpen(false)
    setError(undefined)
    button.current?.focus()
  }
  const submit = () => {
    const r = parseZonedDateTime(text, displayTimeZone())
    if (!r.ok) return setError(`Go to date: ${r.error}`)
    close()
    void chart.getState().goToTime(r.time)
  }

  return (
    <div className="chart-time">
      {pageState === 'loading' && (
        <span className="toolbar__meta" data-testid="chart-page-loading">
          loading history…
        </span>
      )}
      {pageError && (
        <span className="chart-time__error" data-testid="chart-page-error" title={pageError}>
          {pageError}
        </span>
      )}
      <button
        ref={button}
        type="button"
        className="button button--small"
        data-testid="goto-date-open"
        aria-expanded={open}
        aria-controls="goto-date"
        aria-keyshortcuts="g"
        disabled={!hasSelection}
        title="Go to a date (g)"
        onClick={() => (open ? close() : setOpen(true))}
      >
        Go to date
      </button>
      {hasNewer && (
        <button
          type="button"
          className="button button--small chart-time__latest"
          data-testid="goto-latest"
          aria-keyshortcuts="End"
          title="Back to the newest bars (End)"
          onClick={() => void chart.getState().goToLatest()}
        >
          Latest ⇥
        </button>
      )}
      {open && (
        <form
          id="goto-date"
          className="chart-time__popover"
          data-testid="goto-date"
          data-layout-box
          role="dialog"
          aria-label="Go to date"
          onSubmit={(e) => {
            e.preventDefault()
            submit()
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation()
              close()
            }
          }}
        >
          <label className="field__label" htmlFor="goto-date-input">
            Date · {timeZoneLabel()}
          </label>
          <div className="chart-time__row">
            <input
              ref={input}
              id="goto-date-input"
              className="input chart-time__input"
              data-testid="goto-date-input"
              placeholder="YYYY-MM-DD HH:mm"
              value={text}
              aria-invalid={error !== undefined}
              aria-describedby={error ? 'goto-date-error' : undefined}
              onChange={(e) => {
                setText(e.target.value)
                setError(undefined)
              }}
            />
            <button type="submit" className="button button--small" data-testid="goto-date-go">
              Go
            </button>
          </div>
          {error && (
            <div id="goto-date-error" className="chart-time__error" data-testid="goto-date-error" role="alert">
              {error}
            </div>
          )}
        </form>
      )}
    </div>
  )
}
