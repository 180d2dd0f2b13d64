import { afterEach, describe, expect, it } from 'vitest'
import type { RpcClientMessage, RpcServerMessage } from '../../src-shared'
import { ApiError } from './api-error'
import { readSessionToken, rpcUrl, TOKEN_STORAGE_KEY } from './session-token'
import { toWorkstationApi, WsRpcClient, type ConnectionStatus, type SocketLike } from './ws-client'

// The renderer's tsconfig has no Node types, so the `ws` package is loaded untyped and described here.
interface PeerSocket {
  send(data: string): void
  on(event: 'message', cb: (data: unknown) => void): void
  terminate(): void
}
interface PeerServer {
  on(event: 'connection', cb: (s: PeerSocket) => void): void
  on(event: 'listening', cb: () => void): void
  close(cb?: () => void): void
  address(): { port: number }
  clients: Set<PeerSocket>
}
interface WsModule {
  WebSocketServer: new (opts: { port: number; host: string }) => PeerServer
  WebSocket: new (url: string) => SocketLike
}
const wsModuleName = 'ws'
const ws = (await import(/* @vite-ignore */ wsModuleName)) as WsModule

/** A miniature `/rpc` server: answers `health`, fails `getBars`, checks the token on `startJob`, records topics. */
class FakeCore {
  readonly received: RpcClientMessage[] = []
  readonly topics = new Set<string>()
  constructor(readonly server: PeerServer) {
    server.on('connection', (s) => {
      this.topics.clear()
      s.send(JSON.stringify({ type: 'hello', version: '9.9.9' } satisfies RpcServerMessage))
      s.on('message', (raw) => this.handle(s, JSON.parse(String(raw)) as RpcClientMessage))
    })
  }

  static async listen(port = 0): Promise<FakeCore> {
    const server = new ws.WebSocketServer({ port, host: '127.0.0.1' })
    await new Promise<void>((r) => server.on('listening', r))
    return new FakeCore(server)
  }

  get port(): number {
    return this.server.address().port
  }

  publish(topic: string, event: unknown): void {
    for (const c of this.server.clients)
      c.send(JSON.stringify({ type: 'event', topic, event } satisfies RpcServerMessage))
  }

  async close(): Promise<void> {
    for (const c of this.server.clients) c.terminate()
    await new Promise<void>((r) => this.server.close(() => r()))
  }

  private handle(s: PeerSocket, msg: RpcClientMessage): void {
    this.received.push(msg)
    const reply = (m: RpcServerMessage) => s.send(JSON.stringify(m))
    if (msg.type === 'subscribe') this.topics.add(msg.topic)
    else if (msg.type === 'unsubscribe') this.topics.delete(msg.topic)
    else if (msg.method === 'health')
      reply({ type: 'result', id: msg.id, result: { ok: true, version: '9.9.9', schemaVersion: 3 } })
    else if (msg.method === 'startJob' && msg.token !== 'secret')
      reply({ type: 'error', id: msg.id, error: { code: 'unauthorized', message: 'token required\nsecond line' } })
    else if (msg.method === 'startJob') reply({ type: 'result', id: msg.id, result: { id: 'j1' } })
    else if (msg.method === 'listJobs')
      return // never answers: exercises the timeout
    else reply({ type: 'error', id: msg.id, error: { code: 'not-found', message: 'no bars for NOPE' } })
  }
}

async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

const open: { dispose(): void }[] = []
const cores: FakeCore[] = []
afterEach(async () => {
  for (const d of open.splice(0)) d.dispose()
  for (const c of cores.splice(0)) await c.close()
})

function client(port: number, extra: Partial<ConstructorParameters<typeof WsRpcClient>[0]> = {}): WsRpcClient {
  const c = new WsRpcClient({
    url: `ws://127.0.0.1:${port}/rpc`,
    openSocket: (url) => new ws.WebSocket(url),
    initialBackoffMs: 20,
    maxBackoffMs: 100,
    ...extra,
  })
  open.push(c)
  return c
}

describe('WsRpcClient', () => {
  it('answers a call with the server result and records the hello version', async () => {
    const core = await FakeCore.listen()
    cores.push(core)
    const c = client(core.port)
    c.start()
    const api = toWorkstationApi(c)
    const health = await api.health()
    expect(health.version).toBe('9.9.9')
    expect(c.status.state).toBe('connected')
    expect(c.status.serverVersion).toBe('9.9.9')
  })

  it('turns a server error into a one-line ApiError naming the method', async () => {
    const core = await FakeCore.listen()
    cores.push(core)
    const c = client(core.port)
    c.start()
    const err = await toWorkstationApi(c)
      .getBars({ symbol: 'NOPE', timeframe: '1m' })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('not-found')
    expect((err as ApiError).message).toBe('getBars: no bars for NOPE')
  })

  it('sends the token on calls and hints at the link when it is missing', async () => {
    const core = await FakeCore.listen()
    cores.push(core)
    const withToken = client(core.port, { token: 'secret' })
    withToken.start()
    await expect(toWorkstationApi(withToken).startJob({ kind: 'x' })).resolves.toEqual({ id: 'j1' })
    const without = client(core.port)
    without.start()
    const err = (await toWorkstationApi(without)
      .startJob({ kind: 'x' })
      .catch((e: unknown) => e)) as ApiError
    expect(err.code).toBe('unauthorized')
    expect(err.message).toMatch(/^startJob: token required \(open the link printed by `armada serve`/)
    expect(err.message).not.toContain('\n')
  })

  it('fails a call that gets no answer within the timeout', async () => {
    const core = await FakeCore.listen()
    cores.push(core)
    const c = client(core.port, { callTimeoutMs: 50 })
    c.start()
    await expect(toWorkstationApi(c).listJobs()).rejects.toThrow('listJobs: no answer within 0 s')
  })

  it('delivers events of subscribed topics and unsubscribes when the last listener goes', async () => {
    const core = await FakeCore.listen()
    cores.push(core)
    const c = client(core.port)
    c.start()
    const seen: unknown[] = []
    const sub = c.subscribe('job', (e) => seen.push(e))
    await until(() => core.topics.has('job'), 'subscribe')
    core.publish('job', { id: 'j1', progress: 0.5 })
    core.publish('bar', { ignored: true })
    await until(() => seen.length === 1, 'event')
    expect(seen[0]).toEqual({ id: 'j1', progress: 0.5 })
    sub.dispose()
    await until(() => !core.topics.has('job'), 'unsubscribe')
  })

  it('queues calls made before the socket opens', async () => {
    const core = await FakeCore.listen()
    cores.push(core)
    const c = client(core.port)
    const answer = toWorkstationApi(c).health()
    c.start()
    await expect(answer).resolves.toMatchObject({ ok: true })
  })

  it('reconnects after the server restarts on the same port and re-subscribes its topics', async () => {
    const first = await FakeCore.listen()
    const port = first.port
    const c = client(port)
    const states: ConnectionStatus['state'][] = []
    c.onStatus((s) => states.push(s.state))
    c.start()
    const bars: unknown[] = []
    c.subscribe('bar', (b) => bars.push(b))
    await until(() => first.topics.has('bar'), 'first subscribe')

    const inFlight = toWorkstationApi(c).listJobs()
    await until(() => first.received.some((m) => m.type === 'call' && m.method === 'listJobs'), 'call on the wire')
    await first.close()
    await expect(inFlight).rejects.toThrow('listJobs: connection lost')
    await until(() => c.status.state === 'disconnected', 'disconnected')
    await new Promise((r) => setTimeout(r, 150)) // several refused attempts while the port is closed

    const second = await FakeCore.listen(port)
    cores.push(second)
    await until(() => c.status.state === 'connected', 'reconnected')
    await until(() => second.topics.has('bar'), 're-subscribe')
    second.publish('bar', { close: 1 })
    await until(() => bars.length === 1, 'event after reconnect')
    expect(states[0]).toBe('connected')
    expect(states).toContain('disconnected')
    expect(states.at(-1)).toBe('connected')
    expect(states).not.toContain('connecting')
    await expect(toWorkstationApi(c).health()).resolves.toMatchObject({ ok: true })
  })

  it('stops reconnecting and fails queued calls once disposed', async () => {
    const c = client(1) // nothing listens on port 1
    c.start()
    const answer = toWorkstationApi(c).health()
    c.dispose()
    await expect(answer).rejects.toThrow('health: client closed')
    expect(c.status.state).toBe('disconnected')
  })
})

describe('session token', () => {
  function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
    const m = new Map<string, string>()
    return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) }
  }

  it('takes the token from the fragment and keeps it for reloads', () => {
    const storage = memoryStorage()
    expect(readSessionToken({ hash: '#token=abc123', storage })).toBe('abc123')
    expect(storage.getItem(TOKEN_STORAGE_KEY)).toBe('abc123')
    expect(readSessionToken({ hash: '', storage })).toBe('abc123')
  })

  it('is undefined without fragment or stored token', () => {
    expect(readSessionToken({ hash: '#view=chart', storage: memoryStorage() })).toBeUndefined()
  })

  it('builds the rpc address on the page host', () => {
    expect(rpcUrl({ protocol: 'http:', host: '127.0.0.1:4173' })).toBe('ws://127.0.0.1:4173/rpc')
    expect(rpcUrl({ protocol: 'https:', host: 'desk.example' })).toBe('wss://desk.example/rpc')
  })
})
