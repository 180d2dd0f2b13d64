import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forwardLogLikelihood, hmmFromLists, hmmKernel } from '../../ml'
import { runArmada } from '../../testing'
import { seedCoinbaseHourly } from '../test-support'

/** `armada train hmm` spawned as the real CLI on 3000 stored real Coinbase BTC/USD hourly bars. */
let dir: string
let db: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-train-hmm-'))
  db = join(dir, 'a.db')
  seedCoinbaseHourly(db, 3000)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Printed {
  name: string
  versionId: string
  alias: string | null
  columns: string[]
  startProbabilities: number[]
  transitionMatrix: number[][]
  means: number[][]
  covariances: number[][][]
  states: string[]
  logLikelihood: number
  observations?: number[][]
}

const train = (...extra: string[]) =>
  runArmada(['train', 'hmm', '--symbol', 'BTCUSD', '--timeframe', '1h', '--restarts', '3', ...extra, '--db', db])

describe('armada train hmm', () => {
  it('prints the fitted parameters and observations as JSON, from which the log-likelihood recomputes', () => {
    const r = train('--observations', '--json')
    expect(r.code, r.stderr).toBe(0)
    const o = JSON.parse(r.stdout) as Printed
    expect(o.name).toBe('hmm-btcusd-1h')
    expect(o.alias).toBe('champion')
    // No taker volume in this series: the imbalance column is left out (DOMAIN.md §5 columns otherwise).
    expect(o.columns).toEqual(['log_return', 'log_volume'])
    expect(o.observations).toHaveLength(2999)
    expect(o.transitionMatrix).toHaveLength(3)
    for (const row of o.transitionMatrix) expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12)
    expect(o.covariances[0]).toHaveLength(2)
    expect([...o.states].sort()).toEqual(['bear', 'bull', 'range'])
    const byReturn = [0, 1, 2].sort((a, b) => o.means[a][0] - o.means[b][0])
    expect([o.states[byReturn[0]], o.states[byReturn[2]]]).toEqual(['bear', 'bull'])
    // Anyone can recompute the printed log-likelihood from the printed parameters and observations.
    const model = hmmFromLists(o)
    const x = Float64Array.from(o.observations!.flat())
    const ll = forwardLogLikelihood(hmmKernel(model), x, o.observations!.length)
    expect(Math.abs(ll - o.logLikelihood) / Math.abs(o.logLikelihood)).toBeLessThan(1e-9)

    // The same fit again registers nothing new; without --observations the matrix is not printed.
    const again = train('--json')
    expect(again.code, again.stderr).toBe(0)
    const p = JSON.parse(again.stdout) as Printed
    expect(p.versionId).toBe(o.versionId)
    expect(p.alias).toBeNull()
    expect(p.observations).toBeUndefined()
    const shown = runArmada(['models', 'show', 'hmm-btcusd-1h', '--json', '--db', db])
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.stdout).toContain(o.versionId)
  })

  it('backtests regime-following on the fitted HMM with --regime-model hmm', () => {
    const bt = (...extra: string[]) =>
      runArmada([
        'backtest',
        '--strategy',
        'regime-following',
        '--timeframe',
        '1h',
        '--regime-model',
        'hmm',
        ...extra,
        '--json',
        '--db',
        db,
      ])
    const r = bt('--symbol', 'BTCUSD')
    expect(r.code, r.stderr).toBe(0)
    const o = JSON.parse(r.stdout) as { trades: number }
    expect(o.trades).toBeGreaterThan(10)
    const none = bt('--symbol', 'ETHUSD')
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('no regime HMM hmm-ethusd-1h')
  }, 120_000)

  it('backtests the strategy switcher, with per-regime posteriors on the HMM and without', () => {
    for (const regime of [['--regime-model', 'hmm'], []]) {
      const r = runArmada([
        'backtest',
        '--strategy',
        'switcher',
        '--symbol',
        'BTCUSD',
        '--timeframe',
        '1h',
        ...regime,
        '--json',
        '--db',
        db,
      ])
      expect(r.code, r.stderr).toBe(0)
      expect((JSON.parse(r.stdout) as { trades: number }).trades).toBeGreaterThan(10)
    }
  }, 120_000)

  it('refuses bad input with one line and exit 2', () => {
    const states = train('--states', '0')
    expect(states.code).toBe(2)
    expect(states.stderr).toContain('--states must be an integer in [1, 10]')
    const missing = runArmada(['train', 'hmm', '--symbol', 'ETHUSD', '--timeframe', '1h', '--db', db])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('no stored bars for ETHUSD 1h')
    const short = train('--to', '2017-07-02T00:00:00Z')
    expect(short.code, short.stdout).toBe(2)
    expect(short.stderr).toMatch(/needs at least \d+ rows/)
  })
})
