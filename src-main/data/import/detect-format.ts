import { basename } from 'node:path'
import { HINT_WORDS } from '../../../src-shared'
import { freqtradeKind } from './freqtrade-json'
import { looksLikeHeaderCsv } from './header-csv'
import { ImportError, type ImportFormat } from './import-types'

const LEAN_TIME_RE = /^\d{8} \d{2}:\d{2}(:\d{2})?$/

/**
 * Picks the format of a file from its first lines (and name for freqtrade's JSON variants).
 * Throws {@link ImportError} naming the first line when nothing matches.
 */
export function detectFormat(file: string, entryName: string, text: string): ImportFormat {
  const start = text.search(/\S/)
  if (start < 0) throw new ImportError(file, 'file is empty')
  const ch = text[start]
  if (ch === '[' || ch === '{') {
    const f = freqtradeKind(basename(entryName), text.slice(start))
    if (f) return f
    throw new ImportError(file, 'JSON is not a freqtrade candle, trades, funding or mark-price file')
  }
  const lines = text.slice(start, start + 4096).split(/\r?\n/)
  const first = lines[0]
  if (/https?:\/\/|cryptodatadownload/i.test(first)) return 'cryptodatadownload'
  const cells = first.split(',')
  const c0 = cells[0].trim()
  if (/^\d{13}$|^\d{16}$/.test(c0) && cells.length === 12) return 'binance-klines'
  if (/^\d+$/.test(c0) && (cells.length === 7 || cells.length === 8) && /^(true|false)$/i.test(cells[6].trim()))
    return 'binance-aggtrades'
  if (LEAN_TIME_RE.test(c0) && [2, 6, 11].includes(cells.length)) return 'lean'
  if (/^\d{1,8}$/.test(c0) && Number(c0) < 86_400_000 && (cells.length === 6 || cells.length === 11)) return 'lean'
  const h = cells.map((x) => x.trim().toLowerCase())
  if (h[0] === 'open_time' && cells.length === 12) return 'binance-klines'
  if (h[0] === 'agg_trade_id') return 'binance-aggtrades'
  if (looksLikeHeaderCsv(first)) {
    return h.includes('adj close') || h.includes('openinterest') ? 'backtrader' : 'generic-csv'
  }
  throw new ImportError(file, `unrecognised format (first line "${first.slice(0, 60)}"); ${HINT_WORDS.format}`, 1)
}
