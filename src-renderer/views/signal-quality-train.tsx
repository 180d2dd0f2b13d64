import { useLiveStrategies, useStores } from '../store-hooks'
import './strategy-live-section.css'
import { liveKey, trainingOutcome, type LiveTarget } from '../stores'

const running = (state: string | undefined) => state === 'queued' || state === 'running'

/**
 * "Train signal-quality model" for a strategy on a series (`trainSignalQuality`, a `signal-quality.train` job): the
 * strategy's own trades over the stored history, walk-forward metrics beside the majority baseline and the DOMAIN.md §4
 * verdict; progress while it runs, then its outcome in one line (the Jobs tray can cancel it).
 */
export function SignalQualityTrain({ target }: { target: LiveTarget }) {
  const key = liveKey(target)
  const job = useLiveStrategies((s) => s.jobs[key])
  const startError = useLiveStrategies((s) => s.trainErrors[key])
  const { liveStrategies } = useStores()
  const busy = running(job?.state)
  const pct = Math.round(100 * (job?.progress ?? 0))
  const outcome =
    startError ??
    (job?.state === 'failed' ? (job.error ?? job.message) : job?.state === 'cancelled' ? 'cancelled' : undefined)
  return (
    <div className="sq-train" data-testid={`sq-train-${target.strategy}`} data-state={job?.state ?? 'none'}>
      <button
        type="button"
        className="button button--small"
        data-testid={`sq-train-start-${target.strategy}`}
        disabled={busy}
        title={`Train signal-quality-${target.strategy}-${target.symbol.toLowerCase()}-${target.timeframe} on the stored ${target.symbol} ${target.timeframe} bars`}
        onClick={() => void liveStrategies.getState().train(target)}
      >
        {busy ? 'Training…' : 'Train signal-quality model'}
      </button>
      {busy && job && (
        <span className="sq-train__progress" data-testid="sq-train-progress">
          <span className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
            <span className="progress__fill" style={{ width: `${pct}%` }} />
          </span>
          <span className="sq-train__text">
            {pct} %{job.message ? ` · ${job.message}` : ''}
          </span>
        </span>
      )}
      {job?.state === 'succeeded' && (
        <span className="sq-train__text sq-train__text--done" data-testid="sq-train-done">
          {trainingOutcome(job)}
        </span>
      )}
      {outcome && (
        <span className="sq-train__text sq-train__text--failed" role="alert" data-testid="sq-train-error">
          Training did not finish: {outcome}
        </span>
      )}
    </div>
  )
}
