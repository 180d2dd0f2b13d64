import {
  API_METHOD_NAMES,
  rewordHints,
  type ApiMethod,
  type InputHint,
  type JobInfo,
  type WorkstationApi,
} from '../../src-shared'

/** How the GUI asks for an input a core message requests (src-shared/input-hint.ts): by the control a trader acts on. */
export const GUI_HINT_WORDS: Readonly<Record<InputHint, string>> = {
  format: 'save it as a supported file (a CSV with a time,open,high,low,close,volume header works)',
  symbol: 'fill in Symbol in the import form',
  timeframe: 'choose a Timeframe in the import form',
  venue: 'tick the series of one venue only',
  force: 'tick “Force” and give a reason',
  database: 'close the other Armada using it',
  maxInflated: 'the workstation’s import limit, armada serve --max-inflated-mb',
  maxInflateRatio: 'the workstation’s import limit, armada serve --max-inflate-ratio',
}

/** A message in the GUI's words. */
export function guiWords(message: string): string {
  return rewordHints(message, GUI_HINT_WORDS)
}

function guiJob(job: JobInfo): JobInfo {
  return { ...job, message: guiWords(job.message), ...(job.error !== undefined ? { error: guiWords(job.error) } : {}) }
}

/** Answers that are jobs (or lists of jobs), whose messages and errors the trader reads. */
const JOB_RESULTS: ReadonlySet<ApiMethod> = new Set<ApiMethod>([
  'startJob',
  'cancelJob',
  'importFiles',
  'trainModel',
  'retrainForecast',
  'runBacktest',
])

/**
 * The api with the core's messages in GUI words: errors of every call, job messages and errors (answers and the
 * `job` topic). The core words a missing input neutrally; the CLI names the flag, this names the control.
 */
export function withGuiWording(api: WorkstationApi): WorkstationApi {
  const out: Record<string, unknown> = {}
  for (const m of API_METHOD_NAMES) {
    const call = api[m] as (p: unknown) => Promise<unknown>
    out[m] = async (p: unknown) => {
      let result: unknown
      try {
        result = await call.call(api, p)
      } catch (err) {
        if (err instanceof Error) err.message = guiWords(err.message)
        throw err
      }
      if (m === 'listJobs') return (result as JobInfo[]).map(guiJob)
      return JOB_RESULTS.has(m) ? guiJob(result as JobInfo) : result
    }
  }
  out.subscribe = ((topic, listener) =>
    topic === 'job'
      ? api.subscribe('job', (j) => (listener as (j: JobInfo) => void)(guiJob(j)))
      : api.subscribe(topic, listener)) as WorkstationApi['subscribe']
  return out as WorkstationApi
}
