import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCliCaptured, seedCoinbaseHourly } from '../test-support'

/** `armada train regime` in process on 1500 stored Coinbase BTC/USD hourly bars. */
let dir: string
let db: string

const armada = (args: string[]) => runCliCaptured(args, db)

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-train-regime-'))
  db = join(dir, 'a.db')
  seedCoinbaseHourly(db, 1500)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('armada train regime', () => {
  it('--json names walkForward and baseline metrics per horizon and registers each ensemble (exit 0)', async () => {
    const r = await armada([
      'train',
      'regime',
      '--symbol',
      'btcusd',
      '--timeframe',
      '1h',
      '--horizons',
      '12,48',
      '--rf',
      'n_estimators=6',
      '--gbdt',
      'n_estimators=8',
      '--json',
    ])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as {
      horizons: {
        name: string
        horizon: number
        alias: string
        walkForward: { f1: number; n: number }
        baseline: { majority: { f1: number; n: number }; persistence: { f1: number } }
      }[]
    }
    expect(out.horizons.map((h) => h.name)).toEqual(['regime-btcusd-1h-h12', 'regime-btcusd-1h-h48'])
    for (const h of out.horizons) {
      expect(h.alias).toBe('champion')
      expect(h.walkForward.f1).toBeGreaterThan(0)
      expect(h.baseline.majority.n).toBe(h.walkForward.n)
      expect(h.baseline.persistence.f1).toBeGreaterThan(0)
    }
  }, 60_000)

  it('prints the ensemble, each member and both baselines per horizon in human form', async () => {
    const r = await armada([
      'train',
      'regime',
      '--symbol',
      'BTCUSD',
      '--timeframe',
      '1h',
      '--horizons',
      '12',
      '--rf',
      'n_estimators=6',
      '--gbdt',
      'n_estimators=8',
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/regime-btcusd-1h-h12: rf \+ gbdt ensemble, H = 12/)
    expect(r.stdout).toContain('majority baseline')
    expect(r.stdout).toContain('persistence baseline')
    expect(r.stdout).toMatch(/rf \(w 0\.33\)/)
  }, 60_000)

  it('exits 2 with one line for bad horizons or a series that is not stored', async () => {
    expect(
      (await armada(['train', 'regime', '--symbol', 'BTCUSD', '--timeframe', '1h', '--horizons', '0,x'])).code,
    ).toBe(2)
    const r = await armada(['train', 'regime', '--symbol', 'ETHUSD', '--timeframe', '1h'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})
