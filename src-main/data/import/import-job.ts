import {
  importSummaryLine,
  JobFailed,
  SHOWN_REJECTED_ROWS,
  systemClock,
  throwIfCancelled,
  type FailedImportFile,
  type ImportedFileSummary,
  type ImportJobRequest,
  type ImportJobResult,
  type JobContext,
} from '../../../src-shared'
import { openDatabase } from '../../store'
import { ImportError, isImportFormat, type FileImportReport } from './import-types'
import { MarketDataImporter } from './market-data-importer'

/** A `data.import` job's result; with `fullReports` asked for, each file's whole report (`armada import --json`). */
export interface ImportJobOutcome extends ImportJobResult {
  readonly fullReports?: readonly FileImportReport[]
}

/** The job's view of one file's report: counts, the first rejected rows, gap totals; `file` as the user knows it. */
export function importedFileSummary(r: FileImportReport, file: string): ImportedFileSummary {
  return {
    file,
    format: r.format,
    kind: r.kind,
    symbol: r.symbol,
    venue: r.venue,
    ...(r.timeframe ? { timeframe: r.timeframe } : {}),
    imported: r.imported,
    duplicates: r.duplicates,
    rejected: r.rejected.length,
    rejectedRows: r.rejected.slice(0, SHOWN_REJECTED_ROWS).map((x) => ({ line: x.line, reason: x.reason })),
    gaps: r.gaps.length,
    missingBars: r.gaps.reduce((n, g) => n + g.missingBars, 0),
    ...(r.first !== undefined ? { first: r.first } : {}),
    ...(r.last !== undefined ? { last: r.last } : {}),
  }
}

/**
 * The `data.import` job: imports files one by one (each its own transaction). A file that cannot be read, inflates
 * past a limit, or whose every row is rejected (nothing of it is stored) is reported with its reason and the rest go
 * on; when no file imports at all, the job fails with the reasons (and still carries the per-file result). Cancelling
 * stops between files, keeping what was already imported. An unknown `format` is refused here: the importer owns the
 * list.
 */
export async function importJob(request: ImportJobRequest, ctx: JobContext): Promise<ImportJobOutcome> {
  const { files, format, timeframe } = request
  const known = format === undefined || format === 'auto' || isImportFormat(format)
  if (!known) throw new Error(`unknown format "${format}"`)
  const names = request.names ?? {}
  const shown = (file: string): string => names[file] ?? file
  const db = openDatabase(ctx.dbPath)
  try {
    const importer = new MarketDataImporter(db)
    const full: FileImportReport[] = []
    const reports: ImportedFileSummary[] = []
    const failed: FailedImportFile[] = []
    for (const [i, file] of files.entries()) {
      throwIfCancelled(ctx.signal)
      ctx.progress(i / files.length, `importing ${shown(file)}`)
      // Rows stored so far in this file (a big file is one long synchronous import): the first at once, then every
      // 200 ms or more.
      let shownAt = -Infinity
      const onProgress = (rows: number): void => {
        const now = systemClock.now()
        if (now - shownAt < 200) return
        shownAt = now
        ctx.progress(i / files.length, `importing ${shown(file)}: ${rows.toLocaleString('en-US')} rows stored`)
      }
      try {
        const report = importer.importFile(file, {
          onProgress,
          inflateLimits: request.inflateLimits ?? {},
          ...(format && isImportFormat(format) ? { format } : {}),
          ...(request.symbol !== undefined ? { symbol: request.symbol } : {}),
          ...(request.venue !== undefined ? { venue: request.venue } : {}),
          ...(timeframe ? { timeframe } : {}),
        })
        full.push(report)
        reports.push(importedFileSummary(report, shown(file)))
      } catch (err) {
        if (!(err instanceof ImportError)) throw err
        failed.push({ file: shown(file), ...(err.line !== undefined ? { line: err.line } : {}), reason: err.reason })
      }
    }
    ctx.progress(1, `imported ${reports.length} of ${files.length} files`)
    const summary = importSummaryLine({ reports, failed })
    const result: ImportJobOutcome = { reports, failed, summary, ...(request.fullReports ? { fullReports: full } : {}) }
    if (reports.length === 0) throw new JobFailed(result.summary, result)
    return result
  } finally {
    db.close()
  }
}
