import { isTimeframe, systemClock } from '../../../src-shared'
import { ImportError, IMPORT_FORMATS, isImportFormat, MarketDataImporter, type FileImportReport, type ImportOptions } from '../../data'
import { openDatabase } from '../../store'
import { symbolArgument, UsageError, type Command } from '../command'

const SHOWN_REJECTS = 10

function iso(t: number | undefined): string {
  return t === undefined ? '—' : new Date(t).toISOString().replace('.000Z', 'Z')
}

function describe(r: FileImportReport): string {
  const missing = r.gaps.reduce((n, g) => n + g.missingBars, 0)
  const series = `${r.symbol}.${r.venue}${r.timeframe ? '-' + r.timeframe : ''} ${r.kind}`
  const lines = [
    `${r.file}: ${r.format} → ${series}: imported ${r.imported}, duplicates ${r.duplicates}, rejected ${r.rejected.length}` +
      (r.kind === 'bars' ? `, gaps ${r.gaps.length} (${missing} missing bars)` : '') +
      `, ${iso(r.first)} … ${iso(r.last)}`,
    ...r.rejected.slice(0, SHOWN_REJECTS).map((x) => `  line ${x.line}: ${x.reason}`),
  ]
  if (r.rejected.length > SHOWN_REJECTS) lines.push(`  … and ${r.rejected.length - SHOWN_REJECTS} more rejected rows (--json lists all)`)
  return lines.join('\n')
}

/** Reads the shared import flags; throws UsageError for unknown formats or timeframes. */
export function importOptions(values: Record<string, unknown>): ImportOptions {
  const format = values.format as string | undefined
  const timeframe = values.timeframe as string | undefined
  if (format !== undefined && format !== 'auto' && !isImportFormat(format)) throw new UsageError(`unknown format "${format}" (one of auto, ${IMPORT_FORMATS.join(', ')})`)
  if (timeframe !== undefined && !isTimeframe(timeframe)) throw new UsageError(`unknown timeframe "${timeframe}"`)
  return {
    ...(format ? { format: format as ImportOptions['format'] } : {}),
    ...(timeframe ? { timeframe: timeframe as ImportOptions['timeframe'] } : {}),
    ...(typeof values.symbol === 'string' ? { symbol: symbolArgument(values.symbol, '--symbol') } : {}),
    ...(typeof values.venue === 'string' ? { venue: values.venue } : {}),
  }
}

/** `armada import FILE…`: imports each file in its own transaction and reports counts, rejected rows and gaps. */
export const importCommand: Command = {
  name: 'import',
  summary: 'import bars, trades, funding or mark prices from files (format detected; gzip and zip read transparently)',
  usage: 'import FILE… [--format F] [--symbol S] [--timeframe TF] [--venue V] [--json]',
  details:
    `Formats: ${IMPORT_FORMATS.join(', ')} (default: detected from the name and first lines).\n` +
    'Each file is one transaction: a file either imports completely (minus rejected rows) or not at all.\n' +
    'Re-importing is safe: rows already stored count as duplicates. Exit 2 when a file is refused:\n' +
    'unreadable, unrecognised, or keeping no row (every row rejected, or none): nothing of it is stored.',
  options: { format: { type: 'string' }, symbol: { type: 'string' }, timeframe: { type: 'string' }, venue: { type: 'string' } },
  allowPositionals: true,
  async run(ctx) {
    if (ctx.positionals.length === 0) throw new UsageError('at least one FILE is required')
    const options = importOptions(ctx.values)
    const db = openDatabase(ctx.dbPath)
    const reports: FileImportReport[] = []
    const errors: { file: string; line?: number; reason: string }[] = []
    try {
      const importer = new MarketDataImporter(db)
      // On a terminal, a big file shows the rows stored so far on one stderr line (scripts and pipes get none).
      const live = process.stderr.isTTY === true
      for (const file of ctx.positionals) {
        let shownAt = systemClock.now()
        const onProgress = (rows: number): void => {
          if (systemClock.now() - shownAt < 500) return
          shownAt = systemClock.now()
          process.stderr.write(`\r${file}: ${rows.toLocaleString('en-US')} rows stored…`)
        }
        try {
          let r: FileImportReport
          try {
            r = importer.importFile(file, live ? { ...options, onProgress } : options)
          } finally {
            if (live) process.stderr.write('\r\x1b[K')
          }
          reports.push(r)
          if (!ctx.json) ctx.out(r, describe)
        } catch (err) {
          if (!(err instanceof ImportError)) throw err
          errors.push({ file: err.file, ...(err.line === undefined ? {} : { line: err.line }), reason: err.reason })
          ctx.info(`armada import: ${err.message}`)
        }
      }
    } finally {
      db.close()
    }
    if (ctx.json) ctx.out({ files: reports, errors })
    return errors.length > 0 ? 2 : 0
  },
}
