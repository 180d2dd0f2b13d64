import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { RpcServerMessage } from '../../src-shared'
import { createCore, type WorkstationCore } from '../core'
import { HeadlessServer, type ServerAddress } from './index'

let core: WorkstationCore
let server: HeadlessServer
let addr: ServerAddress
let dir: string

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'armada-api-'))
  core = createCore({ dbPath: join(dir, 'a.db'), shell: 'headless' })
  core.start()
  core.bars.upsert({ symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1m' }, [
    { time: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 },
  ])
  server = new HeadlessServer(core, { port: 0 })
  addr = await server.start()
})
afterEach(async () => {
  await server.dispose()
  await core.dispose()
  rmSync(dir, { recursive: true, force: true })
})

const base = (): string => `http://127.0.0.1:${addr.port}`

/** A minimal RPC client over a real WebSocket. */
async function rpc(): Promise<{
  call(method: string, params?: unknown, token?: string): Promise<RpcServerMessage>
  events: RpcServerMessage[]
  ws: WebSocket
}> {
  const ws = new WebSocket(`ws://127.0.0.1:${addr.port}/rpc`)
  const events: RpcServerMessage[] = []
  const waiting = new Map<number, (m: RpcServerMessage) => void>()
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as RpcServerMessage
    if (m.type === 'event') events.push(m)
    if ((m.type === 'result' || m.type === 'error') && waiting.has(m.id)) waiting.get(m.id)!(m)
  })
  await new Promise((r) => ws.once('open', r))
  let next = 1
  return {
    ws,
    events,
    call: (method, params, token) =>
      new Promise((resolve) => {
        const id = next++
        waiting.set(id, resolve)
        ws.send(JSON.stringify({ type: 'call', id, method, params, token }))
      }),
  }
}

describe('HeadlessServer', () => {
  it('binds to 127.0.0.1 and prints a URL carrying the token', () => {
    expect(addr.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{48}$/)
  })

  it('answers GET /api/health without a token', async () => {
    const res = await fetch(`${base()}/api/health`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ ok: true, shell: 'headless' })
  })

  it('serves stored bars over REST and RPC identically', async () => {
    const rest = await (await fetch(`${base()}/api/bars?symbol=BTCUSDT&timeframe=1m`)).json()
    const c = await rpc()
    const viaRpc = await c.call('getBars', { symbol: 'BTCUSDT', timeframe: '1m' })
    c.ws.close()
    expect(viaRpc).toMatchObject({ type: 'result', result: rest })
    expect(rest).toHaveLength(1)
  })

  it('refuses state-changing calls without the token over RPC and REST', async () => {
    const c = await rpc()
    const denied = await c.call('setSetting', { key: 'k', value: 1 })
    expect(denied).toMatchObject({ type: 'error', error: { code: 'unauthorized' } })
    const ok = await c.call('setSetting', { key: 'k', value: 1 }, addr.token)
    expect(ok.type).toBe('result')
    c.ws.close()
    const rest = await fetch(`${base()}/api/jobs`, { method: 'POST', body: JSON.stringify({ kind: 'db.check' }) })
    expect(rest.status).toBe(401)
    const wrong = await fetch(`${base()}/api/jobs`, {
      method: 'POST',
      headers: { authorization: 'Bearer nope' },
      body: '{"kind":"db.check"}',
    })
    expect(wrong.status).toBe(401)
    expect(await core.getSetting({ key: 'k' })).toBe(1)
  })

  it('rejects malformed params with a one-line bad-request', async () => {
    const c = await rpc()
    const m = await c.call('getBars', { symbol: 'BTCUSDT', timeframe: '7x' })
    c.ws.close()
    expect(m).toMatchObject({
      type: 'error',
      error: { code: 'bad-request', message: 'getBars: unknown timeframe "7x"' },
    })
  })

  it('pushes job events to subscribers', async () => {
    const c = await rpc()
    c.ws.send(JSON.stringify({ type: 'subscribe', topic: 'job' }))
    const started = await c.call('startJob', { kind: 'db.check' }, addr.token)
    expect(started.type).toBe('result')
    const id = (started as { result: { id: string } }).result.id
    await core.jobs.wait(id)
    await new Promise((r) => setTimeout(r, 50))
    c.ws.close()
    const states = c.events
      .map((e) => (e as { event: { id: string; state: string } }).event)
      .filter((e) => e.id === id)
      .map((e) => e.state)
    expect(states[0]).toBe('running')
    expect(states.at(-1)).toBe('succeeded')
  })

  it('refuses requests whose Host is not loopback (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: addr.port, path: '/api/health', headers: { host: 'evil.example:80' } },
        (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        },
      )
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(403)
  })

  it('refuses WebSocket upgrades from a foreign origin', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${addr.port}/rpc`, { headers: { origin: 'http://evil.example' } })
    const outcome = await new Promise<string>((r) => {
      ws.once('open', () => r('open'))
      ws.once('error', () => r('refused'))
    })
    expect(outcome).toBe('refused')
  })

  it('releases event subscriptions when a client disconnects', async () => {
    const before = core.events.size
    const c = await rpc()
    c.ws.send(JSON.stringify({ type: 'subscribe', topic: 'bar' }))
    c.ws.send(JSON.stringify({ type: 'subscribe', topic: 'job' }))
    await c.call('health')
    expect(core.events.size).toBe(before + 2)
    c.ws.close()
    await new Promise((r) => setTimeout(r, 100))
    expect(core.events.size).toBe(before)
  })

  it('stops while a browser still holds an RPC socket and a request whose headers never finished', async () => {
    const c = await rpc()
    const raw = connect(addr.port, '127.0.0.1').on('error', () => {}) // reset by the server: expected
    await new Promise((r) => raw.once('connect', r))
    raw.write(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${addr.port}\r\n`)
    const rawClosed = new Promise((r) => raw.once('close', r))
    c.ws.on('error', () => {})
    const wsClosed = new Promise((r) => c.ws.once('close', r))
    // Both connections are open: close() alone would wait for them (the half-sent request until headersTimeout, 60 s).
    await server.dispose()
    await Promise.all([rawClosed, wsClosed])
    const refused = await new Promise<string>((r) => {
      const again = connect(addr.port, '127.0.0.1')
      again.once('connect', () => (again.destroy(), r('accepted')))
      again.once('error', (e: NodeJS.ErrnoException) => r(e.code ?? 'error'))
    })
    expect(refused).toBe('ECONNREFUSED')
  })

  it('refuses a tokenless POST with 401 without parsing its body', async () => {
    for (const path of [
      '/api/rpc/setSetting',
      '/api/jobs',
      '/api/jobs/x/cancel',
      '/api/alerts/x/ack',
      '/api/ml/models/retrain',
      '/api/uploads?name=a.csv',
    ]) {
      const res = await fetch(`${base()}${path}`, { method: 'POST', body: '{' })
      expect({ path, status: res.status }).toEqual({ path, status: 401 })
    }
    const oversized = await fetch(`${base()}/api/rpc/setSetting`, { method: 'POST', body: 'x'.repeat(5 << 20) })
    expect(oversized.status).toBe(401)
  })

  it('answers a tokenless POST before its body is sent', async () => {
    const raw = connect(addr.port, '127.0.0.1')
    await new Promise((r) => raw.once('connect', r))
    // Headers only: a server that reads the body first would wait for the 1000 bytes announced.
    raw.write(
      `POST /api/rpc/setSetting HTTP/1.1\r\nHost: 127.0.0.1:${addr.port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
    )
    const head = await new Promise<string>((r) => raw.once('data', (d) => r(String(d))))
    raw.destroy()
    expect(head).toMatch(/^HTTP\/1\.1 401 /)
  })

  it('answers malformed paths with 400, not 500', async () => {
    const ui = join(dir, 'ui')
    mkdirSync(ui)
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Armada</title>')
    const withUi = new HeadlessServer(core, { port: 0, staticDir: ui })
    const { port } = await withUi.start()
    try {
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200)
      for (const path of ['/%ff', '/assets/%e0%a4%a', '/api/models/%ff', '/%2e%2e%2fpackage.json']) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`)
        expect({ path, status: res.status }).toEqual({ path, status: 400 })
      }
    } finally {
      await withUi.dispose()
    }
    const ack = await fetch(`${base()}/api/alerts/%ff/ack`, {
      method: 'POST',
      headers: { authorization: `Bearer ${addr.token}` },
    })
    expect(ack.status).toBe(400)
  })

  it('answers unknown names with 400 or 404, not 500', async () => {
    const get = async (path: string): Promise<number> => (await fetch(`${base()}${path}`)).status
    expect(await get('/api/ml/features/current?symbol=BTCUSDT&timeframe=1m&set=bogus')).toBe(400)
    expect(await get('/api/ml/features/current?symbol=NOPE&timeframe=1m&set=regime')).toBe(404)
    const post = async (path: string, body?: unknown): Promise<number> =>
      (
        await fetch(`${base()}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${addr.token}` },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
      ).status
    expect(await post('/api/jobs', { kind: 'bogus' })).toBe(400)
    expect(await post('/api/jobs', { kind: 'constructor' })).toBe(400)
    expect(await post('/api/jobs/no-such-job/cancel')).toBe(404)
    expect(await post('/api/rpc/getBacktest', { id: 99999 })).toBe(404)
    expect(await post('/api/rpc/importFiles', { uploads: ['00000000-0000-4000-8000-000000000000'] })).toBe(404)
    expect(
      await post('/api/rpc/runBacktest', { strategy: 'bogus', symbols: ['BTCUSDT'], timeframe: '1m', ml: false }),
    ).toBe(400)
    expect(await post('/api/rpc/setAlertModelMuted', { modelName: 'bogus', muted: true })).toBe(404)
  })

  it('serves the core’s metrics at /metrics with the RPC client count, and 404 when it has none', async () => {
    expect((await fetch(`${base()}/metrics`)).status).toBe(404)
    const withMetrics = new HeadlessServer(core, { port: 0, metrics: core.metrics! })
    const { port } = await withMetrics.start()
    const ws = new WebSocket(`ws://127.0.0.1:${port}/rpc`)
    await new Promise((r) => ws.once('open', r))
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
      const text = await res.text()
      expect(text).toMatch(/^armada_rpc_clients 1$/m)
      expect(text).toMatch(/^armada_bars_stored\{symbol="BTCUSDT",venue="BINANCE",timeframe="1m"\} 1$/m)
      expect(text).toMatch(/^# TYPE armada_live_latency_seconds histogram$/m)
    } finally {
      ws.close()
      await withMetrics.dispose()
    }
    expect(core.metrics!.rpcClients).toBeUndefined()
  })

  it('refuses a fixed token shorter than 16 characters', () => {
    expect(() => new HeadlessServer(core, { port: 0, token: 'a' })).toThrow(
      'the session token must have at least 16 characters (it has 1)',
    )
    expect(() => new HeadlessServer(core, { port: 0, token: 'sixteen chars ok' })).toThrow(/visible ASCII/)
    expect(() => new HeadlessServer(core, { port: 0, token: 'sixteen-chars-ok' })).not.toThrow()
  })
})
