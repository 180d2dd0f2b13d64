import type { Bar, Trade } from '../../../src-shared'
import type { RejectedRow } from './import-types'
import { emptyParsed, splitLines, type ParsedFile, type SeriesHints } from './parsed-file'
import { scan as scanState, scanNumber as scanNumberImport } from './decimal-scan'
import { epochToMs as epochToMsImport } from './timestamps'

// Bound once: module-interop getters on imported functions cost ~5 % in this loop under tsx/CommonJS.
const scanNumber = scanNumberImport
const scan = scanState
const epochToMs = epochToMsImport

const KLINE_COLUMNS = [
  'open time',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'close time',
  'quote volume',
  'trades',
  'taker buy volume',
]

/** A kline row's bar: Binance files carry every optional volume field. */
export type KlineBar = { -readonly [K in keyof Bar]-?: Bar[K] }

/**
 * Scans Binance kline rows (the rules of {@link parseBinanceKlines}) without building them: `onBar` gets each row that
 * parsed as one reused object (copy what you keep) with its 1-based line, `onReject` each row that did not. `firstLine`
 * is the file line `text` starts at, when it is a chunk of a bigger file cut at a line end (line numbers and the header
 * rule follow it).
 */
export function scanBinanceKlines(
  file: string,
  text: string,
  firstLine: number,
  onBar: (bar: KlineBar, line: number) => void,
  onReject: (row: RejectedRow) => void,
): void {
  const bar: KlineBar = {
    time: 0,
    open: 0,
    high: 0,
    low: 0,
    close: 0,
    volume: 0,
    quoteVolume: 0,
    trades: 0,
    takerBuyVolume: 0,
  }
  const len = text.length
  const v = new Float64Array(12)
  let pos = 0
  let lineNo = firstLine - 1
  // Hot path (millions of rows): numbers are scanned in place, no per-line strings or arrays.
  while (pos < len) {
    let end = text.indexOf('\n', pos)
    if (end < 0) end = len
    lineNo++
    const lineEnd = end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end
    const start = pos
    pos = end + 1
    if (lineEnd === start) continue
    if (lineNo === 1 && /^\s*open_time\s*,/i.test(text.slice(start, Math.min(lineEnd, start + 20)))) continue
    let n = 0
    let a = start
    for (;;) {
      const x = scanNumber(text, a, lineEnd)
      if (n < 12) v[n] = x
      n++
      if (scan.end >= lineEnd) break
      a = scan.end + 1
      if (a === lineEnd) {
        // Trailing comma: one more, empty field.
        if (n < 12) v[n] = NaN
        n++
        break
      }
    }
    if (n !== 12) {
      onReject({ file, line: lineNo, reason: `expected 12 columns, found ${n}` })
      continue
    }
    if (!Number.isFinite(v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7] + v[8] + v[9])) {
      const bad = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].find((k) => !Number.isFinite(v[k])) as number
      const cell = text.slice(start, lineEnd).split(',')[bad] ?? ''
      onReject({
        file,
        line: lineNo,
        reason:
          cell.trim() === ''
            ? `${KLINE_COLUMNS[bad]} is empty`
            : `${KLINE_COLUMNS[bad]} "${cell.slice(0, 40)}" is not a finite number`,
      })
      continue
    }
    bar.time = epochToMs(v[0])
    bar.open = v[1]
    bar.high = v[2]
    bar.low = v[3]
    bar.close = v[4]
    bar.volume = v[5]
    bar.quoteVolume = v[7]
    bar.trades = v[8]
    bar.takerBuyVolume = v[9]
    onBar(bar, lineNo)
  }
}

/**
 * Binance public-data kline CSV (data.binance.vision): 12 columns, open time in ms (µs since 2025), optional
 * `open_time,…` header. Keeps quote volume, trade count and taker-buy base volume.
 */
export function parseBinanceKlines(file: string, text: string, hints: SeriesHints): ParsedFile {
  const out = emptyParsed('binance-klines', 'bars', { venue: 'BINANCE', ...hints })
  const bars = out.data.records as Bar[]
  scanBinanceKlines(
    file,
    text,
    1,
    (b, line) => {
      bars.push({
        time: b.time,
        open: b.open,
        high: b.high,
        low: b.low,
        close: b.close,
        volume: b.volume,
        quoteVolume: b.quoteVolume,
        trades: b.trades,
        takerBuyVolume: b.takerBuyVolume,
      })
      out.lines.push(line)
    },
    (r) => out.rejected.push(r),
  )
  return out
}

/**
 * Binance public-data aggTrades CSV: `agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker[,is_best_match]`,
 * with or without that header. Taker side = sell when the buyer was the maker.
 */
export function parseBinanceAggTrades(file: string, text: string, hints: SeriesHints): ParsedFile {
  const out = emptyParsed('binance-aggtrades', 'trades', { venue: 'BINANCE', ...hints })
  const trades = out.data.records as Trade[]
  const lines = splitLines(text)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line.length === 0) continue
    const c = line.split(',')
    if (i === 0 && c[0].trim().toLowerCase() === 'agg_trade_id') continue
    if (c.length !== 7 && c.length !== 8) {
      out.rejected.push({ file, line: i + 1, reason: `expected 7 or 8 columns, found ${c.length}` })
      continue
    }
    const price = Number(c[1])
    const qty = Number(c[2])
    const time = Number(c[5])
    const maker = c[6].trim().toLowerCase()
    if (c[0].trim() === '' || !/^\d+$/.test(c[0].trim()))
      out.rejected.push({ file, line: i + 1, reason: `trade id "${c[0].slice(0, 40)}" is not an integer` })
    else if (!Number.isFinite(price) || c[1].trim() === '')
      out.rejected.push({ file, line: i + 1, reason: `price "${c[1].slice(0, 40)}" is not a finite number` })
    else if (!Number.isFinite(qty) || c[2].trim() === '')
      out.rejected.push({ file, line: i + 1, reason: `quantity "${c[2].slice(0, 40)}" is not a finite number` })
    else if (!Number.isFinite(time) || c[5].trim() === '')
      out.rejected.push({ file, line: i + 1, reason: `transact time "${c[5].slice(0, 40)}" is not a number` })
    else if (maker !== 'true' && maker !== 'false')
      out.rejected.push({ file, line: i + 1, reason: `is_buyer_maker "${c[6].slice(0, 40)}" is not true/false` })
    else {
      trades.push({ time: epochToMs(time), price, qty, side: maker === 'true' ? 'sell' : 'buy', id: c[0].trim() })
      out.lines.push(i + 1)
    }
  }
  return out
}
