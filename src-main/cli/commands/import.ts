import { failedFileLine, IMPORT_JOB_KIND, isTimeframe, type ImportJobRequest } from '../../../src-shared'
import {
  DEFAULT_INFLATE_LIMITS,
  IMPORT_FORMATS,
  isImportFormat,
  type FileImportReport,
  type ImportJobOutcome,
  type ImportOptions,
  type InflateLimits,
} from '../../data'
import {
  optionalNumber,
  symbolArgument,
  UsageError,
  type Command,
  type CommandOptions,
  type OptionValues,
} from '../command'
import { runJob } from '../run-job'

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
  if (r.rejected.length > SHOWN_REJECTS)
    lines.push(`  … and ${r.rejected.length - SHOWN_REJECTS} more rejected rows (--json lists all)`)
  return lines.join('\n')
}

/** The flags that cap how far a gzip/zip file may inflate (import, replay, serve). */
export const INFLATE_LIMIT_OPTIONS: CommandOptions = {
  'max-inflated-mb': { type: 'string' },
  'max-inflate-ratio': { type: 'string' },
}

/** Usage text of {@link INFLATE_LIMIT_OPTIONS}. */
export const INFLATE_LIMIT_USAGE = '[--max-inflated-mb N] [--max-inflate-ratio R]'

/** Help text of {@link INFLATE_LIMIT_OPTIONS}: what they refuse and their defaults. */
export const INFLATE_LIMIT_DETAILS =
  `A .gz or .zip file that inflates past --max-inflated-mb (default ${DEFAULT_INFLATE_LIMITS.maxInflatedBytes / 2 ** 20}) or to more than --max-inflate-ratio\n` +
  `times its compressed size (default ${DEFAULT_INFLATE_LIMITS.maxRatio}; real market data inflates under 10×) is refused before it fills memory.`

/** The inflate caps given by flags (absent ones keep their defaults); a value that is not a positive number is bad usage. */
export function inflateLimits(values: OptionValues): Partial<InflateLimits> {
  const mb = optionalNumber(values, 'max-inflated-mb')
  const ratio = optionalNumber(values, 'max-inflate-ratio')
  if (mb !== undefined && !(mb > 0)) throw new UsageError(`--max-inflated-mb must be > 0, got ${mb}`)
  if (ratio !== undefined && !(ratio >= 1)) throw new UsageError(`--max-inflate-ratio must be ≥ 1, got ${ratio}`)
  return {
    ...(mb !== undefined ? { maxInflatedBytes: Math.round(mb * 2 ** 20) } : {}),
    ...(ratio !== undefined ? { maxRatio: ratio } : {}),
  }
}

/** Reads the shared import flags; throws UsageError for unknown formats or timeframes. */
export function importOptions(values: OptionValues): ImportOptions {
  const format = values.format as string | undefined
  const timeframe = values.timeframe as string | undefined
  if (format !== undefined && format !== 'auto' && !isImportFormat(format))
    throw new UsageError(`unknown format "${format}" (one of auto, ${IMPORT_FORMATS.join(', ')})`)
  if (timeframe !== undefined && !isTimeframe(timeframe)) throw new UsageError(`unknown timeframe "${timeframe}"`)
  const limits = inflateLimits(values)
  return {
    ...(Object.keys(limits).length > 0 ? { inflateLimits: limits } : {}),
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
  usage: `import FILE… [--format F] [--symbol S] [--timeframe TF] [--venue V] ${INFLATE_LIMIT_USAGE} [--json]`,
  details:
    `Formats: ${IMPORT_FORMATS.join(', ')} (default: detected from the name and first lines).\n` +
    'Each file is one transaction: a file either imports completely (minus rejected rows) or not at all.\n' +
    'Re-importing is safe: rows already stored count as duplicates. Exit 2 when a file is refused:\n' +
    'unreadable, unrecognised, every row rejected (nothing is stored), or over an inflate limit.\n' +
    INFLATE_LIMIT_DETAILS,
  options: {
    format: { type: 'string' },
    symbol: { type: 'string' },
    timeframe: { type: 'string' },
    venue: { type: 'string' },
    ...INFLATE_LIMIT_OPTIONS,
  },
  allowPositionals: true,
  async run(ctx) {
    if (ctx.positionals.length === 0) throw new UsageError('at least one FILE is required')
    const options = importOptions(ctx.values)
    const request: ImportJobRequest = {
      files: ctx.positionals,
      ...(options.format ? { format: options.format } : {}),
      ...(options.symbol ? { symbol: options.symbol } : {}),
      ...(options.venue ? { venue: options.venue } : {}),
      ...(options.timeframe ? { timeframe: options.timeframe } : {}),
      ...(options.inflateLimits ? { inflateLimits: options.inflateLimits } : {}),
      fullReports: true,
    }
    // On a terminal, a big file shows the rows stored so far on one stderr line (scripts and pipes get none).
    const live = process.stderr.isTTY === true
    const done = await runJob(ctx.openCore(), IMPORT_JOB_KIND, request, (message) => {
      const rows = /^importing (.+: [\d,]+ rows stored)$/.exec(message)
      if (live) process.stderr.write(rows ? `\r${rows[1]}…` : '\r\x1b[K')
    })
    if (live) process.stderr.write('\r\x1b[K')
    // A job whose every file failed still carries each file's reason.
    const outcome = done.result as ImportJobOutcome | undefined
    if (!outcome?.failed) throw new Error(done.error ?? done.message)
    const reports = outcome.fullReports ?? []
    for (const f of outcome.failed) ctx.info(`armada import: ${failedFileLine(f)}`)
    if (ctx.json) ctx.out({ files: reports, errors: outcome.failed })
    else for (const r of reports) ctx.out(r, describe)
    return outcome.failed.length > 0 ? 2 : 0
  },
}
