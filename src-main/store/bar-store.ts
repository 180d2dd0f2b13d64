import {
  barColumns,
  TIMEFRAMES,
  type Bar,
  type StoredBar,
  type StoredBarColumns,
  type Timeframe,
} from '../../src-shared'
import type { Statement } from 'better-sqlite3'
import type { Db } from './database'

/** Rows per bulk INSERT statement, largest first: a batch's tail takes the smaller ones (256 rows: ~10 % less CPU than 64). */
const BULK_ROWS = [256, 64, 16, 4] as const

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

function toBar(key: SeriesKey, r: BarRow): StoredBar {
  const bar: {
    -readonly [K in keyof StoredBar]: StoredBar[K]
  } = {
    symbol: key.symbol,
    venue: key.venue,
    timeframe: key.timeframe,
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

const BAR_VALUES = 'open_time, open, high, low, close, volume, quote_volume, trades, taker_buy_volume'

/**
 * Stored OHLCV bars keyed by (series, open time); a series is one (symbol, venue, timeframe) row of `series`, created
 * with its first bar. Ids are looked up per call, never cached: a rolled-back transaction can give an id back.
 */
export class SqliteBarStore {
  private readonly seriesId
  private readonly newSeries
  private readonly insert
  private readonly update
  private readonly page
  private readonly latest
  private readonly invalidate
  private readonly upsertTx
  private readonly bulk = new Map<number, Statement>()
  private rangeCount: Statement | undefined
  private lastTime: Statement | undefined

  constructor(private readonly db: Db) {
    this.seriesId = db.prepare(`SELECT id FROM series WHERE symbol = ? AND venue = ? AND timeframe = ?`).pluck()
    this.newSeries = db.prepare(`INSERT INTO series (symbol, venue, timeframe) VALUES (?, ?, ?)`)
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO bars (series_id, ${BAR_VALUES}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.update = db.prepare(
      `UPDATE bars SET open = ?, high = ?, low = ?, close = ?, volume = ?, quote_volume = ?, trades = ?, taker_buy_volume = ?
       WHERE series_id = ? AND open_time = ?`,
    )
    this.page = db.prepare(
      `SELECT ${BAR_VALUES} FROM bars WHERE series_id = ? AND open_time > ? AND open_time <= ? ORDER BY open_time LIMIT ?`,
    )
    this.latest = db.prepare(
      `SELECT ${BAR_VALUES} FROM bars WHERE series_id = ? AND open_time >= ? AND open_time <= ? ORDER BY open_time DESC LIMIT ?`,
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
    this.upsertTx = db.transaction((key: SeriesKey, bars: readonly Bar[], counts: UpsertCounts) =>
      this.upsertRows(key, bars, counts),
    )
  }

  /** The series' id, or undefined when it has no row yet. */
  private idOf(key: SeriesKey): number | undefined {
    return this.seriesId.get(key.symbol, key.venue, key.timeframe) as number | undefined
  }

  /** The series' id, creating its row (inside the caller's write transaction) when it is new. */
  private ensureId(key: SeriesKey): number {
    return this.idOf(key) ?? Number(this.newSeries.run(key.symbol, key.venue, key.timeframe).lastInsertRowid)
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
    if (bars.length === 0) return
    const id = this.ensureId(key)
    for (const b of bars) {
      const q = b.quoteVolume ?? null
      const n = b.trades ?? null
      const tb = b.takerBuyVolume ?? null
      if (this.insert.run(id, b.time, b.open, b.high, b.low, b.close, b.volume, q, n, tb).changes === 1)
        counts.inserted++
      else {
        counts.duplicates++
        this.update.run(b.open, b.high, b.low, b.close, b.volume, q, n, tb, id, b.time)
      }
    }
    if (counts.inserted > 0) {
      let from = Infinity
      for (const b of bars) if (b.time < from) from = b.time
      this.invalidateFeatures(key, from)
    }
  }

  /**
   * Features at t depend on every bar up to t, so new bars invalidate cached feature rows from the earliest new bar on
   * (a few index probes and no deleted row for live appends). Changed and deleted bars are handled by triggers on `bars`.
   */
  private invalidateFeatures(key: SeriesKey, from: number): void {
    const { symbol, venue, timeframe } = key
    this.invalidate.run(symbol, venue, timeframe, symbol, venue, timeframe, symbol, venue, timeframe, from)
  }

  /**
   * {@link upsert} for bulk imports: bars must have distinct open times in increasing order (as validated imports do).
   * Same counts and duplicate semantics as `upsert`; see {@link bulkUpsertColumns}.
   */
  bulkUpsert(key: SeriesKey, bars: readonly Bar[]): UpsertCounts {
    return this.bulkUpsertColumns(key, barColumns(bars))
  }

  /**
   * Bulk upsert of bars given as columns (open times strictly increasing). Writes up to 256 rows per statement with
   * INSERT … ON CONFLICT DO UPDATE and counts new rows from the key range, which is several times faster than one
   * statement per bar. Same counts and duplicate semantics as `upsert`. Throws when times do not increase.
   */
  bulkUpsertColumns(key: SeriesKey, bars: StoredBarColumns): UpsertCounts {
    const counts: UpsertCounts = { inserted: 0, duplicates: 0 }
    const n = bars.length
    if (n === 0) return counts
    const run = (): void => {
      const rangeCount = (this.rangeCount ??= this.db
        .prepare(`SELECT count(*) FROM bars WHERE series_id = ? AND open_time BETWEEN ? AND ?`)
        .pluck())
      const id = this.ensureId(key)
      // Appending after the last stored bar (the usual import) cannot hit existing rows: skip the range counts.
      const last = (this.lastTime ??= this.db
        .prepare(`SELECT max(open_time) FROM bars WHERE series_id = ?`)
        .pluck()).get(id) as number | null
      const appending = last === null || last < bars.time[0]
      // The series id is bound once per statement as a named parameter; the values are passed as arguments, not as one
      // array (better-sqlite3 reads an array element by element through the V8 API: twice the binding time).
      const named = { series: id }
      const { time, open, high, low, close, volume, quoteVolume, trades, takerBuyVolume } = bars
      let i = 0
      for (const B of BULK_ROWS) {
        if (i + B > n) continue
        const stmt = this.bulkStatement(B)
        const args: (number | null)[] = new Array(9 * B)
        for (; i + B <= n; i += B) {
          for (let k = 0, o = 0; k < B; k++, o += 9) {
            const r = i + k
            args[o] = time[r]
            args[o + 1] = open[r]
            args[o + 2] = high[r]
            args[o + 3] = low[r]
            args[o + 4] = close[r]
            args[o + 5] = volume[r]
            const q = quoteVolume[r]
            const t = trades[r]
            const tb = takerBuyVolume[r]
            args[o + 6] = q === q ? q : null
            args[o + 7] = t === t ? t : null
            args[o + 8] = tb === tb ? tb : null
          }
          const from = time[i]
          const to = time[i + B - 1]
          if (to <= from) throw new Error('bulkUpsert needs bars in increasing time order')
          if (appending) {
            stmt.run(named, ...args)
            counts.inserted += B
            continue
          }
          const before = rangeCount.get(id, from, to) as number
          stmt.run(named, ...args)
          const inserted = (rangeCount.get(id, from, to) as number) - before
          counts.inserted += inserted
          counts.duplicates += B - inserted
        }
      }
      for (; i < n; i++) {
        const q = quoteVolume[i]
        const t = trades[i]
        const tb = takerBuyVolume[i]
        const row = [
          time[i],
          open[i],
          high[i],
          low[i],
          close[i],
          volume[i],
          q === q ? q : null,
          t === t ? t : null,
          tb === tb ? tb : null,
        ] as const
        if (this.insert.run(id, ...row).changes === 1) counts.inserted++
        else {
          counts.duplicates++
          this.update.run(...row.slice(1), id, row[0])
        }
      }
      if (counts.inserted > 0) this.invalidateFeatures(key, time[0])
    }
    if (this.db.inTransaction) run()
    else this.db.transaction(run).immediate()
    return counts
  }

  /** The INSERT … ON CONFLICT DO UPDATE statement for `rows` bars of one series (prepared once per size). */
  private bulkStatement(rows: number): Statement {
    let stmt = this.bulk.get(rows)
    if (!stmt) {
      stmt = this.db.prepare(
        `INSERT INTO bars (series_id, ${BAR_VALUES})
         VALUES ${Array(rows).fill('(@series, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (series_id, open_time) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low,
           close = excluded.close, volume = excluded.volume, quote_volume = excluded.quote_volume, trades = excluded.trades,
           taker_buy_volume = excluded.taker_buy_volume`,
      )
      this.bulk.set(rows, stmt)
    }
    return stmt
  }

  /** Streams a range in pages of `pageSize` bars, oldest first, never holding the whole history. */
  *pages(range: BarRange, pageSize = 10_000): Generator<StoredBar[]> {
    const to = range.to ?? Number.MAX_SAFE_INTEGER
    let cursor = range.from !== undefined ? range.from - 1 : Number.MIN_SAFE_INTEGER
    const id = this.idOf(range)
    if (id === undefined) return
    for (;;) {
      const rows = this.page.all(id, cursor, to, pageSize) as BarRow[]
      if (rows.length === 0) return
      yield rows.map((r) => toBar(range, r))
      cursor = rows[rows.length - 1].open_time
      if (rows.length < pageSize) return
    }
  }

  /** The most recent `limit` bars of a range, oldest first. */
  latestBars(range: BarRange, limit: number): StoredBar[] {
    const id = this.idOf(range)
    if (id === undefined) return []
    const rows = this.latest.all(
      id,
      range.from ?? Number.MIN_SAFE_INTEGER,
      range.to ?? Number.MAX_SAFE_INTEGER,
      limit,
    ) as BarRow[]
    return rows.reverse().map((r) => toBar(range, r))
  }

  /** Timeframes stored for one instrument (one index probe; no bar counts), shortest first. */
  timeframes(symbol: string, venue: string): Timeframe[] {
    const have = new Set(
      this.db
        .prepare(`SELECT timeframe FROM series WHERE symbol = ? AND venue = ?`)
        .pluck()
        .all(symbol, venue) as string[],
    )
    return TIMEFRAMES.filter((tf) => have.has(tf))
  }

  /** Every stored series with its bar count and first/last open time. */
  listSeries(): SeriesInfo[] {
    return this.db
      .prepare(
        `SELECT s.symbol, s.venue, s.timeframe, count(*) AS count, min(b.open_time) AS first, max(b.open_time) AS last
         FROM series s JOIN bars b ON b.series_id = s.id GROUP BY s.id ORDER BY s.symbol, s.venue, s.timeframe`,
      )
      .all() as SeriesInfo[]
  }

  /** Number of bars in a range. */
  count(range: BarRange): number {
    const id = this.idOf(range)
    if (id === undefined) return 0
    return this.db
      .prepare(`SELECT count(*) FROM bars WHERE series_id = ? AND open_time BETWEEN ? AND ?`)
      .pluck()
      .get(id, range.from ?? Number.MIN_SAFE_INTEGER, range.to ?? Number.MAX_SAFE_INTEGER) as number
  }
}
