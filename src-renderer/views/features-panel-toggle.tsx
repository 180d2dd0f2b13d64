import { useFeatures, useStores } from '../store-hooks'

/** Toolbar button that shows or hides the Features panel; shows how many features are plotted. */
export function FeaturesToggle() {
  const open = useFeatures((s) => s.open)
  const plotted = useFeatures((s) => s.plotted.length)
  const { features } = useStores()
  return (
    <button
      type="button"
      className="button button--small features-toggle"
      aria-pressed={open}
      aria-controls="features-panel"
      data-testid="features-toggle"
      title="Latest feature vector of the chart series"
      onClick={() => void features.getState().setOpen(!open)}
    >
      ƒx Features{plotted > 0 && <span className="features-toggle__count">{plotted}</span>}
    </button>
  )
}
