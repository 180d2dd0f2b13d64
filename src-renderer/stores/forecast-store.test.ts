import { describe, expect, it } from 'vitest'
import type { ForecastResult, HmmRegimesResult, PredictionEvent, PredictionPoint } from '../../src-shared'
import { chartPredictions, createForecastStore, horizonsOf, transitionsOf } from './forecast-store'

const sel = { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '5m' as const }
const point = (id: number, time: number, horizon: number, over: Partial<PredictionPoint> = {}): PredictionPoint => ({
  id,
  modelName: `regime-btcusdt-5m-h${horizon}`,
  modelVersion: 'a'.repeat(64),
  time,
  horizon,
  probabilities: [0.2, 0.5, 0.3],
  regime: 'neutral',
  confidence: 0.1,
  quality: 0.7,
  transition: false,
  sizeMultiplier: 0.05,
  outcome: null,
  hit: null,
  ...over,
})
const forecast: ForecastResult = {
  ...sel,
  horizons: [],
  time: null,
  ageMs: null,
  stale: true,
  staleReason: 'no forecast yet',
  feed: 'replay',
}

function fakeApi(history: PredictionPoint[]) {
  const calls: string[] = []
  return {
    calls,
    api: {
      getForecast: async () => (calls.push('getForecast'), forecast),
      getPredictions: async () => (calls.push('getPredictions'), history),
      getHmmRegimes: async (q: { symbol: string; timeframe: string }): Promise<HmmRegimesResult> => (
        calls.push('getHmmRegimes'),
        {
          model: `hmm-${q.symbol.toLowerCase()}-${q.timeframe}`,
          versionId: 'h'.repeat(64),
          points: [{ time: 0, regime: 'bullish', confidence: 0.9 }],
        }
      ),
    },
  }
}

describe('forecast store', () => {
  it('shades by the HMM when asked: its regimes are read for the selection, and again with a new selection', async () => {
    const { api, calls } = fakeApi([])
    const store = createForecastStore(api, { now: () => 1000 })
    await store.getState().load(sel)
    expect(calls).not.toContain('getHmmRegimes')
    await store.getState().setShading('hmm')
    expect(store.getState().hmm?.model).toBe(`hmm-${sel.symbol.toLowerCase()}-${sel.timeframe}`)
    await store.getState().load({ ...sel, symbol: 'ETHUSDT' })
    await new Promise((r) => setTimeout(r, 0))
    expect(store.getState().hmm?.model).toBe(`hmm-ethusdt-${sel.timeframe}`)
    expect(calls.filter((c) => c === 'getHmmRegimes')).toHaveLength(2)
  })

  it('loads the forecast and history of a series and shows the shortest horizon by default', async () => {
    const { api, calls } = fakeApi([
      point(1, 0, 48),
      point(2, 0, 12),
      point(3, 300_000, 12, { transition: true, regime: 'bullish' }),
    ])
    const store = createForecastStore(api, { now: () => 1000 })
    await store.getState().load(sel)
    expect(calls).toEqual(['getForecast', 'getPredictions'])
    expect(store.getState().horizon).toBe(12)
    expect(chartPredictions(store.getState().predictions, 12).map((p) => p.id)).toEqual([2, 3])
    expect(transitionsOf(chartPredictions(store.getState().predictions, 12)).map((p) => p.id)).toEqual([3])
    expect(horizonsOf(store.getState().forecast, store.getState().predictions)).toEqual([12, 48])
  })

  it('a prediction for a series that had no regime model counts its model (the card shows forecasts)', async () => {
    const store = createForecastStore(
      { ...fakeApi([]).api, getForecast: async () => ({ ...forecast, modelCount: 0 }), getPredictions: async () => [] },
      { now: () => 5000 },
    )
    await store.getState().load(sel)
    expect(store.getState().forecast?.modelCount).toBe(0)
    store.getState().applyPrediction({ ...point(9, 600_000, 12), ...sel, currentRegime: null })
    expect(store.getState().forecast?.modelCount).toBe(1)
  })

  it('applies a prediction event of the selected series: history grows, the card turns fresh; other series are ignored', async () => {
    const { api } = fakeApi([])
    const store = createForecastStore(api, { now: () => 5000 })
    await store.getState().load(sel)
    const e: PredictionEvent = {
      ...point(9, 600_000, 12, { regime: 'bearish', probabilities: [0.75, 0.2, 0.05], transition: true }),
      ...sel,
      currentRegime: 'neutral',
    }
    store.getState().applyPrediction({ ...e, symbol: 'ETHUSDT' })
    expect(store.getState().predictions).toHaveLength(0)
    store.getState().applyPrediction(e)
    store.getState().applyPrediction(e)
    const s = store.getState()
    expect(s.predictions.map((p) => p.id)).toEqual([9])
    expect(s.forecast?.stale).toBe(false)
    expect(s.forecast?.horizons.map((h) => [h.horizon, h.regime, h.transition])).toEqual([[12, 'bearish', true]])
    expect(s.horizon).toBe(12)
  })

  it('a live prediction keeps its version’s training window and skill from the loaded forecast, not another version’s', async () => {
    const facts = {
      trainingWindow: { from: 0, to: 100_000 },
      skill: { skill: false, detail: 'log loss 1.096 ≥ majority 1.050; F1 0.340 > majority 0.223' },
    }
    const loaded: ForecastResult = {
      ...forecast,
      horizons: [{ ...point(1, 300_000, 12), currentRegime: null, ...facts }],
      time: 300_000,
    }
    const store = createForecastStore(
      { ...fakeApi([]).api, getForecast: async () => loaded, getPredictions: async () => [] },
      { now: () => 5000 },
    )
    await store.getState().load(sel)
    store.getState().applyPrediction({ ...point(2, 600_000, 12), ...sel, currentRegime: null })
    expect(store.getState().forecast?.horizons[0]).toMatchObject({ time: 600_000, ...facts })
    store
      .getState()
      .applyPrediction({ ...point(3, 900_000, 12, { modelVersion: 'b'.repeat(64) }), ...sel, currentRegime: null })
    expect(store.getState().forecast?.horizons[0].trainingWindow).toBeUndefined()
    expect(store.getState().forecast?.horizons[0].skill).toBeUndefined()
  })

  it('keeps one forecast per bar time when the history holds two versions of a horizon', () => {
    const pts = [point(1, 0, 12, { modelVersion: 'b'.repeat(64) }), point(2, 0, 12)]
    expect(chartPredictions(pts, 12).map((p) => p.id)).toEqual([2])
    expect(chartPredictions(pts, undefined)).toEqual([])
  })
})
