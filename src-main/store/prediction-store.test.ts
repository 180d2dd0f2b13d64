import { describe, expect, it } from 'vitest'
import { openDatabase } from './database'
import { SqlitePredictionStore, type NewPrediction } from './prediction-store'

const KEY = { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '5m' as const }
const base: NewPrediction = {
  modelVersion: 'v1',
  modelName: 'regime-btcusdt-5m-h12',
  ...KEY,
  time: 1_000,
  horizon: 12,
  targetTime: 1_000 + 12 * 300_000,
  probabilities: [0.2, 0.3, 0.5],
  confidence: 0.1,
  quality: 0.7,
  transition: false,
  sizeMultiplier: 0.05,
  currentRegime: 1,
  close: 100,
  sigma: 0.01,
}

describe('SqlitePredictionStore', () => {
  it('stores a forecast once per version and bar, lists it, and resolves it when its target bar is due', () => {
    const db = openDatabase(':memory:')
    const s = new SqlitePredictionStore(db)
    expect(s.insert(base)).toBe(1)
    expect(s.insert(base)).toBeNull()
    expect(s.insert({ ...base, time: 301_000, targetTime: base.targetTime + 300_000 })).toBe(2)
    expect(s.due(KEY, base.targetTime - 1)).toHaveLength(0)
    const due = s.due(KEY, base.targetTime)
    expect(due.map((p) => p.time)).toEqual([1_000])
    s.resolve(due[0].id, 2, true, 5)
    expect(s.due(KEY, base.targetTime + 300_000).map((p) => p.time)).toEqual([301_000])
    const all = s.range(KEY)
    expect(all[0]).toMatchObject({
      outcome: 2,
      hit: true,
      resolvedAt: 5,
      probabilities: [0.2, 0.3, 0.5],
      transition: false,
    })
    expect(s.latest(KEY, 12)?.time).toBe(301_000)
    expect(s.range(KEY, 2_000).map((p) => p.time)).toEqual([301_000])
    db.close()
  })
})
