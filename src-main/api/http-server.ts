import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import {
  API_TOPICS,
  loopbackHostAllowed,
  MUTATING_METHODS,
  sameOriginAllowed,
  type ApiErrorPayload,
  type ApiTopic,
  type Disposable,
  type FeatureTableResult,
  type RpcClientMessage,
  type RpcServerMessage,
  type UploadedFile,
  type WorkstationApi,
} from '../../src-shared'
import { DEFAULT_MAX_UPLOAD_BYTES, formatBytes, sanitiseUploadName, UploadError } from './upload-inbox'
import { ApiError, dispatch, isApiMethod, toErrorPayload } from './dispatch'
import type { MetricsExposition } from './prometheus-metrics'
import { resolveStaticPath, staticContentType } from './static-files'

/** Content Security Policy served with the renderer (the Electron shell sets the same). */
export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

/** Shortest fixed session token accepted (characters); the generated one has 48. */
export const MIN_TOKEN_LENGTH = 16

/** Why a fixed session token cannot be used (one line), or undefined when it can: 16 to 256 visible ASCII characters. */
export function tokenProblem(token: string): string | undefined {
  if (token.length < MIN_TOKEN_LENGTH)
    return `the session token must have at least ${MIN_TOKEN_LENGTH} characters (it has ${token.length})`
  if (token.length > 256) return 'the session token must have at most 256 characters'
  if (!/^[\x21-\x7e]+$/.test(token)) return 'the session token may hold only visible ASCII characters (no spaces)'
  return undefined
}

/**
 * How long slow or idle clients may hold the server, and how many may (slowloris: sockets that send headers a byte at a
 * time, or nothing). Tests shorten them; {@link DEFAULT_CONNECTION_LIMITS} serves.
 */
export interface ConnectionLimits {
  /** Time to receive a request's headers, WebSocket upgrades included (ms): past it the client gets 408 and is closed. */
  readonly headersTimeoutMs: number
  /** Time to receive a whole request, body included (ms); a 1 GiB upload on loopback takes seconds. */
  readonly requestTimeoutMs: number
  /** How long a keep-alive connection may sit idle between requests (ms). */
  readonly keepAliveTimeoutMs: number
  /** Open connections at most (HTTP and RPC WebSockets together); one over it is closed at once. */
  readonly maxConnections: number
  /** Open RPC WebSockets at most; an upgrade over it is answered 503. */
  readonly maxRpcClients: number
  /** Ping interval of RPC WebSockets (ms); a socket that has not answered the previous ping is closed. */
  readonly rpcHeartbeatMs: number
  /** Bytes queued for one RPC socket that does not read; past it the socket is closed. */
  readonly maxRpcBufferedBytes: number
}

/** The limits `armada serve` runs with. A browser tab holds about 6 connections and one RPC socket. */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 256,
  maxRpcClients: 32,
  rpcHeartbeatMs: 30_000,
  maxRpcBufferedBytes: 16 << 20,
}

/** Options of the headless server. */
export interface HeadlessServerOptions {
  /** 0 picks a free port. */
  readonly port: number
  /** Built renderer folder (out/renderer); without it only the API is served. */
  readonly staticDir?: string
  /** Fixed token (scripts; see {@link tokenProblem}); default: a fresh random token per run. */
  readonly token?: string
  /** Extra REST routes added by later capabilities: `'GET /api/ml/predict'` → handler. */
  readonly routes?: Readonly<Record<string, RestHandler>>
  /** Where `POST /api/uploads?name=…` streams files for import (the core's inbox); absent: uploads are off. */
  readonly uploads?: UploadSink
  /** Largest upload in bytes (default 1 GiB). */
  readonly maxUploadBytes?: number
  /** Timeouts and caps for slow or idle clients (default {@link DEFAULT_CONNECTION_LIMITS}). */
  readonly limits?: Partial<ConnectionLimits>
  /** What `GET /metrics` serves (the core's `PrometheusMetrics`); absent: `/metrics` answers 404. */
  readonly metrics?: MetricsExposition
}

/** Takes one uploaded file's bytes (the core's `UploadInbox`); throws `UploadError` for refused uploads. */
export interface UploadSink {
  receive(name: string, body: IncomingMessage, maxBytes: number): Promise<UploadedFile>
}

/** A REST handler: gets the query and parsed JSON body, returns a JSON-serialisable value. */
export type RestHandler = (query: URLSearchParams, body: unknown) => Promise<unknown>

/** Where the running server listens. */
export interface ServerAddress {
  readonly url: string
  readonly port: number
  readonly token: string
}

/**
 * The headless shell: serves the built renderer, WebSocket RPC at `/rpc` (the WorkstationApi, events as
 * subscriptions) and REST under `/api`, on 127.0.0.1 only. State-changing calls need the per-run token.
 */
export class HeadlessServer {
  private server?: Server
  private wss?: WebSocketServer
  private readonly token: string
  private port = 0
  private disposing = false
  private heartbeat?: NodeJS.Timeout
  private readonly answeredPing = new WeakSet<WebSocket>()
  private readonly limits: ConnectionLimits

  constructor(
    private readonly api: WorkstationApi,
    private readonly options: HeadlessServerOptions,
  ) {
    const problem = options.token === undefined ? undefined : tokenProblem(options.token)
    if (problem) throw new Error(problem)
    this.token = options.token ?? randomBytes(24).toString('hex')
    this.limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.limits }
  }

  /** Binds 127.0.0.1 and starts serving. */
  async start(): Promise<ServerAddress> {
    const limits = this.limits
    // Node checks the header and request timeouts every connectionsCheckingInterval (default 30 s): keep it well under them.
    const server = createServer(
      {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        connectionsCheckingInterval: Math.max(10, Math.min(1000, limits.headersTimeoutMs / 4)),
      },
      (req, res) => void this.handle(req, res),
    )
    server.keepAliveTimeout = limits.keepAliveTimeoutMs
    server.maxConnections = limits.maxConnections
    this.server = server
    const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 })
    this.wss = wss
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      if (this.disposing) return void socket.destroy()
      if (url.pathname !== '/rpc' || !this.hostAllowed(req) || !this.originAllowed(req)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
        return
      }
      if (wss.clients.size >= limits.maxRpcClients) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws))
    })
    // A socket that did not answer the previous ping is gone or not reading: close it rather than queue for it.
    this.heartbeat = setInterval(() => {
      for (const ws of wss.clients) {
        if (!this.answeredPing.has(ws)) ws.terminate()
        else {
          this.answeredPing.delete(ws)
          ws.ping()
        }
      }
    }, limits.rpcHeartbeatMs)
    this.heartbeat.unref()
    await new Promise<void>((resolvePromise, reject) => {
      server.once('error', reject)
      server.listen(this.options.port, '127.0.0.1', () => resolvePromise())
    })
    this.port = (server.address() as AddressInfo).port
    if (this.options.metrics) this.options.metrics.rpcClients = () => wss.clients.size
    return { url: `http://127.0.0.1:${this.port}/#token=${this.token}`, port: this.port, token: this.token }
  }

  private hostAllowed(req: IncomingMessage): boolean {
    return loopbackHostAllowed(req.headers.host, this.port)
  }

  private originAllowed(req: IncomingMessage): boolean {
    return sameOriginAllowed(req.headers.origin, this.port)
  }

  private tokenOk(candidate: string | undefined): boolean {
    if (!candidate) return false
    const a = Buffer.from(candidate)
    const b = Buffer.from(this.token)
    return a.length === b.length && timingSafeEqual(a, b)
  }

  private onSocket(ws: WebSocket): void {
    if (this.disposing) return void ws.terminate()
    const subs = new Map<string, Disposable>()
    this.answeredPing.add(ws)
    ws.on('pong', () => this.answeredPing.add(ws))
    const send = (m: RpcServerMessage): void => {
      if (ws.readyState !== ws.OPEN) return
      if (ws.bufferedAmount > this.limits.maxRpcBufferedBytes) return void ws.terminate()
      ws.send(JSON.stringify(m))
    }
    void this.api.health().then((h) => send({ type: 'hello', version: h.version }))
    ws.on('message', (data) => {
      let msg: RpcClientMessage
      try {
        msg = JSON.parse(String(data)) as RpcClientMessage
      } catch {
        send({ type: 'error', id: -1, error: { code: 'bad-request', message: 'message is not JSON' } })
        return
      }
      if (msg?.type === 'subscribe' || msg?.type === 'unsubscribe') {
        const topic = msg.topic as ApiTopic
        if (!API_TOPICS.includes(topic))
          return send({
            type: 'error',
            id: -1,
            error: { code: 'bad-request', message: `unknown topic "${String(msg.topic)}"` },
          })
        subs.get(topic)?.dispose()
        subs.delete(topic)
        if (msg.type === 'subscribe')
          subs.set(
            topic,
            this.api.subscribe(topic, (event) => send({ type: 'event', topic, event })),
          )
        return
      }
      if (msg?.type !== 'call' || typeof msg.id !== 'number') {
        send({
          type: 'error',
          id: -1,
          error: { code: 'bad-request', message: 'expected {type:"call", id, method, params}' },
        })
        return
      }
      const { id, method } = msg
      if (isApiMethod(method) && MUTATING_METHODS.has(method) && !this.tokenOk(msg.token)) {
        send({
          type: 'error',
          id,
          error: { code: 'unauthorized', message: `${method} changes state and needs the session token` },
        })
        return
      }
      dispatch(this.api, method, msg.params).then(
        (result) => send({ type: 'result', id, result: result ?? null }),
        (err: unknown) => send({ type: 'error', id, error: toErrorPayload(err) }),
      )
    })
    ws.on('close', () => {
      for (const s of subs.values()) s.dispose()
      subs.clear()
    })
    ws.on('error', () => ws.terminate())
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff')
    if (!this.hostAllowed(req))
      return this.json(res, 403, { error: { code: 'unauthorized', message: 'unexpected Host header' } })
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`)
    // The token is checked before a byte of the body is read: a caller without it costs no parsing and no buffering.
    if (
      url.pathname.startsWith('/api/') &&
      req.method !== 'GET' &&
      req.method !== 'HEAD' &&
      !this.tokenOk(bearerToken(req))
    ) {
      const what = url.pathname === '/api/uploads' ? 'uploads change state and need' : 'state-changing requests need'
      return this.refuse(req, res, 401, 'unauthorized', `${what} the session token (Authorization: Bearer <token>)`)
    }
    try {
      if (url.pathname === '/metrics') return await this.metrics(res)
      if (url.pathname === '/api/uploads' && req.method === 'POST') return await this.upload(req, res, url)
      if (url.pathname.startsWith('/api/')) return await this.rest(req, res, url)
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return this.json(res, 405, { error: { code: 'bad-request', message: 'method not allowed' } })
      return this.serveStatic(res, url.pathname)
    } catch (err) {
      const payload = toErrorPayload(err)
      const status =
        payload.code === 'bad-request'
          ? 400
          : payload.code === 'unauthorized'
            ? 401
            : payload.code === 'not-found'
              ? 404
              : 500
      return this.json(res, status, { error: payload })
    }
  }

  private async rest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const q = url.searchParams
    const method = req.method ?? 'GET'
    // Only reached with the token (checked in handle before the body is read).
    const body = method === 'POST' ? await readJson(req) : undefined
    const path = url.pathname
    const num = (k: string): number | undefined => (q.has(k) ? Number(q.get(k)) : undefined)
    const key = `${method} ${path}`
    const extra = this.options.routes?.[key]
    if (extra) return this.json(res, 200, await extra(q, body))
    let cancel: RegExpExecArray | null
    switch (key) {
      case 'GET /api/health':
        return this.json(res, 200, await dispatch(this.api, 'health', undefined))
      case 'GET /api/instruments':
        return this.json(res, 200, await dispatch(this.api, 'listInstruments', undefined))
      case 'GET /api/series':
        return this.json(res, 200, await dispatch(this.api, 'listSeries', undefined))
      case 'GET /api/bars':
        return this.json(
          res,
          200,
          await dispatch(this.api, 'getBars', {
            symbol: q.get('symbol') ?? undefined,
            venue: q.get('venue') ?? undefined,
            timeframe: q.get('timeframe') ?? undefined,
            from: num('from'),
            to: num('to'),
            limit: num('limit'),
          }),
        )
      case 'GET /api/jobs':
        return this.json(res, 200, await dispatch(this.api, 'listJobs', { limit: num('limit') }))
      case 'POST /api/jobs':
        return this.json(res, 200, await dispatch(this.api, 'startJob', body))
      case 'GET /api/models':
        return this.json(res, 200, await dispatch(this.api, 'listModels', undefined))
      case 'GET /api/ml/predict': {
        const forecast = (await dispatch(this.api, 'getForecast', {
          symbol: q.get('symbol') ?? undefined,
          venue: q.get('venue') ?? undefined,
          timeframe: q.get('timeframe') ?? undefined,
        })) as object
        // The open alerts concerning the symbol ride along with its forecast.
        const alerts = await dispatch(this.api, 'listAlerts', { symbol: q.get('symbol') ?? undefined, status: 'open' })
        return this.json(res, 200, { ...forecast, alerts })
      }
      case 'GET /api/alerts': {
        const bool = (k: string): boolean | undefined =>
          q.has(k) ? q.get(k) === 'true' || q.get(k) === '1' : undefined
        return this.json(
          res,
          200,
          await dispatch(this.api, 'listAlerts', {
            from: num('from'),
            to: num('to'),
            limit: num('limit'),
            types: q.get('types') ?? undefined,
            minSeverity: q.get('minSeverity') ?? undefined,
            status: q.get('status') ?? undefined,
            acknowledged: bool('acknowledged'),
            symbol: q.get('symbol') ?? undefined,
            includeMuted: bool('includeMuted'),
          }),
        )
      }
      case 'GET /api/signals':
        return this.json(
          res,
          200,
          await dispatch(this.api, 'listSignals', {
            symbol: q.get('symbol') ?? undefined,
            venue: q.get('venue') ?? undefined,
            timeframe: q.get('timeframe') ?? undefined,
            strategy: q.get('strategy') ?? undefined,
            from: num('from'),
            to: num('to'),
            limit: num('limit'),
          }),
        )
      case 'GET /api/paper/positions':
        return this.json(res, 200, await dispatch(this.api, 'listPaperAccounts', undefined))
      case 'GET /api/strategies/live':
        return this.json(res, 200, await dispatch(this.api, 'listLiveStrategies', undefined))
      case 'GET /api/ml/predictions':
        return this.json(
          res,
          200,
          await dispatch(this.api, 'getPredictions', {
            symbol: q.get('symbol') ?? undefined,
            venue: q.get('venue') ?? undefined,
            timeframe: q.get('timeframe') ?? undefined,
            from: num('from'),
            to: num('to'),
            horizon: num('horizon'),
            limit: num('limit'),
          }),
        )
      case 'GET /api/ml/features/current': {
        const t = (await dispatch(this.api, 'getFeatures', {
          symbol: q.get('symbol') ?? undefined,
          venue: q.get('venue') ?? undefined,
          timeframe: q.get('timeframe') ?? undefined,
          set: q.get('set') ?? 'regime',
          limit: 1,
        })) as FeatureTableResult
        const row = t.rows[t.rows.length - 1] ?? []
        return this.json(res, 200, {
          set: t.set,
          specHash: t.specHash,
          time: t.time[t.time.length - 1] ?? null,
          features: Object.fromEntries(t.names.map((n, j) => [n, row[j] ?? null])),
        })
      }
      case 'GET /api/ml/ab-tests':
        return this.json(
          res,
          200,
          await dispatch(this.api, 'listAbTests', q.has('name') ? { name: q.get('name') } : undefined),
        )
      case 'POST /api/ml/ab-tests':
        return this.json(res, 200, await dispatch(this.api, 'startAbTest', body))
      case 'GET /api/ml/models/status':
        return this.json(res, 200, {
          ...((await dispatch(this.api, 'getForecastStatus', undefined)) as object),
          alerts: await dispatch(this.api, 'getAlertStatus', undefined),
        })
      case 'POST /api/ml/models/retrain':
        return this.json(
          res,
          200,
          await dispatch(
            this.api,
            'retrainForecast',
            body && typeof body === 'object' && Object.keys(body).length
              ? body
              : {
                  symbol: q.get('symbol') ?? undefined,
                  venue: q.get('venue') ?? undefined,
                  timeframe: q.get('timeframe') ?? undefined,
                },
          ),
        )
    }
    const model = /^\/api\/models\/([^/]+)$/.exec(path)
    if (method === 'GET' && model)
      return this.json(res, 200, await dispatch(this.api, 'getModel', { name: decodePathSegment(model[1]) }))
    if (method === 'POST' && (cancel = /^\/api\/jobs\/([^/]+)\/cancel$/.exec(path)))
      return this.json(res, 200, await dispatch(this.api, 'cancelJob', { id: cancel[1] }))
    const stopAb = /^\/api\/ml\/ab-tests\/([^/]+)\/stop$/.exec(path)
    if (method === 'POST' && stopAb)
      return this.json(
        res,
        200,
        await dispatch(this.api, 'stopAbTest', {
          ...(body && typeof body === 'object' ? body : {}),
          name: decodePathSegment(stopAb[1]),
        }),
      )
    const ack = /^\/api\/alerts\/([^/]+)\/ack$/.exec(path)
    if (method === 'POST' && ack)
      return this.json(res, 200, await dispatch(this.api, 'acknowledgeAlert', { id: decodePathSegment(ack[1]) }))
    const rpc = /^\/api\/rpc\/([A-Za-z]+)$/.exec(path)
    if (rpc && method === 'POST') return this.json(res, 200, (await dispatch(this.api, rpc[1], body)) ?? null)
    throw new ApiError('not-found', `no route ${key}`)
  }

  /**
   * `POST /api/uploads?name=FILE` with the file's bytes as the body (token required): streamed into the core's private
   * upload folder, answered with `{ id, name, size }` for `importFiles({ uploads: [id] })`. Refused before a byte is
   * stored without the token or when Content-Length is over the limit; a body that grows past it is cut off and deleted.
   */
  private async upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const refuse = (status: number, code: ApiErrorPayload['code'], message: string): void =>
      this.refuse(req, res, status, code, message)
    const sink = this.options.uploads
    if (!sink) return refuse(404, 'not-found', 'uploads are not enabled on this server')
    const name = url.searchParams.get('name') ?? ''
    if (!name.trim() || name.length > 255)
      return refuse(400, 'bad-request', 'upload: "name" (the file name, at most 255 characters) is required')
    const max = this.options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES
    const length = Number(req.headers['content-length'])
    if (Number.isFinite(length) && length > max)
      return refuse(
        413,
        'bad-request',
        `${sanitiseUploadName(name)} is ${formatBytes(length)}, over the ${formatBytes(max)} upload limit`,
      )
    try {
      return this.json(res, 200, await sink.receive(name, req, max))
    } catch (err) {
      if (err instanceof UploadError) return refuse(err.status, 'bad-request', err.message)
      throw err
    }
  }

  /** `GET /metrics`: the Prometheus text exposition (no token: it changes nothing and Prometheus scrapes it as is). */
  private async metrics(res: ServerResponse): Promise<void> {
    const metrics = this.options.metrics
    if (!metrics) throw new ApiError('not-found', 'metrics are not enabled on this server')
    const text = await metrics.text()
    res.writeHead(200, { 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' })
    res.end(text)
  }

  private serveStatic(res: ServerResponse, pathname: string): void {
    const dir = this.options.staticDir
    const root = resolve(dir ?? '.')
    let file = resolveStaticPath(root, pathname)
    if (!file)
      return this.json(res, 400, {
        error: { code: 'bad-request', message: 'malformed path (bad percent-encoding, or outside the web UI)' },
      })
    if (!dir || !existsSync(join(root, 'index.html'))) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('The web UI is not built: run `npm run build`. The API is available under /api.\n')
      return
    }
    // Paths the UI does not have get the UI itself (it has a single page).
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html')
    const type = staticContentType(file)
    const headers: Record<string, string> = { 'Content-Type': type }
    if (type.startsWith('text/html')) {
      headers['Content-Security-Policy'] = RENDERER_CSP
      headers['Cache-Control'] = 'no-store'
    }
    res.writeHead(200, headers)
    createReadStream(file).pipe(res)
  }

  /** Answers an error and closes the connection; the body in flight is dropped unread, so the client sees the answer, not a reset. */
  private refuse(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    code: ApiErrorPayload['code'],
    message: string,
  ): void {
    res.setHeader('Connection', 'close')
    this.json(res, status, { error: { code, message } })
    req.resume()
  }

  private json(res: ServerResponse, status: number, value: unknown): void {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
    res.end(JSON.stringify(value ?? null))
  }

  /**
   * Stops listening, then ends every connection: RPC sockets (including one whose upgrade completes meanwhile) and
   * HTTP connections, idle or not. `server.close()` alone waits for every open connection, and a browser tab that
   * stays open would hold it forever.
   */
  async dispose(): Promise<void> {
    this.disposing = true
    clearInterval(this.heartbeat)
    if (this.options.metrics) delete this.options.metrics.rpcClients
    const server = this.server
    const closed = new Promise<void>((r) => (server?.listening ? server.close(() => r()) : r()))
    // The server tracks every upgraded socket, one whose upgrade completes during this call included.
    for (const ws of this.wss?.clients ?? []) ws.terminate()
    this.wss?.close()
    server?.closeAllConnections()
    await closed
  }
}

/** A percent-encoded path segment, decoded; malformed encoding (`%ff`) is the caller's mistake (400), not ours. */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    throw new ApiError('bad-request', `malformed percent-encoding in the path: "${segment.slice(0, 64)}"`)
  }
}

/** The session token a request carries: `Authorization: Bearer <token>` or `X-Armada-Token`. */
function bearerToken(req: IncomingMessage): string | undefined {
  return req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? (req.headers['x-armada-token'] as string | undefined)
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    size += (c as Buffer).length
    if (size > 4 << 20) throw new ApiError('bad-request', 'request body over 4 MiB')
    chunks.push(c as Buffer)
  }
  if (size === 0) return undefined
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new ApiError('bad-request', 'request body is not valid JSON')
  }
}
