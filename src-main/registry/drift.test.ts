import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../src-shared'
import type { TrainedModel } from '../ml'
import { openDatabase, type Db } from '../store'
import { binProportions, ModelRegistry, psi, psiLevel, quantileEdges, type RetrainingPolicy } from './index'
import { btcTable, freqtradeTable, rows, tempDir, train } from './registry.test-support'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const t = btcTable()
const F = t.features.length
const trainRows = rows(t, 0, 6000)
const holdout = rows(t, 6200, 7000)
/** Every 6th training row: the same distribution the reference was taken from. */
const sameDistribution = (() => {
  const idx = Array.from({ length: 1000 }, (_, i) => i * 6)
  const x = new Float32Array(idx.length * F)
  idx.forEach((r, q) => x.set(trainRows.x.subarray(r * F, (r + 1) * F), q * F))
  return { x, n: idx.length, y: Int32Array.from(idx, (r) => trainRows.y[r]) }
})()
let model: TrainedModel
const tmp = tempDir()
const dbs: Db[] = []
const regs: ModelRegistry[] = []

beforeAll(async () => {
  model = await train('gbdt', t, trainRows, { seed: 4 })
})
afterAll(async () => {
  for (const r of regs) await r.dispose()
  for (const d of dbs) d.close()
  tmp.cleanup()
})

async function setup(file: string): Promise<{ reg: ModelRegistry; clock: ManualClock; champion: string }> {
  const db = openDatabase(join(tmp.dir, file))
  const clock = new ManualClock(Date.UTC(2024, 0, 1))
  const reg = new ModelRegistry(db, clock)
  dbs.push(db)
  regs.push(reg)
  const champion = (await reg.register({ onnx: model.onnx, trainingData: trainRows, holdout })).version.id
  reg.promote(champion, { reason: 'first' })
  return { reg, clock, champion }
}

describe('PSI', () => {
  it('is 0 for identical proportions and follows the DOMAIN.md levels', () => {
    expect(psi([0.25, 0.25, 0.5], [0.25, 0.25, 0.5])).toBe(0)
    expect(psi([0.5, 0.5], [0.6, 0.4])).toBeCloseTo(0.1 * Math.log(1.5), 12)
    expect([psiLevel(0.05), psiLevel(0.1), psiLevel(0.2), psiLevel(0.21)]).toEqual([
      'stable',
      'watch',
      'watch',
      'drift',
    ])
  })

  it('bins by quantile edges with missing values counted apart', () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, NaN, NaN]
    const edges = quantileEdges(v, 5)
    expect(edges).toEqual([3, 5, 7, 9])
    const b = binProportions(v, edges)
    expect(b.proportions).toEqual([0.3, 0.2, 0.2, 0.2, 0.1])
    expect(b.missing).toBeCloseTo(2 / 12, 12)
  })
})

describe('drift, decay, anomalies and health', () => {
  it('features from the training distribution are healthy', async () => {
    const { reg } = await setup('stable.db')
    const r = await reg.checkDrift('btc-regime', {
      x: sameDistribution.x,
      n: sameDistribution.n,
      outcomes: sameDistribution.y,
    })
    expect(r.driftedFeatures).toEqual([])
    expect(r.features.every((f) => f.psi < 0.1)).toBe(true)
    expect(r.predictions!.level).toBe('stable')
    expect(r.performance!.decayed).toBe(false)
    expect(r.health).toBe('healthy')
  })

  it('forced drift: ETH/BTC 5m bars (freqtrade) against the BTC 1h model flip health and trigger the retraining policy, which registers a challenger and keeps the champion', async () => {
    const { reg, clock, champion } = await setup('forced.db')
    const policy: RetrainingPolicy = {
      window: { kind: 'sliding', lengthMs: 180 * DAY },
      cadenceMs: 30 * DAY,
      triggers: ['drift', 'decay'],
    }
    reg.setRetrainingPolicy('btc-regime', policy)
    expect(reg.retrainingDue('btc-regime')).toEqual([])
    const notDue = await reg.runRetraining('btc-regime', () => Promise.reject(new Error('must not train')), {
      start: t.time[0],
      end: t.time[t.n - 1],
    })
    expect(notDue.ran).toBe(false)

    clock.advance(HOUR)
    const eth = freqtradeTable('spot', 'ETH_BTC-5m.json.gz')
    const r = await reg.checkDrift('btc-regime', rows(eth, 0, 1000))
    expect(['degrading', 'failed']).toContain(r.health)
    expect(r.driftedFeatures.length).toBeGreaterThan(F / 2)
    expect(r.drift).toBe(true)
    expect(r.reasons.join(' ')).toMatch(/features drifted/)
    expect(reg.healthHistory('btc-regime')[0]).toEqual(r)

    clock.advance(HOUR)
    const due = reg.retrainingDue('btc-regime')
    expect(due[0]).toMatch(/^drift: health/)
    const asked: { from: number; to: number }[] = []
    const run = await reg.runRetraining(
      'btc-regime',
      async (req) => {
        asked.push(req.window)
        expect(req.parent).toBe(champion)
        const from = t.time.findIndex((x) => x >= req.window.from)
        const to = t.time.findIndex((x) => x >= req.window.to)
        const fresh = rows(t, from, to)
        const m = await train('gbdt', t, fresh, { seed: 5 })
        return { onnx: m.onnx, trainingData: fresh, lineage: { symbols: ['BTCUSD.COINBASE'] } }
      },
      { start: t.time[0], end: t.time[9000] },
    )
    expect(run.ran).toBe(true)
    expect(asked).toEqual([{ from: t.time[9000] - 180 * DAY, to: t.time[9000] }])
    expect(run.version!.lineage).toMatchObject({
      parent: champion,
      trainingWindow: asked[0],
      symbols: ['BTCUSD.COINBASE'],
    })
    expect(reg.aliases('btc-regime')).toEqual({ champion, challenger: run.version!.id })
    expect(reg.history('btc-regime', 'challenger').at(-1)).toMatchObject({ actor: 'retraining', to: run.version!.id })
    expect(reg.retrainingDue('btc-regime')).toEqual([])
  })

  it('performance decay (recent F1 < 0.9 × validation F1) fails the model', async () => {
    const { reg } = await setup('decay.db')
    const v = reg.get(reg.aliases('btc-regime').champion!)
    const shifted = Int32Array.from(sameDistribution.y, (y) => (y + 1) % 3)
    const r = await reg.checkDrift('btc-regime', { x: sameDistribution.x, n: sameDistribution.n, outcomes: shifted })
    expect(r.performance!.validationF1).toBe(v.metrics.validation!.f1)
    expect(r.performance!.recentF1).toBeLessThan(0.9 * v.metrics.validation!.f1)
    expect(r.decay).toBe(true)
    expect(r.health).toBe('failed')
    expect(r.reasons[0]).toMatch(/performance decay/)
  })

  it('flags > 20 % missing features and > 90 % identical predictions as anomalies', async () => {
    const { reg } = await setup('anomaly.db')
    const x = sameDistribution.x.slice()
    for (let i = 0; i < sameDistribution.n; i++) for (let j = 0; j < 5; j++) x[i * F + j] = NaN
    const missing = await reg.checkDrift('btc-regime', { x, n: sameDistribution.n })
    expect(missing.anomalies.join()).toMatch(/31.3 % of feature values are missing/)
    expect(missing.health).toBe('failed')
    const one = new Float32Array(300 * F)
    for (let i = 0; i < 300; i++) one.set(sameDistribution.x.subarray(0, F), i * F)
    const identical = await reg.checkDrift('btc-regime', { x: one, n: 300 })
    expect(identical.anomalies.join()).toMatch(/100.0 % of predictions are/)
    expect(reg.healthHistory('btc-regime').map((h) => h.health)).toEqual(['failed', 'failed'])
  })

  it('a scheduled retraining is due once the cadence has passed since the champion was registered', async () => {
    const { reg, clock } = await setup('schedule.db')
    reg.setRetrainingPolicy('btc-regime', { window: { kind: 'expanding' }, cadenceMs: 7 * DAY, triggers: ['schedule'] })
    clock.advance(6 * DAY)
    expect(reg.retrainingDue('btc-regime')).toEqual([])
    clock.advance(DAY)
    expect(reg.retrainingDue('btc-regime')[0]).toMatch(/^schedule: 168.0 h since the champion/)
    const run = await reg.runRetraining(
      'btc-regime',
      async (req) => {
        expect(req.window).toEqual({ from: t.time[0], to: t.time[7000] })
        const m = await train('logreg', t, rows(t, 0, 7000), { C: 0.3 })
        return { onnx: m.onnx }
      },
      { start: t.time[0], end: t.time[7000] },
    )
    expect(run.ran).toBe(true)
    expect(reg.retrainingDue('btc-regime')).toEqual([])
    expect(() =>
      reg.setRetrainingPolicy('btc-regime', { window: { kind: 'sliding', lengthMs: 0 }, cadenceMs: DAY, triggers: [] }),
    ).toThrow(/lengthMs > 0/)
  })
})
