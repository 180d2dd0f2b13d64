import type { Db } from './database'

/** Key/value settings stored as JSON. */
export class SqliteSettingsStore {
  constructor(private readonly db: Db) {}

  /** The stored value, or `fallback` when the key is absent. */
  get<T>(key: string, fallback?: T): T | undefined {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined
    return row ? (JSON.parse(row.value) as T) : fallback
  }

  /** A setting holding a list: its items, or none when the key is absent or holds something else. */
  getList<T>(key: string): T[] {
    const v = this.get<unknown>(key)
    return Array.isArray(v) ? (v as T[]) : []
  }

  /** Stores a JSON-serialisable value; `undefined` deletes the key. */
  set(key: string, value: unknown): void {
    if (value === undefined) this.db.prepare('DELETE FROM settings WHERE key = ?').run(key)
    else
      this.db
        .prepare(
          'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
        )
        .run(key, JSON.stringify(value))
  }
}
