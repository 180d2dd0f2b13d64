import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, testData } from '../testing'
import { runCliCaptured } from './test-support'

// fixtures/foreign-models/PROVENANCE.md: native LightGBM / XGBoost models and a torch.onnx.export LSTM, each with the
// library's own probabilities on sample rows / sequences.
const fx = (name: string) => join(REPO_ROOT, 'fixtures', 'foreign-models', name)
interface Expected {
  features: string[]
  models: Record<string, { rows?: (number | null)[][]; probabilities: number[][] }>
}
const expected = JSON.parse(readFileSync(fx('expected.json'), 'utf8')) as Expected
const dir = mkdtempSync(join(tmpdir(), 'armada-foreign-'))
const db = join(dir, 'registry.db')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const armada = (...args: string[]) => runCliCaptured(args, db)
const json = (r: { code: number; stdout: string; stderr: string }) => {
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout)
}
const maxDiff = (rows: Record<string, number>[], classes: readonly string[], want: number[][]) =>
  Math.max(...rows.flatMap((row, i) => classes.map((k, j) => Math.abs(row[k] - want[i][j]))))

describe('armada models import / ml predict with native LightGBM and XGBoost files', () => {
  it('models import lgbm-binary.txt converts, parity-checks and registers it with the feature names in the card', async () => {
    const r = json(await armada('models', 'import', fx('lgbm-binary.txt'), '--json'))
    expect(r).toMatchObject({ name: 'lgbm-binary', created: true })
    expect(r.changes[0]).toMatch(
      /^converted LightGBM v4 text model \(binary sigmoid:1, 40 trees, 6 features\) to one ONNX TreeEnsembleClassifier \(BRANCH_LEQ/,
    )
    expect(r.changes.at(-1)).toMatch(/^parity: 64 rows probing every split, max \|onnxruntime − LightGBM rule\| \d/)
    const v = json(await armada('models', 'show', r.id, '--json'))
    expect(v.card).toMatchObject({
      task: 'binary',
      classes: ['0', '1'],
      features: expected.features,
      inputShape: [null, 6],
      training: { algorithm: 'lightgbm', imported: { library: 'LightGBM', file: 'lgbm-binary.txt' } },
    })
  })

  it('models import xgb-multiclass.json with a card naming the classes', async () => {
    const card = join(dir, 'regime.card.json')
    writeFileSync(
      card,
      JSON.stringify({
        name: 'btc-regime-xgb',
        classes: ['bearish', 'neutral', 'bullish'],
        horizon: { bars: 12, timeframe: '1h' },
      }),
    )
    const r = json(await armada('models', 'import', fx('xgb-multiclass.json'), '--card', card, '--json'))
    expect(r.version.card).toMatchObject({
      name: 'btc-regime-xgb',
      task: 'multiclass',
      classes: ['bearish', 'neutral', 'bullish'],
      horizon: { bars: 12 },
      training: { algorithm: 'xgboost' },
    })
    expect(r.changes[0]).toMatch(
      /^converted XGBoost 1\.7\.4 JSON model \(multi:softprob, 36 trees, 6 features\) to one ONNX TreeEnsembleClassifier \(BRANCH_LT\)/,
    )
  })

  it.each([
    ['lgbm-multiclass', 'lgbm-multiclass.txt'],
    ['xgb-binary', 'xgb-binary.json'],
  ])('ml predict --model %s reads a CSV by feature name and reproduces the library within 1e-6', async (name, f) => {
    const m = expected.models[name]
    const csv = join(dir, `${name}.csv`)
    // Columns in another order than the model's, plus a time column: rows are matched by the card's feature names.
    const cols = [...expected.features].reverse()
    writeFileSync(
      csv,
      [
        ['time', ...cols].join(','),
        ...(m.rows ?? []).map((r, i) =>
          [String(i), ...cols.map((c) => r[expected.features.indexOf(c)] ?? '')].join(','),
        ),
      ].join('\n'),
    )
    const rows = json(await armada('ml', 'predict', '--model', fx(f), '--data', csv, '--json')) as Record<
      string,
      number
    >[]
    expect(rows).toHaveLength(25)
    const classes = m.probabilities[0].map((_, k) => String(k))
    expect(maxDiff(rows, classes, m.probabilities)).toBeLessThan(1e-6)
  })

  it('a regression objective is refused with one line naming the file (exit 2) and nothing is stored', async () => {
    const bad = join(dir, 'lgbm-regression.txt')
    writeFileSync(
      bad,
      readFileSync(fx('lgbm-binary.txt'), 'utf8').replace('objective=binary sigmoid:1', 'objective=regression'),
    )
    const before = json(await armada('models', 'list', '--json')).length
    const r = await armada('models', 'import', bad)
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual([
      `armada models import: ${bad}: refused: LightGBM objective "regression" is a regression objective; Armada imports classifiers with objective binary or multiclass`,
    ])
    expect(json(await armada('models', 'list', '--json'))).toHaveLength(before)
    const p = await armada('ml', 'predict', '--model', bad, '--data', fx('expected.json'))
    expect(p.code).toBe(2)
    expect(p.stderr).toMatch(
      /^armada ml predict: \S+lgbm-regression\.txt: LightGBM objective "regression" is a regression objective/,
    )
  })
})

describe('models import refusals name the file and the reason in one line (exit 2), storing nothing', () => {
  it.each([
    [
      'a corrupt file',
      () => {
        const f = join(dir, 'corrupt.onnx')
        writeFileSync(f, Buffer.from('not a model \x00\x01\xff', 'latin1'))
        return f
      },
      /^not an ONNX model: protobuf decoding failed/,
    ],
    [
      'a float64 input',
      () => testData('onnx-models', 'onnx-node-tests', 'test_ai_onnx_ml_tree_ensemble_single_tree', 'model.onnx'),
      /^input "X" has dtype DOUBLE; Armada feeds float32/,
    ],
    [
      'weights as graph inputs',
      () => testData('onnx-models', 'onnx-node-tests', 'test_lstm_defaults', 'model.onnx'),
      /^model has 3 graph inputs \(X, W, R\); Armada feeds exactly one float32 tensor/,
    ],
  ])('%s', async (_what, file, reason) => {
    const f = file()
    const before = json(await armada('models', 'list', '--json')).length
    const r = await armada('models', 'import', f)
    expect(r.code).toBe(2)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0].startsWith(`armada models import: ${f}: refused: `)).toBe(true)
    expect(lines[0].slice(`armada models import: ${f}: refused: `.length)).toMatch(reason)
    expect(json(await armada('models', 'list', '--json'))).toHaveLength(before)
  })
})

describe('a torch.onnx.export LSTM through ml predict and models import', () => {
  const torch = expected.models.lstm.probabilities
  // onnxruntime's LSTM kernel (MLAS GEMMs, its own sigmoid/tanh) and torch's CPU kernels round differently in float32
  // over 32 steps and the rounding depends on the CPU's SIMD path: measured 3e-8 here; 1e-5 leaves room for other
  // CPUs while a real mismatch (gate order, missing softmax, wrong layout) moves probabilities by 1e-2 or more.
  const TOL = 1e-5

  it.each(['lstm-sample.npy', 'lstm-sample.json'])(
    'ml predict --data %s [12, 32, 4] reproduces torch within 1e-5',
    async (data) => {
      const rows = json(
        await armada('ml', 'predict', '--model', fx('lstm.onnx'), '--data', fx(data), '--json'),
      ) as Record<string, number>[]
      expect(rows).toHaveLength(12)
      expect(maxDiff(rows, ['0', '1', '2'], torch)).toBeLessThan(TOL)
    },
  )

  it('models import with its card, export, and the exported version predicts what torch did', async () => {
    const r = json(await armada('models', 'import', fx('lstm.onnx'), '--card', fx('lstm.card.json'), '--json'))
    expect(r.version.card).toMatchObject({
      name: 'btc-lstm-regime',
      classes: ['bearish', 'neutral', 'bullish'],
      inputShape: [null, 32, 4],
    })
    expect(r.changes).toContain('renamed output "probs" to "probabilities"')
    const out = join(dir, 'lstm-exported.onnx')
    json(await armada('models', 'export', r.id, '--out', out, '--json'))
    const rows = json(
      await armada('ml', 'predict', '--model', out, '--data', fx('lstm-sample.npy'), '--json'),
    ) as Record<string, number>[]
    expect(maxDiff(rows, ['bearish', 'neutral', 'bullish'], torch)).toBeLessThan(TOL)
  })

  it('a CSV given to the sequence model is refused saying what it takes', async () => {
    const csv = join(dir, 'flat.csv')
    writeFileSync(csv, 'f0,f1,f2,f3\n1,2,3,4\n')
    const r = await armada('ml', 'predict', '--model', fx('lstm.onnx'), '--data', csv)
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(
      `armada ml predict: ${csv}: the model takes sequences [N, 32, 4]; give --data as JSON {"input": [[[…]]]} or .npy`,
    )
  })

  it('a sequence of the wrong length is refused naming the shape', async () => {
    const short = join(dir, 'short.json')
    writeFileSync(short, JSON.stringify({ input: [Array.from({ length: 20 }, () => [0, 0, 0, 0])] }))
    const r = await armada('ml', 'predict', '--model', fx('lstm.onnx'), '--data', short)
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(`armada ml predict: ${short}: shape [1, 20, 4]; model needs [N, 32, 4]`)
  })
})

describe('scikit-learn ONNX exports (OnnxMLTools 1.3.1, TreeEnsembleClassifier + ZipMap) through ml predict and ml eval', () => {
  // test-data/onnx-models/sklearn-onnx: each model with its input rows and scikit-learn's own probabilities.
  it.each([
    'SklearnBinRandomForestClassifier',
    'SklearnMclRandomForestClassifier',
    'SklearnBinGradientBoostingClassifier',
  ])("%s: the ZipMap model predicts scikit-learn's probabilities within 1e-6", async (name) => {
    const io = JSON.parse(readFileSync(testData('onnx-models', 'sklearn-onnx', `${name}.io.json`), 'utf8')) as {
      inputs: { input: { data: number[][] } }
      expected_sklearn: [{ data: (number | string)[] }, { data: number[][] }]
    }
    const csv = join(dir, `${name}.csv`)
    const labels = io.expected_sklearn[0].data
    writeFileSync(
      csv,
      ['f0,f1,y', ...io.inputs.input.data.map((r, i) => `${r.join(',')},${String(labels[i])}`)].join('\n') + '\n',
    )
    const model = testData('onnx-models', 'sklearn-onnx', `${name}.model.onnx`)
    const rows = json(await armada('ml', 'predict', '--model', model, '--data', csv, '--json')) as Record<
      string,
      number
    >[]
    expect(rows).toHaveLength(labels.length)
    expect(maxDiff(rows, Object.keys(rows[0]), io.expected_sklearn[1].data)).toBeLessThan(1e-6)
    // eval scores the same rows against scikit-learn's own predicted labels: accuracy 1.
    const m = json(await armada('ml', 'eval', '--model', model, '--data', csv, '--label', 'y', '--json')) as Record<
      string,
      number
    >
    expect(m.accuracy).toBe(1)
  })

  it('a regressor export is refused by ml predict naming its one-column output', async () => {
    const csv = join(dir, 'reg.csv')
    writeFileSync(csv, 'f0,f1\n1,2\n')
    const r = await armada(
      'ml',
      'predict',
      '--model',
      testData('onnx-models', 'sklearn-onnx', 'SklearnRegRandomForestRegressor.model.onnx'),
      '--data',
      csv,
    )
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toMatch(
      /SklearnRegRandomForestRegressor\.model\.onnx: output "variable" has 1 column; a classifier needs a probability per class/,
    )
  })
})
