import { systemClock, type ForecastResult, type HorizonForecast } from '../../src-shared'
import { formatSpan, formatUtc, shortId } from '../format'
import { useForecast, useStores } from '../store-hooks'
import { ForecastAlerts } from './forecast-alerts'
import { RegimeModelMissing } from './regime-model-missing'
import { RegimeShadingToggle } from './regime-shading-toggle'

const pct = (v: number) => `${(100 * v).toFixed(0)}%`
const CLASSES = ['bearish', 'neutral', 'bullish'] as const

/**
 * Where the forecast stands against the model's training: "out of sample" when its bar is after the bars the version was
 * trained on, "in sample" when the model saw this bar (the forecast is a fit, not a forecast), and whether the version
 * beat its naive baselines on walk-forward. Undefined when the card records neither.
 */
function ModelFacts({ h }: { h: HorizonForecast }) {
  const w = h.trainingWindow
  const inSample = w ? h.time < w.to : undefined
  if (!w && !h.skill) return null
  return (
    <span
      className="forecast-row__model"
      data-testid={`forecast-model-h${h.horizon}`}
      data-sample={inSample === undefined ? '' : inSample ? 'in' : 'out'}
      data-skill={h.skill ? String(h.skill.skill) : ''}
    >
      {w && (
        <span
          className={`forecast-sample forecast-sample--${inSample ? 'in' : 'out'}`}
          title={`trained on bars ${formatUtc(w.from)} → ${formatUtc(w.to)} UTC`}
        >
          {inSample ? 'in sample' : 'out of sample'} · trained to {formatUtc(w.to).slice(0, 10)}
        </span>
      )}
      {h.skill && (
        <span
          className={`forecast-skill forecast-skill--${h.skill.skill ? 'yes' : 'no'}`}
          title={`walk-forward: ${h.skill.detail}`}
        >
          {h.skill.skill ? 'beats baselines' : 'no skill vs baselines'}
        </span>
      )}
    </span>
  )
}

/** Age of a forecast now: its age when fetched plus the time since. */
function ageNow(f: ForecastResult, fetchedAt: number): number | null {
  return f.ageMs === null ? null : f.ageMs + Math.max(0, systemClock.now() - fetchedAt)
}

/** The per-symbol regime forecast: probabilities per horizon, confidence, quality, size, transition; greyed when stale. */
export function ForecastCard() {
  const forecast = useForecast((s) => s.forecast)
  const fetchedAt = useForecast((s) => s.forecastAt)
  const horizon = useForecast((s) => s.horizon)
  const state = useForecast((s) => s.state)
  const error = useForecast((s) => s.error)
  const selection = useForecast((s) => s.selection)
  const store = useStores().forecast
  if (!forecast) {
    return (
      <div
        className="forecast-card forecast-card--empty"
        data-testid="forecast-card"
        data-horizons={0}
        data-stale="true"
      >
        {state === 'loading' ? 'loading forecast…' : (error ?? 'no regime forecast for this series')}
        <RegimeShadingToggle />
        <ForecastAlerts />
      </div>
    )
  }
  if (forecast.modelCount === 0 && selection) {
    return (
      <div
        className="forecast-card forecast-card--no-model"
        data-testid="forecast-card"
        data-horizons={0}
        data-stale={forecast.stale}
        data-models={0}
      >
        <div className="forecast-card__head">
          <b>Regime forecast</b>
          <span className="forecast-card__age">no model</span>
        </div>
        <RegimeModelMissing selection={selection} forecast={forecast} />
        <RegimeShadingToggle />
        <ForecastAlerts />
      </div>
    )
  }
  const age = ageNow(forecast, fetchedAt)
  return (
    <div
      className={`forecast-card${forecast.stale ? ' forecast-card--stale' : ''}`}
      data-testid="forecast-card"
      data-horizons={forecast.horizons.length}
      data-stale={forecast.stale}
    >
      <div className="forecast-card__head">
        <b>Regime forecast</b>
        <span className="forecast-card__age" data-testid="forecast-age">
          {forecast.stale ? `stale${forecast.staleReason ? ` (${forecast.staleReason})` : ''}` : 'live'}
          {age !== null && ` · ${formatSpan(age)} old`}
        </span>
      </div>
      <RegimeShadingToggle />
      {forecast.training && (
        <div className="forecast-card__training" data-testid="forecast-training">
          training regime models… {pct(forecast.training.progress)} {forecast.training.message}
        </div>
      )}
      {forecast.horizons.length === 0 && !forecast.training && (
        <div className="forecast-card__none">no forecast yet: waiting for the next closed bar</div>
      )}
      {forecast.horizons.map((h) => (
        <button
          type="button"
          key={h.horizon}
          className={`forecast-row${h.horizon === horizon ? ' forecast-row--active' : ''}`}
          data-testid={`forecast-h${h.horizon}`}
          data-regime={h.regime}
          title={`${h.modelName} @ ${h.modelVersion}`}
          onClick={() => store.getState().setHorizon(h.horizon)}
        >
          <span className="forecast-row__h">H {h.horizon}</span>
          <span className={`forecast-row__regime regime--${h.regime}`}>
            {h.regime}
            {h.transition && <em className="forecast-row__transition"> transition</em>}
          </span>
          <span className="forecast-row__bars">
            {h.probabilities.map((p, k) => (
              <span
                key={CLASSES[k]}
                className={`prob-bar regime--${CLASSES[k]}`}
                style={{ width: `${Math.round(100 * p)}%` }}
                title={`${CLASSES[k]} ${pct(p)}`}
              >
                {p >= 0.18 ? pct(p) : ''}
              </span>
            ))}
          </span>
          <span className="forecast-row__facts">
            conf {h.confidence.toFixed(2)} · quality {h.quality.toFixed(2)} · size ×{h.sizeMultiplier.toFixed(2)} ·{' '}
            {shortId(h.modelVersion)}
          </span>
          <ModelFacts h={h} />
        </button>
      ))}
      <ForecastAlerts />
    </div>
  )
}
