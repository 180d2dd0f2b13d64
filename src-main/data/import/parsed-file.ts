import type { Bar, Funding, Instrument, Timeframe, Trade } from '../../../src-shared'
import type { MarkPrice } from '../../store'
import type { ImportFormat, RecordKind, RejectedRow } from './import-types'

/** What a file's name or content says about where its rows belong. */
export interface SeriesHints {
  symbol?: string
  venue?: string
  timeframe?: Timeframe
  instrumentKind?: Instrument['kind']
  /** `quote-mid`: bars built from bid/ask quotes (mid prices), kept apart from trade bars of the same symbol. */
  prices?: 'quote-mid'
}

/**
 * Venue suffix of quote-derived (mid-price) bar series: LEAN ships trade and quote bars of one symbol and day side by
 * side, and storing both under one key would let the second import overwrite the first's bars.
 */
export const QUOTE_VENUE_SUFFIX = '_QUOTES'

/** Rows of one kind with the (1-based) line each came from. */
export type ParsedRecords =
  | { readonly kind: 'bars'; readonly records: Bar[] }
  | { readonly kind: 'trades'; readonly records: Trade[] }
  | { readonly kind: 'funding'; readonly records: Funding[] }
  | { readonly kind: 'mark-prices'; readonly records: MarkPrice[] }

/** A file after parsing, before validation: records, their line numbers, rows already rejected, and hints. */
export interface ParsedFile {
  readonly format: ImportFormat
  readonly data: ParsedRecords
  readonly lines: number[]
  readonly rejected: RejectedRow[]
  readonly hints: SeriesHints
}

/** Builds a parsed file of `kind` with empty record lists. */
export function emptyParsed(format: ImportFormat, kind: RecordKind, hints: SeriesHints): ParsedFile {
  return { format, data: { kind, records: [] } as ParsedRecords, lines: [], rejected: [], hints }
}

/** Splits text into lines (LF or CRLF) without the terminators. */
export function splitLines(text: string): string[] {
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1)
  }
  return lines
}

/** A cell as a finite number, or a rejection reason naming the column. */
export function finite(cell: string | undefined, column: string): number | string {
  if (cell === undefined || cell.trim() === '') return `${column} is empty`
  const v = Number(cell)
  return Number.isFinite(v) ? v : `${column} "${cell.slice(0, 40)}" is not a finite number`
}
