import type { Bar, Trade } from '../../src-shared'
import type { ImportFormat } from './import-types'
import { emptyParsed, splitLines, type ParsedFile, type SeriesHints } from './parsed-file'
import { epochToMs } from './timestamps'

const KLINE_COLUMNS = ['open time', 'open', 'high', 'low', 'close', 'volume', 'close time', 'quote volume', 'trades', 'taker buy volume']

/**
 * Binance public-data kline CSV (data.binance.vision): 12 columns, open time in ms (µs since 2025), optional
 * `open_time,…` header. Keeps quote volume, trade count and taker-buy base volume.
 */
export function parseBinanceKlines(file: string, text: string, hints: SeriesHints): ParsedFile {
  const out = emptyParsed('binance-klines', 'bars', { venue: 'BINANCE', ...hints })
  const bars = out.data.records as Bar[]
  const len = text.length
  const cells: string[] = new Array(12)
  let pos = 0
  let lineNo = 0
  // Hot path (millions of rows): scan with indexOf instead of split() to avoid per-line arrays.
  while (pos < len) {
    let end = text.indexOf('\n', pos)
    if (end < 0) end = len
    lineNo++
    const lineEnd = end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end
    const start = pos
    pos = end + 1
    if (lineEnd === start) continue
    let n = 0
    let a = start
    while (n < 13) {
      let comma = text.indexOf(',', a)
      if (comma < 0 || comma > lineEnd) comma = lineEnd
      if (n < 12) cells[n] = text.slice(a, comma)
      n++
      if (comma === lineEnd) break
      a = comma + 1
    }
    if (lineNo === 1 && cells[0].trim().toLowerCase() === 'open_time') continue
    if (n !== 12) {
      out.rejected.push({ file, line: lineNo, reason: `expected 12 columns, found ${n > 12 ? text.slice(start, lineEnd).split(',').length : n}` })
      continue
    }
    const t = +cells[0]
    const o = +cells[1]
    const h = +cells[2]
    const l = +cells[3]
    const c = +cells[4]
    const v = +cells[5]
    const q = +cells[7]
    const trades = +cells[8]
    const tb = +cells[9]
    let empty = false
    for (let k = 0; k < 10; k++) if (cells[k].length === 0 || cells[k].charCodeAt(0) === 32) empty = true
    if (empty || !(Number.isFinite(t + o + h + l + c + v + q + trades + tb) && +cells[6] === +cells[6])) {
      const vals = [t, o, h, l, c, v, +cells[6], q, trades, tb]
      const bad = vals.findIndex((x, k) => !Number.isFinite(x) || cells[k].trim() === '')
      out.rejected.push({ file, line: lineNo, reason: `${KLINE_COLUMNS[bad]} "${cells[bad].slice(0, 40)}" is not a finite number` })
      continue
    }
    bars.push({ time: epochToMs(t), open: o, high: h, low: l, close: c, volume: v, quoteVolume: q, trades, takerBuyVolume: tb })
    out.lines.push(lineNo)
  }
  return out
}

/**
 * Binance public-data aggTrades CSV: `agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker[,is_best_match]`,
 * with or without that header. Taker side = sell when the buyer was the maker.
 */
export function parseBinanceAggTrades(file: string, text: string, hints: SeriesHints): ParsedFile {
  const out = emptyParsed('binance-aggtrades' as ImportFormat, 'trades', { venue: 'BINANCE', ...hints })
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
    if (c[0].trim() === '' || !/^\d+$/.test(c[0].trim())) out.rejected.push({ file, line: i + 1, reason: `trade id "${c[0].slice(0, 40)}" is not an integer` })
    else if (!Number.isFinite(price) || c[1].trim() === '') out.rejected.push({ file, line: i + 1, reason: `price "${c[1].slice(0, 40)}" is not a finite number` })
    else if (!Number.isFinite(qty) || c[2].trim() === '') out.rejected.push({ file, line: i + 1, reason: `quantity "${c[2].slice(0, 40)}" is not a finite number` })
    else if (!Number.isFinite(time) || c[5].trim() === '') out.rejected.push({ file, line: i + 1, reason: `transact time "${c[5].slice(0, 40)}" is not a number` })
    else if (maker !== 'true' && maker !== 'false') out.rejected.push({ file, line: i + 1, reason: `is_buyer_maker "${c[6].slice(0, 40)}" is not true/false` })
    else {
      trades.push({ time: epochToMs(time), price, qty, side: maker === 'true' ? 'sell' : 'buy', id: c[0].trim() })
      out.lines.push(i + 1)
    }
  }
  return out
}
