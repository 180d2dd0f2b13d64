import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../testing'
import {
  convertNativeModel,
  inspectOnnx,
  nativeModelFormat,
  nativeProbabilities,
  OnnxImportError,
  OnnxInferenceEngine,
  parityCheck,
  readCard,
} from './index'
import { nativeEnsembleToOnnx } from './native-ensemble'

// fixtures/foreign-models/PROVENANCE.md: LightGBM 4.7.0 / XGBoost 1.7.4 models trained on Coinbase BTC/USD 1h,
// with each library's own predicted probabilities on 16 held-out rows plus 9 rows sitting on split thresholds.
const dir = join(REPO_ROOT, 'fixtures', 'foreign-models')
const file = (name: string) => new Uint8Array(readFileSync(join(dir, name)))
const text = (name: string) => readFileSync(join(dir, name), 'utf8')
interface Expected {
  features: string[]
  models: Record<string, { rows: (number | null)[][]; probabilities: number[][]; boundary_splits: [number, number][] }>
}
const expected = JSON.parse(text('expected.json')) as Expected
const rowsOf = (name: string) => Float32Array.from(expected.models[name].rows.flat(), (v) => (v === null ? NaN : v))
const bytesOf = (s: string) => new TextEncoder().encode(s)

const CASES = [
  ['lgbm-binary', 'lgbm-binary.txt', 'LightGBM', 2],
  ['lgbm-multiclass', 'lgbm-multiclass.txt', 'LightGBM', 3],
  ['xgb-binary', 'xgb-binary.json', 'XGBoost', 2],
  ['xgb-multiclass', 'xgb-multiclass.json', 'XGBoost', 3],
] as const

describe('LightGBM text and XGBoost JSON models converted to ONNX', () => {
  it.each(CASES)(
    "%s: onnxruntime-node reproduces the library's own probabilities within 1e-6 (boundary rows included)",
    async (name, f, library, c) => {
      const conv = convertNativeModel(file(f), {}, f)
      expect(conv.ensemble.library).toBe(library)
      expect(conv.card).toMatchObject({
        name,
        task: c === 2 ? 'binary' : 'multiclass',
        features: expected.features,
        inputShape: [null, 6],
      })
      expect(conv.card.classes).toHaveLength(c)
      const x = rowsOf(name)
      const n = expected.models[name].rows.length
      const want = expected.models[name].probabilities.flat()
      expect(n).toBe(25)
      const r = await parityCheck(conv, x, n, want, 1e-6)
      // float32 leaf sums and softmax in onnxruntime against float64 (LightGBM) / float32 (XGBoost) in the library.
      expect(r.maxAbsDiff).toBeLessThan(1e-6)
      expect(r.aloneVsBatch).toBeLessThan(1e-7)
      // The TypeScript rule the import parity check uses agrees with the library too.
      const mine = nativeProbabilities(conv.ensemble, x, n)
      mine.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(library === 'LightGBM' ? 1e-12 : 1e-6))
    },
  )

  it.each(CASES)('%s: the import parity sample probes every split and passes at 1e-5', async (_name, f) => {
    const conv = convertNativeModel(file(f), {}, f)
    const r = await parityCheck(conv, conv.parity.x, conv.parity.n, conv.parity.expected, conv.parity.tolerance)
    expect(r.maxAbsDiff).toBeLessThan(1e-6)
    expect(conv.parity.x.some((v) => Number.isNaN(v))).toBe(true)
  })

  it('LightGBM thresholds must be rounded down to float32: rounding to nearest misroutes a boundary row', async () => {
    const conv = convertNativeModel(file('lgbm-binary.txt'), {}, 'lgbm-binary.txt')
    const [[j, t]] = expected.models['lgbm-binary'].boundary_splits
    // The root threshold of tree 0 is a float64 just below its nearest float32, so float32(t) > t: LightGBM sends it right.
    expect(Math.fround(t)).toBeGreaterThan(t)
    expect(conv.ensemble.trees[0].threshold[0]).toBe(t)
    expect(conv.ensemble.trees[0].feature[0]).toBe(j)
    const nearest = {
      ...conv.ensemble,
      trees: conv.ensemble.trees.map((tr) => ({ ...tr, threshold: tr.threshold.map(Math.fround) })),
    }
    const naive = { ...conv, onnx: nativeEnsembleToOnnx(nearest, conv.card) }
    const x = rowsOf('lgbm-binary')
    const want = expected.models['lgbm-binary'].probabilities.flat()
    const r = await parityCheck(naive, x, 25, undefined)
    let worst = 0
    r.probabilities.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - want[i]))))
    expect(worst).toBeGreaterThan(1e-4)
  })

  it("XGBoost splits are strict (x < t): read as x <= t, the row on tree 0's root threshold is misrouted", async () => {
    const conv = convertNativeModel(file('xgb-binary.json'), {}, 'xgb-binary.json')
    expect(conv.ensemble.split).toBe('LT')
    expect(inspectOnnx(conv.onnx).ops).toEqual(['ai.onnx.ml:TreeEnsembleClassifier'])
    const [[j, t]] = expected.models['xgb-binary'].boundary_splits
    const x = rowsOf('xgb-binary')
    expect(x[16 * 6 + j]).toBe(Math.fround(t)) // row 16 sits exactly on the threshold
    const leq = { ...conv, onnx: nativeEnsembleToOnnx({ ...conv.ensemble, split: 'LEQ' }, conv.card) }
    const r = await parityCheck(leq, x, 25, undefined)
    const want = expected.models['xgb-binary'].probabilities
    expect(Math.abs(r.probabilities[16 * 2 + 1] - want[16][1])).toBeGreaterThan(1e-3)
    expect(Math.abs(r.probabilities[0 * 2 + 1] - want[0][1])).toBeLessThan(1e-6) // an ordinary row is unaffected
  })

  it('the binary XGBoost base_score 0.3 enters as its logit', () => {
    const conv = convertNativeModel(file('xgb-binary.json'), {}, 'xgb-binary.json')
    expect(conv.ensemble.base[0]).toBeCloseTo(Math.log(0.3 / 0.7), 12)
  })

  it('a card renames features and classes, keeps the native names, and the engine scores the converted model', async () => {
    const conv = convertNativeModel(
      file('lgbm-multiclass.txt'),
      { name: 'btc-regime-lgbm', classes: ['bearish', 'neutral', 'bullish'], features: ['a', 'b', 'c', 'd', 'e', 'f'] },
      'lgbm-multiclass.txt',
    )
    const card = readCard(conv.onnx)
    expect(card).toMatchObject({
      name: 'btc-regime-lgbm',
      classes: ['bearish', 'neutral', 'bullish'],
      features: ['a', 'b', 'c', 'd', 'e', 'f'],
    })
    expect(card?.training).toMatchObject({
      algorithm: 'lightgbm',
      imported: {
        library: 'LightGBM',
        version: 'v4',
        objective: 'multiclass num_class:3',
        trees: 60,
        nativeFeatureNames: expected.features,
      },
    })
    const engine = new OnnxInferenceEngine()
    try {
      engine.load('m', conv.onnx)
      const r = await engine.score('m', rowsOf('lgbm-multiclass'), 25)
      const want = expected.models['lgbm-multiclass'].probabilities.flat()
      r.probabilities.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-6))
    } finally {
      await engine.dispose()
    }
  })
})

describe('refusing native models Armada cannot convert, naming the file and the reason', () => {
  const lgbm = text('lgbm-binary.txt')
  const xgb = JSON.parse(text('xgb-binary.json')) as { learner: Record<string, any> }
  const refuse = (bytes: Uint8Array, source: string) => {
    try {
      convertNativeModel(bytes, {}, source)
    } catch (e) {
      expect(e).toBeInstanceOf(OnnxImportError)
      return (e as OnnxImportError).reason
    }
    throw new Error('not refused')
  }
  const xgbWith = (edit: (j: { learner: Record<string, any> }) => void) => {
    const j = structuredClone(xgb)
    edit(j)
    return bytesOf(JSON.stringify(j))
  }

  it('sniffs formats by content, not by file name', () => {
    expect(nativeModelFormat(file('lgbm-binary.txt'))).toBe('lightgbm-text')
    expect(nativeModelFormat(file('xgb-binary.json'))).toBe('xgboost-json')
    expect(nativeModelFormat(file('lstm.onnx'))).toBeUndefined()
  })

  it('a truncated LightGBM file', () => {
    expect(refuse(bytesOf(lgbm.slice(0, lgbm.indexOf('Tree=3'))), 'cut.txt')).toBe(
      'cut.txt: LightGBM model has no "end of trees" line (truncated file?)',
    )
  })

  it('a LightGBM tree with a damaged array', () => {
    expect(refuse(bytesOf(lgbm.replace(/^threshold=(\S+) /m, 'threshold=')), 'bad.txt')).toMatch(
      /^bad\.txt: LightGBM tree 0: "threshold" has 6 values \(or a non-number\); expected 7$/,
    )
  })

  it('a LightGBM regression objective', () => {
    expect(refuse(bytesOf(lgbm.replace('objective=binary sigmoid:1', 'objective=regression')), 'reg.txt')).toBe(
      'reg.txt: LightGBM objective "regression" is a regression objective; Armada imports classifiers with objective binary or multiclass',
    )
  })

  it('LightGBM linear trees', () => {
    expect(refuse(bytesOf(lgbm.replace('is_linear=0', 'is_linear=1')), 'lin.txt')).toBe(
      'lin.txt: LightGBM tree 0: linear trees (linear_tree=true) are not supported',
    )
  })

  it('LightGBM categorical splits', () => {
    // decision_type bit 0 marks a categorical split.
    expect(refuse(bytesOf(lgbm.replace(/^decision_type=10 /m, 'decision_type=11 ')), 'cat.txt')).toBe(
      'cat.txt: LightGBM tree 0: categorical splits are not supported (train with numerical features)',
    )
  })

  it('a LightGBM zero-as-missing split whose default disagrees with where 0 falls', () => {
    // Tree 0's root: threshold 0.037 sends 0 left; missing type "zero" (bits 2-3 = 1) with default right cannot be expressed.
    expect(refuse(bytesOf(lgbm.replace(/^decision_type=10 /m, 'decision_type=4 ')), 'zero.txt')).toMatch(
      /^zero\.txt: LightGBM tree 0 node 0: a zero-as-missing split \(feature vol_20, threshold 0\.037\S*\) routes 0 and NaN right \(its default\) but its threshold sends values near 0 left/,
    )
  })

  it('an XGBoost regression objective', () => {
    expect(
      refuse(
        xgbWith((j) => (j.learner.objective.name = 'reg:squarederror')),
        'reg.json',
      ),
    ).toBe(
      'reg.json: XGBoost objective "reg:squarederror" is a regression objective; Armada imports binary:logistic, multi:softprob and multi:softmax classifiers',
    )
  })

  it('XGBoost categorical splits and dart boosters', () => {
    expect(
      refuse(
        xgbWith((j) => (j.learner.gradient_booster.model.trees[2].split_type[0] = 1)),
        'cat.json',
      ),
    ).toBe('cat.json: XGBoost tree 2: categorical splits are not supported')
    expect(
      refuse(
        xgbWith((j) => (j.learner.gradient_booster.name = 'dart')),
        'dart.json',
      ),
    ).toMatch(/^dart\.json: XGBoost booster "dart" is not supported \(dart drops and reweights trees\)/)
  })

  it('a JSON file that is not an XGBoost model, and corrupt XGBoost JSON', () => {
    expect(refuse(file('lstm.card.json'), 'lstm.card.json')).toBe(
      'lstm.card.json: JSON without "learner": not an XGBoost model saved with save_model(\'x.json\')',
    )
    expect(refuse(bytesOf(text('xgb-binary.json').slice(0, 5000)), 'cut.json')).toMatch(/^cut\.json: not valid JSON \(/)
    expect(
      refuse(
        xgbWith((j) => (j.learner.gradient_booster.model.trees[0].left_children[1] = 0)),
        'cycle.json',
      ),
    ).toBe('cycle.json: tree 0: node 0 is reached twice (corrupt file?)')
  })

  it('a card that disagrees with the model', () => {
    expect(() => convertNativeModel(file('xgb-multiclass.json'), { classes: ['down', 'up'] }, 'm.json')).toThrow(
      'm.json: card lists 2 classes but the XGBoost model has 3',
    )
  })
})
