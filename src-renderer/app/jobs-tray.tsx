import { useShallow } from 'zustand/react/shallow'
import { activeJobs, unseenFailures } from '../stores'
import { JobsPanel } from './jobs-panel'
import { ProgressBar } from './progress-bar'
import { useJobs, useNavigation } from '../store-hooks'

/** Status-bar job summary: overall progress of running jobs, the newest failure not seen yet, and the toggle of the jobs panel. */
export function JobsTray() {
  const active = useJobs(useShallow((s) => activeJobs(s.jobs)))
  const failure = useJobs((s) => unseenFailures(s.jobs, s.seenUpTo)[0])
  const open = useNavigation((s) => s.jobsPanelOpen)
  const toggle = useNavigation((s) => s.toggleJobsPanel)
  const progress = active.length ? active.reduce((a, j) => a + j.progress, 0) / active.length : 0
  const first = active[0]
  return (
    <span className="status__jobs">
      {first && (
        <span className="status__item status__job" data-testid="jobs-active">
          <span className="status__job-kind">{first.kind}</span>
          <ProgressBar value={progress} testId="jobs-progress" />
          <span className="status__pct">{Math.round(progress * 100)}%</span>
        </span>
      )}
      {failure && !open && (
        <button
          type="button"
          className="status__button status__job-failed"
          data-testid="jobs-failed"
          title={`${failure.kind} failed: ${failure.error ?? failure.message}`}
          onClick={toggle}
        >
          <span className="badge badge--failed">failed</span> <span className="status__job-kind">{failure.kind}</span>{' '}
          {failure.error ?? failure.message}
        </button>
      )}
      <button type="button" className="status__button" data-testid="jobs-toggle" aria-expanded={open} onClick={toggle}>
        Jobs <b data-testid="jobs-count">{active.length}</b>
      </button>
      {open && <JobsPanel />}
    </span>
  )
}
