import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../src-shared'
import type { TrainedModel } from '../ml'
import { openDatabase, type Db } from '../store'
import { ModelRegistry, pairedBootstrap } from './index'
import { btcTable, momentumLabel, rows, tempDir, train } from './registry.test-support'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const H = 12 * HOUR
const t = btcTable()
const label = momentumLabel(t)
const replay = rows(t, 8000, 8400, label)
let weak: TrainedModel
let strong: TrainedModel
const tmp = tempDir()
const dbs: Db[] = []
const regs: ModelRegistry[] = []

beforeAll(async () => {
  // Champion: heavily regularised logistic regression on few rows; challenger: GBDT on many. Same easy task.
  weak = await train('logreg', t, rows(t, 0, 300, label), { C: 1e-4, seed: 1 }, 'btc-momentum', ['down', 'up'])
  strong = await train('gbdt', t, rows(t, 0, 6000, label), { seed: 1 }, 'btc-momentum', ['down', 'up'])
})
afterAll(async () => {
  for (const r of regs) await r.dispose()
  for (const d of dbs) d.close()
  tmp.cleanup()
})

async function setup(
  file: string,
  startAt: number,
): Promise<{ reg: ModelRegistry; clock: ManualClock; champion: string; challenger: string }> {
  const db = openDatabase(join(tmp.dir, file))
  const clock = new ManualClock(startAt - DAY)
  const reg = new ModelRegistry(db, clock)
  dbs.push(db)
  regs.push(reg)
  const champion = (await reg.register({ onnx: weak.onnx })).version.id
  const challenger = (await reg.register({ onnx: strong.onnx })).version.id
  reg.promote(champion, { reason: 'first' })
  reg.promote(challenger, { alias: 'challenger', reason: 'retrained' })
  clock.set(startAt)
  return { reg, clock, champion, challenger }
}

describe('paired bootstrap', () => {
  it('is seeded: the same inputs and seed give the same confidence', () => {
    const y = Int32Array.from({ length: 120 }, (_, i) => i % 2)
    const a = Float64Array.from({ length: 240 }, (_, i) => (i % 2 ? 0.45 : 0.55))
    const b = Float64Array.from({ length: 240 }, (_, i) => ((i >> 1) % 3 ? (i % 2 === y[i >> 1] ? 0.7 : 0.3) : 0.5))
    expect(pairedBootstrap(y, a, b, 2, { seed: 5 })).toEqual(pairedBootstrap(y, a, b, 2, { seed: 5 }))
    const same = pairedBootstrap(y, a, a, 2, { seed: 5 })
    expect(same.confidenceBBetterF1).toBe(0.5)
  })
})

describe('A/B (shadow) test on replayed BTC bars', () => {
  it('declares no winner at 99 resolved outcomes despite a clear edge, declares the challenger at 100 and promotes it when enabled', async () => {
    const start = replay.time[0]
    const { reg, clock, champion, challenger } = await setup('ab.db', start)
    const test = reg.startAbTest('btc-momentum', { horizonMs: H, autoPromote: true })
    const pa = weak.predict(replay.x, replay.n)
    const pb = strong.predict(replay.x, replay.n)
    let resolved = 0
    let atCheck: ReturnType<typeof test.status> | undefined
    for (let i = 0; i < replay.n && test.status().status === 'running'; i++) {
      // Bar i closes: both models score it; outcomes of bars whose horizon has passed resolve.
      clock.set(replay.time[i] + HOUR)
      test.record(replay.time[i], pa.slice(i * 2, i * 2 + 2), pb.slice(i * 2, i * 2 + 2))
      for (let j = resolved; j < i && replay.time[j] + H <= clock.now(); j++, resolved++) {
        const s = test.resolve(replay.time[j], replay.y[j])
        if (s.resolved === 99) atCheck = s
      }
    }
    expect(atCheck).toMatchObject({ status: 'running', resolved: 99 })
    expect(atCheck?.winner).toBeUndefined()
    const end = test.status()
    expect(end.status).toBe('won')
    expect(end.resolved).toBe(100)
    expect(end.winner).toBe(challenger)
    expect(end.comparison!.confidenceBBetterF1).toBeGreaterThanOrEqual(0.95)
    expect(end.comparison!.f1B).toBeGreaterThan(end.comparison!.f1A)
    expect(end.comparison!.logLossB).toBeLessThan(end.comparison!.logLossA)
    expect(end.promoted).toBe(true)
    expect(reg.aliases('btc-momentum').champion).toBe(challenger)
    const last = reg.history('btc-momentum', 'champion').at(-1)!
    expect(last).toMatchObject({ from: champion, to: challenger, actor: 'ab-test', kind: 'promote' })
    expect(last.detail).toMatchObject({ abTest: test.id })
    // The clear edge was there well before 100: the threshold, not the data, held the decision back.
    const early = pairedBootstrap(replay.y.slice(0, 99), pa.slice(0, 198), pb.slice(0, 198), 2, { seed: 1 })
    expect(early.confidenceBBetterF1).toBeGreaterThanOrEqual(0.95)
  })

  it('refuses an outcome before its horizon has passed', async () => {
    const { reg, clock } = await setup('ab-horizon.db', replay.time[0])
    const test = reg.startAbTest('btc-momentum', { horizonMs: H })
    clock.set(replay.time[0] + HOUR)
    test.record(replay.time[0], [0.4, 0.6], [0.3, 0.7])
    expect(() => test.resolve(replay.time[0], 1)).toThrow(/is due at/)
    clock.set(replay.time[0] + H)
    expect(test.resolve(replay.time[0], 1).resolved).toBe(1)
    expect(() => reg.startAbTest('btc-momentum', { horizonMs: H })).toThrow(/already has a running A\/B test/)
  })

  it('ends after 7 days without a winner, and a test left running for more than 14 days is flagged stale', async () => {
    const start = replay.time[0]
    const { reg, clock, champion } = await setup('ab-expire.db', start)
    const test = reg.startAbTest('btc-momentum', { horizonMs: H })
    const p = [0.5, 0.5]
    for (let i = 0; i < 20; i++) test.record(start + i * HOUR, p, p)
    clock.set(start + 15 * DAY)
    expect(reg.abTests('btc-momentum')[0]).toMatchObject({ status: 'running', stale: true })
    const s = test.record(start + 15 * DAY, p, p)
    expect(s).toMatchObject({ status: 'expired', stale: false, recorded: 20 })
    expect(s.reason).toMatch(/ended after 7 days without a winner/)
    expect(reg.aliases('btc-momentum').champion).toBe(champion)
    const ended = reg.abTests('btc-momentum')[0]
    expect(ended.endedAt).toBe(start + 15 * DAY)
  })

  it('two identical models never produce a winner, however many outcomes resolve', async () => {
    const start = replay.time[0]
    const { reg, clock } = await setup('ab-tie.db', start)
    const test = reg.startAbTest('btc-momentum', { horizonMs: H })
    const pb = strong.predict(replay.x, 150)
    for (let i = 0; i < 150; i++) test.record(replay.time[i], pb.slice(i * 2, i * 2 + 2), pb.slice(i * 2, i * 2 + 2))
    clock.set(replay.time[149] + H)
    const s = test.resolveDue((time) => replay.y[replay.time.indexOf(time)])
    expect(s.resolved).toBe(150)
    expect(s.status).toBe('running')
    expect(s.reason).toMatch(/no winner yet/)
  })
})
