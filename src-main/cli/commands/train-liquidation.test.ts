import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadReplayDataset } from '../../data'
import { ModelRegistry } from '../../registry'
import { openDatabase, SqliteBarStore } from '../../store'
import { testData } from '../../testing'
import { systemClock } from '../../../src-shared'
import { runCli } from '../run-cli'

/** `armada train liquidation` on real FTX BTC-PERP 1m bars (Jan 2022, test-data/nautilus_trader): 12 days. */
let dir: string
let db: string

async function armada(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli([...args, '--db', db], {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
  })
  return { code, stdout, stderr }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-train-liq-'))
  db = join(dir, 'a.db')
  const bars = loadReplayDataset([testData('nautilus_trader', 'ftx_BTC-PERP_1m_20211231-20220201.csv.gz')]).bars[0].bars
  const h = openDatabase(db)
  new SqliteBarStore(h).upsert({ symbol: 'BTC-PERP', venue: 'FTX', timeframe: '1m' }, bars.slice(0, 12 * 1440))
  h.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('armada train liquidation', () => {
  it('trains per horizon on real bars, prints walk-forward metrics beside both baselines, registers proxy-labelled models', async () => {
    const r = await armada([
      'train',
      'liquidation',
      '--symbol',
      'BTC-PERP',
      '--timeframe',
      '1m',
      '--horizons',
      '5,60',
      '--json',
    ])
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as {
      models: {
        name: string
        versionId: string
        rows: number
        evaluation: { pooled: Record<'model' | 'majority' | 'persistence', { f1: number; logLoss: number }> }
      }[]
      skipped: unknown[]
    }
    // Within 5 minutes the proxy fires on under 5 % of these rows: refused by the §6 base-rate rule, named; 60 minutes trains.
    expect(out.skipped).toEqual([
      {
        horizonMinutes: 5,
        reason: expect.stringMatching(/^BTC-PERP\.FTX-1m at H = 5: base rate too high: class "quiet" holds 9\d\.\d %/),
      },
    ])
    expect(out.models.map((m) => m.name)).toEqual(['liquidation-btc-perp-h60m'])
    for (const m of out.models) {
      expect(m.rows).toBeGreaterThan(10 * 1440)
      for (const k of ['model', 'majority', 'persistence'] as const)
        expect(Number.isFinite(m.evaluation.pooled[k].logLoss)).toBe(true)
    }
    const h = openDatabase(db)
    const registry = new ModelRegistry(h, systemClock)
    try {
      const card = registry.get(out.models[0].versionId).card
      expect(card.predictor).toBe('liquidation')
      expect(card.label).toMatch(/proxy label/)
      expect(registry.aliases('liquidation-btc-perp-h60m').champion).toBe(out.models[0].versionId)
    } finally {
      await registry.dispose()
      h.close()
    }
    const human = await armada([
      'train',
      'liquidation',
      '--symbol',
      'BTC-PERP',
      '--timeframe',
      '1m',
      '--horizons',
      '5,60',
    ])
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/liquidation-btc-perp-h60m .*: (beats both baselines|does not beat its baselines)/)
    expect(human.stdout).toMatch(/skipped h5m: .*base rate too high/)
    expect(human.stdout).toMatch(/majority +F1/)
    expect(human.stdout).toMatch(/label of t−H +F1/)
  }, 300_000)

  it('refuses what it cannot train with exit 2 and one line', async () => {
    const tf = await armada(['train', 'liquidation', '--symbol', 'BTC-PERP', '--timeframe', '1h'])
    expect(tf.code).toBe(2)
    expect(tf.stderr.trim()).toContain('--timeframe must be 1m or 5m for liquidation risk, got "1h"')
    const none = await armada(['train', 'liquidation', '--symbol', 'ETH-PERP', '--timeframe', '1m'])
    expect(none.code).toBe(2)
    expect(none.stderr.trim().split('\n')).toHaveLength(1)
  })
})
