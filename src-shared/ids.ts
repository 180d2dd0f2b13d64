import { isTimeframe, type Timeframe } from './domain'

/** Canonical instrument id `SYMBOL.VENUE`, e.g. `BTCUSDT.BINANCE` (STYLE.md rule 12). */
export type InstrumentId = string & { readonly __brand: 'InstrumentId' }
/** Canonical bar type `SYMBOL.VENUE-TF`, e.g. `BTCUSDT.BINANCE-1m`. */
export type BarType = string & { readonly __brand: 'BarType' }

const SYMBOL_RE = /^[A-Z0-9][A-Z0-9_\-/]{0,31}$/
const VENUE_RE = /^[A-Z0-9][A-Z0-9_]{0,31}$/

/**
 * The key spelling of a symbol, for lookups: upper case, pair separators dropped (`zec/btc`, `ZEC-BTC`, `zec_btc` →
 * `ZECBTC`), a dash before a contract suffix kept (`BTC-PERP`, `BTC-0325`). Never throws: text that is no symbol
 * simply matches nothing. `canonicalSymbol` is the same spelling, checked.
 */
export function symbolKey(text: string): string {
  // A dash before PERP or a dated code (digits) is part of a contract's name; any other dash separates base and quote.
  return text
    .trim()
    .toUpperCase()
    .replace(/[\s/_]+/g, '')
    .replace(/-(?!PERP\b|[A-Z0-9]*[0-9])/g, '')
}

/**
 * The canonical spelling of a symbol, as series are stored and keyed (`symbolKey`), at a door that makes ids.
 * Throws on an empty symbol or characters that cannot be keys, naming the text.
 */
export function canonicalSymbol(text: string): string {
  const s = symbolKey(text)
  if (!SYMBOL_RE.test(s)) throw new Error(`invalid symbol "${text}" (letters and digits, e.g. BTCUSDT or ZEC/BTC)`)
  return s
}

/** The key spelling of a venue, for lookups: trimmed, upper case (`binance` → `BINANCE`). Never throws. */
export function venueKey(text: string): string {
  return text.trim().toUpperCase()
}

/** The canonical spelling of a venue (`venueKey`), at a door that makes ids. Throws on text that cannot be a key. */
export function canonicalVenue(text: string): string {
  const v = venueKey(text)
  if (!VENUE_RE.test(v)) throw new Error(`invalid venue "${text}"`)
  return v
}

/** Builds an instrument id; symbols and venues are upper-cased. Throws on characters that cannot be keys. */
export function instrumentId(symbol: string, venue: string): InstrumentId {
  const s = symbol.trim().toUpperCase()
  if (!SYMBOL_RE.test(s)) throw new Error(`invalid symbol "${symbol}"`)
  return `${s}.${canonicalVenue(venue)}` as InstrumentId
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
