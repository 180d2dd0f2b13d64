import { instrumentId, parseInstrumentId, type Instrument } from '../../src-shared'
import type { Db } from './database'

interface InstrumentRow {
  id: string
  symbol: string
  venue: string
  kind: Instrument['kind']
  tick_size: number | null
}

/** Known instruments; created on first sight of a symbol at a venue. */
export class SqliteInstrumentStore {
  constructor(private readonly db: Db) {}

  /** Registers an instrument if it is new; keeps existing details. Returns its canonical id. */
  ensure(symbol: string, venue: string, kind: Instrument['kind'] = 'other', tickSize?: number): string {
    const id = instrumentId(symbol, venue)
    const key = parseInstrumentId(id)
    this.db
      .prepare(
        `INSERT INTO instruments (id, symbol, venue, kind, tick_size) VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
      )
      .run(id, key.symbol, key.venue, kind, tickSize ?? null)
    return id
  }

  /** All instruments, by id. */
  list(): Instrument[] {
    return (this.db.prepare('SELECT * FROM instruments ORDER BY id').all() as InstrumentRow[]).map((r) => {
      const base = { id: r.id, symbol: r.symbol, venue: r.venue, kind: r.kind }
      return r.tick_size === null ? base : { ...base, tickSize: r.tick_size }
    })
  }
}
