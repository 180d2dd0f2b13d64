import type { Timeframe } from '../../../src-shared'

/** File formats the importer understands. `auto` detects from the name and the first lines. */
export const IMPORT_FORMATS = [
  'binance-klines',
  'binance-aggtrades',
  'freqtrade-candles',
  'freqtrade-trades',
  'freqtrade-funding',
  'freqtrade-mark',
  'lean',
  'cryptodatadownload',
  'backtrader',
  'generic-csv',
] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

/** True when `s` names an import format. */
export function isImportFormat(s: string): s is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(s)
}

/** What a file holds once parsed. */
export type RecordKind = 'bars' | 'trades' | 'funding' | 'mark-prices'

/**
 * Caps on what a gzip or zip import file may inflate to, so a decompression bomb is refused before it fills memory.
 * Either cap refuses the file; plain files are not limited by them.
 */
export interface InflateLimits {
  /** Most bytes a compressed file may inflate to. */
  readonly maxInflatedBytes: number
  /** Most inflated bytes per compressed byte, checked as the data inflates (on growing prefixes) and on the whole file. */
  readonly maxRatio: number
}

/**
 * Default {@link InflateLimits}. 256 MiB: 80× the largest real compressed file in test-data (3.1 MiB inflated), a year
 * of Binance 1m klines (~70 MiB), and under half of V8's longest string (512 MiB), which a whole-file parse needs at once.
 * Ratio 100: the highest real ratio in test-data and the bundled sample is 7.9 (backtrader minute bars), a synthetic
 * Binance file of flat, tradeless klines reaches 24, while zeros and bombs inflate ~1000×.
 */
export const DEFAULT_INFLATE_LIMITS: InflateLimits = { maxInflatedBytes: 256 * 2 ** 20, maxRatio: 100 }

/** Options for one import; anything absent is inferred from the file name or content. */
export interface ImportOptions {
  readonly format?: ImportFormat | 'auto'
  readonly symbol?: string
  readonly venue?: string
  readonly timeframe?: Timeframe
  /** Caps on inflating gzip/zip files; each absent field takes its {@link DEFAULT_INFLATE_LIMITS} value. */
  readonly inflateLimits?: Partial<InflateLimits>
  /** Called with rows parsed so far while a file is written (inside its transaction). */
  readonly onProgress?: (rows: number) => void
}

/** A row that was not imported: 1-based line number in the (decompressed) file and why. */
export interface RejectedRow {
  readonly file: string
  readonly line: number
  readonly reason: string
}

/** A hole in a bar series: `from` is the first missing open time, `to` the last. */
export interface Gap {
  readonly from: number
  readonly to: number
  readonly missingBars: number
}

/** Outcome of importing one file. */
export interface FileImportReport {
  readonly file: string
  readonly format: ImportFormat
  readonly kind: RecordKind
  readonly symbol: string
  readonly venue: string
  readonly timeframe?: Timeframe
  readonly imported: number
  readonly duplicates: number
  readonly rejected: readonly RejectedRow[]
  readonly gaps: readonly Gap[]
  /** Open time (ms) of the first and last stored record; absent when nothing was stored. */
  readonly first?: number
  readonly last?: number
}

/** A file that could not be imported at all (unreadable, unrecognisable, ambiguous): one line naming the file. */
export class ImportError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly line?: number,
  ) {
    super(line === undefined ? `${file}: ${reason}` : `${file}:${line}: ${reason}`)
    this.name = 'ImportError'
  }
}
