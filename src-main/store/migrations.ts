import type Database from 'better-sqlite3'
import { systemClock } from '../../src-shared'

/** One forward-only schema step. Versions are dense and increasing; a shipped migration is never edited. */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly up: string
}

/**
 * The schema, issue by issue. Append new migrations at the end with the next version number.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'foundation: instruments, bars, jobs, settings',
    up: `
      CREATE TABLE instruments (
        id TEXT PRIMARY KEY,
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'other',
        tick_size REAL,
        UNIQUE (symbol, venue)
      );
      CREATE TABLE bars (
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        open_time INTEGER NOT NULL,
        open REAL NOT NULL,
        high REAL NOT NULL,
        low REAL NOT NULL,
        close REAL NOT NULL,
        volume REAL NOT NULL,
        quote_volume REAL,
        trades INTEGER,
        taker_buy_volume REAL,
        PRIMARY KEY (symbol, venue, timeframe, open_time)
      ) WITHOUT ROWID;
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        progress REAL NOT NULL DEFAULT 0,
        message TEXT NOT NULL DEFAULT '',
        params TEXT,
        result TEXT,
        error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX jobs_created ON jobs (created_at);
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'market events: trades, funding, mark prices, liquidations, book tops',
    up: `
      CREATE TABLE trades (
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        trade_id TEXT NOT NULL,
        time INTEGER NOT NULL,
        price REAL NOT NULL,
        qty REAL NOT NULL,
        side TEXT CHECK (side IN ('buy', 'sell')),
        PRIMARY KEY (symbol, venue, trade_id)
      ) WITHOUT ROWID;
      CREATE INDEX trades_time ON trades (symbol, venue, time);
      CREATE TABLE funding (
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        time INTEGER NOT NULL,
        rate REAL NOT NULL,
        mark_price REAL,
        PRIMARY KEY (symbol, venue, time)
      ) WITHOUT ROWID;
      CREATE TABLE mark_prices (
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        time INTEGER NOT NULL,
        price REAL NOT NULL,
        index_price REAL,
        PRIMARY KEY (symbol, venue, time)
      ) WITHOUT ROWID;
      CREATE TABLE liquidations (
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        time INTEGER NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
        price REAL NOT NULL,
        qty REAL NOT NULL,
        PRIMARY KEY (symbol, venue, time, side, price, qty)
      ) WITHOUT ROWID;
      CREATE TABLE book_tops (
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        time INTEGER NOT NULL,
        bid_price REAL NOT NULL,
        bid_qty REAL NOT NULL,
        ask_price REAL NOT NULL,
        ask_qty REAL NOT NULL,
        PRIMARY KEY (symbol, venue, time)
      ) WITHOUT ROWID;
    `,
  },
]

/** Schema version the code expects. */
export function latestSchemaVersion(extra: readonly Migration[] = []): number {
  return Math.max(0, ...MIGRATIONS.map((m) => m.version), ...extra.map((m) => m.version))
}

/**
 * Applies every pending migration, each in its own transaction, and records it in `schema_migrations`.
 * Refuses a database written by a newer Armada (its version is above ours).
 */
export function migrate(db: Database.Database, extra: readonly Migration[] = []): number {
  const all = [...MIGRATIONS, ...extra].sort((a, b) => a.version - b.version)
  all.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is not dense at version ${m.version} (${m.name})`)
  })
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`)
  const current = (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v
  if (current > all.length) {
    const err = new Error(`schema version ${current} is newer than this Armada understands (${all.length}); upgrade Armada`)
    ;(err as { code?: string }).code = 'ARMADA_NEWER_SCHEMA'
    throw err
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
  for (const m of all.slice(current)) {
    db.transaction(() => {
      db.exec(m.up)
      record.run(m.version, m.name, systemClock.now())
    }).immediate()
  }
  return all.length
}

/** Schema version recorded in the database. */
export function schemaVersion(db: Database.Database): number {
  return (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v
}
