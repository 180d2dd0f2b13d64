import { createStore, type StoreApi } from 'zustand/vanilla'
import type { Disposable, JobInfo, WorkstationApi } from '../../src-shared'
import { errorLine } from '../api'
import type { SeriesSelection } from './chart-store'
import type { ForecastStore } from './forecast-store'
import { seriesKey } from './models-store'

/** Regime training started from the forecast card (`retrainForecast`): per series, its job and why it could not start. */
export interface RegimeTrainingState {
  /** The newest job started here per series (`seriesKey`), kept current by job events. */
  readonly jobs: Readonly<Record<string, JobInfo>>
  /** Why a start was refused, per series key. */
  readonly errors: Readonly<Record<string, string>>
  /** Starts the series' regime training job (rf + gbdt per default horizon); one at a time per series. */
  train(selection: SeriesSelection): Promise<void>
  /** Applies a `job` event to the job it belongs to (others are ignored). */
  applyJob(job: JobInfo): void
}

export type RegimeTrainingStore = StoreApi<RegimeTrainingState>

/** True while a job has not finished. */
const running = (j: JobInfo | undefined): boolean => j !== undefined && (j.state === 'queued' || j.state === 'running')

/** The regime-training store over `retrainForecast`. */
export function createRegimeTrainingStore(api: Pick<WorkstationApi, 'retrainForecast'>): RegimeTrainingStore {
  // Job events can overtake the answer of `retrainForecast` (a job that fails at once): the newest few are kept to catch up.
  const recent = new Map<string, JobInfo>()
  const newest = (job: JobInfo): JobInfo => {
    const seen = recent.get(job.id)
    return seen && seen.updatedAt >= job.updatedAt ? seen : job
  }
  return createStore<RegimeTrainingState>()((set, get) => ({
    jobs: {},
    errors: {},

    train: async (selection) => {
      const key = seriesKey(selection)
      if (running(get().jobs[key])) return
      const { [key]: _dropped, ...errors } = get().errors
      set({ errors })
      try {
        const job = await api.retrainForecast(selection)
        set({ jobs: { ...get().jobs, [key]: newest(job) } })
      } catch (err) {
        set({ errors: { ...get().errors, [key]: errorLine(err) } })
      }
    },

    applyJob: (job) => {
      recent.delete(job.id)
      recent.set(job.id, job)
      if (recent.size > 50) recent.delete(recent.keys().next().value!)
      const entry = Object.entries(get().jobs).find(([, j]) => j.id === job.id)
      if (!entry || entry[1].updatedAt > job.updatedAt) return
      set({ jobs: { ...get().jobs, [entry[0]]: job } })
    },
  }))
}

/** Feeds job events to the store; when a job of it succeeds, the forecast card re-reads its series (now with models). */
export function startRegimeTrainingStore(
  store: RegimeTrainingStore,
  forecast: ForecastStore,
  api: Pick<WorkstationApi, 'subscribe'>,
): Disposable {
  return api.subscribe('job', (job) => {
    const before = Object.values(store.getState().jobs).find((j) => j.id === job.id)
    store.getState().applyJob(job)
    if (before && before.state !== 'succeeded' && job.state === 'succeeded') void forecast.getState().refresh()
  })
}
