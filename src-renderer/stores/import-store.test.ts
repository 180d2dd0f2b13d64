import { describe, expect, it } from 'vitest'
import { FakeApi } from './fake-api.test-support'
import { createImportStore, importRequest } from './import-store'

describe('import store', () => {
  it('builds a request from the draft: split files, upper-case ids, optional timeframe', () => {
    expect(importRequest({ files: '/a.csv\n /b.csv , ', symbol: 'btcusdt', venue: '', timeframe: '1h' })).toEqual({
      files: ['/a.csv', '/b.csv'],
      symbol: 'BTCUSDT',
      timeframe: '1h',
    })
    expect(importRequest({ files: ' ', symbol: '', venue: '', timeframe: '' })).toMatch(/at least one file/)
    expect(importRequest({ files: '/a.csv', symbol: '', venue: '', timeframe: '7m' })).toBe('unknown timeframe "7m"')
  })

  it('starts the import job and clears the form', async () => {
    const fake = new FakeApi()
    const store = createImportStore(fake.api)
    store.getState().edit({ files: '/data/x.csv', symbol: 'eth' })
    await store.getState().submit()
    expect(fake.calls.at(-1)).toEqual({ method: 'importFiles', params: { files: ['/data/x.csv'], symbol: 'ETH' } })
    expect(store.getState().job?.kind).toBe('data.import')
    expect(store.getState().draft.files).toBe('')
  })

  it('keeps the draft and shows a refused import as one line', async () => {
    const fake = new FakeApi()
    fake.failNext = 'importFiles'
    const store = createImportStore(fake.api)
    store.getState().edit({ files: '/data/x.csv' })
    await store.getState().submit()
    expect(store.getState().error).toBe('importFiles: database is locked')
    expect(store.getState().draft.files).toBe('/data/x.csv')
    expect(store.getState().submitting).toBe(false)
  })

  it('does not call the core for an invalid draft', async () => {
    const fake = new FakeApi()
    const store = createImportStore(fake.api)
    await store.getState().submit()
    expect(fake.calls).toHaveLength(0)
    expect(store.getState().error).toMatch(/at least one file/)
  })
})
