import type { Db } from './database'
import type { SeriesKey } from './bar-store'

/** Cached feature rows of one (series, spec hash): times and row-major values (NaN = missing). */
export interface CachedFeatures {
  readonly time: Float64Array
  readonly data: Float64Array
  readonly width: number
}

/**
 * Computed feature vectors keyed by (spec hash, series, bar open time). Triggers on `bars` delete every cached row
 * at or after a bar that is inserted, changed or removed, so a cache hit is always consistent with the stored bars.
 */
export class SqliteFeatureCacheStore {
  private readonly insert
  private readonly range
  private readonly countStmt
  /** Made once: a transaction wrapper per call costs about as much as a live bar's row. */
  private readonly putTx

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT OR REPLACE INTO feature_cache (spec_hash, symbol, venue, timeframe, time, vector) VALUES (?, ?, ?, ?, ?, ?)`,
    )
    this.range = db.prepare(
      `SELECT time, vector FROM feature_cache WHERE symbol = ? AND venue = ? AND timeframe = ? AND spec_hash = ? AND time BETWEEN ? AND ? ORDER BY time`,
    )
    this.countStmt = db.prepare(
      `SELECT count(*) AS n FROM feature_cache WHERE symbol = ? AND venue = ? AND timeframe = ? AND spec_hash = ? AND time BETWEEN ? AND ?`,
    )
    this.putTx = db.transaction(
      (key: SeriesKey, specHash: string, time: Float64Array, data: Float64Array, width: number) =>
        this.putRows(key, specHash, time, data, width),
    )
  }

  /** Stores rows `time[i]` → `data[i*width … (i+1)*width)` in one transaction (or the caller's). */
  put(key: SeriesKey, specHash: string, time: Float64Array, data: Float64Array, width: number): void {
    if (this.db.inTransaction) this.putRows(key, specHash, time, data, width)
    else this.putTx.immediate(key, specHash, time, data, width)
  }

  private putRows(key: SeriesKey, specHash: string, time: Float64Array, data: Float64Array, width: number): void {
    for (let i = 0; i < time.length; i++) {
      const row = data.subarray(i * width, (i + 1) * width)
      this.insert.run(
        specHash,
        key.symbol,
        key.venue,
        key.timeframe,
        time[i],
        Buffer.from(row.buffer, row.byteOffset, row.byteLength),
      )
    }
  }

  /** Cached rows with from ≤ time ≤ to, oldest first. */
  get(key: SeriesKey, specHash: string, width: number, from: number, to: number): CachedFeatures {
    const rows = this.range.all(key.symbol, key.venue, key.timeframe, specHash, from, to) as {
      time: number
      vector: Buffer
    }[]
    const time = new Float64Array(rows.length)
    const data = new Float64Array(rows.length * width)
    rows.forEach((r, i) => {
      if (r.vector.byteLength !== width * 8)
        throw new Error(`feature cache row at ${r.time} has ${r.vector.byteLength / 8} values, expected ${width}`)
      time[i] = r.time
      data.set(
        new Float64Array(r.vector.buffer.slice(r.vector.byteOffset, r.vector.byteOffset + r.vector.byteLength)),
        i * width,
      )
    })
    return { time, data, width }
  }

  /** Number of cached rows in a time range. */
  count(key: SeriesKey, specHash: string, from: number, to: number): number {
    return (this.countStmt.get(key.symbol, key.venue, key.timeframe, specHash, from, to) as { n: number }).n
  }
}
