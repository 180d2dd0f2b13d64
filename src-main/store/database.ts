import { existsSync, mkdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { HINT_WORDS } from '../../src-shared'
import { migrate, type Migration } from './migrations'

/** The better-sqlite3 handle type, re-exported so other store files need not import the driver. */
export type Db = Database.Database

/** A database that could not be opened or used: one line naming the file and the reason. */
export class DatabaseOpenError extends Error {
  constructor(
    readonly path: string,
    readonly reason: 'corrupt' | 'locked' | 'unreadable' | 'newer-schema',
    detail: string,
  ) {
    super(`database ${path}: ${detail}`)
    this.name = 'DatabaseOpenError'
  }
}

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Milliseconds to wait for another process's lock before failing (default 5000, env ARMADA_BUSY_TIMEOUT_MS). */
  readonly busyTimeoutMs?: number
  readonly readonly?: boolean
  /** Extra migrations beyond the built-in list (tests). */
  readonly migrations?: readonly Migration[]
}

/**
 * Default database path in the platform's user-data folder, the same folder Electron's
 * `app.getPath('userData')` returns for productName "Armada".
 */
export function defaultDatabasePath(): string {
  const home = homedir()
  const base =
    process.platform === 'darwin'
      ? join(home, 'Library', 'Application Support')
      : process.platform === 'win32'
        ? (process.env.APPDATA ?? join(home, 'AppData', 'Roaming'))
        : (process.env.XDG_CONFIG_HOME ?? join(home, '.config'))
  return join(base, 'Armada', 'armada.db')
}

/**
 * The embedded demo's database, beside the user's own (`demo.db` in the same folder): `npm start` and
 * `armada serve --embedded` without `--db` write the demo's bars, models and alerts there, never into armada.db.
 */
export function demoDatabasePath(userDatabase = defaultDatabasePath()): string {
  return join(dirname(userDatabase), 'demo.db')
}

/**
 * Electron loads native modules built for its own ABI; we keep that build beside the Node one
 * (`npm run desktop:setup`) and choose at runtime. The WAL checkpointer's worker connection uses the same binding.
 */
export function nativeBinding(): string | undefined {
  if (!process.versions.electron) return undefined
  const candidate = resolve(
    dirname(require.resolve('better-sqlite3/package.json')),
    'build-electron',
    'better_sqlite3.node',
  )
  return existsSync(candidate) ? candidate : undefined
}

/**
 * Opens (creating if needed) the SQLite database in WAL mode with a busy timeout, and brings its schema up to date.
 * Throws {@link DatabaseOpenError} with a one-line reason for corrupt, locked or unreadable files.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Db {
  const file = path === ':memory:' ? path : resolve(path)
  const busyTimeoutMs = options.busyTimeoutMs ?? Number(process.env.ARMADA_BUSY_TIMEOUT_MS ?? 5000)
  if (file !== ':memory:' && !options.readonly) mkdirSync(dirname(file), { recursive: true })
  let db: Db
  try {
    db = new Database(file, {
      readonly: options.readonly ?? false,
      timeout: busyTimeoutMs,
      nativeBinding: nativeBinding(),
    })
  } catch (err) {
    throw classify(file, err)
  }
  try {
    if (!options.readonly) db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    // Reading the schema touches the header and the first pages: a non-database file fails here.
    db.prepare('SELECT count(*) FROM sqlite_master').get()
    if (!options.readonly) migrate(db, options.migrations)
  } catch (err) {
    db.close()
    throw classify(file, err)
  }
  return db
}

/** Runs `fn` in one transaction (a savepoint inside another) and returns its result; a throw rolls it back. */
export type TransactionRunner = <T>(fn: () => T) => T

/** A {@link TransactionRunner} over `db`, wrapped once: building a better-sqlite3 transaction per call costs about as much as a live bar's insert. */
export function transactionRunner(db: Db): TransactionRunner {
  const tx = db.transaction((fn: () => unknown) => fn())
  return <T>(fn: () => T): T => tx(fn) as T
}

function classify(file: string, err: unknown): Error {
  if (err instanceof DatabaseOpenError) return err
  const e = err as { code?: string; message?: string }
  const code = e.code ?? ''
  const msg = (e.message ?? String(err)).split('\n')[0]
  if (code === 'ARMADA_NEWER_SCHEMA') return new DatabaseOpenError(file, 'newer-schema', msg)
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'))
    return new DatabaseOpenError(file, 'corrupt', 'not a valid Armada database (file is corrupt or not SQLite)')
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new DatabaseOpenError(
      file,
      'locked',
      `locked by another process (try again when it finishes, or ${HINT_WORDS.database})`,
    )
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM')
    return new DatabaseOpenError(file, 'unreadable', `cannot open (${msg})`)
  return err instanceof Error ? err : new Error(msg)
}
