import { useForecast, useStores } from '../store-hooks'

/**
 * What shades the chart's price pane (in the forecast card): the regime forecast, or the regime HMM's filtered regimes
 * (DOMAIN.md §5); without an HMM for the series it says how to fit one.
 */
export function RegimeShadingToggle() {
  const shading = useForecast((s) => s.shading)
  const hmm = useForecast((s) => s.hmm)
  const { forecast } = useStores()
  return (
    <div className="regime-shading">
      <span className="regime-shading__label">Shading</span>
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
        <span className="regime-shading__note" data-testid="hmm-note" role="status">
          {hmm.reason}
        </span>
      )}
    </div>
  )
}
