import type { ForecastResult } from '../../src-shared'
import { formatCount } from '../format'
import { useChartState, useRegimeTraining, useStores } from '../store-hooks'
import { seriesKey, type SeriesSelection } from '../stores'

const running = (state: string | undefined) => state === 'queued' || state === 'running'

/**
 * The forecast card of a series without a regime model: says so and offers to train one (the `regime.train` job
 * through `retrainForecast`), with its progress and, when it fails, why. Once models exist the card shows forecasts.
 */
export function RegimeModelMissing({ selection, forecast }: { selection: SeriesSelection; forecast: ForecastResult }) {
  const key = seriesKey(selection)
  const job = useRegimeTraining((s) => s.jobs[key])
  const startError = useRegimeTraining((s) => s.errors[key])
  const bars = useChartState(
    (s) =>
      s.series.find(
        (x) => x.symbol === selection.symbol && x.venue === selection.venue && x.timeframe === selection.timeframe,
      )?.count,
  )
  const ownJobIds = useRegimeTraining((s) =>
    Object.values(s.jobs)
      .map((j) => j.id)
      .join(' '),
  )
  const { regimeTraining } = useStores()
  const series = `${selection.symbol}.${selection.venue} · ${selection.timeframe}`
  // A regime training job this card did not start (the embedded default's first start, or one for another series).
  const other =
    forecast.training && !ownJobIds.split(' ').includes(forecast.training.id) ? forecast.training : undefined
  const training = running(job?.state)
  const error =
    startError ??
    (job?.state === 'failed'
      ? (job.error ?? job.message)
      : job?.state === 'cancelled'
        ? 'the training job was cancelled'
        : undefined)
  return (
    <div
      className="regime-missing"
      data-testid="forecast-no-model"
      data-state={training ? 'training' : error ? 'failed' : 'none'}
    >
      <p className="regime-missing__text">
        <b>No regime model for {series}</b>, so there is nothing to forecast with yet.
      </p>
      {training && job ? (
        <div className="regime-missing__progress" data-testid="forecast-train-status" data-state={job.state}>
          <span>
            Training regime models… {Math.round(100 * job.progress)} %{job.message ? ` · ${job.message}` : ''}
          </span>
          <span
            className="progress regime-missing__bar"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(100 * job.progress)}
            data-testid="forecast-train-progress"
          >
            <span className="progress__fill" style={{ width: `${Math.round(100 * job.progress)}%` }} />
          </span>
          <span className="regime-missing__hint">
            The card shows the forecasts once the models are registered; the Jobs tray can cancel the run.
          </span>
        </div>
      ) : (
        <>
          <p className="regime-missing__hint">
            Train one on its {bars !== undefined ? `${formatCount(bars)} stored bars` : 'stored bars'}: a random forest
            and a GBDT per horizon, validated walk-forward next to naive baselines, registered as the champion (Models
            view).
          </p>
          {other && (
            <p className="regime-missing__hint" data-testid="forecast-other-training">
              A regime training job is running ({Math.round(100 * other.progress)} %
              {other.message ? ` · ${other.message}` : ''}); train this series when it has finished.
            </p>
          )}
          {error && (
            <p className="regime-missing__error" role="alert" data-testid="forecast-train-error">
              Training did not finish: {error}
            </p>
          )}
          <button
            type="button"
            className="button button--primary regime-missing__train"
            data-testid="forecast-train"
            disabled={other !== undefined}
            onClick={() => void regimeTraining.getState().train(selection)}
          >
            {error ? 'Try again' : 'Train regime model'}
          </button>
        </>
      )}
    </div>
  )
}
