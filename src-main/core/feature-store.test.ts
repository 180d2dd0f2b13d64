import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Bar } from '../../src-shared'
import { loadReplayDataset } from '../data'
import { barsToColumns, computeFeatures } from '../features'
import { testData } from '../testing'
import { createCore, type WorkstationCore } from './index'

const key = { symbol: 'XRPUSDT', venue: 'BINANCE', timeframe: '1h' as const }
let bars: readonly Bar[]
let core: WorkstationCore
let dir: string

beforeEach(() => {
  bars = loadReplayDataset([testData('freqtrade', 'futures', 'XRP_USDT_USDT-1h-futures.json')]).bars[0].bars
  dir = mkdtempSync(join(tmpdir(), 'armada-featstore-'))
  core = createCore({ dbPath: join(dir, 'a.db'), shell: 'cli' })
  core.start()
})
afterEach(async () => {
  await core.dispose()
  rmSync(dir, { recursive: true, force: true })
})

function cachedRows(): number {
  return (core.database.prepare('SELECT count(*) AS n FROM feature_cache').get() as { n: number }).n
}

describe('feature store (SQLite cache of feature sets)', () => {
  it('computes once, then serves identical rows from the cache', () => {
    core.bars.upsert(key, bars)
    const first = core.features.get(key, 'regime', 300)
    expect(first.cached).toBe(false)
    expect(cachedRows()).toBe(bars.length)
    const second = core.features.get(key, 'regime', 300)
    expect(second.cached).toBe(true)
    expect(Array.from(second.time)).toEqual(Array.from(first.time))
    expect(Array.from(second.data)).toEqual(Array.from(first.data))
    expect(first.names).toHaveLength(43)
  })

  it('a changed bar invalidates its row and every later one, and the recomputation reflects the change', () => {
    core.bars.upsert(key, bars)
    const before = core.features.get(key, 'regime', bars.length)
    const i = bars.length - 100
    core.bars.upsert(key, [
      { ...bars[i], close: bars[i].close * 1.05, high: Math.max(bars[i].high, bars[i].close * 1.05) },
    ])
    expect(cachedRows()).toBe(i)
    const after = core.features.get(key, 'regime', bars.length)
    expect(after.cached).toBe(false)
    const f = after.names.length
    expect(Array.from(after.data.subarray(0, i * f))).toEqual(Array.from(before.data.subarray(0, i * f)))
    expect(Array.from(after.data.subarray(i * f, (i + 1) * f))).not.toEqual(
      Array.from(before.data.subarray(i * f, (i + 1) * f)),
    )
  })

  it('re-importing identical bars keeps the cache', () => {
    core.bars.upsert(key, bars)
    core.features.get(key, 'regime', 10)
    core.bars.upsert(key, bars)
    expect(cachedRows()).toBe(bars.length)
  })

  it('live closed bars update the cache incrementally with the same values as batch over full history', () => {
    const live = 40
    core.bars.upsert(key, bars.slice(0, -live))
    core.features.get(key, 'regime', 10)
    core.features.follow(key, 'regime')
    for (const b of bars.slice(-live)) {
      core.bars.upsert(key, [b]) // store first, then publish (as the feed does)
      core.events.publish('bar', { ...b, ...key })
    }
    expect(cachedRows()).toBe(bars.length)
    const served = core.features.get(key, 'regime', live)
    expect(served.cached).toBe(true)
    const batch = computeFeatures({ ...key, set: 'regime', bars: barsToColumns(bars) })
    const f = batch.names.length
    const expected = batch.data.subarray((bars.length - live) * f)
    for (let j = 0; j < expected.length; j++) {
      if (Number.isNaN(expected[j])) expect(served.data[j]).toBeNaN()
      else expect(Math.abs(served.data[j] - expected[j])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected[j])))
    }
  })

  it('serves getFeatures over the api with nulls for missing values', async () => {
    core.bars.upsert(key, bars)
    const t = await core.getFeatures({ symbol: 'XRPUSDT', timeframe: '1h', set: 'battle-navale', limit: 5 })
    expect(t.rows).toHaveLength(5)
    expect(t.rows[0]).toHaveLength(t.names.length)
    expect(t.rows.flat().every((v) => v === null || Number.isFinite(v))).toBe(true)
    await expect(core.getFeatures({ symbol: 'XRPUSDT', timeframe: '1h', set: 'nope' })).rejects.toThrow(
      /unknown feature set/,
    )
  })
})

describe('feature cache invalidation on inserted bars', () => {
  it('a bar inserted into the middle of history (a backfilled gap) invalidates rows from its time on', () => {
    const gap = bars.length - 30
    core.bars.upsert(key, [...bars.slice(0, gap), ...bars.slice(gap + 1)])
    core.features.get(key, 'regime', 10)
    expect(cachedRows()).toBe(bars.length - 1)
    core.bars.bulkUpsert(key, [bars[gap]])
    expect(cachedRows()).toBe(gap)
    expect(core.features.get(key, 'regime', 10).cached).toBe(false)
  })
})
