import type { Bar, StoredBar, Timeframe } from '../../src-shared'
import type { Statement } from 'better-sqlite3'
import type { Db } from './database'

const BULK_ROWS = 64

/** Which series a bar belongs to. */
export interface SeriesKey {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
}

/** Range query over one series; `from`/`to` are inclusive open times (ms). */
export interface BarRange extends SeriesKey {
  readonly from?: number
  readonly to?: number
}

/** Outcome of an upsert: new rows vs rows that were already stored (updated in place when values changed). */
export interface UpsertCounts {
  inserted: number
  duplicates: number
}

/** Summary of one stored series. */
export interface SeriesInfo extends SeriesKey {
  readonly count: number
  readonly first: number
  readonly last: number
}

interface BarRow {
  symbol: string
  venue: string
  timeframe: Timeframe
  open_time: number
  open: number
  high: number
  low: number
  close: number
  volume: number
  quote_volume: number | null
  trades: number | null
  taker_buy_volume: number | null
}

function toBar(r: BarRow): StoredBar {
  const bar: {
    -readonly [K in keyof StoredBar]: StoredBar[K]
  } = {
    symbol: r.symbol,
    venue: r.venue,
    timeframe: r.timeframe,
    time: r.open_time,
    open: r.open,
    high: r.high,
    low: r.low,
    close: r.close,
    volume: r.volume,
  }
  if (r.quote_volume !== null) bar.quoteVolume = r.quote_volume
  if (r.trades !== null) bar.trades = r.trades
  if (r.taker_buy_volume !== null) bar.takerBuyVolume = r.taker_buy_volume
  return bar
}

/** Stored OHLCV bars keyed by (symbol, venue, timeframe, open time). */
export class SqliteBarStore {
  private readonly insert
  private readonly update
  private readonly page
  private readonly latest
  private readonly invalidate
  private readonly upsertTx
  private bulk: Statement | undefined
  private rangeCount: Statement | undefined
  private lastTime: Statement | undefined

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO bars (symbol, venue, timeframe, open_time, open, high, low, close, volume, quote_volume, trades, taker_buy_volume)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.update = db.prepare(
      `UPDATE bars SET open = ?, high = ?, low = ?, close = ?, volume = ?, quote_volume = ?, trades = ?, taker_buy_volume = ?
       WHERE symbol = ? AND venue = ? AND timeframe = ? AND open_time = ?`,
    )
    this.page = db.prepare(
      `SELECT * FROM bars WHERE symbol = ? AND venue = ? AND timeframe = ? AND open_time > ? AND open_time <= ?
       ORDER BY open_time LIMIT ?`,
    )
    this.latest = db.prepare(
      `SELECT * FROM bars WHERE symbol = ? AND venue = ? AND timeframe = ? AND open_time >= ? AND open_time <= ?
       ORDER BY open_time DESC LIMIT ?`,
    )
    // The cache key is (series, spec_hash, time): "time >= t" alone would scan every cached row of the series (ms per
    // live bar with a warm cache), so walk its spec hashes (one index probe each) and delete by (spec_hash, time) range.
    this.invalidate = db.prepare(
      `WITH RECURSIVE specs (h) AS (
         SELECT min(spec_hash) FROM feature_cache WHERE symbol = ? AND venue = ? AND timeframe = ?
         UNION ALL
         SELECT (SELECT min(spec_hash) FROM feature_cache WHERE symbol = ? AND venue = ? AND timeframe = ? AND spec_hash > specs.h) FROM specs WHERE h IS NOT NULL
       )
       DELETE FROM feature_cache WHERE symbol = ? AND venue = ? AND timeframe = ? AND spec_hash IN (SELECT h FROM specs) AND time >= ?`,
    )
    // Created once: a transaction wrapper per call costs more than a live bar's insert.
    this.upsertTx = db.transaction((key: SeriesKey, bars: readonly Bar[], counts: UpsertCounts) => this.upsertRows(key, bars, counts))
  }

  /**
   * Inserts bars; a bar whose key already exists counts as a duplicate and takes the new values.
   * Runs inside the caller's transaction when there is one, else in its own.
   */
  upsert(key: SeriesKey, bars: readonly Bar[]): UpsertCounts {
    const counts: UpsertCounts = { inserted: 0, duplicates: 0 }
    if (this.db.inTransaction) this.upsertRows(key, bars, counts)
    else this.upsertTx.immediate(key, bars, counts)
    return counts
  }

  private upsertRows(key: SeriesKey, bars: readonly Bar[], counts: UpsertCounts): void {
    const { symbol, venue, timeframe } = key
    for (const b of bars) {
      const q = b.quoteVolume ?? null
      const n = b.trades ?? null
      const tb = b.takerBuyVolume ?? null
      if (this.insert.run(symbol, venue, timeframe, b.time, b.open, b.high, b.low, b.close, b.volume, q, n, tb).changes === 1) counts.inserted++
      else {
        counts.duplicates++
        this.update.run(b.open, b.high, b.low, b.close, b.volume, q, n, tb, symbol, venue, timeframe, b.time)
      }
    }
    if (counts.inserted > 0) this.invalidateFeatures(key, bars)
  }

  /**
   * Features at t depend on every bar up to t, so new bars invalidate cached feature rows from the earliest new bar on
   * (a few index probes and no deleted row for live appends). Changed and deleted bars are handled by triggers on `bars`.
   */
  private invalidateFeatures(key: SeriesKey, bars: readonly Bar[]): void {
    let from = Infinity
    for (const b of bars) if (b.time < from) from = b.time
    const { symbol, venue, timeframe } = key
    this.invalidate.run(symbol, venue, timeframe, symbol, venue, timeframe, symbol, venue, timeframe, from)
  }

  /**
   * {@link upsert} for bulk imports: bars must have distinct open times in increasing order (as validated imports do).
   * Writes 64 rows per statement with INSERT … ON CONFLICT DO UPDATE and counts new rows from the key range, which is
   * several times faster than one statement per bar. Same counts and duplicate semantics as `upsert`.
   */
  bulkUpsert(key: SeriesKey, bars: readonly Bar[]): UpsertCounts {
    const counts: UpsertCounts = { inserted: 0, duplicates: 0 }
    const B = BULK_ROWS
    const run = (): void => {
      const stmt = (this.bulk ??= this.db.prepare(
        `INSERT INTO bars (symbol, venue, timeframe, open_time, open, high, low, close, volume, quote_volume, trades, taker_buy_volume)
         VALUES ${Array(B).fill('(@symbol, @venue, @timeframe, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (symbol, venue, timeframe, open_time) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low,
           close = excluded.close, volume = excluded.volume, quote_volume = excluded.quote_volume, trades = excluded.trades,
           taker_buy_volume = excluded.taker_buy_volume`,
      ))
      const rangeCount = (this.rangeCount ??= this.db
        .prepare(`SELECT count(*) FROM bars WHERE symbol = ? AND venue = ? AND timeframe = ? AND open_time BETWEEN ? AND ?`)
        .pluck())
      // Appending after the last stored bar (the usual import) cannot hit existing rows: skip the range counts.
      const last = (this.lastTime ??= this.db.prepare(`SELECT max(open_time) FROM bars WHERE symbol = ? AND venue = ? AND timeframe = ?`).pluck()).get(
        key.symbol,
        key.venue,
        key.timeframe,
      ) as number | null
      const appending = bars.length > 0 && (last === null || last < bars[0].time)
      // The series key is bound once per statement as named parameters (binding strings per row costs ~20 %).
      const named = { symbol: key.symbol, venue: key.venue, timeframe: key.timeframe }
      const args: (number | null)[] = new Array(9 * B)
      let i = 0
      for (; i + B <= bars.length; i += B) {
        for (let k = 0; k < B; k++) {
          const b = bars[i + k]
          const o = 9 * k
          args[o] = b.time
          args[o + 1] = b.open
          args[o + 2] = b.high
          args[o + 3] = b.low
          args[o + 4] = b.close
          args[o + 5] = b.volume
          args[o + 6] = b.quoteVolume ?? null
          args[o + 7] = b.trades ?? null
          args[o + 8] = b.takerBuyVolume ?? null
        }
        const from = bars[i].time
        const to = bars[i + B - 1].time
        if (to <= from) throw new Error('bulkUpsert needs bars in increasing time order')
        if (appending) {
          stmt.run(named, args)
          counts.inserted += B
          continue
        }
        const before = rangeCount.get(key.symbol, key.venue, key.timeframe, from, to) as number
        stmt.run(named, args)
        const inserted = (rangeCount.get(key.symbol, key.venue, key.timeframe, from, to) as number) - before
        counts.inserted += inserted
        counts.duplicates += B - inserted
      }
      if (i < bars.length) {
        const rest = this.upsert(key, bars.slice(i))
        counts.inserted += rest.inserted
        counts.duplicates += rest.duplicates
      }
      if (counts.inserted > 0) this.invalidateFeatures(key, bars)
    }
    if (this.db.inTransaction) run()
    else this.db.transaction(run).immediate()
    return counts
  }

  /** Streams a range in pages of `pageSize` bars, oldest first, never holding the whole history. */
  *pages(range: BarRange, pageSize = 10_000): Generator<StoredBar[]> {
    const to = range.to ?? Number.MAX_SAFE_INTEGER
    let cursor = range.from !== undefined ? range.from - 1 : Number.MIN_SAFE_INTEGER
    for (;;) {
      const rows = this.page.all(range.symbol, range.venue, range.timeframe, cursor, to, pageSize) as BarRow[]
      if (rows.length === 0) return
      yield rows.map(toBar)
      cursor = rows[rows.length - 1].open_time
      if (rows.length < pageSize) return
    }
  }

  /** The most recent `limit` bars of a range, oldest first. */
  latestBars(range: BarRange, limit: number): StoredBar[] {
    const rows = this.latest.all(
      range.symbol,
      range.venue,
      range.timeframe,
      range.from ?? Number.MIN_SAFE_INTEGER,
      range.to ?? Number.MAX_SAFE_INTEGER,
      limit,
    ) as BarRow[]
    return rows.reverse().map(toBar)
  }

  /** Every stored series with its bar count and first/last open time. */
  listSeries(): SeriesInfo[] {
    return this.db
      .prepare(
        `SELECT symbol, venue, timeframe, count(*) AS count, min(open_time) AS first, max(open_time) AS last
         FROM bars GROUP BY symbol, venue, timeframe ORDER BY symbol, venue, timeframe`,
      )
      .all() as SeriesInfo[]
  }

  /** Number of bars in a range. */
  count(range: BarRange): number {
    return (
      this.db
        .prepare(`SELECT count(*) AS n FROM bars WHERE symbol = ? AND venue = ? AND timeframe = ? AND open_time BETWEEN ? AND ?`)
        .get(range.symbol, range.venue, range.timeframe, range.from ?? Number.MIN_SAFE_INTEGER, range.to ?? Number.MAX_SAFE_INTEGER) as {
        n: number
      }
    ).n
  }
}
