import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import Database from 'better-sqlite3'
import {
  DatabaseOpenError,
  latestSchemaVersion,
  MIGRATIONS,
  openDatabase,
  schemaVersion,
  SqliteBarStore,
  type Db,
} from './index'

const dirs: string[] = []
const open: Db[] = []
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'armada-store-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('openDatabase', () => {
  it('creates the file in WAL mode with every migration applied', () => {
    const db = openDatabase(join(tmp(), 'nested', 'a.db'))
    open.push(db)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(schemaVersion(db)).toBe(latestSchemaVersion())
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type='table'`).all() as { name: string }[]).map(
      (r) => r.name,
    )
    expect(tables).toEqual(expect.arrayContaining(['instruments', 'bars', 'jobs', 'settings', 'schema_migrations']))
  })

  it('re-opening applies nothing twice', () => {
    const path = join(tmp(), 'a.db')
    openDatabase(path).close()
    const db = openDatabase(path)
    open.push(db)
    const n = (db.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n
    expect(n).toBe(latestSchemaVersion())
  })

  it('applies a new migration in order and rolls back a failing one completely', () => {
    const path = join(tmp(), 'a.db')
    openDatabase(path).close()
    const v = latestSchemaVersion()
    const good = { version: v + 1, name: 'add t', up: 'CREATE TABLE t (x INTEGER)' }
    const bad = { version: v + 2, name: 'broken', up: 'CREATE TABLE u (x INTEGER); CREATE TABLE nope (' }
    expect(() => openDatabase(path, { migrations: [good, bad] })).toThrow()
    const db = openDatabase(path, { migrations: [good] })
    open.push(db)
    expect(schemaVersion(db)).toBe(v + 1)
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'u'`).get()).toBeUndefined()
  })

  it('refuses a corrupt file with a one-line reason and leaves it untouched', () => {
    const path = join(tmp(), 'bad.db')
    writeFileSync(path, 'this is not a database, just some text that a user renamed'.repeat(100))
    let err: unknown
    try {
      openDatabase(path)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(DatabaseOpenError)
    expect((err as DatabaseOpenError).reason).toBe('corrupt')
    expect((err as Error).message).not.toContain('\n')
    expect((err as Error).message).toContain(path)
  })

  it('reports a database held locked by another process as locked, not corrupt', async () => {
    const path = join(tmp(), 'locked.db')
    openDatabase(path).close()
    // A second process takes an exclusive lock and holds it until we kill it.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const D=require('better-sqlite3');const db=new D(${JSON.stringify(path)});db.pragma('locking_mode = EXCLUSIVE');db.exec('BEGIN EXCLUSIVE');db.exec('CREATE TABLE hold(x)');process.stdout.write('locked\\n');setInterval(()=>{},1000)`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()))
    try {
      let err: unknown
      try {
        openDatabase(path, { busyTimeoutMs: 100 })
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(DatabaseOpenError)
      expect((err as DatabaseOpenError).reason).toBe('locked')
    } finally {
      holder.kill('SIGKILL')
      await new Promise((r) => holder.once('exit', r))
    }
    // The killed holder's uncommitted work is gone; the file is intact.
    const db = openDatabase(path)
    open.push(db)
    expect(db.pragma('integrity_check', { simple: true }) as string).toBe('ok')
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'hold'`).get()).toBeUndefined()
  })

  it('two processes writing the same file concurrently both succeed under WAL', async () => {
    const path = join(tmp(), 'shared.db')
    openDatabase(path).close()
    const writer = (tag: string): Promise<number> =>
      new Promise((resolve) => {
        const p = spawn(
          process.execPath,
          [
            '-e',
            `const D=require('better-sqlite3');const db=new D(${JSON.stringify(path)},{timeout:5000});const s=db.prepare('INSERT INTO settings(key,value) VALUES (?,?)');for(let i=0;i<200;i++){db.transaction(()=>s.run('${tag}'+i,'1'))()}`,
          ],
          { stdio: 'inherit' },
        )
        p.once('exit', (code) => resolve(code ?? -1))
      })
    const codes = await Promise.all([writer('a'), writer('b')])
    expect(codes).toEqual([0, 0])
    const db = openDatabase(path)
    open.push(db)
    expect((db.prepare('SELECT count(*) AS n FROM settings').get() as { n: number }).n).toBe(400)
  })
})

describe('migration 8: feature-cache triggers', () => {
  it('drops the per-row insert trigger an old migration 4 created, keeping the update/delete ones', () => {
    const path = join(tmp(), 'old.db')
    // A database as migration 4 used to shape it: versions 1–7 applied, with the insert trigger since removed from 4.
    const old = new Database(path)
    old.exec(
      `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
    )
    for (const m of MIGRATIONS.filter((x) => x.version <= 7)) {
      old.exec(m.up)
      old.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)').run(m.version, m.name)
    }
    old.exec(`CREATE TRIGGER bars_insert_invalidates_features AFTER INSERT ON bars
      BEGIN
        DELETE FROM feature_cache WHERE symbol = NEW.symbol AND venue = NEW.venue AND timeframe = NEW.timeframe AND time >= NEW.open_time;
      END;`)
    old.close()
    const db = openDatabase(path)
    open.push(db)
    expect(schemaVersion(db)).toBe(latestSchemaVersion())
    const triggers = (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'bars'`).all() as {
        name: string
      }[]
    )
      .map((r) => r.name)
      .sort()
    expect(triggers).toEqual(['bars_delete_invalidates_features', 'bars_update_invalidates_features'])
    expect(
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'feature_cache_series_time'`).get(),
    ).toBeDefined()
  })

  it("the invalidation delete of the bars triggers searches the series' time range through an index", () => {
    const db = openDatabase(join(tmp(), 'a.db'))
    open.push(db)
    // The statement both triggers run (migration 4), with the trigger's OLD values as parameters.
    const plan = (
      db
        .prepare(
          `EXPLAIN QUERY PLAN DELETE FROM feature_cache WHERE symbol = ? AND venue = ? AND timeframe = ? AND time >= ?`,
        )
        .all('BTCUSDT', 'BINANCE', '5m', 0) as { detail: string }[]
    )
      .map((r) => r.detail)
      .join('\n')
    expect(plan).toMatch(
      /SEARCH feature_cache USING (COVERING )?INDEX feature_cache_series_time \(symbol=\? AND venue=\? AND timeframe=\? AND time>\?\)/,
    )
  })
})

describe('migration 9: bars keyed by series id', () => {
  /** A database as versions 1–8 shaped it, with bars of three series written in the old (symbol, venue, timeframe) layout. */
  function oldDatabase(
    path: string,
  ): { symbol: string; venue: string; timeframe: string; open_time: number; trades: number | null }[] {
    const old = new Database(path)
    old.exec(
      `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
    )
    for (const m of MIGRATIONS.filter((x) => x.version <= 8)) {
      old.exec(m.up)
      old.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)').run(m.version, m.name)
    }
    const insert = old.prepare(
      `INSERT INTO bars (symbol, venue, timeframe, open_time, open, high, low, close, volume, quote_volume, trades, taker_buy_volume)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    const rows: { symbol: string; venue: string; timeframe: string; open_time: number; trades: number | null }[] = []
    old.transaction(() => {
      for (const [symbol, venue, timeframe, n] of [
        ['ETHBTC', 'BINANCE', '5m', 300],
        ['BTCUSDT', 'BINANCE', '1m', 1000],
        ['BTCUSDT', 'BINANCE', '5m', 2],
      ] as const)
        for (let i = 0; i < n; i++) {
          const t = 1_600_000_000_000 + i * 60_000
          const trades = i % 3 === 0 ? null : i
          insert.run(
            symbol,
            venue,
            timeframe,
            t,
            100 + i,
            101 + i,
            99 + i,
            100.5 + i,
            i / 7,
            trades === null ? null : i * 3.5,
            trades,
            trades === null ? null : i / 14,
          )
          rows.push({ symbol, venue, timeframe, open_time: t, trades })
        }
      old
        .prepare(
          `INSERT INTO feature_cache (spec_hash, symbol, venue, timeframe, time, vector) VALUES ('h', 'BTCUSDT', 'BINANCE', '1m', ?, x'00')`,
        )
        .run(1_600_000_000_000 + 500 * 60_000)
    })()
    old.close()
    return rows
  }

  it('moves every bar of an old-format database into the series-keyed table, values and absent fields intact', () => {
    const path = join(tmp(), 'old.db')
    const rows = oldDatabase(path)
    const db = openDatabase(path)
    open.push(db)
    expect(schemaVersion(db)).toBe(latestSchemaVersion())
    const store = new SqliteBarStore(db)
    expect(store.listSeries()).toEqual([
      {
        symbol: 'BTCUSDT',
        venue: 'BINANCE',
        timeframe: '1m',
        count: 1000,
        first: 1_600_000_000_000,
        last: 1_600_000_000_000 + 999 * 60_000,
      },
      {
        symbol: 'BTCUSDT',
        venue: 'BINANCE',
        timeframe: '5m',
        count: 2,
        first: 1_600_000_000_000,
        last: 1_600_000_060_000,
      },
      {
        symbol: 'ETHBTC',
        venue: 'BINANCE',
        timeframe: '5m',
        count: 300,
        first: 1_600_000_000_000,
        last: 1_600_000_000_000 + 299 * 60_000,
      },
    ])
    const stored = store.listSeries().flatMap((s) => [...store.pages(s)].flat())
    expect(stored).toHaveLength(rows.length)
    for (const b of stored) {
      const i = (b.time - 1_600_000_000_000) / 60_000
      const expected = {
        symbol: b.symbol,
        venue: b.venue,
        timeframe: b.timeframe,
        time: b.time,
        open: 100 + i,
        high: 101 + i,
        low: 99 + i,
        close: 100.5 + i,
        volume: i / 7,
      }
      expect(b).toEqual(
        i % 3 === 0 ? expected : { ...expected, quoteVolume: i * 3.5, trades: i, takerBuyVolume: i / 14 },
      )
    }
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'bars_by_series'`).get()).toBeUndefined()
  })

  it('says on stderr that an existing database is being upgraded, and nothing for a new one', () => {
    const said = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      const path = join(tmp(), 'old.db')
      oldDatabase(path)
      open.push(openDatabase(path))
      expect(said.mock.calls.map((c) => String(c[0]))).toEqual([
        expect.stringMatching(
          /upgrading database .*old\.db from schema 8 to \d+ \(bars keyed by \(series id, open time\)/,
        ),
      ])
      said.mockClear()
      open.push(openDatabase(join(tmp(), 'new.db')))
      expect(said).not.toHaveBeenCalled()
    } finally {
      said.mockRestore()
    }
  })

  it('keeps invalidating cached features when a stored bar changes, through the series id', () => {
    const path = join(tmp(), 'old.db')
    oldDatabase(path)
    const db = openDatabase(path)
    open.push(db)
    const cached = (): number => db.prepare(`SELECT count(*) FROM feature_cache`).pluck().get() as number
    const store = new SqliteBarStore(db)
    const key = { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1m' as const }
    const [bar] = store.latestBars({ ...key, to: 1_600_000_000_000 + 400 * 60_000 }, 1)
    store.upsert(key, [bar])
    expect(cached()).toBe(1)
    store.upsert(key, [{ ...bar, close: bar.close + 1 }])
    expect(cached()).toBe(0)
    const plan = (
      db
        .prepare(
          `EXPLAIN QUERY PLAN DELETE FROM feature_cache WHERE symbol = (SELECT symbol FROM series WHERE id = ?) AND venue = (SELECT venue FROM series WHERE id = ?)
       AND timeframe = (SELECT timeframe FROM series WHERE id = ?) AND time >= ?`,
        )
        .all(1, 1, 1, 0) as { detail: string }[]
    )
      .map((r) => r.detail)
      .join('\n')
    expect(plan).toMatch(
      /SEARCH feature_cache USING (COVERING )?INDEX feature_cache_series_time \(symbol=\? AND venue=\? AND timeframe=\? AND time>\?\)/,
    )
  })
})
