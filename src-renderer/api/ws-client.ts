import {
  API_METHOD_NAMES,
  type ApiErrorPayload,
  type ApiEvents,
  type ApiMethod,
  type ApiParams,
  type ApiResult,
  type ApiTopic,
  type Disposable,
  type RpcClientMessage,
  type RpcServerMessage,
  type WorkstationApi,
} from '../../src-shared'
import { ApiError } from './api-error'

/** Where the link to the core stands. `connecting` only before the first success; after a loss it stays
 *  `disconnected` (while retrying) until a socket opens again. */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected'

/** Snapshot of the link, pushed to `onStatus` listeners on every change. */
export interface ConnectionStatus {
  readonly state: ConnectionState
  /** Version from the server's `hello`, once received. */
  readonly serverVersion?: string
  /** Failed attempts since the last successful open. */
  readonly attempt: number
  /** Delay (ms) before the next attempt while disconnected. */
  readonly retryInMs?: number
}

/**
 * The subset of the WHATWG WebSocket the client uses; the browser's and the `ws` package's both fit.
 * Handler parameters are `never` so both libraries' event types are assignable; the client names what it reads.
 */
export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((ev: never) => void) | null
  onclose: ((ev: never) => void) | null
  onerror: ((ev: never) => void) | null
  onmessage: ((ev: never) => void) | null
}

/** Options of the client; everything environmental is injected so it runs in Node tests and browsers alike. */
export interface WsClientOptions {
  readonly url: string
  readonly openSocket: (url: string) => SocketLike
  /** Per-run token of the headless shell, sent on calls; undefined means read-only. */
  readonly token?: string
  /** First reconnect delay (ms), doubled per failed attempt up to `maxBackoffMs`. */
  readonly initialBackoffMs?: number
  readonly maxBackoffMs?: number
  /** A call with no answer after this long (ms) fails with `timeout`. */
  readonly callTimeoutMs?: number
}

const OPEN = 1

interface PendingCall {
  readonly method: ApiMethod
  readonly message: RpcClientMessage
  readonly resolve: (value: unknown) => void
  readonly reject: (err: Error) => void
  readonly timer: ReturnType<typeof setTimeout>
  sent: boolean
}

type AnyListener = (event: unknown) => void

/**
 * WebSocket RPC client for `/rpc` (src-shared/api.ts wire format): numbered calls with a pending table,
 * topic subscriptions that survive reconnects, and reconnection with exponential backoff.
 * Constructing stores options only; `start()` opens the socket, `dispose()` ends everything.
 */
export class WsRpcClient {
  private socket: SocketLike | undefined
  private nextId = 1
  private readonly pending = new Map<number, PendingCall>()
  private readonly topics = new Map<ApiTopic, Set<AnyListener>>()
  private readonly statusListeners = new Set<(s: ConnectionStatus) => void>()
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private disposed = false
  private everConnected = false
  private current: ConnectionStatus = { state: 'connecting', attempt: 0 }

  constructor(private readonly options: WsClientOptions) {}

  /** Current link status. */
  get status(): ConnectionStatus {
    return this.current
  }

  /** Opens the first socket; later ones are opened by the reconnect logic. */
  start(): void {
    if (this.disposed || this.socket) return
    this.connect()
  }

  /** Calls `listener` on every status change. */
  onStatus(listener: (s: ConnectionStatus) => void): Disposable {
    this.statusListeners.add(listener)
    return { dispose: () => this.statusListeners.delete(listener) }
  }

  /** Sends one call; queued until the socket is open; rejects with a one-line `ApiError`. */
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    if (this.disposed) return Promise.reject(new ApiError('disconnected', `${method}: client closed`))
    const id = this.nextId++
    const message: RpcClientMessage = {
      type: 'call',
      id,
      method,
      params: params ?? undefined,
      token: this.options.token,
    }
    return new Promise<ApiResult<M>>((resolve, reject) => {
      const timeoutMs = this.options.callTimeoutMs ?? 30_000
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new ApiError('timeout', `${method}: no answer within ${Math.round(timeoutMs / 1000)} s`))
      }, timeoutMs)
      const call: PendingCall = {
        method,
        message,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer,
        sent: false,
      }
      this.pending.set(id, call)
      if (this.isOpen()) this.send(call)
    })
  }

  /** Listens to a topic; the first listener subscribes on the server, the last `dispose` unsubscribes. */
  subscribe<T extends ApiTopic>(topic: T, listener: (event: ApiEvents[T]) => void): Disposable {
    let set = this.topics.get(topic)
    if (!set) {
      this.topics.set(topic, (set = new Set()))
      if (this.isOpen()) this.sendRaw({ type: 'subscribe', topic })
    }
    const l = listener as AnyListener
    set.add(l)
    return {
      dispose: () => {
        const s = this.topics.get(topic)
        if (!s || !s.delete(l) || s.size > 0) return
        this.topics.delete(topic)
        if (this.isOpen()) this.sendRaw({ type: 'unsubscribe', topic })
      },
    }
  }

  /** Closes the socket, stops reconnecting and fails every open call. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    clearTimeout(this.retryTimer)
    this.failPending(true, 'client closed')
    this.topics.clear()
    const s = this.socket
    this.socket = undefined
    if (s) {
      s.onopen = s.onclose = s.onmessage = null
      s.onerror = () => undefined // closing a socket that is still connecting reports an error; nobody needs it
      s.close(1000, 'disposed')
    }
    this.setStatus({ state: 'disconnected', attempt: this.current.attempt, serverVersion: this.current.serverVersion })
    this.statusListeners.clear()
  }

  private connect(): void {
    this.retryTimer = undefined
    if (this.everConnected) this.setStatus({ ...this.current, state: 'disconnected', retryInMs: undefined })
    let socket: SocketLike
    try {
      socket = this.options.openSocket(this.options.url)
    } catch {
      this.scheduleReconnect()
      return
    }
    this.socket = socket
    socket.onopen = () => this.handleOpen()
    socket.onmessage = (ev: { data: unknown }) => this.handleMessage(ev.data)
    socket.onerror = () => {
      /* a close event always follows; reconnecting is handled there */
    }
    socket.onclose = () => this.handleClose(socket)
  }

  private handleOpen(): void {
    this.everConnected = true
    for (const topic of this.topics.keys()) this.sendRaw({ type: 'subscribe', topic })
    for (const call of this.pending.values()) if (!call.sent) this.send(call)
    this.setStatus({ state: 'connected', attempt: 0, serverVersion: this.current.serverVersion })
  }

  private handleClose(socket: SocketLike): void {
    if (this.socket !== socket) return
    this.socket = undefined
    // Calls already on the wire may or may not have run: fail them rather than replaying a mutation.
    this.failPending(false, 'connection lost')
    if (!this.disposed) this.scheduleReconnect()
  }

  private scheduleReconnect(): void {
    const attempt = this.current.attempt + 1
    const initial = this.options.initialBackoffMs ?? 250
    const delay = Math.min(this.options.maxBackoffMs ?? 5_000, initial * 2 ** (attempt - 1))
    this.setStatus({
      state: this.everConnected ? 'disconnected' : this.current.state,
      attempt,
      retryInMs: delay,
      serverVersion: this.current.serverVersion,
    })
    this.retryTimer = setTimeout(() => this.connect(), delay)
  }

  private handleMessage(data: unknown): void {
    let msg: RpcServerMessage
    try {
      msg = JSON.parse(String(data)) as RpcServerMessage
    } catch {
      return // not ours to interpret; the server only sends JSON
    }
    switch (msg.type) {
      case 'hello':
        this.setStatus({ ...this.current, serverVersion: msg.version })
        return
      case 'result':
      case 'error': {
        const call = this.pending.get(msg.id)
        if (!call) return
        this.pending.delete(msg.id)
        clearTimeout(call.timer)
        if (msg.type === 'result') call.resolve(msg.result)
        else call.reject(this.toError(call.method, msg.error))
        return
      }
      case 'event': {
        const set = this.topics.get(msg.topic as ApiTopic)
        if (!set) return
        for (const l of [...set]) {
          try {
            l(msg.event)
          } catch (err) {
            console.error(`[armada] ${msg.topic} listener failed: ${(err as Error).message}`)
          }
        }
        return
      }
    }
  }

  private toError(method: ApiMethod, e: ApiErrorPayload | undefined): ApiError {
    const code = e?.code ?? 'failed'
    let text = `${method}: ${(e?.message ?? 'failed').split('\n')[0]}`
    if (code === 'unauthorized' && !this.options.token)
      text += ' (open the link printed by `armada serve`, it carries #token=…)'
    return new ApiError(code, text)
  }

  private failPending(all: boolean, reason: string): void {
    for (const [id, call] of this.pending) {
      if (!all && !call.sent) continue
      this.pending.delete(id)
      clearTimeout(call.timer)
      call.reject(new ApiError('disconnected', `${call.method}: ${reason}`))
    }
  }

  private send(call: PendingCall): void {
    call.sent = true
    this.sendRaw(call.message)
  }

  private sendRaw(message: RpcClientMessage): void {
    this.socket?.send(JSON.stringify(message))
  }

  private isOpen(): boolean {
    return this.socket !== undefined && this.socket.readyState === OPEN
  }

  private setStatus(next: ConnectionStatus): void {
    const prev = this.current
    if (
      prev.state === next.state &&
      prev.attempt === next.attempt &&
      prev.serverVersion === next.serverVersion &&
      prev.retryInMs === next.retryInMs
    )
      return
    this.current = next
    for (const l of [...this.statusListeners]) l(next)
  }
}

/** The contract object over any `call` + `subscribe` pair: one function per method in `API_METHOD_NAMES`. */
export function toWorkstationApi(transport: Pick<WsRpcClient, 'call' | 'subscribe'>): WorkstationApi {
  const api: Record<string, unknown> = {
    subscribe: <T extends ApiTopic>(topic: T, listener: (event: ApiEvents[T]) => void) =>
      transport.subscribe(topic, listener),
  }
  for (const method of API_METHOD_NAMES) api[method] = (params: unknown) => transport.call(method, params as never)
  return api as WorkstationApi
}
