import { describe, expect, it } from 'vitest'
import { ForestTrainer, type Dataset } from './index'

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
    const d = table([new Array(n).fill(3), informative, new Array(n).fill(-1)], informative.map((v) => (v >= 120 ? 1 : 0)))
    for (let seed = 0; seed < 12; seed++) {
      const m = await new ForestTrainer(false).fit(d, { n_estimators: 1, bootstrap: false, max_features: 1, max_depth: 1, seed })
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
    const d = table([xs], xs.map((v) => (v > 510 ? 1 : 0)))
    const m = await new ForestTrainer(false).fit(d, { ...oneTree, max_depth: 1, max_bin: 16 })
    const p = m.predict(d.x, d.n)
    let wrong = 0
    for (let i = 0; i < d.n; i++) wrong += p[i * 2 + 1] > 0.5 === xs[i] > 510 ? 0 : 1
    expect(wrong).toBeGreaterThan(0)
    expect(wrong).toBeLessThan(1000 / 16)
    await expect(new ForestTrainer(false).fit(d, { max_bin: 70000 })).rejects.toThrow(/max_bin must be an integer ≥ 2 and ≤ 65534, got 70000/)
  })
})

describe('extra trees', () => {
  it('scores the partition it split on: a fully grown tree reproduces every training label', async () => {
    // Distinct values in 3 features, labels unrelated to them: only splits whose thresholds score the rows the way
    // they were partitioned during training end in pure leaves for all 600 rows.
    let s = 12345
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
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
