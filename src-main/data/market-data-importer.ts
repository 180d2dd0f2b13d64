import { basename } from 'node:path'
import type { Bar, Funding, Instrument, Trade } from '../../src-shared'
import {
  SqliteBarStore,
  SqliteFundingStore,
  SqliteInstrumentStore,
  SqliteMarkPriceStore,
  SqliteTradeStore,
  type Db,
  type MarkPrice,
  type UpsertCounts,
} from '../store'
import { parseBinanceAggTrades, parseBinanceKlines } from './binance-csv'
import { detectFormat } from './detect-format'
import { readImportText } from './file-text'
import { hintsFromPath } from './file-name-hints'
import { parseFreqtradeJson } from './freqtrade-json'
import { parseHeaderCsv } from './header-csv'
import { ImportError, type FileImportReport, type ImportFormat, type ImportOptions } from './import-types'
import { parseLeanCsv } from './lean-csv'
import type { ParsedFile, SeriesHints } from './parsed-file'
import { validateRecords } from './validate-records'

const CHUNK = 5_000
const DEFAULT_VENUE = 'LOCAL'

/** Parses a file's text in the given (or detected) format. Throws {@link ImportError} when the file cannot be read at all. */
export function parseImportFile(path: string, options: ImportOptions = {}): ParsedFile {
  const { text, entryName } = readImportText(path)
  const format: ImportFormat = options.format && options.format !== 'auto' ? options.format : detectFormat(path, entryName, text)
  const hints: SeriesHints = hintsFromPath(path, entryName === basename(path) ? undefined : entryName)
  switch (format) {
    case 'binance-klines':
      return parseBinanceKlines(path, text, hints)
    case 'binance-aggtrades':
      return parseBinanceAggTrades(path, text, hints)
    case 'freqtrade-candles':
    case 'freqtrade-trades':
    case 'freqtrade-funding':
    case 'freqtrade-mark':
      return parseFreqtradeJson(path, text, format, hints)
    case 'lean':
      return parseLeanCsv(path, path, entryName, text, {})
    case 'cryptodatadownload':
    case 'backtrader':
    case 'generic-csv':
      return parseHeaderCsv(path, text, format, hints)
  }
}

/**
 * Imports market-data files into the store: detects the format, validates every row, and writes each file in
 * one transaction (a crash mid-file leaves the database as it was before that file). Re-importing is idempotent:
 * rows already stored count as duplicates.
 */
export class MarketDataImporter {
  private readonly bars: SqliteBarStore
  private readonly trades: SqliteTradeStore
  private readonly funding: SqliteFundingStore
  private readonly marks: SqliteMarkPriceStore
  private readonly instruments: SqliteInstrumentStore

  constructor(private readonly db: Db) {
    this.bars = new SqliteBarStore(db)
    this.trades = new SqliteTradeStore(db)
    this.funding = new SqliteFundingStore(db)
    this.marks = new SqliteMarkPriceStore(db)
    this.instruments = new SqliteInstrumentStore(db)
  }

  /** Imports one file. Throws {@link ImportError} (one line, names the file) when the file is refused as a whole. */
  importFile(path: string, options: ImportOptions = {}): FileImportReport {
    const parsed = parseImportFile(path, options)
    const v = validateRecords(path, parsed, options.timeframe)
    const symbol = (options.symbol ?? parsed.hints.symbol)?.toUpperCase().replace(/[/_]/g, '')
    if (!symbol) throw new ImportError(path, 'cannot infer the symbol from the file name or content; pass --symbol')
    const venue = (options.venue ?? parsed.hints.venue ?? DEFAULT_VENUE).toUpperCase()
    const key = { symbol, venue }
    const counts: UpsertCounts = { inserted: 0, duplicates: 0 }
    const records = v.data.kind === 'trades' ? withTradeIds(v.data.records) : v.data.records
    const write = (): void => {
      this.instruments.ensure(symbol, venue, parsed.hints.instrumentKind ?? instrumentKind(v.data.kind, symbol))
      for (let i = 0; i < records.length; i += CHUNK) {
        const chunk = records.slice(i, i + CHUNK)
        let c: UpsertCounts
        switch (v.data.kind) {
          case 'bars':
            c = this.bars.bulkUpsert({ ...key, timeframe: v.timeframe! }, chunk as Bar[])
            break
          case 'trades':
            c = this.trades.upsert(key, chunk as Trade[])
            break
          case 'funding':
            c = this.funding.upsert(key, chunk as Funding[])
            break
          case 'mark-prices':
            c = this.marks.upsert(key, chunk as MarkPrice[])
            break
        }
        counts.inserted += c.inserted
        counts.duplicates += c.duplicates
        options.onProgress?.(i + chunk.length)
      }
    }
    try {
      this.db.transaction(write).immediate()
    } catch (err) {
      throw new ImportError(path, `not stored: ${(err as Error).message.split('\n')[0]}`)
    }
    return {
      file: path,
      format: parsed.format,
      kind: v.data.kind,
      symbol,
      venue,
      ...(v.timeframe ? { timeframe: v.timeframe } : {}),
      imported: counts.inserted,
      duplicates: counts.duplicates,
      rejected: v.rejected,
      gaps: v.gaps,
      ...(records.length > 0 ? { first: records[0].time, last: records[records.length - 1].time } : {}),
    }
  }
}

function instrumentKind(kind: string, symbol: string): Instrument['kind'] {
  if (kind === 'funding' || kind === 'mark-prices' || symbol.endsWith('PERP')) return 'perp'
  return 'other'
}

/** Gives id-less trades a deterministic id (time:price:qty#n, n counting equal prints) so re-imports are duplicates. */
function withTradeIds(trades: readonly Trade[]): Trade[] {
  let prevKey = ''
  let n = 0
  return trades.map((t) => {
    if (t.id !== undefined) return t
    const k = `${t.time}:${t.price}:${t.qty}`
    n = k === prevKey ? n + 1 : 0
    prevKey = k
    return { ...t, id: `${k}#${n}` }
  })
}
