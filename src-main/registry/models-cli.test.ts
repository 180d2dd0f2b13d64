import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, testData } from '../testing'
import { btcTable, rows, tempDir, train } from './registry.test-support'

const tmp = tempDir()
const db = join(tmp.dir, 'cli.db')
const CLI = ['--require', 'tsx/cjs', join(REPO_ROOT, 'src-main', 'cli', 'main.ts')]
let fileA = ''
let fileB = ''
let idA = ''
let idB = ''

/** Runs the real CLI from source in a child process. */
function armada(...args: string[]): { code: number; stdout: string; stderr: string; json: () => any } {
  const r = spawnSync(process.execPath, [...CLI, ...args, '--db', db], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) }
}

beforeAll(async () => {
  const t = btcTable()
  const a = await train('logreg', t, rows(t, 0, 4000), { C: 0.5 }, 'cli-regime')
  const b = await train('gbdt', t, rows(t, 0, 4000), { seed: 9, n_estimators: 8 }, 'cli-regime')
  fileA = join(tmp.dir, 'a.onnx')
  fileB = join(tmp.dir, 'b.onnx')
  writeFileSync(fileA, a.onnx)
  writeFileSync(fileB, b.onnx)
  idA = createHash('sha256').update(a.onnx).digest('hex')
  idB = createHash('sha256').update(b.onnx).digest('hex')
})
afterAll(() => tmp.cleanup())

describe('armada models', () => {
  it('imports, lists, shows, promotes (gate enforced, --force needs --reason), rolls back, prints history and exports, with --json and exit codes', () => {
    const imp = armada('models', 'import', fileA, '--json')
    expect(imp.code).toBe(0)
    expect(imp.json()).toMatchObject({ id: idA, name: 'cli-regime', created: true })
    expect(armada('models', 'import', fileA, '--json').json()).toMatchObject({ id: idA, created: false })
    expect(armada('models', 'import', fileB, '--tag', 'gbdt', '--json').json()).toMatchObject({
      id: idB,
      created: true,
    })

    const list = armada('models', 'list', '--json')
    expect(list.code).toBe(0)
    expect(
      list
        .json()[0]
        .versions.map((v: { id: string }) => v.id)
        .sort(),
    ).toEqual([idA, idB].sort())

    expect(
      armada('models', 'promote', idA.slice(0, 12), '--alias', 'champion', '--reason', 'first model', '--json').json(),
    ).toMatchObject({ id: idA, changed: true, authorisedBy: 'first' })
    const refused = armada('models', 'promote', idB.slice(0, 16), '--alias', 'champion', '--reason', 'looks better')
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim().split('\n')).toHaveLength(1)
    expect(refused.stderr).toMatch(/needs a passing promotion gate/)
    const noReason = armada('models', 'promote', idB, '--alias', 'champion', '--force')
    expect(noReason.code).toBe(2)
    expect(noReason.stderr).toMatch(/--reason is required/)
    expect(
      armada(
        'models',
        'promote',
        idB,
        '--alias',
        'champion',
        '--reason',
        'override: incident 42',
        '--force',
        '--json',
      ).json(),
    ).toMatchObject({ changed: true, authorisedBy: 'force' })

    const rb = armada('models', 'rollback', 'cli-regime', '--alias', 'champion', '--reason', 'worse live', '--json')
    expect(rb.code).toBe(0)
    expect(rb.json()).toMatchObject({ from: idB, to: idA, kind: 'rollback' })

    const hist = armada('models', 'history', 'cli-regime', '--json').json() as {
      from: string | null
      to: string
      reason: string
    }[]
    expect(hist.map((e) => [e.from, e.to, e.reason])).toEqual([
      [null, idA, 'first model'],
      [idA, idB, 'override: incident 42'],
      [idB, idA, 'worse live'],
    ])
    const human = armada('models', 'history', 'cli-regime')
    expect(human.stdout).toMatch(/champion {3}.*→.* rollback by user: worse live/)

    const show = armada('models', 'show', idA.slice(0, 12), '--json').json()
    expect(show).toMatchObject({ kind: 'version', id: idA, aliases: ['champion'] })
    expect(armada('models', 'show', 'cli-regime', '--json').json()).toMatchObject({
      kind: 'model',
      name: 'cli-regime',
      aliases: { champion: idA },
    })

    const out = join(tmp.dir, 'exported.onnx')
    expect(armada('models', 'export', idB.slice(0, 12), '--out', out, '--json').json()).toMatchObject({ id: idB, out })
    expect(readFileSync(out).subarray(0, readFileSync(fileB).length)).toEqual(readFileSync(fileB))

    const missing = armada('models', 'show', 'f'.repeat(12))
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/no model version starts with/)
    expect(armada('models', 'show', 'abc').code).toBe(2)
  })

  it('refuses a corrupt or wrong-shaped ONNX file with the reason (exit 2) and leaves the registry untouched', () => {
    const before = armada('models', 'list', '--json').stdout
    const junk = join(tmp.dir, 'junk.onnx')
    writeFileSync(junk, Buffer.from('this is not an onnx model at all'.repeat(8)))
    const a = armada('models', 'import', junk)
    expect(a.code).toBe(2)
    expect(a.stderr.trim().split('\n')).toHaveLength(1)
    expect(a.stderr).toMatch(/refused: not an ONNX model/)
    const regressor = join(tmp.dir, 'regressor.onnx')
    copyFileSync(testData('onnx-models', 'sklearn-onnx', 'SklearnRegRandomForestRegressor.model.onnx'), regressor)
    const b = armada('models', 'import', regressor, '--json')
    expect(b.code).toBe(2)
    expect(b.stderr).toMatch(/refused: .*output "variable" has 1 column/)
    expect(armada('models', 'list', '--json').stdout).toBe(before)
  })

  it('imports a foreign scikit-learn classifier with --card and --name', () => {
    const card = join(tmp.dir, 'card.json')
    writeFileSync(card, JSON.stringify({ features: ['x0', 'x1'], predictor: 'custom' }))
    const r = armada(
      'models',
      'import',
      testData('onnx-models', 'sklearn-onnx', 'SklearnMclRandomForestClassifier.model.onnx'),
      '--card',
      card,
      '--name',
      'skl-mcl',
      '--json',
    )
    expect(r.code).toBe(0)
    expect(r.json()).toMatchObject({
      name: 'skl-mcl',
      created: true,
      version: { card: { classes: ['0', '1', '2'], features: ['x0', 'x1'] } },
    })
    expect(r.json().changes[0]).toMatch(/removed ZipMap/)
    const bad = join(tmp.dir, 'bad-card.json')
    writeFileSync(bad, '{ not json')
    const b = armada('models', 'import', fileA, '--card', bad)
    expect(b.code).toBe(2)
    expect(b.stderr).toMatch(/bad-card.json: not valid JSON/)
  })
})
