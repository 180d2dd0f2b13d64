import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { FeedStatusEvent, StoredBar } from '../../src-shared'
import { DEMO_WINDOWS } from '../data'
import { createCore, type WorkstationCore } from './index'

let core: WorkstationCore | undefined
let dir: string | undefined
afterEach(async () => {
  await core?.dispose()
  if (dir) rmSync(dir, { recursive: true, force: true })
  core = undefined
})

function until<T>(check: () => T | undefined, what: string, ms = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const tick = (): void => {
      const v = check()
      if (v !== undefined) return resolve(v)
      if (Number(process.hrtime.bigint() - started) / 1e6 > ms)
        return reject(new Error(`timed out waiting for ${what}`))
      setTimeout(tick, 50)
    }
    tick()
  })
}

describe('live path of the core (embedded replay → feed client → store → events)', () => {
  it('the embedded default backfills history, stores live closed bars first and publishes them with feed status', async () => {
    dir = mkdtempSync(join(tmpdir(), 'armada-live-'))
    core = createCore({ dbPath: join(dir, 'a.db'), shell: 'headless', live: { kind: 'replay', barsPerSecond: 20 } })
    core.start()
    const closed: StoredBar[] = []
    const forming: StoredBar[] = []
    const statuses: FeedStatusEvent[] = []
    const c = core
    c.subscribe('bar', (b) => {
      // Store first, then publish: a published closed bar is already queryable.
      if (!b.partial)
        expect(
          c.bars.latestBars({ symbol: b.symbol, venue: b.venue, timeframe: b.timeframe, from: b.time, to: b.time }, 1),
        ).toHaveLength(1)
      ;(b.partial ? forming : closed).push(b)
    })
    c.subscribe('status', (s) => statuses.push(s))
    await c.startLive()
    await until(() => (closed.length >= 5 ? true : undefined), '5 closed live bars')
    // The embedded default also replays the alert basket (AAPL… sorts before BTCUSD): pick the main series.
    const series = (await c.listSeries()).find((s) => s.symbol === 'BTCUSD')
    expect(series).toMatchObject({ symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' })
    // Only the out-of-sample window is replayed: nothing before the shipped models' cut-off is stored.
    expect(series!.first).toBeGreaterThanOrEqual(DEMO_WINDOWS.regime.from)
    expect(series!.count).toBeGreaterThanOrEqual(1000)
    expect(forming.length).toBeGreaterThan(0)
    const times = (await c.getBars({ symbol: 'BTCUSD', timeframe: '1h', limit: 100_000 })).map((b) => b.time)
    expect(new Set(times).size).toBe(times.length)
    expect(times.every((t, i) => i === 0 || t - times[i - 1] === 3_600_000)).toBe(true)
    const status = await c.getFeedStatus()
    expect(status).toMatchObject({ feed: 'replay', source: 'replay' })
    expect(status.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/stream\?streams=btcusd@kline_1h/)
    expect(statuses.some((s) => s.feed === 'replay')).toBe(true)
  })

  it('a restarted embedded default resumes after the bars it stored: the series keeps moving with no gap or repeat', async () => {
    dir = mkdtempSync(join(tmpdir(), 'armada-live-'))
    const dbPath = join(dir, 'a.db')
    const run = async (closedWanted: number): Promise<number> => {
      core = createCore({ dbPath, shell: 'headless', live: { kind: 'replay', barsPerSecond: 40 } })
      core.start()
      let closed = 0
      core.subscribe('bar', (b) => void (!b.partial && b.symbol === 'BTCUSD' && closed++))
      await core.startLive()
      await until(() => (closed >= closedWanted ? true : undefined), `${closedWanted} closed bars`)
      const s = (await core.listSeries()).find((x) => x.symbol === 'BTCUSD')!
      await core.dispose()
      core = undefined
      return s.last
    }
    const firstLast = await run(30)
    const secondLast = await run(5)
    expect(secondLast).toBeGreaterThan(firstLast)
    core = createCore({ dbPath, shell: 'cli' })
    core.start()
    const times = (await core.getBars({ symbol: 'BTCUSD', timeframe: '1h', limit: 100_000 })).map((b) => b.time)
    expect(times.every((t, i) => i === 0 || t - times[i - 1] === 3_600_000)).toBe(true)
  })

  it('without a live config the feed status says so', async () => {
    dir = mkdtempSync(join(tmpdir(), 'armada-live-'))
    core = createCore({ dbPath: join(dir, 'a.db'), shell: 'cli' })
    core.start()
    await core.startLive()
    expect(await core.getFeedStatus()).toEqual({ feed: 'off', detail: 'no live feed configured' })
  })
})
