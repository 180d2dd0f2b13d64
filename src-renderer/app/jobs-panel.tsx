import { formatUtc } from '../format'
import { isActive } from '../stores'
import { ProgressBar } from './progress-bar'
import { useEffect } from 'react'
import { useJobs, useNavigation } from '../store-hooks'

const TONE = { queued: 'active', running: 'active', succeeded: 'done', failed: 'failed', cancelled: 'stopped' } as const

/** Drawer above the status bar: recent jobs with progress, message and a cancel button while active. */
export function JobsPanel() {
  const jobs = useJobs((s) => s.jobs)
  const cancelling = useJobs((s) => s.cancelling)
  const error = useJobs((s) => s.error)
  const cancel = useJobs((s) => s.cancel)
  const close = useNavigation((s) => s.toggleJobsPanel)
  const markSeen = useJobs((s) => s.markSeen)
  // Whatever the panel shows is seen: a failure then leaves the status bar (it stays listed here).
  useEffect(() => markSeen(), [jobs, markSeen])
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && close()
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [close])
  return (
    <div className="jobs-panel" role="dialog" aria-label="Jobs" data-testid="jobs-panel">
      <div className="jobs-panel__head">
        <span>Background jobs</span>
        <span className="jobs-panel__hint">imports, training, backtests and checks · Esc closes</span>
      </div>
      {error && (
        <div className="banner banner--error" data-testid="jobs-error">
          {error}
        </div>
      )}
      {jobs.length === 0 ? (
        <div className="jobs-panel__empty">
          No jobs yet — imports, training runs and backtests show their progress here and can be cancelled.
        </div>
      ) : (
        <ul className="jobs-panel__list">
          {jobs.map((j) => (
            <li key={j.id} className="job" data-testid="job-row" data-job-id={j.id} data-state={j.state}>
              <span className="job__kind">{j.kind}</span>
              <span className={`badge badge--${j.state}`}>{j.state}</span>
              <span className="job__time">{formatUtc(j.createdAt, true)}</span>
              {isActive(j) ? (
                <button
                  type="button"
                  className="button button--small"
                  data-testid="job-cancel"
                  disabled={cancelling.has(j.id)}
                  onClick={() => void cancel(j.id)}
                >
                  {cancelling.has(j.id) ? 'Cancelling…' : 'Cancel'}
                </button>
              ) : (
                <span />
              )}
              <ProgressBar
                value={j.state === 'succeeded' ? 1 : j.progress}
                tone={TONE[j.state]}
                testId="job-progress"
              />
              <span className="job__message" title={j.error ?? j.message}>
                {j.error ?? j.message}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
