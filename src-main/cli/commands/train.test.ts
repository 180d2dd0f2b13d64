import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCliCaptured, seedCoinbaseHourly } from '../test-support'

/** `armada train model` in process on 1200 stored Coinbase BTC/USD hourly bars. */
let dir: string
let db: string

const armada = (args: string[]) => runCliCaptured(args, db)

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-train-cli-'))
  db = join(dir, 'a.db')
  seedCoinbaseHourly(db, 1200)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('armada train model', () => {
  it('prints walk-forward metrics per fold next to the majority and persistence baselines and registers the champion (exit 0)', async () => {
    const r = await armada([
      'train',
      'model',
      '--symbol',
      'btcusd',
      '--timeframe',
      '1h',
      '--param',
      'n_estimators=10',
      '--param',
      'num_leaves=7',
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(
      /regime-btcusd-1h-h12: gbdt on 1200 bars → 1088 labelled rows \(H = 12, k = 0\.5\); walk-forward expanding, 4 folds, purge 12, embargo 24/,
    )
    expect(r.stdout).toContain('majority baseline')
    expect(r.stdout).toContain('persistence baseline')
    expect(r.stdout).toMatch(/overfitting (none|mild|moderate|severe|critical)/)
    expect(r.stdout).toMatch(/registered [0-9a-f]{64} as champion/)
    expect(r.stderr).toContain('fold 1/4')
  }, 60_000)

  it('gives JSON with walkForward and baselines, and registers a second algorithm as challenger', async () => {
    const r = await armada([
      'train',
      'model',
      '--symbol',
      'BTCUSD',
      '--venue',
      'coinbase',
      '--timeframe',
      '1h',
      '--algo',
      'logreg',
      '--json',
    ])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as {
      alias: string
      walkForward: { folds: unknown[]; metrics: { n: number } }
      baselines: { majority: { n: number }; persistence: { n: number } }
    }
    expect(out.alias).toBe('challenger')
    expect(out.walkForward.folds).toHaveLength(4)
    expect(out.baselines.majority.n).toBe(out.walkForward.metrics.n)
    expect(out.baselines.persistence.n).toBe(out.walkForward.metrics.n)
  }, 60_000)

  it('exits 2 with one line for bad usage and for a series without bars', async () => {
    const noSymbol = await armada(['train', 'model', '--timeframe', '1h'])
    expect(noSymbol.code).toBe(2)
    expect(noSymbol.stderr.trim().split('\n')).toHaveLength(1)
    expect((await armada(['train', 'model', '--symbol', 'BTCUSD', '--timeframe', '1h', '--algo', 'svm'])).code).toBe(2)
    const missing = await armada(['train', 'model', '--symbol', 'ETHUSD', '--timeframe', '1h'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/no stored bars for ETHUSD 1h/)
  })
})
