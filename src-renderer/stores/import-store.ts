import { createStore, type StoreApi } from 'zustand/vanilla'
import {
  isTimeframe,
  readImportJobResult,
  symbolKey,
  venueKey,
  type ImportJobResult,
  type ImportRequest,
  type JobInfo,
  type JobState,
  type WorkstationApi,
} from '../../src-shared'
import { errorLine, type ImportFileSource, type PickedFile } from '../api'

/** The import form as typed: files are paths on the workstation's disk, one per line or comma-separated. */
export interface ImportDraft {
  readonly files: string
  readonly symbol: string
  readonly venue: string
  /** Empty means "infer from the file". */
  readonly timeframe: string
}

/** One picked or dropped file on its way to the headless shell (web mode). */
export interface UploadProgress {
  readonly name: string
  readonly size: number
  readonly sent: number
}

/** How picked and dropped files are imported here: by path (desktop), by upload (web), or not at all (typed paths only). */
export type ImportFileMode = 'desktop' | 'upload' | 'none'

/** Import state: the form, files being uploaded, and the import job it started (progress, then its result). */
export interface ImportState {
  readonly open: boolean
  readonly draft: ImportDraft
  readonly mode: ImportFileMode
  readonly submitting: boolean
  /** Files being uploaded before the import starts (web mode). */
  readonly uploading?: readonly UploadProgress[]
  readonly error?: string
  /** The import job started last, kept current by `job` events until dismissed. */
  readonly job?: JobInfo
  toggle(): void
  edit(change: Partial<ImportDraft>): void
  /** Starts `importFiles` with the draft's typed paths; a bad draft or a refused call becomes `error`. */
  submit(): Promise<void>
  /** Imports picked or dropped files with the draft's symbol, venue and timeframe; in web mode uploads them first. */
  importPicked(files: readonly PickedFile[]): Promise<void>
  /** Desktop: opens the native file dialog and imports what was chosen (nothing when cancelled). */
  pickWithDialog(): Promise<void>
  /** Follows the started job from `job` events. */
  applyJob(job: JobInfo): void
  /** Hides the last import's outcome. */
  dismiss(): void
}

export type ImportStore = StoreApi<ImportState>

const EMPTY: ImportDraft = { files: '', symbol: '', venue: '', timeframe: '' }

/** The draft's symbol, venue and timeframe as request fields, or a one-line reason they cannot be. */
function importOptions(d: ImportDraft): Omit<ImportRequest, 'files'> | string {
  const tf = d.timeframe.trim()
  if (tf && !isTimeframe(tf)) return `unknown timeframe "${tf}"`
  const symbol = symbolKey(d.symbol)
  const venue = venueKey(d.venue)
  return {
    ...(symbol ? { symbol } : {}),
    ...(venue ? { venue } : {}),
    ...(tf && isTimeframe(tf) ? { timeframe: tf } : {}),
  }
}

/** Turns the draft into a request, or a one-line reason why it cannot be one. */
export function importRequest(d: ImportDraft): ImportRequest | string {
  const files = d.files
    .split(/[\n,]/)
    .map((f) => f.trim())
    .filter(Boolean)
  if (files.length === 0) return 'name at least one file (a path on the workstation)'
  const options = importOptions(d)
  return typeof options === 'string' ? options : { files, ...options }
}

/** What the Data view shows for an import job: its state, one line (progress, the reason it failed, or the counts) and the per-file result. */
export interface ImportOutcome {
  readonly state: JobState
  readonly line: string
  readonly result?: ImportJobResult
}

/** The outcome of an import job as the Data view and the chart's empty state show it. */
export function importOutcome(job: JobInfo): ImportOutcome {
  const result = readImportJobResult(job.result)
  const withResult = result ? { result } : {}
  if (job.state === 'failed') return { state: job.state, line: job.error ?? job.message, ...withResult }
  if (job.state === 'succeeded') return { state: job.state, line: result?.summary ?? job.message, ...withResult }
  if (job.state === 'cancelled')
    return { state: job.state, line: 'cancelled; files imported before that are kept', ...withResult }
  return { state: job.state, line: `${Math.round(job.progress * 100)} % · ${job.message || 'starting'}` }
}

/** The Data view's import over `importFiles`: typed paths, or files picked or dropped (`source`: how they travel). */
export function createImportStore(api: Pick<WorkstationApi, 'importFiles'>, source?: ImportFileSource): ImportStore {
  return createStore<ImportState>()((set, get) => {
    const busy = (): boolean => get().submitting || get().uploading !== undefined
    const start = async (req: ImportRequest, clearDraft: boolean): Promise<void> => {
      try {
        const job = await api.importFiles(req)
        set({ submitting: false, uploading: undefined, job, ...(clearDraft ? { draft: EMPTY } : {}) })
      } catch (err) {
        set({ submitting: false, uploading: undefined, error: errorLine(err) })
      }
    }
    return {
      open: false,
      draft: EMPTY,
      mode: source?.kind ?? 'none',
      submitting: false,
      toggle: () => set({ open: !get().open, error: undefined }),
      edit: (change) => set({ draft: { ...get().draft, ...change }, error: undefined }),
      submit: async () => {
        if (busy()) return
        const req = importRequest(get().draft)
        if (typeof req === 'string') return set({ error: req })
        set({ submitting: true, error: undefined, job: undefined })
        await start(req, true)
      },
      importPicked: async (files) => {
        if (busy() || files.length === 0) return
        const options = importOptions(get().draft)
        if (typeof options === 'string') return set({ error: options })
        if (!source) return set({ error: 'this window cannot take files; type their paths on the workstation instead' })
        if (source.kind === 'desktop') {
          const paths = files.map((f) => source.pathOf(f))
          const without = files.find((_, i) => !paths[i])
          if (without) return set({ error: `${without.name}: no path on this workstation; type its path instead` })
          set({ submitting: true, error: undefined, job: undefined })
          return start({ files: paths, ...options }, false)
        }
        set({
          submitting: true,
          error: undefined,
          job: undefined,
          uploading: files.map((f) => ({ name: f.name, size: f.size, sent: 0 })),
        })
        const ids: string[] = []
        for (const [i, file] of files.entries()) {
          const sent = (bytes: number): void =>
            set({ uploading: get().uploading?.map((u, k) => (k === i ? { ...u, sent: bytes } : u)) })
          try {
            ids.push((await source.upload(file, sent)).id)
            sent(file.size)
          } catch (err) {
            // Files already uploaded are deleted by the server when it stops; nothing is imported from a partial pick.
            return set({ submitting: false, uploading: undefined, error: errorLine(err) })
          }
        }
        await start({ files: [], uploads: ids, ...options }, false)
      },
      pickWithDialog: async () => {
        if (busy() || source?.kind !== 'desktop') return
        const options = importOptions(get().draft)
        if (typeof options === 'string') return set({ error: options })
        let paths: string[]
        try {
          paths = await source.pick()
        } catch (err) {
          return set({ error: errorLine(err) })
        }
        if (paths.length === 0) return
        set({ submitting: true, error: undefined, job: undefined })
        await start({ files: paths, ...options }, false)
      },
      applyJob: (job) => {
        const mine = get().job
        if (!mine || mine.id !== job.id || job.updatedAt < mine.updatedAt) return
        set({ job })
      },
      dismiss: () => set({ job: undefined, error: undefined }),
    }
  })
}
