import { describe, expect, it } from 'vitest'
import { HINT_WORDS, type ApiEvents, type JobInfo, type WorkstationApi } from '../../src-shared'
import { ApiError } from './api-error'
import { withGuiWording } from './gui-wording'

const failedImport: JobInfo = {
  id: 'j1',
  kind: 'data.import',
  state: 'failed',
  progress: 0,
  message: `x.txt: cannot infer the symbol from the file name or content; ${HINT_WORDS.symbol}`,
  error: `x.txt: cannot infer the symbol from the file name or content; ${HINT_WORDS.symbol}`,
  createdAt: 0,
  updatedAt: 0,
}

/** The two calls the wording touches, answered the way the core answers them. */
function coreLike(): { api: WorkstationApi; publishJob(j: JobInfo): void } {
  const listeners: ((j: JobInfo) => void)[] = []
  const api = {
    async listJobs() {
      return [failedImport]
    },
    async promoteModel() {
      throw new ApiError(
        'failed',
        `promoting abc to champion needs a passing promotion gate or an A/B win against the champion def, or ${HINT_WORDS.force}`,
      )
    },
    subscribe<T extends keyof ApiEvents>(topic: T, listener: (e: ApiEvents[T]) => void) {
      if (topic === 'job') listeners.push(listener as (j: JobInfo) => void)
      return { dispose: () => undefined }
    },
  } as unknown as WorkstationApi
  return { api, publishJob: (j) => listeners.forEach((l) => l(j)) }
}

describe('withGuiWording', () => {
  it('names the Force control, not a CLI flag, in a refused promotion', async () => {
    const err = await withGuiWording(coreLike().api)
      .promoteModel({ id: 'abc', alias: 'champion', reason: 'r' })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('failed')
    expect((err as ApiError).message).toMatch(/, or tick “Force” and give a reason$/)
    expect((err as ApiError).message).not.toContain('--')
  })

  it('words failed jobs for the import form, in answers and in job events', async () => {
    const core = coreLike()
    const api = withGuiWording(core.api)
    const [job] = await api.listJobs({})
    expect(job.error).toBe(
      'x.txt: cannot infer the symbol from the file name or content; fill in Symbol in the import form',
    )
    const seen: JobInfo[] = []
    api.subscribe('job', (j) => seen.push(j))
    core.publishJob(failedImport)
    expect(seen[0].message).toContain('fill in Symbol in the import form')
  })
})
