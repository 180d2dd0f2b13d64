import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import {
  loopbackHostAllowed,
  sameOriginAllowed,
  symbolKey,
  TIMEFRAME_MS,
  type Bar,
  type BookTop,
  type Clock,
  type Disposable,
  type Funding,
  type Liquidation,
  type Timeframe,
  type Trade,
} from '../../../src-shared'
import type { DepthSnapshot, MarkPrice } from '../../store'
import { klinePayload, klineRow } from '../live'

/** Bars of one symbol and timeframe, oldest first. */
export interface ReplaySeries {
  readonly symbol: string
  readonly timeframe: Timeframe
  readonly bars: readonly Bar[]
}

/**
 * What a replay serves: bar series (klines), and optionally trades (aggTrade), funding and mark prices (markPrice),
 * book tops (bookTicker), partial depth (depth20) and liquidations (forceOrder), each per symbol.
 */
export interface ReplayDataset {
  readonly bars: readonly ReplaySeries[]
  readonly trades?: readonly { readonly symbol: string; readonly trades: readonly Trade[] }[]
  readonly funding?: readonly { readonly symbol: string; readonly funding: readonly Funding[] }[]
  readonly marks?: readonly { readonly symbol: string; readonly marks: readonly MarkPrice[] }[]
  readonly bookTops?: readonly { readonly symbol: string; readonly tops: readonly BookTop[] }[]
  readonly depth?: readonly { readonly symbol: string; readonly snapshots: readonly DepthSnapshot[] }[]
  readonly liquidations?: readonly { readonly symbol: string; readonly liquidations: readonly Liquidation[] }[]
}

/** Pace: bars of the first series per second, or a multiple of real time. */
export type ReplaySpeed = { readonly barsPerSecond: number } | { readonly multiplier: number }

/** How a replay runs. */
export interface ReplayOptions {
  /** 0 picks a free port. */
  readonly port?: number
  readonly speed: ReplaySpeed
  /** Bars of the first series already "in the past" at start: served by REST, not streamed. */
  readonly startIndex?: number
  /**
   * Data time to start streaming from, for every stream (overrides `startIndex`): a restarted replay resumes where a
   * feed's store ends. Without either, every stream starts at its beginning.
   */
  readonly startTime?: number
  /** Start again after the last bar, shifted forward in time so times keep increasing. */
  readonly loop?: boolean
  /** Forming kline updates sent before each closed one (default 2: the opening tick, then the full bar). */
  readonly formingUpdates?: number
  /** Ping every client this often (ms); pongs are counted in {@link ReplayServer.pongs}. */
  readonly pingIntervalMs?: number
  /** Skip stretches without data (weekends, halts) longer than a second of wall time instead of waiting them out (default true). */
  readonly skipGaps?: boolean
  /** Hold the clock until the first WebSocket client connects (default true), so nothing streams to nobody. */
  readonly startOnConnect?: boolean
  /** Observer of every message sent (bench and tests). */
  readonly onSend?: (stream: string, payload: object) => void
}

interface Source {
  readonly stream: string
  /** Data time of the next event, or Infinity when exhausted. */
  peek(): number
  /** Builds the next event's payload and advances. */
  next(eventTime: number): object
}

/** Optional numeric query parameters; undefined when one is present but not a number. */
function queryNumbers<K extends string>(url: URL, keys: readonly K[]): Partial<Record<K, number>> | undefined {
  const out: Partial<Record<K, number>> = {}
  for (const k of keys) {
    const v = url.searchParams.get(k)
    if (v === null || v === '') continue
    const n = Number(v)
    if (!Number.isFinite(n)) return undefined
    out[k] = n
  }
  return out
}

/** Replay time of global index g of a looped list with period `period`. */
function loopedTime(times: readonly number[], period: number, g: number): number {
  const n = times.length
  return times[g % n] + Math.floor(g / n) * period
}

class KlineSource implements Source {
  readonly stream: string
  readonly tfMs: number
  g: number
  phase = 0
  forming: Bar | undefined
  private readonly times: number[]

  constructor(
    readonly series: ReplaySeries,
    readonly period: number,
    readonly loop: boolean,
    readonly updates: number,
    start: number,
  ) {
    this.stream = `${series.symbol.toLowerCase()}@kline_${series.timeframe}`
    this.tfMs = TIMEFRAME_MS[series.timeframe]
    this.times = series.bars.map((b) => b.time)
    this.g = start
  }

  /** Bar at global index g (shifted by whole loop periods). */
  barAt(g: number): Bar {
    const b = this.series.bars[g % this.series.bars.length]
    const shift = Math.floor(g / this.series.bars.length) * this.period
    return shift === 0 ? b : { ...b, time: b.time + shift }
  }

  timeAt(g: number): number {
    return loopedTime(this.times, this.period, g)
  }

  /** Indices below this are closed. */
  get closedUpTo(): number {
    return this.g
  }

  peek(): number {
    if (!this.loop && this.g >= this.series.bars.length) return Infinity
    const t = this.timeAt(this.g)
    return this.phase < this.updates ? t + Math.floor((this.phase * this.tfMs) / this.updates) : t + this.tfMs - 1
  }

  next(eventTime: number): object {
    const bar = this.barAt(this.g)
    const { symbol, timeframe } = this.series
    if (this.phase < this.updates) {
      // First update: the opening tick only; later ones show the whole bar, still open.
      const snap: Bar =
        this.phase === 0 && this.updates > 1
          ? {
              time: bar.time,
              open: bar.open,
              high: bar.open,
              low: bar.open,
              close: bar.open,
              volume: 0,
              ...(bar.quoteVolume === undefined ? {} : { quoteVolume: 0 }),
              ...(bar.trades === undefined ? {} : { trades: 0 }),
              ...(bar.takerBuyVolume === undefined ? {} : { takerBuyVolume: 0 }),
            }
          : bar
      this.forming = snap
      this.phase++
      return klinePayload(symbolKey(symbol), timeframe, this.tfMs, snap, false, eventTime)
    }
    this.phase = 0
    this.forming = undefined
    this.g++
    return klinePayload(symbolKey(symbol), timeframe, this.tfMs, bar, true, eventTime)
  }
}

/** One markPrice message: a mark (or a funding announcement) and the funding that comes next, if any. */
interface MarkEvent {
  readonly time: number
  readonly price: number
  readonly indexPrice?: number
  readonly next?: Funding
}

/**
 * The markPrice stream of each symbol with marks or funding: one message per mark, plus two per funding time F (at
 * F − 1 ms announcing F, at F announcing the one after), so a client learns each rate is settled at F itself. The
 * price is the latest mark at or before the message (funding's own mark price, else 0 = none: not stored).
 */
export function markStreams(d: ReplayDataset): { symbol: string; events: MarkEvent[] }[] {
  const symbols = new Set([...(d.marks ?? []), ...(d.funding ?? [])].map((x) => symbolKey(x.symbol)))
  return [...symbols].map((sym) => {
    const marks = d.marks?.find((m) => symbolKey(m.symbol) === sym)?.marks ?? []
    const funding = d.funding?.find((f) => symbolKey(f.symbol) === sym)?.funding ?? []
    const times = [...new Set([...marks.map((m) => m.time), ...funding.flatMap((f) => [f.time - 1, f.time])])].sort(
      (a, b) => a - b,
    )
    const byTime = new Map(marks.map((m) => [m.time, m]))
    let mi = -1
    let fi = 0
    const events = times.map((t): MarkEvent => {
      while (mi + 1 < marks.length && marks[mi + 1].time <= t) mi++
      while (fi < funding.length && funding[fi].time <= t) fi++
      const own = byTime.get(t)
      const next = funding[fi]
      const price = own?.price ?? (mi >= 0 ? marks[mi].price : (next?.markPrice ?? 0))
      const index = own?.indexPrice ?? (mi >= 0 ? marks[mi].indexPrice : undefined)
      return { time: t, price, ...(index === undefined ? {} : { indexPrice: index }), ...(next ? { next } : {}) }
    })
    return { symbol: sym, events }
  })
}

class ListSource<T extends { readonly time: number }> implements Source {
  private g: number
  private readonly times: number[]
  constructor(
    readonly stream: string,
    private readonly items: readonly T[],
    private readonly period: number,
    private readonly loop: boolean,
    startTime: number,
    private readonly build: (item: T, time: number, g: number, eventTime: number) => object,
    private readonly lead = 0,
  ) {
    this.times = items.map((x) => x.time)
    this.g = 0
    while (this.peek() < startTime) this.g++
  }
  /** Items sent so far (global index of the next one). */
  get sent(): number {
    return this.g
  }
  /** Item and replay time at global index g. */
  at(g: number): { item: T; time: number } {
    return { item: this.items[g % this.items.length], time: loopedTime(this.times, this.period, g) }
  }
  peek(): number {
    if (this.items.length === 0 || (!this.loop && this.g >= this.items.length)) return Infinity
    return loopedTime(this.times, this.period, this.g) - this.lead
  }
  next(eventTime: number): object {
    const item = this.items[this.g % this.items.length]
    const time = loopedTime(this.times, this.period, this.g)
    const out = this.build(item, time, this.g, eventTime)
    this.g++
    return out
  }
}

/**
 * A local exchange for tests and the embedded default: serves stored or imported data over Binance's combined-stream
 * WebSocket (`/stream?streams=…`, `/ws/<stream>`) and REST klines (`/api/v3/klines`, `/fapi/v1/klines`) on
 * 127.0.0.1, streaming klines (forming updates, then the closed kline with x=true), aggTrades and markPrice (funding)
 * in time order at the chosen speed.
 */
export class ReplayServer implements Disposable {
  private http: Server | undefined
  private wss: WebSocketServer | undefined
  private readonly clients = new Map<WebSocket, { streams: Set<string>; raw: boolean }>()
  private sources: Source[] = []
  private klines: KlineSource[] = []
  private readonly tradeSources = new Map<string, ListSource<Trade>>()
  private timer: NodeJS.Timeout | undefined
  private pingTimer: NodeJS.Timeout | undefined
  private anchorWall = 0
  private anchorData = 0
  private rate = 1
  private stopped = false
  /** Pong frames received from clients. */
  pongs = 0
  /** Messages sent to clients. */
  sent = 0
  /** WebSocket connections accepted so far. */
  connections = 0

  constructor(
    private readonly dataset: ReplayDataset,
    private readonly options: ReplayOptions,
    private readonly clock: Clock,
  ) {}

  /** Listens on 127.0.0.1 and starts the clock. Resolves with the bases a {@link BinanceFeed} connects to. */
  async start(): Promise<{ wsBase: string; restBase: string; port: number }> {
    this.build()
    const http = createServer((req, res) => this.onRequest(req, res))
    const wss = new WebSocketServer({ noServer: true })
    http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      const raw = url.pathname.startsWith('/ws/')
      if (url.pathname !== '/stream' && !raw) return socket.destroy()
      // The same loopback Host and same-origin rules as the headless server: no DNS rebinding, no foreign pages.
      if (!loopbackHostAllowed(req.headers.host, this.port) || !sameOriginAllowed(req.headers.origin, this.port)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) =>
        this.onClient(
          ws,
          raw ? url.pathname.slice(4).split('/') : (url.searchParams.get('streams') ?? '').split('/'),
          raw,
        ),
      )
    })
    this.http = http
    this.wss = wss
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject)
      http.listen(this.options.port ?? 0, '127.0.0.1', () => resolve())
    })
    const port = (http.address() as AddressInfo).port
    this.port = port
    if (!(this.options.startOnConnect ?? true)) this.startClock()
    if (this.options.pingIntervalMs) {
      this.pingTimer = setInterval(() => {
        for (const ws of this.clients.keys()) ws.ping()
      }, this.options.pingIntervalMs)
    }
    return { wsBase: `ws://127.0.0.1:${port}`, restBase: `http://127.0.0.1:${port}`, port }
  }

  private running = false
  private port = 0

  private startClock(): void {
    if (this.running) return
    this.running = true
    this.anchorWall = this.clock.now()
    this.schedule(0)
  }

  /** Data time the replay has reached (ms). */
  now(): number {
    return this.running ? this.anchorData + (this.clock.now() - this.anchorWall) * this.rate : this.anchorData
  }

  /** Number of closed bars of the first series so far (its next bar index). */
  position(): number {
    return this.klines[0]?.closedUpTo ?? 0
  }

  private build(): void {
    const loop = this.options.loop ?? false
    const updates = Math.max(1, this.options.formingUpdates ?? 2)
    const primary = this.dataset.bars[0]
    const start = this.options.startIndex ?? 0
    const tfMs = primary ? TIMEFRAME_MS[primary.timeframe] : 1000
    const span = (xs: readonly { time: number }[], step: number): number =>
      xs.length ? xs[xs.length - 1].time - xs[0].time + step : step
    const period = primary ? span(primary.bars, tfMs) : 0
    const startTime =
      this.options.startTime ??
      (primary && primary.bars.length > 0 && this.options.startIndex !== undefined
        ? loopedTime(
            primary.bars.map((b) => b.time),
            period,
            start,
          )
        : -Infinity)
    for (const s of this.dataset.bars) {
      if (s.bars.length === 0) continue
      const k = new KlineSource(s, primary ? period : span(s.bars, TIMEFRAME_MS[s.timeframe]), loop, updates, 0)
      while (k.timeAt(k.g) < startTime && (loop || k.g < s.bars.length)) k.g++
      this.klines.push(k)
    }
    for (const t of this.dataset.trades ?? []) {
      const sym = symbolKey(t.symbol)
      const src = new ListSource(
        `${sym.toLowerCase()}@aggTrade`,
        t.trades,
        period || span(t.trades, 1),
        loop,
        startTime,
        (x, time, g, E) => ({
          e: 'aggTrade',
          E,
          s: sym,
          a: g,
          p: String(x.price),
          q: String(x.qty),
          f: g,
          l: g,
          T: time,
          m: x.side === 'sell',
          M: true,
        }),
      )
      this.tradeSources.set(sym, src)
      this.sources.push(src)
    }
    const spanOr = <T extends { time: number }>(xs: readonly T[]): number => period || span(xs, 1)
    for (const m of markStreams(this.dataset)) {
      const sym = symbolKey(m.symbol)
      // Binance's markPriceUpdate: E is the mark's time (a replay has no other clock for it), r/T the next funding.
      this.sources.push(
        new ListSource(`${sym.toLowerCase()}@markPrice@1s`, m.events, spanOr(m.events), loop, startTime, (x, time) => ({
          e: 'markPriceUpdate',
          E: time,
          s: sym,
          p: String(x.price),
          i: String(x.indexPrice ?? x.price),
          P: '0',
          ...(x.next ? { r: String(x.next.rate), T: x.next.time + (time - x.time) } : { r: '', T: 0 }),
        })),
      )
    }
    for (const b of this.dataset.bookTops ?? []) {
      const sym = symbolKey(b.symbol)
      this.sources.push(
        new ListSource(`${sym.toLowerCase()}@bookTicker`, b.tops, spanOr(b.tops), loop, startTime, (x, time, g, E) => ({
          e: 'bookTicker',
          u: g,
          E,
          T: time,
          s: sym,
          b: String(x.bidPrice),
          B: String(x.bidQty),
          a: String(x.askPrice),
          A: String(x.askQty),
        })),
      )
    }
    for (const d of this.dataset.depth ?? []) {
      const sym = symbolKey(d.symbol)
      const lv = (xs: readonly (readonly [number, number])[]) => xs.slice(0, 20).map(([p, q]) => [String(p), String(q)])
      this.sources.push(
        new ListSource(
          `${sym.toLowerCase()}@depth20@100ms`,
          d.snapshots,
          spanOr(d.snapshots),
          loop,
          startTime,
          (x, time, g, E) => ({
            e: 'depthUpdate',
            E,
            T: time,
            s: sym,
            U: g,
            u: g,
            pu: g - 1,
            b: lv(x.bids),
            a: lv(x.asks),
          }),
        ),
      )
    }
    for (const l of this.dataset.liquidations ?? []) {
      const sym = symbolKey(l.symbol)
      this.sources.push(
        new ListSource(
          `${sym.toLowerCase()}@forceOrder`,
          l.liquidations,
          spanOr(l.liquidations),
          loop,
          startTime,
          (x, time, _g, E) => ({
            e: 'forceOrder',
            E,
            o: {
              s: sym,
              S: x.side === 'buy' ? 'BUY' : 'SELL',
              o: 'LIMIT',
              f: 'IOC',
              q: String(x.qty),
              p: String(x.price),
              ap: String(x.price),
              X: 'FILLED',
              l: String(x.qty),
              z: String(x.qty),
              T: time,
            },
          }),
        ),
      )
    }
    this.sources.push(...this.klines)
    this.rate =
      'multiplier' in this.options.speed
        ? this.options.speed.multiplier
        : (this.options.speed.barsPerSecond * tfMs) / 1000
    if (!(this.rate > 0)) throw new Error('replay speed must be positive')
    const first = Math.min(...this.sources.map((s) => s.peek()))
    this.anchorData = Number.isFinite(startTime) ? Math.min(startTime, first) : Number.isFinite(first) ? first : 0
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return
    this.timer = setTimeout(() => this.tick(), delayMs)
  }

  private tick(): void {
    if (this.stopped) return
    let vt = this.now()
    let nextTime = Infinity
    for (let guard = 0; guard < 100_000; guard++) {
      let best: Source | undefined
      nextTime = Infinity
      for (const s of this.sources) {
        const t = s.peek()
        if (t < nextTime) ((nextTime = t), (best = s))
      }
      if (!best) break
      if (nextTime > vt) {
        if ((this.options.skipGaps ?? true) && (nextTime - vt) / this.rate > 1000) {
          this.anchorData = nextTime
          this.anchorWall = this.clock.now()
          vt = nextTime
        } else break
      }
      const payload = best.next(this.clock.now())
      this.broadcast(best.stream, payload)
    }
    if (nextTime === Infinity) return
    this.schedule(Math.max(0, Math.min(1000, (nextTime - vt) / this.rate)))
  }

  private broadcast(stream: string, payload: object): void {
    let combined: string | undefined
    let raw: string | undefined
    const key = stream.toLowerCase()
    for (const [ws, c] of this.clients) {
      if (!c.streams.has(key) || ws.readyState !== ws.OPEN) continue
      const msg = c.raw ? (raw ??= JSON.stringify(payload)) : (combined ??= JSON.stringify({ stream, data: payload }))
      ws.send(msg)
      this.sent++
    }
    this.options.onSend?.(stream, payload)
  }

  private onClient(ws: WebSocket, streams: string[], raw: boolean): void {
    const state = { streams: new Set(streams.filter(Boolean).map((s) => s.toLowerCase())), raw }
    this.clients.set(ws, state)
    this.connections++
    this.startClock()
    ws.on('pong', () => this.pongs++)
    ws.on('close', () => this.clients.delete(ws))
    ws.on('error', () => this.clients.delete(ws))
    ws.on('message', (data) => {
      // Binance's live subscription control: {"method":"SUBSCRIBE"|"UNSUBSCRIBE","params":[…],"id":n}.
      let m: { method?: unknown; params?: unknown; id?: unknown }
      try {
        m = JSON.parse(data.toString()) as typeof m
      } catch {
        return ws.send(JSON.stringify({ error: { code: 2, msg: 'Invalid JSON' } }))
      }
      const params = Array.isArray(m.params) ? m.params.filter((p): p is string => typeof p === 'string') : []
      if (m.method === 'SUBSCRIBE') params.forEach((p) => state.streams.add(p.toLowerCase()))
      else if (m.method === 'UNSUBSCRIBE') params.forEach((p) => state.streams.delete(p.toLowerCase()))
      else if (m.method === 'LIST_SUBSCRIPTIONS')
        return ws.send(JSON.stringify({ result: [...state.streams], id: m.id ?? null }))
      else return ws.send(JSON.stringify({ error: { code: 1, msg: 'Unknown method' }, id: m.id ?? null }))
      ws.send(JSON.stringify({ result: null, id: m.id ?? null }))
    })
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (!loopbackHostAllowed(req.headers.host, this.port)) return send(403, { code: -1, msg: 'unexpected Host header' })
    if (url.pathname === '/api/v3/ping' || url.pathname === '/fapi/v1/ping') return send(200, {})
    if (url.pathname === '/api/v3/time' || url.pathname === '/fapi/v1/time')
      return send(200, { serverTime: this.clock.now() })
    if (url.pathname === '/api/v3/aggTrades' || url.pathname === '/fapi/v1/aggTrades') return this.aggTrades(url, send)
    if (url.pathname === '/fapi/v1/fundingRate') return this.fundingRate(url, send)
    if (url.pathname !== '/api/v3/klines' && url.pathname !== '/fapi/v1/klines')
      return send(404, { code: -1, msg: 'Not found' })
    const symbol = symbolKey(url.searchParams.get('symbol') ?? '')
    const interval = url.searchParams.get('interval') ?? ''
    const src = this.klines.find((k) => symbolKey(k.series.symbol) === symbol && k.series.timeframe === interval)
    if (!src) return send(400, { code: -1121, msg: 'Invalid symbol or interval.' })
    const num = (k: string): number | undefined => {
      const v = url.searchParams.get(k)
      return v === null || v === '' ? undefined : Number(v)
    }
    const limit = Math.min(1000, Math.max(1, num('limit') ?? 500))
    const startTime = num('startTime')
    const endTime = num('endTime') ?? Infinity
    if ([startTime, endTime, limit].some((x) => x !== undefined && Number.isNaN(x)))
      return send(400, { code: -1100, msg: 'Illegal characters in parameter.' })
    // Closed bars are those before the source's cursor; the forming one (if any update went out) is served as sent.
    const upper = src.forming ? src.g : src.g - 1
    let lo = 0
    if (startTime === undefined) lo = Math.max(0, upper - limit + 1)
    else {
      let a = 0
      let b = upper + 1
      while (a < b) {
        const mid = (a + b) >> 1
        if (src.timeAt(mid) < startTime) a = mid + 1
        else b = mid
      }
      lo = a
    }
    const rows: (number | string)[][] = []
    for (let g = lo; g <= upper && rows.length < limit; g++) {
      const bar = g === src.g && src.forming ? { ...src.forming } : src.barAt(g)
      if (bar.time > endTime) break
      rows.push(klineRow(bar, src.tfMs))
    }
    send(200, rows)
  }

  /** REST aggTrades (`fromId` or `startTime`/`endTime`, `limit` ≤ 1000) over the trades already streamed. */
  private aggTrades(url: URL, send: (status: number, body: unknown) => void): void {
    const src = this.tradeSources.get(symbolKey(url.searchParams.get('symbol') ?? ''))
    if (!src) return send(400, { code: -1121, msg: 'Invalid symbol.' })
    const q = queryNumbers(url, ['fromId', 'startTime', 'endTime', 'limit'])
    if (!q) return send(400, { code: -1100, msg: 'Illegal characters in parameter.' })
    const limit = Math.min(1000, Math.max(1, q.limit ?? 500))
    const end = src.sent
    let g = q.fromId ?? 0
    if (q.fromId === undefined && q.startTime !== undefined) while (g < end && src.at(g).time < q.startTime) g++
    else if (q.fromId === undefined) g = Math.max(0, end - limit)
    const rows: object[] = []
    for (; g < end && rows.length < limit; g++) {
      const { item, time } = src.at(g)
      if (q.endTime !== undefined && time > q.endTime) break
      rows.push({
        a: g,
        p: String(item.price),
        q: String(item.qty),
        f: g,
        l: g,
        T: time,
        m: item.side === 'sell',
        M: true,
      })
    }
    send(200, rows)
  }

  /** REST fundingRate (`startTime`/`endTime`, `limit` ≤ 1000, else the latest) over the funding times already reached. */
  private fundingRate(url: URL, send: (status: number, body: unknown) => void): void {
    const sym = symbolKey(url.searchParams.get('symbol') ?? '')
    const list = this.dataset.funding?.find((f) => symbolKey(f.symbol) === sym)?.funding
    if (!list) return send(400, { code: -1121, msg: 'Invalid symbol.' })
    const q = queryNumbers(url, ['startTime', 'endTime', 'limit'])
    if (!q) return send(400, { code: -1100, msg: 'Illegal characters in parameter.' })
    const limit = Math.min(1000, Math.max(1, q.limit ?? 100))
    const upTo = Math.min(this.now(), q.endTime ?? Infinity)
    const within = list.filter((f) => f.time <= upTo && f.time >= (q.startTime ?? -Infinity))
    const rows = q.startTime === undefined ? within.slice(-limit) : within.slice(0, limit)
    send(
      200,
      rows.map((f) => ({
        symbol: sym,
        fundingTime: f.time,
        fundingRate: String(f.rate),
        markPrice: f.markPrice === undefined ? '' : String(f.markPrice),
      })),
    )
  }

  /** Stops streaming and closes every connection and the port; resolves when the port is free. */
  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    clearInterval(this.pingTimer)
    for (const ws of this.clients.keys()) ws.terminate()
    this.clients.clear()
    this.wss?.close()
    const http = this.http
    this.http = undefined
    if (http) {
      http.closeAllConnections()
      await new Promise<void>((resolve) => http.close(() => resolve()))
    }
  }

  /** {@link stop} without waiting. */
  dispose(): void {
    void this.stop()
  }
}
