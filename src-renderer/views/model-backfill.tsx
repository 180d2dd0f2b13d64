import { formatCount } from '../format'
import { useChartState, useJobs, useModels, useStores } from '../store-hooks'
import { seriesKey } from '../stores'

const TONE = { queued: 'active', running: 'active', succeeded: 'done', failed: 'failed', cancelled: 'stopped' } as const

/**
 * Backfill a regime model's track record: its champion scores a stored series' history in batches (the
 * `predictions.backfill` job, on the workstation's batch device), stores and resolves the forecasts; progress here and
 * in the jobs tray.
 */
export function ModelBackfill({ name }: { name: string }) {
  const series = useChartState((s) => s.series)
  const chosen = useModels((s) => s.backfillSeries) || (series[0] ? seriesKey(series[0]) : '')
  const submitting = useModels((s) => s.backfillSubmitting)
  const error = useModels((s) => s.backfillError)
  const job = useModels((s) => (s.backfillFor === name ? s.backfillJob : undefined))
  const cancelling = useJobs((s) => (job ? s.cancelling.has(job.id) : false))
  const { models, jobs } = useStores()
  const busy = job !== undefined && (job.state === 'running' || job.state === 'queued')
  const pct = job ? (job.state === 'succeeded' ? 1 : job.progress) : 0
  return (
    <form
      className="import-form train-form"
      data-testid="backfill-form"
      onSubmit={(e) => {
        e.preventDefault()
        void models.getState().submitBackfill(series)
      }}
    >
      <label className="field field--series">
        <span className="field__label">Backfill on stored series</span>
        <select
          className="select select--small"
          data-testid="backfill-series"
          value={chosen}
          onChange={(e) => models.getState().editBackfill(e.target.value)}
        >
          {series.length === 0 && <option value="">no stored series — import bars first</option>}
          {series.map((s) => (
            <option key={seriesKey(s)} value={seriesKey(s)}>
              {`${s.symbol}.${s.venue} · ${s.timeframe} · ${formatCount(s.count)} bars`}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button" data-testid="backfill-submit" disabled={submitting || busy}>
        {submitting ? 'Starting…' : 'Backfill track record'}
      </button>
      <div
        className="import-form__status train-form__status"
        data-testid="backfill-status"
        data-state={job?.state ?? 'idle'}
      >
        {error ? (
          <span className="status__error" data-testid="backfill-error">
            {error}
          </span>
        ) : job ? (
          <>
            <span className={`badge badge--${job.state}`}>{job.state}</span>
            <span
              className={`progress progress--${TONE[job.state]} train-form__progress`}
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(pct * 100)}
              data-testid="backfill-progress"
            >
              <span className="progress__fill" style={{ width: `${pct * 100}%` }} />
            </span>
            <span className="mono">{Math.round(pct * 100)}%</span>
            <span className="train-form__message" data-testid="backfill-message">
              {job.error ?? job.message}
            </span>
            {busy && (
              <button
                type="button"
                className="button button--small"
                data-testid="backfill-cancel"
                disabled={cancelling}
                onClick={() => void jobs.getState().cancel(job.id)}
              >
                {cancelling ? 'Cancelling…' : 'Cancel'}
              </button>
            )}
          </>
        ) : (
          <span>
            Scores the champion over the series&apos; stored history in batches (256 windows for sequence models) on the
            batch device, stores each forecast and resolves those whose horizon has passed: a track record before it
            goes live.
          </span>
        )}
      </div>
    </form>
  )
}
