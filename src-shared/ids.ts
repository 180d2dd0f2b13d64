import { isTimeframe, type Timeframe } from './domain'

/** Canonical instrument id `SYMBOL.VENUE`, e.g. `BTCUSDT.BINANCE` (STYLE.md rule 12). */
export type InstrumentId = string & { readonly __brand: 'InstrumentId' }
/** Canonical bar type `SYMBOL.VENUE-TF`, e.g. `BTCUSDT.BINANCE-1m`. */
export type BarType = string & { readonly __brand: 'BarType' }

const SYMBOL_RE = /^[A-Z0-9][A-Z0-9_\-/]{0,31}$/
const VENUE_RE = /^[A-Z0-9][A-Z0-9_]{0,31}$/

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
