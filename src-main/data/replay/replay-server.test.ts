import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { systemClock, type Bar } from '../../../src-shared'
import { ReplayServer } from './replay-server'

const bars: Bar[] = Array.from({ length: 20 }, (_, i) => ({
  time: i * 60_000,
  open: 1,
  high: 2,
  low: 0.5,
  close: 1.5,
  volume: 1,
}))
let server: ReplayServer | undefined
afterEach(async () => {
  await server?.stop()
  server = undefined
})

async function start(): Promise<number> {
  server = new ReplayServer(
    { bars: [{ symbol: 'BTCUSDT', timeframe: '1m', bars }] },
    { speed: { barsPerSecond: 1 }, startIndex: 10, startOnConnect: false },
    systemClock,
  )
  return (await server.start()).port
}

/** Opens a real WebSocket with the given headers: 'open', or the HTTP status the upgrade was refused with. */
function upgrade(port: number, headers: Record<string, string>): Promise<string> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/stream?streams=btcusdt@kline_1m`, { headers })
  return new Promise((resolve) => {
    ws.once('open', () => {
      ws.close()
      resolve('open')
    })
    ws.once('unexpected-response', (_req, res) => resolve(String(res.statusCode)))
    ws.once('error', () => resolve('error'))
  })
}

function get(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('ReplayServer: loopback Host and same-origin checks (real sockets on 127.0.0.1)', () => {
  it('accepts the feed client (no Origin) and a page of its own origin', async () => {
    const port = await start()
    expect(await upgrade(port, {})).toBe('open')
    expect(await upgrade(port, { origin: `http://localhost:${port}` })).toBe('open')
  })

  it('refuses a WebSocket upgrade from a foreign Origin', async () => {
    const port = await start()
    expect(await upgrade(port, { origin: 'http://evil.example' })).toBe('403')
    expect(await upgrade(port, { origin: 'null' })).toBe('403')
  })

  it('refuses a WebSocket upgrade and REST klines whose Host is not loopback (DNS rebinding)', async () => {
    const port = await start()
    expect(await upgrade(port, { host: `evil.example:${port}` })).toBe('403')
    expect(await get(port, '/api/v3/klines?symbol=BTCUSDT&interval=1m', `evil.example:${port}`)).toBe(403)
    expect(await get(port, '/api/v3/klines?symbol=BTCUSDT&interval=1m', `127.0.0.1:${port}`)).toBe(200)
  })
})
