import { readFileSync } from 'node:fs'
import * as ort from 'onnxruntime-node'
import { onnx } from 'onnx-proto'
import { describe, expect, it } from 'vitest'
import { readTestText, testData } from '../testing'
import {
  importForeignModel,
  inspectOnnx,
  LogregTrainer,
  OnnxImportError,
  OnnxInferenceEngine,
  prepareForeignModel,
  readCard,
} from './index'

const skl = (name: string) => ({
  bytes: new Uint8Array(readFileSync(testData('onnx-models', 'sklearn-onnx', `${name}.model.onnx`))),
  io: JSON.parse(readTestText('onnx-models', 'sklearn-onnx', `${name}.io.json`)) as {
    inputs: { input: { data: number[][]; shape: number[] } }
    expected_sklearn: [unknown, { data: number[][] }]
  },
})
const node = (test: string) => ({
  bytes: new Uint8Array(readFileSync(testData('onnx-models', 'onnx-node-tests', test, 'model.onnx'))),
  io: JSON.parse(readTestText('onnx-models', 'onnx-node-tests', test, 'io.json')) as {
    inputs: Record<string, { data: unknown; shape: number[] }>
    expected_outputs: Record<string, { data: unknown; shape: number[] }>
  },
})
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number])

describe('importing scikit-learn models (skl2onnx / OnnxMLTools, ZipMap outputs)', () => {
  it.each([
    ['SklearnBinRandomForestClassifier', ['A', 'B']],
    ['SklearnBinGradientBoostingClassifier', ['A', 'B']],
    ['SklearnMclRandomForestClassifier', ['0', '1', '2']],
  ])('%s reproduces scikit-learn probabilities after the ZipMap rewrite', async (name, classes) => {
    const { bytes, io } = skl(name)
    expect(inspectOnnx(bytes).outputs.find((o) => o.name === 'probabilities')?.kind).toBe('sequence')
    const x = Float32Array.from(flat(io.inputs.input.data))
    const r = await importForeignModel(
      bytes,
      { name },
      { x, n: io.inputs.input.shape[0], expected: flat(io.expected_sklearn[1].data), tolerance: 1e-6 },
    )
    expect(r.card.classes).toEqual(classes)
    expect(r.card.inputShape).toEqual([1, 2])
    expect(r.changes[0]).toMatch(/removed ZipMap/)
    expect(r.parity.maxAbsDiff).toBeLessThan(1e-6)
    const out = inspectOnnx(r.onnx).outputs.find((o) => o.name === 'probabilities')
    expect(out).toMatchObject({ kind: 'tensor', elemType: 'FLOAT' })
    expect(readCard(r.onnx)?.name).toBe(name)
  })

  it('the inference engine scores an imported fixed-batch model row by row', async () => {
    const { bytes, io } = skl('SklearnMclRandomForestClassifier')
    const p = prepareForeignModel(bytes, { name: 'mcl' })
    const engine = new OnnxInferenceEngine()
    try {
      engine.load('mcl', p.onnx)
      const r = await engine.score('mcl', Float32Array.from(flat(io.inputs.input.data)), 6)
      const want = flat(io.expected_sklearn[1].data)
      r.probabilities.forEach((v, i) => expect(v).toBeCloseTo(want[i], 6))
    } finally {
      await engine.dispose()
    }
  })

  it.each(['SklearnRegRandomForestRegressor', 'SklearnRegGradientBoostingRegressor'])(
    'refuses regressor %s, naming the output',
    (name) => {
      expect(() => prepareForeignModel(skl(name).bytes)).toThrow(/output "variable" has 1 column/)
    },
  )

  it('refuses a card whose feature count disagrees with the input', () => {
    expect(() =>
      prepareForeignModel(skl('SklearnBinRandomForestClassifier').bytes, { features: ['a', 'b', 'c'] }),
    ).toThrow(/card lists 3 features but input "input" has 2/)
  })

  it('refuses expected outputs that do not match (parity check)', async () => {
    const { bytes, io } = skl('SklearnBinRandomForestClassifier')
    const wrong = flat(io.expected_sklearn[1].data).map((v) => 1 - v)
    await expect(
      importForeignModel(bytes, {}, { x: Float32Array.from(flat(io.inputs.input.data)), n: 3, expected: wrong }),
    ).rejects.toThrow(/parity check failed/)
  })
})

describe('refusing what Armada cannot feed', () => {
  it('corrupt bytes give a clear error', () => {
    const junk = new Uint8Array(64).map((_, i) => (i * 37 + 11) & 255)
    expect(() => inspectOnnx(junk)).toThrow(OnnxImportError)
    expect(() => inspectOnnx(junk)).toThrow(/not an ONNX model/)
    const truncated = skl('SklearnBinRandomForestClassifier').bytes.slice(0, 300)
    expect(() => prepareForeignModel(truncated)).toThrow(/not an ONNX model/)
  })

  it('a float64 input (ONNX TreeEnsemble v5 conformance model) is refused naming the dtype', () => {
    const { bytes } = node('test_ai_onnx_ml_tree_ensemble_single_tree')
    expect(inspectOnnx(bytes).inputs[0]).toMatchObject({ name: 'X', elemType: 'DOUBLE', shape: [3, 2] })
    expect(() => prepareForeignModel(bytes)).toThrow(/input "X" has dtype DOUBLE; Armada feeds float32/)
  })

  it('an LSTM whose weights are graph inputs is refused naming the inputs', () => {
    expect(() => prepareForeignModel(node('test_lstm_defaults').bytes)).toThrow(/3 graph inputs \(X, W, R\)/)
  })

  it('a rank-1 input is refused naming the shape', async () => {
    const m = onnx.ModelProto.decode(
      (
        await new LogregTrainer().fit({
          x: new Float32Array([0, 1, 2, 3]),
          y: new Int32Array([0, 0, 1, 1]),
          n: 4,
          features: ['a'],
          classes: ['n', 'y'],
        })
      ).onnx,
    )
    m.graph!.input![0].type!.tensorType!.shape!.dim = [{ dimParam: 'N' }]
    expect(() => prepareForeignModel(onnx.ModelProto.encode(m).finish())).toThrow(
      /has shape \["N"\]; expected \[N, F\]/,
    )
  })
})

describe('sequence models [N, T, F] (torch.onnx.export style)', () => {
  // The ONNX LSTM conformance model (X [T, N, F], hidden 3) with its weights bound as initializers, a batch-first
  // input [N, T, F] transposed in the graph, a dynamic batch axis and a linear + softmax head: the shape of what
  // torch.onnx.export writes for a batch_first LSTM classifier.
  const { bytes, io } = node('test_lstm_defaults')
  const head = [0.5, -0.2, 0.1, -0.4, 0.3, 0.2, 0.9, -0.7, 0.05]
  function build(): Uint8Array {
    const m = onnx.ModelProto.decode(bytes)
    const g = m.graph!
    for (const name of ['W', 'R'])
      g.initializer!.push({ name, dims: io.inputs[name].shape, dataType: 1, floatData: flat(io.inputs[name].data) })
    g.input = g.input!.filter((i) => i.name === 'X')
    g.input[0].name = 'x'
    g.input[0].type!.tensorType!.shape!.dim = [{ dimParam: 'N' }, { dimValue: 1 }, { dimValue: 2 }]
    g.initializer!.push(
      { name: 'shape', dims: [2], dataType: 7, int64Data: [-1, 3] },
      { name: 'M', dims: [3, 3], dataType: 1, floatData: head },
    )
    g.node!.unshift({
      opType: 'Transpose',
      input: ['x'],
      output: ['X'],
      name: 'batch_first',
      attribute: [{ name: 'perm', type: 7, ints: [1, 0, 2] }],
    })
    g.node!.push(
      { opType: 'Reshape', input: ['Y_h', 'shape'], output: ['h'], name: 'flatten' },
      { opType: 'MatMul', input: ['h', 'M'], output: ['logits'], name: 'head' },
      {
        opType: 'Softmax',
        input: ['logits'],
        output: ['output_probs'],
        name: 'softmax',
        attribute: [{ name: 'axis', type: 2, i: -1 }],
      },
    )
    g.output = [
      {
        name: 'output_probs',
        type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 3 }] } } },
      },
    ]
    return onnx.ModelProto.encode(m).finish()
  }
  const x = Float32Array.from(flat(io.inputs.X.data))
  const hExpected = flat(io.expected_outputs.Y_h.data)
  const expected = [0, 1, 2].flatMap((i) => {
    const z = [0, 1, 2].map((k) => hExpected.slice(i * 3, i * 3 + 3).reduce((a, h, j) => a + h * head[j * 3 + k], 0))
    const e = z.map((v) => Math.exp(v - Math.max(...z)))
    return e.map((v) => v / e.reduce((a, b) => a + b, 0))
  })

  it('imports with a card, renames the output and reproduces the conformance LSTM through a softmax head', async () => {
    const r = await importForeignModel(
      build(),
      { name: 'lstm', classes: ['bearish', 'neutral', 'bullish'], features: ['a', 'b'] },
      { x, n: 3, expected, tolerance: 1e-5 },
    )
    expect(r.card.inputShape).toEqual([null, 1, 2])
    expect(r.changes).toContain('renamed output "output_probs" to "probabilities"')
    expect(r.parity.aloneVsBatch).toBeLessThan(1e-6)
  })

  it('scores [N, T, F] batches through the inference engine and rejects a wrong length', async () => {
    const p = prepareForeignModel(build(), {
      name: 'lstm',
      classes: ['bearish', 'neutral', 'bullish'],
      features: ['a', 'b'],
    })
    const engine = new OnnxInferenceEngine()
    try {
      engine.load('lstm', p.onnx)
      const r = await engine.score('lstm', x, 3)
      r.probabilities.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5))
      await expect(engine.score('lstm', x.slice(0, 5), 3)).rejects.toThrow(/expects 3 × \[1, 2\] = 6 values, got 5/)
    } finally {
      await engine.dispose()
    }
  })

  it('refuses a sequence model that outputs logits, saying so', async () => {
    const m = onnx.ModelProto.decode(build())
    m.graph!.node = m.graph!.node!.filter((n) => n.opType !== 'Softmax')
    m.graph!.output![0].name = 'logits'
    const bad = onnx.ModelProto.encode(m).finish()
    await expect(
      importForeignModel(bad, { classes: ['a', 'b', 'c'], features: ['a', 'b'] }, { x, n: 3 }),
    ).rejects.toThrow(/logits\? add a Softmax|do not sum to 1/)
  })

  it('onnxruntime-node cannot fetch ZipMap outputs directly (why the rewrite exists)', async () => {
    const s = await ort.InferenceSession.create(skl('SklearnMclRandomForestClassifier').bytes)
    try {
      await expect(s.run({ input: new ort.Tensor('float32', new Float32Array([0, 1]), [1, 2]) })).rejects.toThrow(
        /Non tensor type/,
      )
    } finally {
      await s.release()
    }
  })
})
