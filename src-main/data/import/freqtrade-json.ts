import type { Bar, Funding, Trade } from '../../../src-shared'
import type { MarkPrice } from '../../store'
import { ImportError, type ImportFormat } from './import-types'
import { emptyParsed, type ParsedFile, type SeriesHints } from './parsed-file'

/** Line (1-based) on which each element of a top-level JSON array starts. */
function elementLines(text: string): number[] {
  const out: number[] = []
  let line = 1
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 92) i++
      else if (ch === 34) inString = false
      continue
    }
    if (ch === 10) line++
    else if (ch === 34) inString = true
    else if (ch === 91 || ch === 123) {
      depth++
      if (depth === 2) out.push(line)
    } else if (ch === 93 || ch === 125) depth--
  }
  return out
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new ImportError(file, `JSON is truncated or malformed (${(err as Error).message.split('\n')[0]})`)
  }
}

/** Which freqtrade JSON a file is, from its name (`-trades`, `-funding_rate`, `-mark`) and shape. */
export function freqtradeKind(name: string, text: string): ImportFormat | undefined {
  const n = name.toLowerCase()
  const head = text.slice(0, 400).replace(/\s+/g, '')
  if (head.startsWith('{"date":{')) return 'freqtrade-candles'
  if (!head.startsWith('[[')) return undefined
  if (n.includes('-trades') || /^\[\[\d+(\.\d+)?,"/.test(head)) return 'freqtrade-trades'
  if (n.includes('funding_rate') || n.includes('-funding')) return 'freqtrade-funding'
  if (n.includes('-mark')) return 'freqtrade-mark'
  return 'freqtrade-candles'
}

type Row = unknown[]

function rowsOf(file: string, text: string): { rows: Row[]; lines: number[] } {
  const json = parseJson(file, text)
  if (json !== null && typeof json === 'object' && !Array.isArray(json))
    return pandasColumns(file, json as Record<string, unknown>)
  if (!Array.isArray(json)) throw new ImportError(file, 'expected a JSON array of rows')
  const lines = elementLines(text)
  return { rows: json as Row[], lines: json.map((_, i) => lines[i] ?? 1) }
}

/** pandas `DataFrame.to_json()` column dict (`{"date":{"0":ms,…},"open":{…},…}`) → candle rows. */
function pandasColumns(file: string, cols: Record<string, unknown>): { rows: Row[]; lines: number[] } {
  const names = ['date', 'open', 'high', 'low', 'close', 'volume']
  const missing = names.filter((n) => typeof cols[n] !== 'object' || cols[n] === null)
  if (missing.length > 0) throw new ImportError(file, `JSON columns missing: ${missing.join(', ')}`)
  const index = Object.keys(cols.date as object)
  const rows = index.map((k) => names.map((n) => (cols[n] as Record<string, unknown>)[k]))
  return { rows, lines: index.map(() => 1) }
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN
}

const CANDLE_COLUMNS = ['timestamp', 'open', 'high', 'low', 'close', 'volume']

/**
 * freqtrade candle JSON `[[ms, o, h, l, c, v], …]` (also the orderflow column dict), mark-price candles
 * (volume may be null; the mark price at open time is the open), funding-rate JSON (rate in the open column)
 * and trades JSON `[ms, id, type, side, price, amount, cost]`.
 */
export function parseFreqtradeJson(file: string, text: string, format: ImportFormat, hints: SeriesHints): ParsedFile {
  const { rows, lines } = rowsOf(file, text)
  if (format === 'freqtrade-trades') {
    const out = emptyParsed(format, 'trades', hints)
    const trades = out.data.records as Trade[]
    rows.forEach((r, i) => {
      const line = lines[i]
      if (!Array.isArray(r) || r.length < 6)
        return out.rejected.push({
          file,
          line,
          reason: `row ${i + 1}: expected [ms, id, type, side, price, amount, cost]`,
        })
      const [t, , , , price, amount] = r.map(num)
      const s = r[3]
      if (!Number.isFinite(t))
        return out.rejected.push({ file, line, reason: `row ${i + 1}: timestamp is not a number` })
      if (!Number.isFinite(price))
        return out.rejected.push({ file, line, reason: `row ${i + 1}: price is not a finite number` })
      if (!Number.isFinite(amount))
        return out.rejected.push({ file, line, reason: `row ${i + 1}: amount is not a finite number` })
      if (s !== 'buy' && s !== 'sell' && s !== null)
        return out.rejected.push({ file, line, reason: `row ${i + 1}: side ${JSON.stringify(s)} is not buy/sell` })
      const trade: Trade = s === null ? { time: t, price, qty: amount } : { time: t, price, qty: amount, side: s }
      trades.push(r[1] === null || r[1] === undefined ? trade : { ...trade, id: String(r[1]) })
      out.lines.push(line)
    })
    return out
  }
  const kind = format === 'freqtrade-funding' ? 'funding' : format === 'freqtrade-mark' ? 'mark-prices' : 'bars'
  const out = emptyParsed(format, kind, hints)
  rows.forEach((r, i) => {
    const line = lines[i]
    if (!Array.isArray(r) || r.length < 5)
      return out.rejected.push({ file, line, reason: `row ${i + 1}: expected [ms, open, high, low, close, volume]` })
    const v = r.slice(0, 6).map(num)
    // Mark-price candles carry a null volume; it means "not applicable", not a bad row.
    if (kind !== 'bars' && (r[5] === null || r[5] === undefined)) v[5] = 0
    const bad = v.findIndex((x) => !Number.isFinite(x))
    if (bad >= 0)
      return out.rejected.push({
        file,
        line,
        reason: `row ${i + 1}: ${CANDLE_COLUMNS[bad]} ${JSON.stringify(r[bad])} is not a finite number`,
      })
    if (kind === 'funding') (out.data.records as Funding[]).push({ time: v[0], rate: v[1] })
    else if (kind === 'mark-prices') (out.data.records as MarkPrice[]).push({ time: v[0], price: v[1] })
    else (out.data.records as Bar[]).push({ time: v[0], open: v[1], high: v[2], low: v[3], close: v[4], volume: v[5] })
    out.lines.push(line)
  })
  return out
}
