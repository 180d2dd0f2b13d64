import { isTimeframe, type Timeframe } from './domain'

/** Canonical instrument id `SYMBOL.VENUE`, e.g. `BTCUSDT.BINANCE` (STYLE.md rule 12). */
export type InstrumentId = string & { readonly __brand: 'InstrumentId' }
/** Canonical bar type `SYMBOL.VENUE-TF`, e.g. `BTCUSDT.BINANCE-1m`. */
export type BarType = string & { readonly __brand: 'BarType' }

const SYMBOL_RE = /^[A-Z0-9][A-Z0-9_\-/]{0,31}$/
const VENUE_RE = /^[A-Z0-9][A-Z0-9_]{0,31}$/

/**
 * The canonical spelling of a symbol, as series are stored and keyed: upper case, pair separators dropped
 * (`zec/btc`, `ZEC-BTC`, `zec_btc` → `ZECBTC`); a dash before a contract suffix stays (`BTC-PERP`, `BTC-0325`).
 * Throws on an empty symbol or characters that cannot be keys, naming the text.
 */
export function canonicalSymbol(text: string): string {
  // A dash before PERP or a dated code (digits) is part of a contract's name; any other dash separates base and quote.
  const s = text.trim().toUpperCase().replace(/[\s/_]+/g, '').replace(/-(?!PERP\b|[A-Z0-9]*[0-9])/g, '')
  if (!SYMBOL_RE.test(s)) throw new Error(`invalid symbol "${text}" (letters and digits, e.g. BTCUSDT or ZEC/BTC)`)
  return s
}

/** Builds an instrument id; symbols and venues are upper-cased. Throws on characters that cannot be keys. */
export function instrumentId(symbol: string, venue: string): InstrumentId {
  const s = symbol.trim().toUpperCase()
  const v = venue.trim().toUpperCase()
  if (!SYMBOL_RE.test(s)) throw new Error(`invalid symbol "${symbol}"`)
  if (!VENUE_RE.test(v)) throw new Error(`invalid venue "${venue}"`)
  return `${s}.${v}` as InstrumentId
}

/** Splits an instrument id into symbol and venue. */
export function parseInstrumentId(id: string): { symbol: string; venue: string } {
  const dot = id.lastIndexOf('.')
  if (dot <= 0 || dot === id.length - 1) throw new Error(`invalid instrument id "${id}" (expected SYMBOL.VENUE)`)
  const canonical = instrumentId(id.slice(0, dot), id.slice(dot + 1))
  const d = canonical.lastIndexOf('.')
  return { symbol: canonical.slice(0, d), venue: canonical.slice(d + 1) }
}

/** Builds a bar type id. */
export function barType(symbol: string, venue: string, timeframe: Timeframe): BarType {
  return `${instrumentId(symbol, venue)}-${timeframe}` as BarType
}

/** Parses `SYMBOL.VENUE-TF`. */
export function parseBarType(s: string): { symbol: string; venue: string; timeframe: Timeframe } {
  const dash = s.lastIndexOf('-')
  const tf = s.slice(dash + 1)
  if (dash <= 0 || !isTimeframe(tf)) throw new Error(`invalid bar type "${s}" (expected SYMBOL.VENUE-TF)`)
  return { ...parseInstrumentId(s.slice(0, dash)), timeframe: tf }
}
