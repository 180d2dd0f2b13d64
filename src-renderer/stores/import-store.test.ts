import { describe, expect, it } from 'vitest'
import type { ImportJobResult, UploadedFile } from '../../src-shared'
import type { ImportFileSource, PickedFile } from '../api'
import { FakeApi, makeJob } from './fake-api.test-support'
import { createImportStore, importOutcome, importRequest } from './import-store'

/** A web-mode source that records what it uploads; `refuse` makes the upload of that name fail with the server's line. */
function uploads(refuse?: { name: string; message: string }) {
  const sent: { name: string; progress: number[] }[] = []
  const source: ImportFileSource = {
    kind: 'upload',
    upload: async (file, onProgress) => {
      const log = { name: file.name, progress: [] as number[] }
      sent.push(log)
      if (refuse?.name === file.name) throw new Error(refuse.message)
      onProgress(file.size / 2)
      log.progress.push(file.size / 2)
      return { id: `id-${sent.length}`, name: file.name, size: file.size } satisfies UploadedFile
    },
  }
  return { source, sent }
}

const file = (name: string, size = 100): PickedFile => ({ name, size })

const RESULT: ImportJobResult = {
  reports: [
    {
      file: 'btc_usdt_1h.csv',
      format: 'generic-csv',
      kind: 'bars',
      symbol: 'BTCUSDT',
      venue: 'LOCAL',
      timeframe: '1h',
      imported: 37,
      duplicates: 0,
      rejected: 1,
      rejectedRows: [{ line: 20, reason: 'high 1 is below max(open 8386.35, close 8407.12)' }],
      gaps: 2,
      missingBars: 2,
    },
  ],
  failed: [],
  summary: 'imported 37 bars from 1 file · 0 duplicates · 1 rejected · 2 gaps',
}

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

  it('follows its own job: a failed import reads FAILED with the reason, not "done"', async () => {
    const fake = new FakeApi()
    const store = createImportStore(fake.api)
    store.getState().edit({ files: '/data/missing.csv' })
    await store.getState().submit()
    store.getState().applyJob(makeJob({ id: 'other', kind: 'data.import', state: 'succeeded', updatedAt: 9 }))
    expect(store.getState().job?.id).toBe('import-1')
    store.getState().applyJob(
      makeJob({
        id: 'import-1',
        kind: 'data.import',
        state: 'failed',
        error: '/data/missing.csv: cannot read (ENOENT)',
        message: '/data/missing.csv: cannot read (ENOENT)',
        updatedAt: 5,
        result: {
          reports: [],
          failed: [{ file: '/data/missing.csv', reason: 'cannot read (ENOENT)' }],
          summary: '/data/missing.csv: cannot read (ENOENT)',
        },
      }),
    )
    const outcome = importOutcome(store.getState().job!)
    expect(outcome).toMatchObject({ state: 'failed', line: '/data/missing.csv: cannot read (ENOENT)' })
    expect(outcome.result?.failed).toEqual([{ file: '/data/missing.csv', reason: 'cannot read (ENOENT)' }])
  })

  it('reads a finished import as its counts per file', () => {
    const outcome = importOutcome(
      makeJob({ id: 'i', kind: 'data.import', state: 'succeeded', message: RESULT.summary, result: RESULT }),
    )
    expect(outcome.line).toBe('imported 37 bars from 1 file · 0 duplicates · 1 rejected · 2 gaps')
    expect(outcome.result?.reports[0]).toMatchObject({
      imported: 37,
      rejected: 1,
      rejectedRows: [{ line: 20 }],
      gaps: 2,
    })
    expect(importOutcome(makeJob({ id: 'i', state: 'running', progress: 0.4, message: 'importing a.csv' })).line).toBe(
      '40 % · importing a.csv',
    )
  })

  it('web mode: uploads picked files one by one with progress, then imports the uploads with the form options', async () => {
    const fake = new FakeApi()
    const { source, sent } = uploads()
    const store = createImportStore(fake.api, source)
    expect(store.getState().mode).toBe('upload')
    store.getState().edit({ symbol: 'btcusdt', timeframe: '1h' })
    const seen: (readonly { sent: number }[] | undefined)[] = []
    store.subscribe((s) => seen.push(s.uploading))
    await store.getState().importPicked([file('a.csv', 100), file('b.json.gz', 60)])
    expect(sent.map((s) => s.name)).toEqual(['a.csv', 'b.json.gz'])
    expect(seen.some((u) => u?.[0].sent === 50 && u[1].sent === 0)).toBe(true)
    expect(fake.calls.at(-1)).toEqual({
      method: 'importFiles',
      params: { files: [], uploads: ['id-1', 'id-2'], symbol: 'BTCUSDT', timeframe: '1h' },
    })
    expect(store.getState().uploading).toBeUndefined()
    expect(store.getState().job?.id).toBe('import-1')
  })

  it('web mode: a refused upload (over the size limit) shows the server line and imports nothing', async () => {
    const fake = new FakeApi()
    const { source } = uploads({ name: 'big.csv', message: 'big.csv is 2.0 GiB, over the 1 GiB upload limit' })
    const store = createImportStore(fake.api, source)
    await store.getState().importPicked([file('ok.csv'), file('big.csv')])
    expect(store.getState().error).toBe('big.csv is 2.0 GiB, over the 1 GiB upload limit')
    expect(fake.calls.filter((c) => c.method === 'importFiles')).toEqual([])
    expect(store.getState().uploading).toBeUndefined()
  })

  it('desktop: the native dialog picks paths that are imported as they are; a cancelled dialog starts nothing', async () => {
    const fake = new FakeApi()
    const picks = [['/home/me/BTCUSDT-1m.csv'], []]
    const source: ImportFileSource = {
      kind: 'desktop',
      pick: async () => picks.shift()!,
      pathOf: (f) => `/dropped/${f.name}`,
    }
    const store = createImportStore(fake.api, source)
    await store.getState().pickWithDialog()
    expect(fake.calls.at(-1)).toEqual({ method: 'importFiles', params: { files: ['/home/me/BTCUSDT-1m.csv'] } })
    const calls = fake.calls.length
    await store.getState().pickWithDialog()
    expect(fake.calls).toHaveLength(calls)
    await store.getState().importPicked([file('ETHUSDT-5m.csv')])
    expect(fake.calls.at(-1)).toEqual({ method: 'importFiles', params: { files: ['/dropped/ETHUSDT-5m.csv'] } })
  })

  it('without a file source, dropped files are refused with a hint to type paths', async () => {
    const fake = new FakeApi()
    const store = createImportStore(fake.api)
    await store.getState().importPicked([file('a.csv')])
    expect(store.getState().error).toMatch(/type their paths/)
    expect(fake.calls).toHaveLength(0)
  })
})
