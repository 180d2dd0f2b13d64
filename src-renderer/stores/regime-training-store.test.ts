import { describe, expect, it } from 'vitest'
import type { ApiEvents, Disposable, ForecastResult, JobInfo } from '../../src-shared'
import { createForecastStore } from './forecast-store'
import { seriesKey } from './models-store'
import { createRegimeTrainingStore, startRegimeTrainingStore } from './regime-training-store'

const sel = { symbol: 'XRPUSDT', venue: 'BINANCE', timeframe: '5m' as const }
const job = (state: JobInfo['state'], progress: number, updatedAt: number, over: Partial<JobInfo> = {}): JobInfo => ({
  id: 'job-1',
  kind: 'regime.train',
  state,
  progress,
  message: state === 'running' ? 'h12: fold 1/4' : '',
  createdAt: 0,
  updatedAt,
  ...over,
})

/** `retrainForecast` answering a queued job (or refusing), and a job topic the test publishes on. */
function core(answer: () => Promise<JobInfo>) {
  const listeners: ((j: JobInfo) => void)[] = []
  const started: unknown[] = []
  return {
    started,
    publish: (j: JobInfo) => listeners.forEach((l) => l(j)),
    api: {
      retrainForecast: async (p: unknown) => (started.push(p), answer()),
      subscribe<T extends keyof ApiEvents>(topic: T, l: (e: ApiEvents[T]) => void): Disposable {
        if (topic === 'job') listeners.push(l as (j: JobInfo) => void)
        return { dispose: () => undefined }
      },
    },
  }
}

describe('regime training store', () => {
  it('starts the series’ training, follows its progress from job events and ignores other jobs', async () => {
    const c = core(async () => job('queued', 0, 1))
    const store = createRegimeTrainingStore(c.api)
    await store.getState().train(sel)
    expect(c.started).toEqual([sel])
    store.getState().applyJob(job('running', 0.4, 2))
    store.getState().applyJob(job('running', 0.9, 3, { id: 'other' }))
    expect(store.getState().jobs[seriesKey(sel)]).toMatchObject({ state: 'running', progress: 0.4 })
    await store.getState().train(sel)
    expect(c.started).toHaveLength(1)
  })

  it('keeps a job event that overtook the answer (a job that fails at once)', async () => {
    const c = core(async () => job('queued', 0, 1))
    const store = createRegimeTrainingStore(c.api)
    const starting = store.getState().train(sel)
    store.getState().applyJob(job('failed', 0, 2, { error: 'no stored bars for XRPUSDT 5m' }))
    await starting
    expect(store.getState().jobs[seriesKey(sel)]).toMatchObject({
      state: 'failed',
      error: 'no stored bars for XRPUSDT 5m',
    })
  })

  it('says why a start was refused, per series', async () => {
    const store = createRegimeTrainingStore(
      core(async () => Promise.reject(new Error('retrainForecast: unknown timeframe "7m"'))).api,
    )
    await store.getState().train(sel)
    expect(store.getState().errors[seriesKey(sel)]).toBe('retrainForecast: unknown timeframe "7m"')
  })

  it('re-reads the forecast when its job succeeds, so the card sees the new models', async () => {
    let models = 0
    const forecast = (): ForecastResult => ({
      ...sel,
      horizons: [],
      modelCount: models,
      time: null,
      ageMs: null,
      stale: true,
      feed: 'off',
    })
    const f = createForecastStore({
      getForecast: async () => forecast(),
      getPredictions: async () => [],
      getHmmRegimes: async () => ({ model: 'hmm-btcusdt-5m', versionId: null, points: [] }),
    })
    await f.getState().load(sel)
    const c = core(async () => job('queued', 0, 1))
    const store = createRegimeTrainingStore(c.api)
    startRegimeTrainingStore(store, f, c.api)
    await store.getState().train(sel)
    c.publish(job('running', 0.5, 2))
    expect(f.getState().forecast?.modelCount).toBe(0)
    models = 2
    c.publish(job('succeeded', 1, 3))
    await new Promise((r) => setTimeout(r, 0))
    expect(f.getState().forecast?.modelCount).toBe(2)
  })
})
