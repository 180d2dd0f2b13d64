import type { BookTop, Funding, Liquidation, TakerSide, Trade } from '../../src-shared'
import type { UpsertCounts } from './bar-store'
import type { Db } from './database'

/** Which instrument a market event belongs to. */
export interface InstrumentKey {
  readonly symbol: string
  readonly venue: string
}

/** Range query over one instrument's events; `from`/`to` are inclusive times (ms). */
export interface EventRange extends InstrumentKey {
  readonly from?: number
  readonly to?: number
}

/** A mark-price observation (futures), optionally with the index price it tracks. */
export interface MarkPrice {
  readonly time: number
  readonly price: number
  readonly indexPrice?: number
}

type Row = Record<string, string | number | null>

/** How one event type maps onto its table: the columns after symbol and venue, and the conversions both ways. */
export interface EventTableSpec<T> {
  readonly table: string
  /** Columns after symbol and venue, in insert order; the first `keyColumns` of them complete the primary key. */
  readonly columns: readonly string[]
  readonly keyColumns: number
  readonly toValues: (e: T) => (string | number | null)[]
  readonly fromRow: (r: Row) => T
}

/** Public surface shared by the event repositories. */
export interface EventStore<T> {
  /** Inserts events; an existing key counts as a duplicate and takes the new values. */
  upsert(key: InstrumentKey, events: readonly T[]): UpsertCounts
  /** Streams a range in pages, oldest first. */
  pages(range: EventRange, pageSize?: number): Generator<T[]>
  /** Number of events in a range. */
  count(range: EventRange): number
  /** The newest event at or before `time`, if any. */
  latest(key: InstrumentKey, time: number): T | undefined
}

/** Bounded retention for high-rate tables (book data): rows older than the newest stored time minus `ms` are pruned. */
export interface Retention {
  readonly ms: number
  /** Prune once every this many inserts (default 1000). */
  readonly every?: number
}

/** Settings key holding the book-data retention in hours (book tops and depth; default {@link DEFAULT_BOOK_RETENTION_HOURS}). */
export const BOOK_RETENTION_SETTING = 'feeds.bookRetentionHours'
export const DEFAULT_BOOK_RETENTION_HOURS = 72

/**
 * One table of time-stamped market events keyed by (symbol, venue, …), described by an `EventTableSpec`; every
 * event store below is this class with its spec. Same contract as the bar store: re-inserting a key counts as a
 * duplicate and takes the new values; runs inside the caller's transaction when open.
 */
export class SqliteEventStore<T extends { readonly time: number }> implements EventStore<T> {
  private readonly insert
  private readonly update
  private readonly order: readonly string[]
  private readonly firstPage
  private readonly nextPage
  private readonly countStmt
  private readonly latestStmt
  private readonly pruneStmt
  private insertsSincePrune = 0

  constructor(
    private readonly db: Db,
    private readonly spec: EventTableSpec<T>,
    private readonly retention?: Retention,
  ) {
    const cols = ['symbol', 'venue', ...spec.columns]
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO ${spec.table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
    )
    const valueCols = spec.columns.slice(spec.keyColumns)
    const keyCols = ['symbol', 'venue', ...spec.columns.slice(0, spec.keyColumns)]
    this.update =
      valueCols.length > 0
        ? db.prepare(
            `UPDATE ${spec.table} SET ${valueCols.map((c) => `${c} = ?`).join(', ')} WHERE ${keyCols.map((c) => `${c} = ?`).join(' AND ')}`,
          )
        : undefined
    this.order = spec.columns.slice(0, spec.keyColumns).includes('time')
      ? spec.columns.slice(0, spec.keyColumns)
      : ['time', ...spec.columns.slice(0, spec.keyColumns)]
    const where = `symbol = ? AND venue = ? AND time BETWEEN ? AND ?`
    this.firstPage = db.prepare(`SELECT * FROM ${spec.table} WHERE ${where} ORDER BY ${this.order.join(', ')} LIMIT ?`)
    // Keyset paging: continue strictly after the last row's sort key, so each page costs the same.
    this.nextPage = db.prepare(
      `SELECT * FROM ${spec.table} WHERE ${where} AND (${this.order.join(', ')}) > (${this.order.map(() => '?').join(', ')}) ORDER BY ${this.order.join(', ')} LIMIT ?`,
    )
    this.countStmt = db.prepare(
      `SELECT count(*) AS n FROM ${spec.table} WHERE symbol = ? AND venue = ? AND time BETWEEN ? AND ?`,
    )
    const desc = this.order.map((c) => `${c} DESC`).join(', ')
    this.latestStmt = db.prepare(
      `SELECT * FROM ${spec.table} WHERE symbol = ? AND venue = ? AND time <= ? ORDER BY ${desc} LIMIT 1`,
    )
    this.pruneStmt = db.prepare(`DELETE FROM ${spec.table} WHERE symbol = ? AND venue = ? AND time < ?`)
  }

  upsert(key: InstrumentKey, events: readonly T[]): UpsertCounts {
    const counts: UpsertCounts = { inserted: 0, duplicates: 0 }
    const k = this.spec.keyColumns
    const run = (): void => {
      for (const e of events) {
        const values = this.spec.toValues(e)
        if (this.insert.run(key.symbol, key.venue, ...values).changes === 1) counts.inserted++
        else {
          counts.duplicates++
          this.update?.run(...values.slice(k), key.symbol, key.venue, ...values.slice(0, k))
        }
      }
    }
    if (this.db.inTransaction) run()
    else this.db.transaction(run).immediate()
    if (this.retention && events.length > 0) {
      this.insertsSincePrune += counts.inserted
      if (this.insertsSincePrune >= (this.retention.every ?? 1000)) {
        this.insertsSincePrune = 0
        const newest = this.latest(key, Number.MAX_SAFE_INTEGER)
        if (newest) this.prune(key, newest.time - this.retention.ms)
      }
    }
    return counts
  }

  latest(key: InstrumentKey, time: number): T | undefined {
    const r = this.latestStmt.get(key.symbol, key.venue, time) as Row | undefined
    return r ? this.spec.fromRow(r) : undefined
  }

  /** Deletes an instrument's events before `before` (ms); returns how many. */
  prune(key: InstrumentKey, before: number): number {
    return this.pruneStmt.run(key.symbol, key.venue, before).changes
  }

  *pages(range: EventRange, pageSize = 10_000): Generator<T[]> {
    const bounds = [
      range.symbol,
      range.venue,
      range.from ?? Number.MIN_SAFE_INTEGER,
      range.to ?? Number.MAX_SAFE_INTEGER,
    ]
    let rows = this.firstPage.all(...bounds, pageSize) as Row[]
    while (rows.length > 0) {
      yield rows.map(this.spec.fromRow)
      if (rows.length < pageSize) return
      const last = rows[rows.length - 1]
      rows = this.nextPage.all(...bounds, ...this.order.map((c) => last[c]), pageSize) as Row[]
    }
  }

  count(range: EventRange): number {
    return (
      this.countStmt.get(
        range.symbol,
        range.venue,
        range.from ?? Number.MIN_SAFE_INTEGER,
        range.to ?? Number.MAX_SAFE_INTEGER,
      ) as { n: number }
    ).n
  }
}

/** Trade id used when the source has none: time, price and quantity (callers add a sequence for equal prints). */
export function syntheticTradeId(t: Trade): string {
  return `${t.time}:${t.price}:${t.qty}`
}

const TRADES: EventTableSpec<Trade> = {
  table: 'trades',
  columns: ['trade_id', 'time', 'price', 'qty', 'side'],
  keyColumns: 1,
  toValues: (t) => [t.id ?? syntheticTradeId(t), t.time, t.price, t.qty, t.side ?? null],
  fromRow: (r) => {
    const t: { -readonly [K in keyof Trade]: Trade[K] } = {
      time: r.time as number,
      price: r.price as number,
      qty: r.qty as number,
      id: r.trade_id as string,
    }
    if (r.side !== null) t.side = r.side as TakerSide
    return t
  },
}

const FUNDING: EventTableSpec<Funding> = {
  table: 'funding',
  columns: ['time', 'rate', 'mark_price'],
  keyColumns: 1,
  toValues: (f) => [f.time, f.rate, f.markPrice ?? null],
  fromRow: (r) =>
    r.mark_price === null
      ? { time: r.time as number, rate: r.rate as number }
      : { time: r.time as number, rate: r.rate as number, markPrice: r.mark_price as number },
}

const MARK_PRICES: EventTableSpec<MarkPrice> = {
  table: 'mark_prices',
  columns: ['time', 'price', 'index_price'],
  keyColumns: 1,
  toValues: (m) => [m.time, m.price, m.indexPrice ?? null],
  fromRow: (r) =>
    r.index_price === null
      ? { time: r.time as number, price: r.price as number }
      : { time: r.time as number, price: r.price as number, indexPrice: r.index_price as number },
}

const LIQUIDATIONS: EventTableSpec<Liquidation> = {
  table: 'liquidations',
  columns: ['time', 'side', 'price', 'qty'],
  keyColumns: 4,
  toValues: (l) => [l.time, l.side, l.price, l.qty],
  fromRow: (r) => ({
    time: r.time as number,
    side: r.side as TakerSide,
    price: r.price as number,
    qty: r.qty as number,
  }),
}

/** A partial order book at a moment: levels `[price, qty]`, best first on each side. */
export interface DepthSnapshot {
  readonly time: number
  readonly bids: readonly (readonly [number, number])[]
  readonly asks: readonly (readonly [number, number])[]
}

const BOOK_DEPTH: EventTableSpec<DepthSnapshot> = {
  table: 'book_depth',
  columns: ['time', 'bids', 'asks'],
  keyColumns: 1,
  toValues: (d) => [d.time, JSON.stringify(d.bids), JSON.stringify(d.asks)],
  fromRow: (r) => ({
    time: r.time as number,
    bids: JSON.parse(r.bids as string) as [number, number][],
    asks: JSON.parse(r.asks as string) as [number, number][],
  }),
}

const BOOK_TOPS: EventTableSpec<BookTop> = {
  table: 'book_tops',
  columns: ['time', 'bid_price', 'bid_qty', 'ask_price', 'ask_qty'],
  keyColumns: 1,
  toValues: (b) => [b.time, b.bidPrice, b.bidQty, b.askPrice, b.askQty],
  fromRow: (r) => ({
    time: r.time as number,
    bidPrice: r.bid_price as number,
    bidQty: r.bid_qty as number,
    askPrice: r.ask_price as number,
    askQty: r.ask_qty as number,
  }),
}

/** Executed trades with taker side, keyed by (symbol, venue, trade id). */
export class SqliteTradeStore extends SqliteEventStore<Trade> {
  constructor(db: Db) {
    super(db, TRADES)
  }
}

/** Funding-rate observations keyed by (symbol, venue, funding time). */
export class SqliteFundingStore extends SqliteEventStore<Funding> {
  constructor(db: Db) {
    super(db, FUNDING)
  }
}

/** Mark prices keyed by (symbol, venue, time). */
export class SqliteMarkPriceStore extends SqliteEventStore<MarkPrice> {
  constructor(db: Db) {
    super(db, MARK_PRICES)
  }
}

/** Forced liquidation orders; the whole row is the key, so a repeated message is a duplicate. */
export class SqliteLiquidationStore extends SqliteEventStore<Liquidation> {
  constructor(db: Db) {
    super(db, LIQUIDATIONS)
  }
}

/** Best bid/ask snapshots keyed by (symbol, venue, time); the last snapshot within a millisecond wins. */
export class SqliteBookTopStore extends SqliteEventStore<BookTop> {
  constructor(db: Db, retention?: Retention) {
    super(db, BOOK_TOPS, retention)
  }
}

/** Partial order-book depth keyed by (symbol, venue, time); the last snapshot within a millisecond wins. */
export class SqliteDepthStore extends SqliteEventStore<DepthSnapshot> {
  constructor(db: Db, retention?: Retention) {
    super(db, BOOK_DEPTH, retention)
  }
}
