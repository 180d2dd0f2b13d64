/**
 * What an import job (`data.import`) reports, as the Data view, the jobs tray and `/api/jobs` show it: per imported
 * file its counts (imported, duplicates, rejected with the first rejected rows, gaps), and per failed file why.
 * A job whose every file failed ends as failed and still carries this result.
 */

/** Rejected rows kept per file in a job result (the CLI's `--json` lists them all). */
export const SHOWN_REJECTED_ROWS = 20

/** A row that was not imported: 1-based line in the (decompressed) file and why. */
export interface ImportRejectedRow {
  readonly line: number
  readonly reason: string
}

/** One imported file: what was stored where, and what was not. `file` is the name the user knows (an upload's own name). */
export interface ImportedFileSummary {
  readonly file: string
  readonly format: string
  readonly kind: string
  readonly symbol: string
  readonly venue: string
  readonly timeframe?: string
  readonly imported: number
  readonly duplicates: number
  /** Rejected rows in all; `rejectedRows` holds the first {@link SHOWN_REJECTED_ROWS}. */
  readonly rejected: number
  readonly rejectedRows: readonly ImportRejectedRow[]
  /** Holes in a bar series and the bars missing in them. */
  readonly gaps: number
  readonly missingBars: number
  /** Open time (ms) of the first and last record in the file. */
  readonly first?: number
  readonly last?: number
}

/** A file that could not be imported at all, with the one-line reason (and the line, where one is to blame). */
export interface FailedImportFile {
  readonly file: string
  readonly line?: number
  readonly reason: string
}

/** Result of a `data.import` job: `reports` for files imported, `failed` for the rest, `summary` as one line. */
export interface ImportJobResult {
  readonly reports: readonly ImportedFileSummary[]
  readonly failed: readonly FailedImportFile[]
  readonly summary: string
}

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`

/** `file:line: reason`, the one-line form of a failed file. */
export function failedFileLine(f: FailedImportFile): string {
  return `${f.file}${f.line === undefined ? '' : `:${f.line}`}: ${f.reason}`
}

/**
 * The job's one line: totals over the imported files, then each failed file and why
 * (`imported 100 bars from 1 file · 0 duplicates · 2 rejected · 1 gap — 1 of 2 files failed: x.csv: cannot read (ENOENT)`).
 */
export function importSummaryLine(r: Pick<ImportJobResult, 'reports' | 'failed'>): string {
  const files = r.reports.length + r.failed.length
  const failed = r.failed.length
    ? `${r.failed.length} of ${plural(files, 'file')} failed: ${r.failed.map(failedFileLine).join('; ')}`
    : ''
  if (r.reports.length === 0)
    return r.failed.length === 1
      ? failedFileLine(r.failed[0])
      : r.failed.length
        ? `all ${r.failed.length} files failed: ${r.failed.map(failedFileLine).join('; ')}`
        : 'no files'
  const sum = (k: 'imported' | 'duplicates' | 'rejected' | 'gaps'): number => r.reports.reduce((a, f) => a + f[k], 0)
  const kinds = [...new Set(r.reports.map((f) => f.kind))]
  const rows = kinds.length === 1 && kinds[0] === 'bars' ? 'bars' : 'rows'
  const counts = `imported ${plural(sum('imported'), rows === 'bars' ? 'bar' : 'row')} from ${plural(r.reports.length, 'file')} · ${sum('duplicates').toLocaleString('en-US')} duplicates · ${sum('rejected').toLocaleString('en-US')} rejected · ${plural(sum('gaps'), 'gap')}`
  return failed ? `${counts} — ${failed}` : counts
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0)
const text = (v: unknown): string => (typeof v === 'string' ? v : '')
const time = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

/**
 * Reads a job's `result` (unknown over the wire) as an import result; undefined when it is not one (a job of another
 * kind, or one that ended before reporting). Missing or malformed fields read as empty, never as a throw.
 */
export function readImportJobResult(result: unknown): ImportJobResult | undefined {
  if (!isObj(result) || !Array.isArray(result.reports) || !Array.isArray(result.failed)) return undefined
  const reports: ImportedFileSummary[] = result.reports.filter(isObj).map((f) => {
    const first = time(f.first)
    const last = time(f.last)
    return {
      file: text(f.file),
      format: text(f.format),
      kind: text(f.kind),
      symbol: text(f.symbol),
      venue: text(f.venue),
      ...(typeof f.timeframe === 'string' ? { timeframe: f.timeframe } : {}),
      imported: count(f.imported),
      duplicates: count(f.duplicates),
      rejected: count(f.rejected),
      rejectedRows: Array.isArray(f.rejectedRows)
        ? f.rejectedRows.filter(isObj).map((x) => ({ line: count(x.line), reason: text(x.reason) }))
        : [],
      gaps: count(f.gaps),
      missingBars: count(f.missingBars),
      ...(first !== undefined ? { first } : {}),
      ...(last !== undefined ? { last } : {}),
    }
  })
  const failed: FailedImportFile[] = result.failed.filter(isObj).map((f) => ({
    file: text(f.file),
    ...(typeof f.line === 'number' ? { line: f.line } : {}),
    reason: text(f.reason),
  }))
  return {
    reports,
    failed,
    summary: typeof result.summary === 'string' ? result.summary : importSummaryLine({ reports, failed }),
  }
}
