import {
  isTimeframe,
  symbolKey,
  type Bar,
  type BookTop,
  type Liquidation,
  type Timeframe,
  type Trade,
} from '../../../src-shared'

/** One parsed message of a combined stream (`{"stream": …, "data": …}`). */
export type StreamEvent =
  | {
      readonly type: 'kline'
      readonly symbol: string
      readonly timeframe: Timeframe
      readonly eventTime: number
      readonly bar: Bar
      readonly closed: boolean
    }
  | { readonly type: 'aggTrade'; readonly symbol: string; readonly eventTime: number; readonly trade: Trade }
  | { readonly type: 'bookTop'; readonly symbol: string; readonly eventTime?: number; readonly top: BookTop }
  | {
      readonly type: 'depth'
      readonly symbol: string
      readonly eventTime?: number
      /** The best level of each side, also stored as a book top. */
      readonly top: BookTop
      readonly depth: DepthLevels
    }
  | {
      readonly type: 'markPrice'
      readonly symbol: string
      readonly eventTime: number
      readonly markPrice: number
      readonly indexPrice?: number
      readonly fundingRate?: number
      readonly nextFundingTime?: number
    }
  | {
      readonly type: 'forceOrder'
      readonly symbol: string
      readonly eventTime: number
      readonly liquidation: Liquidation
    }

/** A partial order book (`@depth20`): levels `[price, qty]`, best first. */
export interface DepthLevels {
  readonly time: number
  readonly bids: [number, number][]
  readonly asks: [number, number][]
}

/** A parsed message or the reason it was refused. */
export type ParseResult =
  | { readonly ok: true; readonly stream: string; readonly event: StreamEvent }
  | { readonly ok: false; readonly error: string }

type Obj = Record<string, unknown>

class Invalid extends Error {}

function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Invalid(`${what} is not an object`)
  return v as Obj
}
function int(o: Obj, k: string): number {
  const v = o[k]
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Invalid(`field ${k} is not an integer`)
  return v
}
/** Binance sends prices and quantities as decimal strings. */
function dec(o: Obj, k: string): number {
  const v = o[k]
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : typeof v === 'number' ? v : NaN
  if (!Number.isFinite(n)) throw new Invalid(`field ${k} is not a decimal`)
  return n
}
/** An optional decimal: absent or empty means the source did not carry it. */
function optDec(o: Obj, k: string): number | undefined {
  return o[k] === undefined || o[k] === '' ? undefined : dec(o, k)
}
function str(o: Obj, k: string): string {
  const v = o[k]
  if (typeof v !== 'string' || v === '') throw new Invalid(`field ${k} is not a string`)
  return v
}
function bool(o: Obj, k: string): boolean {
  const v = o[k]
  if (typeof v !== 'boolean') throw new Invalid(`field ${k} is not a boolean`)
  return v
}

function level(v: unknown, what: string): [number, number] {
  if (!Array.isArray(v) || v.length < 2) throw new Invalid(`${what} is not a [price, qty] level`)
  const p = Number(v[0])
  const q = Number(v[1])
  if (!Number.isFinite(p) || !Number.isFinite(q)) throw new Invalid(`${what} has a non-numeric price or quantity`)
  return [p, q]
}

function depthEvent(
  symbol: string,
  eventTime: number | undefined,
  time: number,
  bids: unknown[],
  asks: unknown[],
): StreamEvent {
  const b = bids.map((x, i) => level(x, `bid ${i}`))
  const a = asks.map((x, i) => level(x, `ask ${i}`))
  const top = { time, bidPrice: b[0][0], bidQty: b[0][1], askPrice: a[0][0], askQty: a[0][1] }
  return {
    type: 'depth',
    symbol,
    ...(eventTime === undefined ? {} : { eventTime }),
    top,
    depth: { time, bids: b, asks: a },
  }
}

function parseKline(d: Obj): StreamEvent {
  const k = obj(d.k, 'k')
  const tf = str(k, 'i')
  if (!isTimeframe(tf)) throw new Invalid(`unknown interval ${tf}`)
  const bar: { -readonly [K in keyof Bar]: Bar[K] } = {
    time: int(k, 't'),
    open: dec(k, 'o'),
    high: dec(k, 'h'),
    low: dec(k, 'l'),
    close: dec(k, 'c'),
    volume: dec(k, 'v'),
  }
  const q = optDec(k, 'q')
  const v = optDec(k, 'V')
  if (q !== undefined) bar.quoteVolume = q
  if (k.n !== undefined) bar.trades = int(k, 'n')
  if (v !== undefined) bar.takerBuyVolume = v
  if (!(bar.high >= Math.max(bar.open, bar.close) && bar.low <= Math.min(bar.open, bar.close) && bar.volume >= 0))
    throw new Invalid('kline OHLCV is inconsistent')
  return { type: 'kline', symbol: str(d, 's'), timeframe: tf, eventTime: int(d, 'E'), bar, closed: bool(k, 'x') }
}

function parseData(stream: string, d: Obj, now: number): StreamEvent {
  switch (d.e) {
    case 'kline':
      return parseKline(d)
    case 'aggTrade':
      return {
        type: 'aggTrade',
        symbol: str(d, 's'),
        eventTime: int(d, 'E'),
        trade: {
          time: int(d, 'T'),
          price: dec(d, 'p'),
          qty: dec(d, 'q'),
          side: bool(d, 'm') ? 'sell' : 'buy',
          id: String(int(d, 'a')),
        },
      }
    case 'markPriceUpdate': {
      const ev: {
        -readonly [K in keyof Extract<StreamEvent, { type: 'markPrice' }>]: Extract<
          StreamEvent,
          { type: 'markPrice' }
        >[K]
      } = {
        type: 'markPrice',
        symbol: str(d, 's'),
        eventTime: int(d, 'E'),
        markPrice: dec(d, 'p'),
      }
      if (d.i !== undefined) ev.indexPrice = dec(d, 'i')
      if (d.r !== undefined && d.r !== '') ev.fundingRate = dec(d, 'r')
      if (d.T !== undefined && d.T !== 0) ev.nextFundingTime = int(d, 'T')
      return ev
    }
    case 'forceOrder': {
      const o = obj(d.o, 'o')
      const side = str(o, 'S')
      if (side !== 'BUY' && side !== 'SELL') throw new Invalid(`liquidation side ${side} is not BUY/SELL`)
      return {
        type: 'forceOrder',
        symbol: str(o, 's'),
        eventTime: int(d, 'E'),
        liquidation: {
          time: int(o, 'T'),
          side: side === 'BUY' ? 'buy' : 'sell',
          price: dec(o, 'ap') || dec(o, 'p'),
          qty: dec(o, 'z') || dec(o, 'q'),
        },
      }
    }
    case 'bookTicker':
    case undefined: {
      const symbolFromStream = symbolKey(stream.split('@')[0])
      if (d.e === undefined && Array.isArray(d.bids)) {
        // Spot partial depth (`@depth20@100ms`): no symbol or time in the payload.
        const bids = d.bids as unknown[]
        const asks = obj({ a: d.asks }, 'asks').a as unknown[]
        if (!Array.isArray(asks) || bids.length === 0 || asks.length === 0)
          throw new Invalid('depth snapshot has an empty side')
        return depthEvent(symbolFromStream, undefined, now, bids, asks)
      }
      const t = d.T !== undefined ? int(d, 'T') : d.E !== undefined ? int(d, 'E') : now
      return {
        type: 'bookTop',
        symbol: str(d, 's'),
        ...(d.E !== undefined ? { eventTime: int(d, 'E') } : {}),
        top: { time: t, bidPrice: dec(d, 'b'), bidQty: dec(d, 'B'), askPrice: dec(d, 'a'), askQty: dec(d, 'A') },
      }
    }
    case 'depthUpdate': {
      const b = d.b as unknown[]
      const a = d.a as unknown[]
      if (!Array.isArray(b) || !Array.isArray(a) || b.length === 0 || a.length === 0)
        throw new Invalid('depth update has an empty side')
      return depthEvent(str(d, 's'), int(d, 'E'), d.T !== undefined ? int(d, 'T') : int(d, 'E'), b, a)
    }
    case 'trade':
      // Spot raw trades (`@trade`): `m` = the buyer is the maker, so the taker sold.
      return {
        type: 'aggTrade',
        symbol: str(d, 's'),
        eventTime: int(d, 'E'),
        trade: {
          time: int(d, 'T'),
          price: dec(d, 'p'),
          qty: dec(d, 'q'),
          side: bool(d, 'm') ? 'sell' : 'buy',
          id: String(int(d, 't')),
        },
      }
    default:
      throw new Invalid(`unknown event type ${JSON.stringify(d.e).slice(0, 40)}`)
  }
}

/**
 * Parses one combined-stream WebSocket message against the Binance schemas (kline, aggTrade, spot trade, bookTicker,
 * depth20, markPriceUpdate, forceOrder). Never throws: malformed input returns `{ ok: false, error }`.
 * `now` stamps payloads that carry no time (spot bookTicker and depth).
 */
export function parseStreamMessage(raw: string, now: number): ParseResult {
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    return { ok: false, error: 'not JSON' }
  }
  try {
    const env = obj(json, 'message')
    const stream = str(env, 'stream')
    const event = parseData(stream, obj(env.data, 'data'), now)
    return { ok: true, stream, event }
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: err.message }
    throw err
  }
}

/**
 * Parses a REST klines response (`[[openTime, "o", "h", "l", "c", "v", closeTime, "q", n, "V", "Q", "0"], …]`).
 * Throws with the row index when a row does not fit the schema.
 */
export function parseRestKlines(json: unknown): Bar[] {
  if (!Array.isArray(json)) throw new Error('klines response is not an array')
  return json.map((r, i) => {
    if (!Array.isArray(r) || r.length < 11) throw new Error(`klines row ${i} is not a 12-column array`)
    const n = [r[0], r[1], r[2], r[3], r[4], r[5]].map(Number)
    if (!n.every(Number.isFinite)) throw new Error(`klines row ${i} has a non-numeric field`)
    const bar: { -readonly [K in keyof Bar]: Bar[K] } = {
      time: n[0],
      open: n[1],
      high: n[2],
      low: n[3],
      close: n[4],
      volume: n[5],
    }
    // Empty cells mean the source did not carry the field (the replay of OHLCV-only data).
    const opt = (x: unknown): number | undefined =>
      x === '' || x === undefined ? undefined : Number.isFinite(Number(x)) ? Number(x) : NaN
    const [q, t, v] = [opt(r[7]), opt(r[8]), opt(r[9])]
    if ([q, t, v].some((x) => Number.isNaN(x))) throw new Error(`klines row ${i} has a non-numeric field`)
    if (q !== undefined) bar.quoteVolume = q
    if (t !== undefined) bar.trades = t
    if (v !== undefined) bar.takerBuyVolume = v
    return bar
  })
}

/** A bar as a REST klines row (the replay server's response format). */
export function klineRow(b: Bar, tfMs: number): (number | string)[] {
  return [
    b.time,
    String(b.open),
    String(b.high),
    String(b.low),
    String(b.close),
    String(b.volume),
    b.time + tfMs - 1,
    b.quoteVolume === undefined ? '' : String(b.quoteVolume),
    b.trades ?? '',
    b.takerBuyVolume === undefined ? '' : String(b.takerBuyVolume),
    '0',
    '0',
  ]
}

/** A kline stream payload in Binance's format. */
export function klinePayload(
  symbol: string,
  tf: Timeframe,
  tfMs: number,
  b: Bar,
  closed: boolean,
  eventTime: number,
): object {
  return {
    e: 'kline',
    E: eventTime,
    s: symbol,
    k: {
      t: b.time,
      T: b.time + tfMs - 1,
      s: symbol,
      i: tf,
      f: -1,
      L: -1,
      o: String(b.open),
      c: String(b.close),
      h: String(b.high),
      l: String(b.low),
      v: String(b.volume),
      ...(b.trades === undefined ? {} : { n: b.trades }),
      x: closed,
      ...(b.quoteVolume === undefined ? {} : { q: String(b.quoteVolume) }),
      ...(b.takerBuyVolume === undefined ? {} : { V: String(b.takerBuyVolume) }),
      Q: '0',
      B: '0',
    },
  }
}
