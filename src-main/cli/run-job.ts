import { CallRefused, isRefusedJob } from '../../src-shared'
import type { JobInfo, JobKind, JobRequests, WorkstationApi } from '../../src-shared'
import { InputError, UsageError } from './command'

const ENDED: readonly JobInfo['state'][] = ['succeeded', 'failed', 'cancelled']

/**
 * Starts a job through the WorkstationApi and waits for it to end, passing each progress message to `onProgress`.
 * Resolves with the ended job whatever its state; a request the API refuses is bad usage.
 */
export async function runJob<K extends JobKind>(
  api: WorkstationApi,
  kind: K,
  request: JobRequests[K],
  onProgress?: (message: string) => void,
): Promise<JobInfo> {
  let id: string | undefined
  let ended: (job: JobInfo) => void = () => undefined
  const end = new Promise<JobInfo>((resolve) => (ended = resolve))
  // Events of the job before startJob answers (it is announced as started) carry no progress yet.
  const sub = api.subscribe('job', (job) => {
    if (job.id !== id) return
    if (ENDED.includes(job.state)) ended(job)
    else if (job.state === 'running') onProgress?.(job.message)
  })
  try {
    let started: JobInfo
    try {
      started = await api.startJob({ kind, params: request })
    } catch (err) {
      throw err instanceof CallRefused && err.code === 'bad-request' ? new UsageError(err.message) : err
    }
    id = started.id
    return ENDED.includes(started.state) ? started : await end
  } finally {
    sub.dispose()
  }
}

/** A job's result, or why it did not succeed: refused input is an InputError (exit 2), anything else an Error. */
export function jobResult<T>(job: JobInfo, cancelled = 'cancelled'): T {
  if (job.state === 'succeeded') return job.result as T
  if (job.state === 'cancelled') throw new Error(cancelled)
  if (isRefusedJob(job)) throw new InputError(job.error ?? 'refused')
  throw new Error(job.error ?? 'failed')
}
