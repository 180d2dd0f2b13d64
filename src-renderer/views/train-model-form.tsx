import { TRAIN_ALGOS } from '../../src-shared'
import { formatCount } from '../format'
import { useChartState, useJobs, useModels, useStores } from '../store-hooks'
import { seriesKey } from '../stores'

const ALGO_LABEL = { gbdt: 'GBDT (histogram)', rf: 'Random forest', logreg: 'Logistic regression' } as const
const TONE = { queued: 'active', running: 'active', succeeded: 'done', failed: 'failed', cancelled: 'stopped' } as const

/** Train a regime model on a stored series: runs as the `ml.train` job; progress here and in the jobs tray. */
export function TrainModelForm() {
  const series = useChartState((s) => s.series)
  const draft = useModels((s) => s.trainDraft)
  const submitting = useModels((s) => s.trainSubmitting)
  const error = useModels((s) => s.trainError)
  const job = useModels((s) => s.trainJob)
  const cancelling = useJobs((s) => (job ? s.cancelling.has(job.id) : false))
  const { models, jobs } = useStores()
  const edit = models.getState().editTrain
  const chosen = draft.series || (series[0] ? seriesKey(series[0]) : '')
  const pct = job ? (job.state === 'succeeded' ? 1 : job.progress) : 0
  return (
    <form
      className="import-form train-form"
      data-testid="train-form"
      onSubmit={(e) => {
        e.preventDefault()
        if (!draft.series && chosen) edit({ series: chosen })
        void models.getState().submitTrain(series)
      }}
    >
      <label className="field field--series">
        <span className="field__label">Stored series</span>
        <select
          className="select select--small"
          data-testid="train-series"
          value={chosen}
          onChange={(e) => edit({ series: e.target.value })}
          autoFocus
        >
          {series.length === 0 && <option value="">no stored series — import bars first</option>}
          {series.map((s) => (
            <option key={seriesKey(s)} value={seriesKey(s)}>
              {`${s.symbol}.${s.venue} · ${s.timeframe} · ${formatCount(s.count)} bars`}
            </option>
          ))}
        </select>
      </label>
      <label className="field field--algo">
        <span className="field__label">Algorithm</span>
        <select
          className="select select--small"
          data-testid="train-algo"
          value={draft.algo}
          onChange={(e) => edit({ algo: e.target.value as (typeof TRAIN_ALGOS)[number] })}
        >
          {TRAIN_ALGOS.map((a) => (
            <option key={a} value={a}>
              {ALGO_LABEL[a]}
            </option>
          ))}
        </select>
      </label>
      <label className="field field--narrow">
        <span className="field__label">Horizon (bars)</span>
        <input
          className="input"
          data-testid="train-horizon"
          inputMode="numeric"
          value={draft.horizon}
          onChange={(e) => edit({ horizon: e.target.value })}
        />
      </label>
      <button
        type="submit"
        className="button button--primary"
        data-testid="train-submit"
        disabled={submitting || (job !== undefined && (job.state === 'running' || job.state === 'queued'))}
      >
        {submitting ? 'Starting…' : 'Train'}
      </button>
      <div
        className="import-form__status train-form__status"
        data-testid="train-status"
        data-state={job?.state ?? 'idle'}
      >
        {error ? (
          <span className="status__error" data-testid="train-error">
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
              data-testid="train-progress"
            >
              <span className="progress__fill" style={{ width: `${pct * 100}%` }} />
            </span>
            <span className="mono">{Math.round(pct * 100)}%</span>
            <span className="train-form__message">{job.error ?? job.message}</span>
            {(job.state === 'running' || job.state === 'queued') && (
              <button
                type="button"
                className="button button--small"
                data-testid="train-cancel"
                disabled={cancelling}
                onClick={() => void jobs.getState().cancel(job.id)}
              >
                {cancelling ? 'Cancelling…' : 'Cancel'}
              </button>
            )}
          </>
        ) : (
          <span>
            Regime label of DOMAIN.md §1 (k = 0.5) on the 43 regime features; walk-forward validation (expanding, purge
            = H, embargo = max(H, 1 day)) next to the majority and persistence baselines. The new version becomes
            champion of a new name, else challenger.
          </span>
        )}
      </div>
    </form>
  )
}
