import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import {
  canonicalSymbol,
  HINT_WORDS,
  venueKey,
  type Bar,
  type Funding,
  type Instrument,
  type StoredBarColumns,
  type Timeframe,
  type Trade,
} from '../../../src-shared'
import {
  SqliteBarStore,
  SqliteFundingStore,
  SqliteInstrumentStore,
  SqliteMarkPriceStore,
  SqliteTradeStore,
  type Db,
  type MarkPrice,
  type UpsertCounts,
} from '../../store'
import { parseBinanceAggTrades, parseBinanceKlines } from './binance-csv'
import { detectFormat } from './detect-format'
import { hintsFromPath } from './file-name-hints'
import { parseFreqtradeJson } from './freqtrade-json'
import { parseHeaderCsv } from './header-csv'
import { ImportError, type FileImportReport, type Gap, type ImportOptions, type RejectedRow } from './import-types'
import { readImportSource } from './import-source'
import { KlineParseStream } from './kline-parse-stream'
import { parseLeanCsv } from './lean-csv'
import { QUOTE_VENUE_SUFFIX, type ParsedFile, type SeriesHints } from './parsed-file'
import { validateRecords } from './validate-records'

const CHUNK = 5_000
const DEFAULT_VENUE = 'LOCAL'
/** Plain Binance kline files from this size on are parsed in a worker thread while earlier chunks are stored. */
const STREAM_MIN_BYTES = 8 << 20
const STREAM_CHUNK_BYTES = 2 << 20
/** How long to wait for the parse worker's first answer (its start-up) before importing in this thread. */
const STREAM_START_TIMEOUT_MS = 30_000
/** How long a chunk may take once streaming (the transaction is rolled back past it). */
const STREAM_CHUNK_TIMEOUT_MS = 120_000

/** Tuning of a {@link MarketDataImporter}. */
export interface MarketDataImporterOptions {
  /** Smallest plain Binance kline file parsed in a worker thread while it is stored (bytes; default 8 MiB). */
  readonly streamMinBytes?: number
  /** Bytes of text per streamed chunk, cut at the next line end (default 2 MiB). */
  readonly streamChunkBytes?: number
}

/** Parses a file's text in the given (or detected) format. Throws {@link ImportError} when the file cannot be read at all. */
export function parseImportFile(path: string, options: ImportOptions = {}): ParsedFile {
  const { text, entryName, format, hints } = readImportSource(path, options)
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

  constructor(
    private readonly db: Db,
    private readonly tuning: MarketDataImporterOptions = {},
  ) {
    this.bars = new SqliteBarStore(db)
    this.trades = new SqliteTradeStore(db)
    this.funding = new SqliteFundingStore(db)
    this.marks = new SqliteMarkPriceStore(db)
    this.instruments = new SqliteInstrumentStore(db)
  }

  /**
   * Imports one file. Throws {@link ImportError} (one line, names the file) when the file is refused as a whole.
   * Big plain Binance kline files are parsed in a worker thread, chunk by chunk, while this thread stores the chunks
   * before (same rules, report and single transaction as the whole-file path, which every other file takes).
   */
  importFile(path: string, options: ImportOptions = {}): FileImportReport {
    const streamed = this.importStreamed(path, options)
    if (streamed) return streamed
    const parsed = parseImportFile(path, options)
    const v = validateRecords(path, parsed, options.timeframe)
    const { symbol, venue } = seriesOf(path, options, parsed.hints)
    const key = { symbol, venue }
    const counts: UpsertCounts = { inserted: 0, duplicates: 0 }
    const records = v.data.kind === 'trades' ? withTradeIds(v.data.records) : v.data.records
    if (records.length === 0) throw nothingToStore(path, v.rejected)
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

  /**
   * What streaming needs when `path` is a plain (uncompressed) file of at least `streamMinBytes` whose first line is a
   * Binance kline (as the whole-file detection would say: it reads only the first line) with a known timeframe.
   */
  private streamPlan(path: string, options: ImportOptions): { hints: SeriesHints; timeframe: Timeframe } | undefined {
    if (options.format && options.format !== 'auto' && options.format !== 'binance-klines') return undefined
    const hints: SeriesHints = { venue: 'BINANCE', ...hintsFromPath(path) }
    const timeframe = options.timeframe ?? hints.timeframe
    if (!timeframe) return undefined
    let head: Buffer
    try {
      if (statSync(path).size < (this.tuning.streamMinBytes ?? STREAM_MIN_BYTES)) return undefined
      const fd = openSync(path, 'r')
      try {
        head = Buffer.alloc(64 << 10)
        head = head.subarray(0, readSync(fd, head, 0, head.length, 0))
      } finally {
        closeSync(fd)
      }
    } catch {
      return undefined
    }
    if (head.length >= 2 && ((head[0] === 0x1f && head[1] === 0x8b) || (head[0] === 0x50 && head[1] === 0x4b)))
      return undefined
    if (options.format !== 'binance-klines') {
      const text = head.toString('utf8')
      try {
        if (detectFormat(path, basename(path), text.slice(0, text.lastIndexOf('\n') + 1)) !== 'binance-klines')
          return undefined
      } catch {
        return undefined
      }
    }
    return { hints, timeframe }
  }

  /** {@link importFile} with parsing in a worker; undefined when the worker declines (or cannot start) and nothing was written. */
  private importStreamed(path: string, options: ImportOptions): FileImportReport | undefined {
    const plan = this.streamPlan(path, options)
    if (!plan) return undefined
    const stream = KlineParseStream.start({
      path,
      timeframe: plan.timeframe,
      chunkBytes: this.tuning.streamChunkBytes ?? STREAM_CHUNK_BYTES,
    })
    if (!stream) return undefined
    try {
      const head = stream.next(STREAM_START_TIMEOUT_MS)
      // A worker that declines, fails or does not start in time has written nothing: the whole-file path imports the file.
      if (head?.type !== 'start') return undefined
      const { symbol, venue } = seriesOf(path, options, plan.hints)
      const key = { symbol, venue, timeframe: plan.timeframe }
      const counts: UpsertCounts = { inserted: 0, duplicates: 0 }
      const rejected: RejectedRow[] = []
      const gaps: Gap[] = []
      let first: number | undefined
      let last: number | undefined
      let rows = 0
      const write = (): void => {
        this.instruments.ensure(symbol, venue, plan.hints.instrumentKind ?? instrumentKind('bars', symbol))
        for (;;) {
          const m = stream.next(STREAM_CHUNK_TIMEOUT_MS)
          if (m === undefined) throw new Error('the parse worker stopped answering')
          if (m.type === 'end') {
            // Rolls back the instrument row ensured above: a file that keeps no row stores nothing.
            if (rows === 0) throw nothingToStore(path, rejected)
            return
          }
          if (m.type === 'sequential') throw new WholeFileNeeded()
          if (m.type !== 'chunk')
            throw new Error(m.type === 'error' ? m.message.split('\n')[0] : `parse worker sent ${m.type} mid-file`)
          for (const r of m.rejected) rejected.push(r)
          for (const g of m.gaps) gaps.push(g)
          for (let i = 0; i < m.length; i += CHUNK) {
            const c = this.bars.bulkUpsertColumns(key, sliceColumns(m, i, Math.min(m.length, i + CHUNK)))
            counts.inserted += c.inserted
            counts.duplicates += c.duplicates
            rows += Math.min(CHUNK, m.length - i)
            options.onProgress?.(rows)
          }
          stream.stored()
          if (m.length > 0) {
            first ??= m.time[0]
            last = m.time[m.length - 1]
          }
        }
      }
      try {
        this.db.transaction(write).immediate()
      } catch (err) {
        if (err instanceof WholeFileNeeded) return undefined
        if (err instanceof ImportError) throw err
        throw new ImportError(path, `not stored: ${(err as Error).message.split('\n')[0]}`)
      }
      return {
        file: path,
        format: 'binance-klines',
        kind: 'bars',
        symbol,
        venue,
        timeframe: plan.timeframe,
        imported: counts.inserted,
        duplicates: counts.duplicates,
        rejected,
        gaps,
        ...(first !== undefined && last !== undefined ? { first, last } : {}),
      }
    } finally {
      stream.dispose()
    }
  }
}

/**
 * The refusal of a file that keeps no row: every row rejected (the first rejected line and why), or no rows at all.
 * Nothing of such a file is stored — no instrument, no series — so a typo'd file leaves no empty series behind.
 */
function nothingToStore(path: string, rejected: readonly RejectedRow[]): ImportError {
  if (rejected.length === 0) return new ImportError(path, 'holds no rows to import (a header or an empty list only)')
  const first = rejected[0]
  return new ImportError(
    path,
    `every row was rejected (${rejected.length.toLocaleString('en-US')}); line ${first.line}: ${first.reason}`,
  )
}

/** Thrown inside a streamed import's transaction to roll it back and import the file in one piece instead. */
class WholeFileNeeded extends Error {}

/**
 * The canonical symbol a file's rows are stored under (`canonicalSymbol`: `ZEC/BTC`, `zec_btc` → `ZECBTC`) from the
 * given or inferred text; none, or text that cannot be a symbol, is an ImportError naming the file.
 */
export function seriesSymbol(path: string, text: string | undefined): string {
  if (!text) throw new ImportError(path, `cannot infer the symbol from the file name or content; ${HINT_WORDS.symbol}`)
  try {
    return canonicalSymbol(text)
  } catch (e) {
    throw new ImportError(path, `${(e as Error).message}; ${HINT_WORDS.symbol}`)
  }
}

/** The symbol and venue a file's rows are stored under: given, else from its name or content. */
function seriesOf(path: string, options: ImportOptions, hints: SeriesHints): { symbol: string; venue: string } {
  const symbol = seriesSymbol(path, options.symbol ?? hints.symbol)
  const venue = venueKey(options.venue ?? hints.venue ?? DEFAULT_VENUE)
  // Quote mid-price bars never share a series with trade bars (a second import would overwrite the first's).
  return {
    symbol,
    venue: hints.prices === 'quote-mid' && !venue.endsWith(QUOTE_VENUE_SUFFIX) ? venue + QUOTE_VENUE_SUFFIX : venue,
  }
}

/** Rows [from, to) of bar columns, as views. */
function sliceColumns(c: StoredBarColumns, from: number, to: number): StoredBarColumns {
  return {
    length: to - from,
    time: c.time.subarray(from, to),
    open: c.open.subarray(from, to),
    high: c.high.subarray(from, to),
    low: c.low.subarray(from, to),
    close: c.close.subarray(from, to),
    volume: c.volume.subarray(from, to),
    quoteVolume: c.quoteVolume.subarray(from, to),
    trades: c.trades.subarray(from, to),
    takerBuyVolume: c.takerBuyVolume.subarray(from, to),
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
