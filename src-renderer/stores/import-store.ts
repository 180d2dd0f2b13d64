import { createStore, type StoreApi } from 'zustand/vanilla'
import { isTimeframe, type ImportRequest, type JobInfo, type WorkstationApi } from '../../src-shared'
import { errorLine } from '../api'

/** The import form as typed: files are paths on the workstation's disk, one per line or comma-separated. */
export interface ImportDraft {
  readonly files: string
  readonly symbol: string
  readonly venue: string
  /** Empty means "infer from the file". */
  readonly timeframe: string
}

/** Import form state; the import itself runs as a job (progress in the jobs tray). */
export interface ImportState {
  readonly open: boolean
  readonly draft: ImportDraft
  readonly submitting: boolean
  readonly error?: string
  /** The job started by the last successful submit. */
  readonly job?: JobInfo
  toggle(): void
  edit(change: Partial<ImportDraft>): void
  /** Starts `importFiles` with the draft; a bad draft or a refused call becomes `error`. */
  submit(): Promise<void>
}

export type ImportStore = StoreApi<ImportState>

const EMPTY: ImportDraft = { files: '', symbol: '', venue: '', timeframe: '' }

/** Turns the draft into a request, or a one-line reason why it cannot be one. */
export function importRequest(d: ImportDraft): ImportRequest | string {
  const files = d.files
    .split(/[\n,]/)
    .map((f) => f.trim())
    .filter(Boolean)
  if (files.length === 0) return 'name at least one file (a path on the workstation)'
  const tf = d.timeframe.trim()
  if (tf && !isTimeframe(tf)) return `unknown timeframe "${tf}"`
  const symbol = d.symbol.trim().toUpperCase()
  const venue = d.venue.trim().toUpperCase()
  return { files, ...(symbol ? { symbol } : {}), ...(venue ? { venue } : {}), ...(tf && isTimeframe(tf) ? { timeframe: tf } : {}) }
}

/** The Data view's import form over `importFiles`. */
export function createImportStore(api: Pick<WorkstationApi, 'importFiles'>): ImportStore {
  return createStore<ImportState>()((set, get) => ({
    open: false,
    draft: EMPTY,
    submitting: false,
    toggle: () => set({ open: !get().open, error: undefined }),
    edit: (change) => set({ draft: { ...get().draft, ...change }, error: undefined }),
    submit: async () => {
      const req = importRequest(get().draft)
      if (typeof req === 'string') return set({ error: req })
      set({ submitting: true, error: undefined })
      try {
        const job = await api.importFiles(req)
        set({ submitting: false, job, draft: EMPTY })
      } catch (err) {
        set({ submitting: false, error: errorLine(err) })
      }
    },
  }))
}
