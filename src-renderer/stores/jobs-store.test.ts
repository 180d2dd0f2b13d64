import { describe, expect, it } from 'vitest'
import { FakeApi, makeJob } from './fake-api.test-support'
import { activeJobs, createJobsStore, unseenFailures } from './jobs-store'

describe('jobs store', () => {
  it('loads jobs newest first and picks the active ones oldest first', async () => {
    const fake = new FakeApi()
    fake.jobs = [
      makeJob({ id: 'a', createdAt: 1 }),
      makeJob({ id: 'b', createdAt: 3, state: 'succeeded' }),
      makeJob({ id: 'c', createdAt: 2, state: 'queued' }),
    ]
    const store = createJobsStore(fake.api)
    await store.getState().load()
    expect(store.getState().jobs.map((j) => j.id)).toEqual(['b', 'c', 'a'])
    expect(activeJobs(store.getState().jobs).map((j) => j.id)).toEqual(['a', 'c'])
  })

  it('upserts progress events and ignores a late older snapshot', () => {
    const store = createJobsStore(new FakeApi().api)
    store.getState().applyJob(makeJob({ id: 'a', progress: 0.5, updatedAt: 10 }))
    store.getState().applyJob(makeJob({ id: 'a', progress: 0.2, updatedAt: 5 }))
    expect(store.getState().jobs).toHaveLength(1)
    expect(store.getState().jobs[0].progress).toBe(0.5)
  })

  it('marks a job cancelling until the core answers, then shows the cancelled state', async () => {
    const fake = new FakeApi()
    const store = createJobsStore(fake.api)
    store.getState().applyJob(makeJob({ id: 'a', updatedAt: 10 }))
    const done = store.getState().cancel('a')
    expect(store.getState().cancelling.has('a')).toBe(true)
    await done
    expect(fake.calls.at(-1)).toEqual({ method: 'cancelJob', params: { id: 'a' } })
    expect(store.getState().jobs[0].state).toBe('cancelled')
    expect(store.getState().cancelling.has('a')).toBe(false)
  })

  it('keeps a failed cancel as a one-line error', async () => {
    const fake = new FakeApi()
    fake.failNext = 'cancelJob'
    const store = createJobsStore(fake.api)
    store.getState().applyJob(makeJob({ id: 'a' }))
    await store.getState().cancel('a')
    expect(store.getState().error).toBe('cancelJob: database is locked')
    expect(store.getState().cancelling.size).toBe(0)
    expect(store.getState().jobs[0].state).toBe('running')
  })

  it('names a failure that arrives while the page is open until the jobs panel has shown it; older failures are not news', async () => {
    const fake = new FakeApi()
    fake.jobs = [makeJob({ id: 'old', state: 'failed', error: 'x.csv: cannot read (ENOENT)', updatedAt: 5 })]
    const store = createJobsStore(fake.api)
    await store.getState().load()
    expect(unseenFailures(store.getState().jobs, store.getState().seenUpTo)).toEqual([])
    store.getState().applyJob(makeJob({ id: 'imp', kind: 'data.import', state: 'running', createdAt: 6, updatedAt: 6 }))
    store.getState().applyJob(
      makeJob({
        id: 'imp',
        kind: 'data.import',
        state: 'failed',
        error: 'garbage.csv:1: unrecognised format',
        createdAt: 6,
        updatedAt: 7,
      }),
    )
    expect(unseenFailures(store.getState().jobs, store.getState().seenUpTo).map((j) => j.error)).toEqual([
      'garbage.csv:1: unrecognised format',
    ])
    store.getState().markSeen()
    expect(unseenFailures(store.getState().jobs, store.getState().seenUpTo)).toEqual([])
  })
})
