import { basename, dirname } from 'node:path'
import { isTimeframe, symbolKey, type Timeframe } from '../../../src-shared'
import type { SeriesHints } from './parsed-file'

/** Exchange and data-vendor words recognised in file names, mapped to venue ids. */
const VENUES: Readonly<Record<string, string>> = {
  binance: 'BINANCE',
  coinbase: 'COINBASE',
  gdax: 'COINBASE',
  bitfinex: 'BITFINEX',
  bybit: 'BYBIT',
  kraken: 'KRAKEN',
  ftx: 'FTX',
  fxcm: 'FXCM',
  oanda: 'OANDA',
  xcme: 'CME',
  cme: 'CME',
  usa: 'USA',
  bittrex: 'BITTREX',
}

/** Resolution words in file names → timeframe. */
const RESOLUTIONS: Readonly<Record<string, Timeframe>> = {
  second: '1s',
  minute: '1m',
  min: '1m',
  m1: '1m',
  hour: '1h',
  hourly: '1h',
  h: '1h',
  h1: '1h',
  daily: '1d',
  day: '1d',
  d: '1d',
  d1: '1d',
  weekly: '1w',
  week: '1w',
  w: '1w',
}

const NOISE = new Set([
  'trade',
  'trades',
  'quote',
  'quotes',
  'futures',
  'future',
  'mark',
  'funding',
  'rate',
  'perp',
  'margin',
  'interest',
  'klines',
  'kline',
  'aggtrades',
  'candles',
  'csv',
  'json',
  'txt',
  'bid',
  'ask',
  'bars',
  'volume',
  'data',
  'spot',
  'equity',
  'crypto',
  'cryptofuture',
  'forex',
  'cfd',
  'index',
  'tick',
  'unittest',
  'openinterest',
  'tardis',
])

/** The file name without compression and data extensions. */
export function stem(name: string): string {
  return basename(name)
    .replace(/\.(gz|zip)$/i, '')
    .replace(/\.(csv|json|txt)$/i, '')
}

/** Timeframe named by a token such as `5m`, `1h`, `1d`, `minute`, `daily`, `D`. */
export function timeframeToken(token: string): Timeframe | undefined {
  const t = token.toLowerCase()
  if (isTimeframe(t)) return t
  const m = /^(\d+)(min|hour|h|day|d)$/.exec(t)
  if (m) {
    const unit = m[2].startsWith('min') ? 'm' : m[2].startsWith('h') ? 'h' : 'd'
    const tf = `${Number(m[1])}${unit}`
    return isTimeframe(tf) ? tf : undefined
  }
  return RESOLUTIONS[t]
}

/**
 * Guesses symbol, venue and timeframe from a path: venue words (`binance_…`, `Coinbase_…`), timeframe tokens,
 * dates and format words are set aside; the first remaining token with a letter is the symbol. Parent folder
 * names contribute a venue or timeframe only (LEAN's `equity/usa/minute/spy/…`).
 */
export function hintsFromPath(path: string, entryName?: string): SeriesHints {
  const hints: SeriesHints = {}
  const names = [stem(entryName ?? path), ...(entryName ? [stem(path)] : [])]
  for (const name of names) {
    const tokens = name.split(/[_\s.\-()]+/).filter(Boolean)
    let symbolParts: string[] | undefined
    let collecting = false
    for (const raw of tokens) {
      const t = raw.toLowerCase()
      const tf = timeframeToken(t)
      const isCandidate = !VENUES[t] && !tf && !/^\d+$/.test(t) && !NOISE.has(t) && /[a-z]/.test(t)
      if (collecting && t === 'perp' && symbolParts) {
        symbolParts.push('-PERP')
        continue
      }
      if (isCandidate && (symbolParts === undefined || collecting)) {
        symbolParts ??= []
        // ccxt pairs with a settle currency (XRP_USDT_USDT) repeat the quote.
        if (symbolParts[symbolParts.length - 1] !== symbolKey(raw)) symbolParts.push(symbolKey(raw))
        collecting = true
        continue
      }
      collecting = false
      if (VENUES[t]) hints.venue ??= VENUES[t]
      else if (tf) hints.timeframe ??= tf
    }
    if (symbolParts) hints.symbol ??= symbolParts.join('')
  }
  for (const folder of dirname(path).split(/[\\/]/).slice(-4)) {
    for (const t of folder.toLowerCase().split(/[_-]/)) {
      if (VENUES[t]) hints.venue ??= VENUES[t]
      const tf = RESOLUTIONS[t]
      if (tf && !['d', 'h', 'w', 'min'].includes(t)) hints.timeframe ??= tf
    }
  }
  return hints
}
