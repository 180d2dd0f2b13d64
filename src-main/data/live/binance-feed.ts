import WebSocket from 'ws'
import {
  symbolKey,
  TIMEFRAME_MS,
  type Bar,
  type BookTop,
  type Clock,
  type Disposable,
  type Funding,
  type Liquidation,
  type StoredBar,
  type Timeframe,
  type Trade,
} from '../../../src-shared'
import type {
  MarkPrice,
  SqliteBarStore,
  SqliteBookTopStore,
  SqliteDepthStore,
  SqliteFundingStore,
  SqliteLiquidationStore,
  SqliteMarkPriceStore,
  SqliteTradeStore,
} from '../../store'
import { parseRestKlines, parseStreamMessage, type StreamEvent } from './binance-messages'
import { TradeBarAggregator } from './trade-bar-aggregator'

/** One subscription of the combined stream. `aggTrade` with `barsTimeframe` also builds bars when no kline stream covers it. */
export type FeedStream =
  | { readonly kind: 'kline'; readonly symbol: string; readonly timeframe: Timeframe }
  | { readonly kind: 'aggTrade' | 'trade'; readonly symbol: string; readonly barsTimeframe?: Timeframe }
  | { readonly kind: 'bookTicker' | 'depth20' | 'markPrice' | 'forceOrder'; readonly symbol: string }

/** Where a feed connects and what it subscribes to. */
export interface BinanceFeedOptions {
  /** WebSocket base, e.g. `wss://stream.binance.com:9443`, `wss://fstream.binance.com` or the replay's `ws://127.0.0.1:PORT`. */
  readonly wsBase: string
  /** REST base for backfill, e.g. `https://api.binance.com`, `https://fapi.binance.com` or the replay's `http://127.0.0.1:PORT`. */
  readonly restBase: string
  /** `spot` backfills through `/api/v3/klines`, `usdm` through `/fapi/v1/klines`. */
  readonly market: 'spot' | 'usdm'
  readonly streams: readonly FeedStream[]
  /** Venue id under which data is stored (default `BINANCE`). */
  readonly venue?: string
  /** Reconnect backoff: first delay and cap, ms (default 500 / 30 000), with equal jitter. */
  readonly reconnect?: { readonly initialMs: number; readonly maxMs: number }
  /** Open a fresh connection before Binance's 24 h limit (default 23 h 30 min). */
  readonly rotateAfterMs?: number
  /** How often a `status` event is emitted while running (default 1000 ms). */
  readonly statusIntervalMs?: number
  /** Bars of history fetched through REST when a kline series has nothing stored yet (default 0). */
  readonly initialHistoryBars?: number
  /** Random source for jitter (tests pass a fixed one). */
  readonly random?: () => number
}

/** Repositories the feed writes to; a missing one means that kind of data is only published, not stored. */
export interface FeedStores {
  readonly bars: SqliteBarStore
  readonly trades?: SqliteTradeStore
  readonly bookTops?: SqliteBookTopStore
  readonly depth?: SqliteDepthStore
  readonly funding?: SqliteFundingStore
  readonly markPrices?: SqliteMarkPriceStore
  readonly liquidations?: SqliteLiquidationStore
}

/** Health of the feed, for the API, the UI and metrics. */
export interface FeedStatus {
  readonly state: 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disposed'
  readonly url: string
  readonly connectedSince?: number
  readonly lastMessageAt?: number
  /** Clock now minus the event time of the latest message that carries one (ms). */
  readonly lagMs?: number
  /** Messages received during the last full second. */
  readonly messagesPerSecond: number
  readonly messages: number
  /** Messages refused by the schema. */
  readonly malformed: number
  /** Socket, REST and store errors. */
  readonly errors: number
  readonly reconnects: number
  readonly backfilledBars: number
  readonly lastError?: string
  /** Per stream of the combined connection (`btcusdt@kline_1m`): messages received and the latest lag (ms). */
  readonly streams: Readonly<Record<string, StreamStatus>>
}

/** One stream's share of the feed's status. */
export interface StreamStatus {
  readonly messages: number
  /** Clock now minus the event time of the stream's latest message that carries one (ms). */
  readonly lagMs?: number
}

/** What the feed publishes. Stored data is published after it is stored. */
export interface FeedEvents {
  status: FeedStatus
  bar: StoredBar
  formingBar: StoredBar
  trade: { readonly symbol: string; readonly venue: string; readonly trade: Trade }
  bookTop: { readonly symbol: string; readonly venue: string; readonly top: BookTop }
  markPrice: {
    readonly symbol: string
    readonly venue: string
    readonly mark: MarkPrice
    readonly fundingRate?: number
  }
  funding: { readonly symbol: string; readonly venue: string; readonly funding: Funding }
  liquidation: { readonly symbol: string; readonly venue: string; readonly liquidation: Liquidation }
  malformed: { readonly error: string; readonly sample: string }
}

type Listener<K extends keyof FeedEvents> = (e: FeedEvents[K]) => void

function streamName(s: FeedStream): string {
  const sym = s.symbol.toLowerCase()
  switch (s.kind) {
    case 'kline':
      return `${sym}@kline_${s.timeframe}`
    case 'depth20':
      return `${sym}@depth20@100ms`
    case 'markPrice':
      return `${sym}@markPrice@1s`
    default:
      return `${sym}@${s.kind}`
  }
}

/**
 * Live client for Binance's combined WebSocket streams (spot and USD-M futures). Stores closed klines, trades, book
 * tops, mark prices, funding and liquidations; publishes forming bars; builds bars from trades when only trades are
 * subscribed; reconnects with exponential backoff and jitter; rotates before the 24 h limit; and after every
 * (re)connect backfills missed closed bars through REST klines so none is missing or duplicated.
 */
export class BinanceFeed implements Disposable {
  private socket: WebSocket | undefined
  private standby: WebSocket | undefined
  private started = false
  private disposed = false
  private attempt = 0
  private reconnectTimer: NodeJS.Timeout | undefined
  private rotateTimer: NodeJS.Timeout | undefined
  private statusTimer: NodeJS.Timeout | undefined
  private readonly listeners = new Map<keyof FeedEvents, Set<Listener<keyof FeedEvents>>>()
  private readonly lastClosed = new Map<string, number>()
  private readonly needsBackfill = new Set<string>()
  private readonly needsTradeBackfill = new Set<string>()
  private readonly backfilling = new Map<string, Bar[]>()
  private readonly aggregators = new Map<string, TradeBarAggregator>()
  private readonly fundingSeen = new Map<string, { rate: number; next: number; mark: number }>()
  private readonly pendingBackfills = new Set<Promise<void>>()
  private secondBucket = 0
  private countThisSecond = 0
  private s: { -readonly [K in keyof Omit<FeedStatus, 'streams'>]: FeedStatus[K] }
  private readonly streams = new Map<string, { messages: number; lagMs?: number }>()
  readonly url: string

  constructor(
    private readonly options: BinanceFeedOptions,
    private readonly stores: FeedStores,
    private readonly clock: Clock,
  ) {
    this.url = `${options.wsBase.replace(/\/$/, '')}/stream?streams=${options.streams.map(streamName).join('/')}`
    this.s = {
      state: 'idle',
      url: this.url,
      messagesPerSecond: 0,
      messages: 0,
      malformed: 0,
      errors: 0,
      reconnects: 0,
      backfilledBars: 0,
    }
  }

  private get venue(): string {
    return this.options.venue ?? 'BINANCE'
  }

  /** Current status (a snapshot). */
  status(): FeedStatus {
    this.rollSecond()
    const streams: Record<string, StreamStatus> = {}
    for (const [name, st] of this.streams) streams[name] = { ...st }
    return { ...this.s, streams }
  }

  /** Subscribes to one kind of event. */
  on<K extends keyof FeedEvents>(event: K, listener: Listener<K>): Disposable {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as Listener<keyof FeedEvents>)
    return { dispose: () => void set.delete(listener as Listener<keyof FeedEvents>) }
  }

  private emit<K extends keyof FeedEvents>(event: K, payload: FeedEvents[K]): void {
    for (const l of this.listeners.get(event) ?? []) (l as Listener<K>)(payload)
  }

  /** Opens the connection. */
  start(): void {
    if (this.started || this.disposed) return
    this.started = true
    for (const st of this.options.streams) {
      if ((st.kind !== 'aggTrade' && st.kind !== 'trade') || !st.barsTimeframe) continue
      const covered = this.options.streams.some(
        (k) => k.kind === 'kline' && symbolKey(k.symbol) === symbolKey(st.symbol) && k.timeframe === st.barsTimeframe,
      )
      if (!covered) this.aggregators.set(symbolKey(st.symbol), new TradeBarAggregator(st.barsTimeframe))
    }
    this.statusTimer = setInterval(() => this.emit('status', this.status()), this.options.statusIntervalMs ?? 1000)
    this.statusTimer.unref()
    this.connect()
  }

  /** Resolves when every backfill started so far has finished (tests, orderly shutdown). */
  async idle(): Promise<void> {
    while (this.pendingBackfills.size > 0) await Promise.all([...this.pendingBackfills])
  }

  private setState(state: FeedStatus['state']): void {
    this.s.state = state
    this.emit('status', this.status())
  }

  private connect(): void {
    this.setState(this.s.reconnects > 0 ? 'reconnecting' : 'connecting')
    const ws = new WebSocket(this.url)
    this.socket = ws
    this.attach(ws)
    ws.on('open', () => {
      if (ws !== this.socket) return
      this.attempt = 0
      this.onOpened()
    })
  }

  private attach(ws: WebSocket): void {
    ws.on('message', (data) => {
      if (ws === this.socket) this.onMessage(data.toString())
    })
    ws.on('error', (err) => {
      this.s.errors++
      this.s.lastError = err.message.split('\n')[0]
    })
    ws.on('close', () => {
      if (ws === this.standby) this.standby = undefined
      if (ws !== this.socket || this.disposed) return
      this.socket = undefined
      clearTimeout(this.rotateTimer)
      this.scheduleReconnect()
    })
  }

  private onOpened(): void {
    this.s.connectedSince = this.clock.now()
    // Whatever closed while we were away is fetched once the first kline tells us where the stream is now.
    for (const st of this.options.streams)
      if (st.kind === 'kline') this.needsBackfill.add(this.key(st.symbol, st.timeframe))
      else if (st.kind === 'aggTrade') this.needsTradeBackfill.add(symbolKey(st.symbol))
      else if (st.kind === 'markPrice' && this.options.market === 'usdm') this.track(this.backfillFunding(st.symbol))
    clearTimeout(this.rotateTimer)
    this.rotateTimer = setTimeout(() => this.rotate(), this.options.rotateAfterMs ?? 23.5 * 3_600_000)
    this.rotateTimer.unref()
    this.setState('connected')
  }

  /** Make-before-break: the new connection takes over when it opens; the old one is closed without a reconnect. */
  private rotate(): void {
    if (this.disposed) return
    const next = new WebSocket(this.url)
    this.standby = next
    this.attach(next)
    next.on('open', () => {
      if (this.disposed || next !== this.standby) return next.terminate()
      const old = this.socket
      this.standby = undefined
      this.socket = next
      old?.close()
      this.onOpened()
    })
  }

  private scheduleReconnect(): void {
    const { initialMs, maxMs } = this.options.reconnect ?? { initialMs: 500, maxMs: 30_000 }
    const base = Math.min(maxMs, initialMs * 2 ** this.attempt)
    const delay = base / 2 + (this.options.random ?? Math.random)() * (base / 2)
    this.attempt++
    this.s.reconnects++
    this.setState('reconnecting')
    this.reconnectTimer = setTimeout(() => this.connect(), delay)
  }

  private key(symbol: string, tf: Timeframe): string {
    return `${symbolKey(symbol)}|${tf}`
  }

  private rollSecond(): void {
    const sec = Math.floor(this.clock.now() / 1000)
    if (sec !== this.secondBucket) {
      this.s.messagesPerSecond = sec === this.secondBucket + 1 ? this.countThisSecond : 0
      this.secondBucket = sec
      this.countThisSecond = 0
    }
  }

  private onMessage(raw: string): void {
    const now = this.clock.now()
    this.rollSecond()
    this.countThisSecond++
    this.s.messages++
    this.s.lastMessageAt = now
    const parsed = parseStreamMessage(raw, now)
    if (!parsed.ok) {
      this.s.malformed++
      this.emit('malformed', { error: parsed.error, sample: raw.slice(0, 200) })
      return
    }
    const ev = parsed.event
    let stream = this.streams.get(parsed.stream)
    if (!stream) this.streams.set(parsed.stream, (stream = { messages: 0 }))
    stream.messages++
    if (ev.eventTime !== undefined) stream.lagMs = this.s.lagMs = now - ev.eventTime
    try {
      this.dispatch(ev)
    } catch (err) {
      this.s.errors++
      this.s.lastError = (err as Error).message.split('\n')[0]
    }
  }

  private dispatch(ev: StreamEvent): void {
    const venue = this.venue
    switch (ev.type) {
      case 'kline': {
        const k = this.key(ev.symbol, ev.timeframe)
        if (this.needsBackfill.delete(k)) this.startBackfill(ev.symbol, ev.timeframe, ev.bar.time)
        if (ev.closed) {
          const held = this.backfilling.get(k)
          if (held) held.push(ev.bar)
          else this.storeClosed(ev.symbol, ev.timeframe, ev.bar)
        } else this.emit('formingBar', { ...ev.bar, symbol: ev.symbol, venue, timeframe: ev.timeframe, partial: true })
        return
      }
      case 'aggTrade': {
        // The newest trade stored before this one: where a gap since the last connection starts.
        const before = this.needsTradeBackfill.has(symbolKey(ev.symbol))
          ? this.stores.trades?.latest({ symbol: ev.symbol, venue }, Number.MAX_SAFE_INTEGER)
          : undefined
        // A trade already stored (a reconnect replaying it) is neither published nor aggregated twice.
        if (this.stores.trades?.upsert({ symbol: ev.symbol, venue }, [ev.trade]).inserted === 0) return
        if (this.needsTradeBackfill.delete(symbolKey(ev.symbol))) this.startTradeBackfill(ev.symbol, before, ev.trade)
        this.emit('trade', { symbol: ev.symbol, venue, trade: ev.trade })
        const agg = this.aggregators.get(symbolKey(ev.symbol))
        if (agg) {
          const { closed, forming } = agg.push(ev.trade)
          if (closed) this.storeClosed(ev.symbol, agg.timeframe, closed)
          if (forming)
            this.emit('formingBar', { ...forming, symbol: ev.symbol, venue, timeframe: agg.timeframe, partial: true })
        }
        return
      }
      case 'bookTop':
        this.stores.bookTops?.upsert({ symbol: ev.symbol, venue }, [ev.top])
        this.emit('bookTop', { symbol: ev.symbol, venue, top: ev.top })
        return
      case 'depth':
        this.stores.depth?.upsert({ symbol: ev.symbol, venue }, [ev.depth])
        this.stores.bookTops?.upsert({ symbol: ev.symbol, venue }, [ev.top])
        this.emit('bookTop', { symbol: ev.symbol, venue, top: ev.top })
        return
      case 'markPrice': {
        const mark: MarkPrice =
          ev.indexPrice === undefined
            ? { time: ev.eventTime, price: ev.markPrice }
            : { time: ev.eventTime, price: ev.markPrice, indexPrice: ev.indexPrice }
        // A funding-only source (a replay of funding rates) announces rates with no mark price (0): not a price.
        if (mark.price > 0) this.stores.markPrices?.upsert({ symbol: ev.symbol, venue }, [mark])
        this.emit('markPrice', {
          symbol: ev.symbol,
          venue,
          mark,
          ...(ev.fundingRate === undefined ? {} : { fundingRate: ev.fundingRate }),
        })
        this.trackFunding(ev.symbol, ev.fundingRate, ev.nextFundingTime, ev.markPrice)
        return
      }
      case 'forceOrder':
        this.stores.liquidations?.upsert({ symbol: ev.symbol, venue }, [ev.liquidation])
        this.emit('liquidation', { symbol: ev.symbol, venue, liquidation: ev.liquidation })
        return
    }
  }

  /** The rate shown before a funding time passes is the rate settled at that time: store it when the next time appears. */
  private trackFunding(symbol: string, rate: number | undefined, next: number | undefined, mark: number): void {
    if (rate === undefined || next === undefined) return
    const prev = this.fundingSeen.get(symbol)
    if (prev && next > prev.next) {
      const funding: Funding =
        prev.mark > 0
          ? { time: prev.next, rate: prev.rate, markPrice: prev.mark }
          : { time: prev.next, rate: prev.rate }
      this.stores.funding?.upsert({ symbol, venue: this.venue }, [funding])
      this.emit('funding', { symbol, venue: this.venue, funding })
    }
    this.fundingSeen.set(symbol, { rate, next, mark })
  }

  private storeClosed(symbol: string, timeframe: Timeframe, bar: Bar): void {
    const k = this.key(symbol, timeframe)
    if (bar.time <= (this.lastClosed.get(k) ?? -Infinity)) return
    this.stores.bars.upsert({ symbol, venue: this.venue, timeframe }, [bar])
    this.lastClosed.set(k, bar.time)
    this.emit('bar', { ...bar, symbol, venue: this.venue, timeframe })
  }

  private startBackfill(symbol: string, timeframe: Timeframe, streamBarTime: number): void {
    const k = this.key(symbol, timeframe)
    const tfMs = TIMEFRAME_MS[timeframe]
    const [last] = this.stores.bars.latestBars({ symbol, venue: this.venue, timeframe }, 1)
    const history = this.options.initialHistoryBars ?? 0
    const from = last ? last.time + tfMs : streamBarTime - history * tfMs
    if (from >= streamBarTime) return
    if (last) this.lastClosed.set(k, Math.max(this.lastClosed.get(k) ?? -Infinity, last.time))
    this.backfilling.set(k, [])
    const p = this.backfill(symbol, timeframe, from, streamBarTime - 1)
      .catch((err: Error) => {
        this.s.errors++
        this.s.lastError = `backfill ${symbol} ${timeframe}: ${err.message.split('\n')[0]}`
        // Try again after the next connect.
        this.needsBackfill.add(k)
      })
      .finally(() => {
        const held = this.backfilling.get(k) ?? []
        this.backfilling.delete(k)
        if (!this.disposed) for (const b of held) this.storeClosed(symbol, timeframe, b)
        this.pendingBackfills.delete(p)
      })
    this.pendingBackfills.add(p)
  }

  /** Fetches closed bars in [from, to] page by page (1000 per request) and stores them in order. */
  private async backfill(symbol: string, timeframe: Timeframe, from: number, to: number): Promise<void> {
    const path = this.options.market === 'spot' ? '/api/v3/klines' : '/fapi/v1/klines'
    const tfMs = TIMEFRAME_MS[timeframe]
    let start = from
    while (start <= to && !this.disposed) {
      const url = `${this.options.restBase.replace(/\/$/, '')}${path}?symbol=${symbolKey(symbol)}&interval=${timeframe}&startTime=${start}&endTime=${to}&limit=1000`
      const res = await fetch(url)
      if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`)
      const bars = parseRestKlines(await res.json())
      if (this.disposed) return
      for (const b of bars) {
        if (b.time < start || b.time > to) continue
        if (b.time > (this.lastClosed.get(this.key(symbol, timeframe)) ?? -Infinity)) this.s.backfilledBars++
        this.storeClosed(symbol, timeframe, b)
      }
      if (bars.length < 1000) return
      start = bars[bars.length - 1].time + tfMs
    }
  }

  /** Runs a REST backfill in the background; a failure counts as an error and is retried after the next connect. */
  private track(work: Promise<void>, what?: string): void {
    const p = work
      .catch((err: Error) => {
        this.s.errors++
        this.s.lastError = `${what ?? 'backfill'}: ${err.message.split('\n')[0]}`
      })
      .finally(() => this.pendingBackfills.delete(p))
    this.pendingBackfills.add(p)
  }

  private async getJson(path: string, query: string): Promise<unknown> {
    const res = await fetch(`${this.options.restBase.replace(/\/$/, '')}${path}?${query}`)
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`)
    return res.json()
  }

  /**
   * The aggregated trades missed while disconnected: from the id after the newest stored one up to the first trade
   * of the new connection (`aggTrades?fromId=`), into the store (idempotent by trade id).
   */
  private startTradeBackfill(symbol: string, last: Trade | undefined, first: Trade): void {
    const key = { symbol, venue: this.venue }
    const lastId = Number(last?.id)
    const firstId = Number(first.id)
    if (!this.stores.trades || !Number.isSafeInteger(lastId) || !Number.isSafeInteger(firstId) || lastId + 1 >= firstId)
      return
    const path = this.options.market === 'spot' ? '/api/v3/aggTrades' : '/fapi/v1/aggTrades'
    const run = async (): Promise<void> => {
      let from = lastId + 1
      while (from < firstId && !this.disposed) {
        const rows = await this.getJson(path, `symbol=${symbolKey(symbol)}&fromId=${from}&limit=1000`)
        if (!Array.isArray(rows)) throw new Error(`${path} did not answer an array`)
        const trades: Trade[] = []
        for (const [i, r] of (rows as Record<string, unknown>[]).entries()) {
          const t = { time: Number(r.T), price: Number(r.p), qty: Number(r.q), id: Number(r.a) }
          if (![t.time, t.price, t.qty, t.id].every(Number.isFinite) || typeof r.m !== 'boolean')
            throw new Error(`${path} row ${i} does not fit the aggTrade schema`)
          if (t.id >= firstId) break
          trades.push({ time: t.time, price: t.price, qty: t.qty, side: r.m ? 'sell' : 'buy', id: String(t.id) })
        }
        if (this.disposed || trades.length === 0) return
        this.stores.trades!.upsert(key, trades)
        from = Number(trades[trades.length - 1].id) + 1
      }
    }
    this.track(run(), `backfill ${symbol} trades`)
  }

  /** Settled funding rates since the newest stored one (`/fapi/v1/fundingRate`), into the store. */
  private async backfillFunding(symbol: string): Promise<void> {
    const store = this.stores.funding
    if (!store) return
    const key = { symbol, venue: this.venue }
    const last = store.latest(key, Number.MAX_SAFE_INTEGER)
    const rows = await this.getJson(
      '/fapi/v1/fundingRate',
      `symbol=${symbolKey(symbol)}&limit=1000${last ? `&startTime=${last.time + 1}` : ''}`,
    )
    if (!Array.isArray(rows)) throw new Error('/fapi/v1/fundingRate did not answer an array')
    const funding = (rows as Record<string, unknown>[]).map((r, i): Funding => {
      const time = Number(r.fundingTime)
      const rate = Number(r.fundingRate)
      const mark = r.markPrice === '' || r.markPrice === undefined ? NaN : Number(r.markPrice)
      if (!Number.isSafeInteger(time) || !Number.isFinite(rate))
        throw new Error(`/fapi/v1/fundingRate row ${i} does not fit the schema`)
      return mark > 0 ? { time, rate, markPrice: mark } : { time, rate }
    })
    if (!this.disposed && funding.length > 0) {
      store.upsert(key, funding)
      for (const f of funding) this.emit('funding', { symbol, venue: this.venue, funding: f })
    }
  }

  /** Closes sockets and timers; the feed cannot be restarted. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    clearTimeout(this.reconnectTimer)
    clearTimeout(this.rotateTimer)
    clearInterval(this.statusTimer)
    this.socket?.terminate()
    this.standby?.terminate()
    this.socket = undefined
    this.standby = undefined
    this.setState('disposed')
    this.listeners.clear()
  }
}
