import { useSignals, useStores } from '../store-hooks'

/** Toolbar button that shows or hides the Signals panel. */
export function SignalsToggle() {
  const open = useSignals((s) => s.open)
  const { signals } = useStores()
  return (
    <button
      type="button"
      className="button button--small"
      aria-pressed={open}
      aria-controls="signals-panel"
      data-testid="signals-toggle"
      title="Strategy signals, newest first, and the paper accounts of this series"
      onClick={() => signals.getState().setOpen(!open)}
    >
      Signals
    </button>
  )
}
