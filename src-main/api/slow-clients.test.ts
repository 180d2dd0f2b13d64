import { mkdtempSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createCore, type WorkstationCore } from '../core'
import { HeadlessServer, type ConnectionLimits } from './index'

// Slow and idle clients against a real server on 127.0.0.1, with short limits: the tests assert that sockets close,
// never how fast (bench/robustness-http.ts measures that against `armada serve`).

const SHORT: Partial<ConnectionLimits> = {
  headersTimeoutMs: 300,
  requestTimeoutMs: 1000,
  keepAliveTimeoutMs: 200,
  rpcHeartbeatMs: 100,
}

let core: WorkstationCore
let dir: string
const servers: HeadlessServer[] = []
const sockets: Socket[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-slow-'))
  core = createCore({ dbPath: join(dir, 'a.db'), shell: 'headless' })
  core.start()
})
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  for (const s of servers.splice(0)) await s.dispose()
  await core.dispose()
  rmSync(dir, { recursive: true, force: true })
})

async function serve(limits: Partial<ConnectionLimits>): Promise<number> {
  const server = new HeadlessServer(core, { port: 0, limits })
  servers.push(server)
  return (await server.start()).port
}

/** A raw TCP connection; `closed` resolves when the server ends it, with everything it sent. */
async function open(port: number): Promise<{ socket: Socket; closed: Promise<string>; received: () => string }> {
  const socket = connect(port, '127.0.0.1')
  sockets.push(socket)
  let data = ''
  socket.on('data', (d) => (data += String(d)))
  socket.on('error', () => {}) // a reset is one way of being closed
  const closed = new Promise<string>((r) => socket.once('close', () => r(data)))
  await new Promise((r) => socket.once('connect', r))
  return { socket, closed, received: () => data }
}

describe('HeadlessServer: slow and idle clients', () => {
  it('closes a wave of slowloris sockets whose headers never finish, and one that sends nothing', async () => {
    const port = await serve(SHORT)
    const wave = await Promise.all(Array.from({ length: 50 }, () => open(port)))
    for (const c of wave) c.socket.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: a`)
    const silent = await open(port)
    const answers = await Promise.all([...wave, silent].map((c) => c.closed))
    expect(answers.filter((a) => a === '' || a.startsWith('HTTP/1.1 408'))).toHaveLength(51)
  })

  it('closes an idle keep-alive connection after its response', async () => {
    const port = await serve(SHORT)
    const c = await open(port)
    c.socket.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`)
    expect(await c.closed).toMatch(/^HTTP\/1\.1 200 /)
  })

  it('closes a connection over the cap at once, keeping those within it', async () => {
    const port = await serve({ maxConnections: 2, keepAliveTimeoutMs: 60_000 })
    const held = [await open(port), await open(port)]
    for (const c of held) c.socket.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
    // Both answered: the server has accepted them, and keeps them alive.
    await Promise.all(held.map((c) => new Promise<void>((r) => c.socket.once('data', () => r()))))
    const extra = await open(port)
    extra.socket.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
    expect(await extra.closed).toBe('')
    expect(held.map((c) => c.socket.destroyed)).toEqual([false, false])
  })

  it('refuses an RPC WebSocket over the cap with 503', async () => {
    const port = await serve({ maxRpcClients: 2 })
    const connectRpc = (): Promise<{ ws: WebSocket; outcome: string }> =>
      new Promise((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc`)
        ws.once('open', () => resolve({ ws, outcome: 'open' }))
        ws.once('unexpected-response', (_req, res) => resolve({ ws, outcome: String(res.statusCode) }))
        ws.once('error', () => resolve({ ws, outcome: 'error' }))
      })
    const a = await connectRpc()
    const b = await connectRpc()
    const c = await connectRpc()
    expect([a.outcome, b.outcome, c.outcome]).toEqual(['open', 'open', '503'])
    a.ws.close()
    b.ws.close()
  })

  it('closes an RPC socket that stops answering pings, and keeps one that answers', async () => {
    const port = await serve(SHORT)
    const live = new WebSocket(`ws://127.0.0.1:${port}/rpc`)
    await new Promise((r) => live.once('open', r))
    // A raw upgrade that then reads nothing and answers no ping: a peer gone or stalled.
    const mute = await open(port)
    mute.socket.write(
      `GET /rpc HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    )
    expect(await mute.closed).toMatch(/^HTTP\/1\.1 101 /)
    // The answering socket has seen pings after the mute one was dropped, and is still open.
    let pings = 0
    await new Promise<void>((r) => live.on('ping', () => ++pings === 3 && r()))
    expect(live.readyState).toBe(WebSocket.OPEN)
    live.close()
  })
})
