import { symbolKey, type Bar, type Trade } from '../../../src-shared'
import { ImportError, type ImportFormat } from './import-types'
import { emptyParsed, finite, splitLines, type ParsedFile, type SeriesHints } from './parsed-file'
import { parseTimeCell } from './timestamps'

const TIME_NAMES = [
  'time',
  'timestamp',
  'open_time',
  'opentime',
  'datetime',
  'date',
  'timestamp_utc',
  'unix',
  'ts',
  'time_utc',
  'date_time',
]
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c', 'last'],
  volume: ['volume', 'vol', 'v', 'volume_base', 'base_volume'],
  price: ['price', 'p'],
  qty: ['amount', 'qty', 'quantity', 'size', 'q'],
  side: ['side', 'taker_side'],
  id: ['id', 'trade_id', 'tradeid', 'agg_trade_id'],
  symbol: ['symbol', 'pair', 'ticker'],
}

/** Column positions found in a header, matched case-insensitively. */
interface Columns {
  time: number
  clock: number
  open: number
  high: number
  low: number
  close: number
  volume: number
  quoteVolume: number
  price: number
  qty: number
  side: number
  id: number
  symbol: number
}

function norm(h: string): string {
  return h
    .trim()
    .replace(/^"|"$/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
}

function findColumns(header: string[], format: ImportFormat): Columns {
  const h = header.map(norm)
  const find = (names: readonly string[]): number => {
    for (const n of names) {
      const i = h.indexOf(n)
      if (i >= 0) return i
    }
    return -1
  }
  let time = find(format === 'cryptodatadownload' ? ['unix', 'unix_timestamp', ...TIME_NAMES] : TIME_NAMES)
  // pandas exports: an unnamed first column holds the index (or the dates when there is no date column).
  if (time < 0 && h[0] === '') time = 0
  // Separate `Date` and `Time` columns (backtrader intraday) are read together.
  const dateIdx = h.indexOf('date')
  const timeIdx = h.indexOf('time')
  const clock = dateIdx >= 0 && timeIdx >= 0 ? timeIdx : -1
  if (clock >= 0) time = dateIdx
  let volume = find(ALIASES.volume)
  let quoteVolume = -1
  // CryptoDataDownload names volumes by currency (`volume_btc,volume` or `Volume BTC,Volume USD`): base first, then quote.
  const byCurrency = h.map((x, i) => (x.startsWith('volume') ? i : -1)).filter((i) => i >= 0)
  if (format === 'cryptodatadownload' && byCurrency.length === 2) [volume, quoteVolume] = byCurrency
  else if (volume < 0 && byCurrency.length > 0) volume = byCurrency[0]
  return {
    time,
    clock,
    open: find(ALIASES.open),
    high: find(ALIASES.high),
    low: find(ALIASES.low),
    close: find(ALIASES.close),
    volume,
    quoteVolume,
    price: find(ALIASES.price),
    qty: find(ALIASES.qty),
    side: find(ALIASES.side),
    id: find(ALIASES.id),
    symbol: find(ALIASES.symbol),
  }
}

/** True when a header names a time column and either OHLC or price+quantity columns. */
export function looksLikeHeaderCsv(headerLine: string): boolean {
  const cols = findColumns(splitCsvLine(headerLine), 'generic-csv')
  return (
    cols.time >= 0 &&
    ((cols.open >= 0 && cols.high >= 0 && cols.low >= 0 && cols.close >= 0) || (cols.price >= 0 && cols.qty >= 0))
  )
}

/** Splits one CSV line, honouring double quotes (no embedded newlines). */
function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',')
  const out: string[] = []
  let cur = ''
  let q = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    if (q) {
      if (ch === '"' && line[i + 1] === '"') ((cur += '"'), i++)
      else if (ch === '"') q = false
      else cur += ch
    } else if (ch === '"') q = true
    else if (ch === ',') (out.push(cur), (cur = ''))
    else cur += ch
  }
  out.push(cur)
  return out
}

const CLOCK_RE = /^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/

/**
 * CSV with a header row: generic OHLCV (time as ISO-8601 or epoch s/ms/µs; names matched case-insensitively),
 * backtrader/Yahoo (`Date[,Time],Open,High,Low,Close[,Adj Close],Volume[,OpenInterest]`), CryptoDataDownload
 * (a banner line before the header, newest row first), and trade prints (`time,price,amount[,side][,id]`).
 */
export function parseHeaderCsv(file: string, text: string, format: ImportFormat, hints: SeriesHints): ParsedFile {
  const lines = splitLines(text)
  let h = 0
  while (h < lines.length && lines[h].trim() === '') h++
  // CryptoDataDownload puts a banner (URL, creation date) above the header.
  if (format === 'cryptodatadownload' || /https?:\/\/|cryptodatadownload/i.test(lines[h] ?? '')) h++
  if (h >= lines.length) throw new ImportError(file, 'no header row')
  const header = splitCsvLine(lines[h])
  const cols = findColumns(header, format)
  if (cols.time < 0)
    throw new ImportError(
      file,
      `no time column in header "${lines[h].slice(0, 80)}" (expected one of ${TIME_NAMES.join(', ')})`,
      h + 1,
    )
  const isBars = cols.open >= 0 && cols.high >= 0 && cols.low >= 0 && cols.close >= 0
  const isTrades = !isBars && cols.price >= 0 && cols.qty >= 0
  if (!isBars && !isTrades)
    throw new ImportError(
      file,
      `header "${lines[h].slice(0, 80)}" lacks open/high/low/close (or price/amount) columns`,
      h + 1,
    )
  const out = emptyParsed(format, isBars ? 'bars' : 'trades', hints)
  const hasDateAndClockHeader = cols.clock >= 0
  const hn = header.map(norm)
  const needDateClockMerge = !hasDateAndClockHeader && hn[cols.time] === 'date'
  let symbolSeen: string | undefined
  for (let i = h + 1; i < lines.length; i++) {
    const line = lines[i]
    if (line.trim() === '') continue
    let c = splitCsvLine(line)
    // backtrader's minute sample has a `Date,Open,…` header over `date,time,open,…` rows: merge the extra time cell.
    if (needDateClockMerge && c.length === header.length + 1 && CLOCK_RE.test(c[cols.time + 1]?.trim() ?? '')) {
      c = [...c.slice(0, cols.time), `${c[cols.time].trim()} ${c[cols.time + 1].trim()}`, ...c.slice(cols.time + 2)]
    }
    if (c.length !== header.length) {
      out.rejected.push({ file, line: i + 1, reason: `expected ${header.length} columns, found ${c.length}` })
      continue
    }
    const timeText = hasDateAndClockHeader ? `${c[cols.time].trim()} ${c[cols.clock].trim()}` : c[cols.time]
    const time = parseTimeCell(timeText)
    if (!Number.isFinite(time)) {
      out.rejected.push({ file, line: i + 1, reason: `time "${timeText.slice(0, 40)}" is not a recognised date/time` })
      continue
    }
    if (cols.symbol >= 0 && symbolSeen === undefined) symbolSeen = c[cols.symbol].trim()
    if (isBars) {
      const o = finite(c[cols.open], 'open')
      const hi = finite(c[cols.high], 'high')
      const lo = finite(c[cols.low], 'low')
      const cl = finite(c[cols.close], 'close')
      const v = cols.volume >= 0 ? finite(c[cols.volume], 'volume') : 0
      const bad = [o, hi, lo, cl, v].find((x) => typeof x === 'string')
      if (bad !== undefined) {
        out.rejected.push({ file, line: i + 1, reason: bad as string })
        continue
      }
      const b: Bar = {
        time,
        open: o as number,
        high: hi as number,
        low: lo as number,
        close: cl as number,
        volume: v as number,
      }
      const q = cols.quoteVolume >= 0 ? Number(c[cols.quoteVolume]) : NaN
      ;(out.data.records as Bar[]).push(
        Number.isFinite(q) && c[cols.quoteVolume].trim() !== '' ? { ...b, quoteVolume: q } : b,
      )
    } else {
      const p = finite(c[cols.price], 'price')
      const q = finite(c[cols.qty], 'amount')
      const bad = [p, q].find((x) => typeof x === 'string')
      if (bad !== undefined) {
        out.rejected.push({ file, line: i + 1, reason: bad as string })
        continue
      }
      const side = cols.side >= 0 ? c[cols.side].trim().toLowerCase() : ''
      const t: Trade = { time, price: p as number, qty: q as number }
      const withSide: Trade = side === 'buy' || side === 'sell' ? { ...t, side } : t
      ;(out.data.records as Trade[]).push(
        cols.id >= 0 && c[cols.id].trim() !== '' ? { ...withSide, id: c[cols.id].trim() } : withSide,
      )
    }
    out.lines.push(i + 1)
  }
  if (symbolSeen && !out.hints.symbol) out.hints.symbol = symbolKey(symbolSeen.replace(/:/g, ''))
  return out
}
