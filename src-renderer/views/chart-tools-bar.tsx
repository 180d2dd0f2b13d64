import { LegendIcon } from '../chart'
import { useChartLayers, useDrawings, useForecast, useOverlays, useStores } from '../store-hooks'

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
  const shading = useForecast((s) => s.shading)
  const hmm = useForecast((s) => s.hmm)
  const { forecast } = useStores()
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
      <span className="segmented" role="group" aria-label="Regime shading" data-testid="regime-source">
        <button
          type="button"
          className="segmented__item"
          aria-pressed={shading === 'forecast'}
          data-testid="regime-source-forecast"
          title="Shade the price pane by the regime forecast (the horizon of the forecast card)"
          onClick={() => void forecast.getState().setShading('forecast')}
        >
          Forecast
        </button>
        <button
          type="button"
          className="segmented__item"
          aria-pressed={shading === 'hmm'}
          data-testid="regime-source-hmm"
          title={
            shading === 'hmm' && hmm?.reason
              ? hmm.reason
              : 'Shade the price pane by the regime HMM (DOMAIN.md §5): filtered bar by bar, a regime accepted after 5 bars'
          }
          onClick={() => void forecast.getState().setShading('hmm')}
        >
          HMM
        </button>
      </span>
      {shading === 'hmm' && hmm?.reason && (
        <span className="chart-tools__note" data-testid="hmm-note" role="status">
          {hmm.reason}
        </span>
      )}
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
