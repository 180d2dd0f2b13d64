import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OnnxInferenceEngine } from '../ml'
import { ModelRegistry } from '../registry'
import { openDatabase, type Db } from '../store'
import { leanHourlyBasket } from './alert-test-basket.test-support'
import { trainAlertModels, type AlertModelResult } from './alert-training'

const clock = { now: () => 1_700_000_000_000 }
let dir: string
let db: Db
let results: AlertModelResult[]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'armada-alerts-'))
  db = openDatabase(join(dir, 'a.db'))
  const basket = leanHourlyBasket(9_000)
  const r = await trainAlertModels(db, clock, {
    basket,
    assets: ['SPY', 'AAPL', 'IBM', 'VXX'],
    timeframe: '1h',
    barsPerYear: 252 * 7,
    types: ['CORRELATION_BREAKDOWN', 'VOLATILITY_SPIKE_IMMINENT'],
    horizonsHours: [12],
    rf: { n_estimators: 8 },
    gbdt: { n_estimators: 10 },
  })
  results = r.results
}, 60_000)
afterAll(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('trainAlertModels on the LEAN hourly basket (SPY lead, AAPL, IBM, VXX)', () => {
  it('registers one rf 0.6 + gbdt 0.4 model per (type, horizon) as champion with walk-forward metrics next to baselines', () => {
    expect(results.map((r) => r.name)).toEqual([
      'alerts-correlation-breakdown-h12h',
      'alerts-volatility-spike-imminent-h12h',
    ])
    for (const r of results) {
      expect(r.alias).toBe('champion')
      expect(r.baseRate).toBeGreaterThan(0)
      expect(r.baseRate).toBeLessThan(1)
      expect(r.baseline.majority.n).toBe(r.walkForward.n)
      expect(r.baseline.knownPersistence.n).toBe(r.walkForward.n)
      expect(r.walkForward.rocAuc).toBeGreaterThan(0.3)
    }
  })

  it('scores the registered merged model on the 19 alerts features with probabilities that sum to 1', async () => {
    const registry = new ModelRegistry(db, clock)
    const engine = new OnnxInferenceEngine()
    try {
      const v = registry.get(results[0].versionId)
      expect(v.card.predictor).toBe('alerts')
      expect(v.card.features).toHaveLength(19)
      engine.load(v.id, registry.onnx(v.id))
      const s = await engine.score(v.id, new Float32Array(19).fill(0.2), 1)
      expect(s.probabilities[0] + s.probabilities[1]).toBeCloseTo(1, 5)
    } finally {
      await engine.dispose()
      await registry.dispose()
    }
  })
})
