import { createStore, type StoreApi } from 'zustand/vanilla'
import type { JobInfo, WorkstationApi } from '../../src-shared'
import { errorLine } from '../api'

/** Jobs the UI shows, newest first. */
export interface JobsState {
  readonly jobs: readonly JobInfo[]
  /** Ids with a cancel request on the way. */
  readonly cancelling: ReadonlySet<string>
  /** Last failure of `load` or `cancel`, one line. */
  readonly error?: string
  /** Jobs updated up to this time (ms) were seen in the jobs panel, or had ended before this page listed them. */
  readonly seenUpTo: number
  load(): Promise<void>
  /** The jobs panel showed every job as it is now: failures so far are no longer news for the status bar. */
  markSeen(): void
  /** Upserts a job from a `job` event. */
  applyJob(job: JobInfo): void
  cancel(id: string): Promise<void>
}

export type JobsStore = StoreApi<JobsState>

/** How many recent jobs are kept for the jobs list. */
export const RECENT_JOBS = 50

/** True while a job can still make progress (and be cancelled). */
export function isActive(job: JobInfo): boolean {
  return job.state === 'queued' || job.state === 'running'
}

/** Active jobs, oldest first (the order they will finish in, roughly). */
export function activeJobs(jobs: readonly JobInfo[]): JobInfo[] {
  return jobs.filter(isActive).sort((a, b) => a.createdAt - b.createdAt)
}

/** Failed jobs the user has not seen in the jobs panel yet, newest first (the status bar names the newest). */
export function unseenFailures(jobs: readonly JobInfo[], seenUpTo: number): JobInfo[] {
  return jobs.filter((j) => j.state === 'failed' && j.updatedAt > seenUpTo).sort((a, b) => b.updatedAt - a.updatedAt)
}

const newest = (jobs: readonly JobInfo[]): number => jobs.reduce((m, j) => Math.max(m, j.updatedAt), 0)

function upsert(jobs: readonly JobInfo[], job: JobInfo): JobInfo[] {
  const i = jobs.findIndex((j) => j.id === job.id)
  if (i >= 0 && jobs[i].updatedAt > job.updatedAt) return jobs as JobInfo[] // a late, older event
  const next = i >= 0 ? jobs.map((j, k) => (k === i ? job : j)) : [job, ...jobs]
  return next.sort((a, b) => b.createdAt - a.createdAt).slice(0, RECENT_JOBS)
}

/** Background jobs from `listJobs` plus `job` events; cancel calls `cancelJob`. */
export function createJobsStore(api: Pick<WorkstationApi, 'listJobs' | 'cancelJob'>): JobsStore {
  return createStore<JobsState>()((set, get) => ({
    jobs: [],
    cancelling: new Set(),
    seenUpTo: 0,
    load: async () => {
      try {
        const listed = await api.listJobs({ limit: RECENT_JOBS })
        // Events that arrived while listing are newer than the list for their job.
        let jobs = [...listed].sort((a, b) => b.createdAt - a.createdAt)
        for (const j of get().jobs) jobs = upsert(jobs, j)
        // Failures from before this page was opened are not news; the panel still lists them.
        set({ jobs, error: undefined, ...(get().seenUpTo === 0 ? { seenUpTo: Math.max(1, newest(listed)) } : {}) })
      } catch (err) {
        set({ error: errorLine(err) })
      }
    },
    markSeen: () => set({ seenUpTo: Math.max(get().seenUpTo, newest(get().jobs)) }),
    applyJob: (job) => {
      const cancelling = new Set(get().cancelling)
      if (!isActive(job)) cancelling.delete(job.id)
      set({ jobs: upsert(get().jobs, job), cancelling })
    },
    cancel: async (id) => {
      set({ cancelling: new Set(get().cancelling).add(id) })
      try {
        get().applyJob(await api.cancelJob({ id }))
        set({ error: undefined })
      } catch (err) {
        const cancelling = new Set(get().cancelling)
        cancelling.delete(id)
        set({ cancelling, error: errorLine(err) })
      }
    },
  }))
}
