import { LegendIcon } from '../chart'
import { useChartLayers, useDrawings, useOverlays, useStores } from '../store-hooks'

/**
 * Chart toolbar buttons: the indicator picker (`i`), the drawing tools (`h` level, `t` trendline; pressed while
 * active) and the keyboard shortcuts overlay (`?`).
 */
export function ChartToolsBar() {
  const { overlays, drawings, chartLayers } = useStores()
  const pickerOpen = useOverlays((s) => s.picker.open)
  const count = useOverlays((s) => s.overlays.length)
  const tool = useDrawings((s) => s.tool)
  const helpOpen = useChartLayers((s) => s.helpOpen)
  return (
    <div className="chart-tools" role="group" aria-label="Chart tools" data-testid="chart-tools">
      <button
        type="button"
        className="button button--small chart-tools__button"
        aria-haspopup="listbox"
        aria-expanded={pickerOpen}
        data-testid="indicators-button"
        title="Add an indicator overlay (i)"
        onClick={() => (pickerOpen ? overlays.getState().closePicker() : overlays.getState().openPicker())}
      >
        Indicators{count > 0 && <span className="chart-tools__count">{count}</span>}
      </button>
      <span className="segmented" role="group" aria-label="Drawing tools">
        <button
          type="button"
          className="segmented__item chart-tools__tool"
          aria-pressed={tool === 'level'}
          aria-label="Horizontal level"
          data-testid="tool-level"
          title="Horizontal level: click to place (h)"
          onClick={() => drawings.getState().setTool('level')}
        >
          <LegendIcon name="level" />
        </button>
        <button
          type="button"
          className="segmented__item chart-tools__tool"
          aria-pressed={tool === 'trendline'}
          aria-label="Trendline"
          data-testid="tool-trendline"
          title="Trendline: click, click (t)"
          onClick={() => drawings.getState().setTool('trendline')}
        >
          <LegendIcon name="trend" />
        </button>
      </span>
      <button
        type="button"
        className="button button--small chart-tools__help"
        aria-haspopup="dialog"
        aria-expanded={helpOpen}
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
        data-testid="shortcuts-button"
        onClick={() => chartLayers.getState().setHelpOpen(true)}
      >
        ?
      </button>
    </div>
  )
}
