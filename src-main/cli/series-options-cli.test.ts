import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runArmada, testData } from '../testing'

const dir = mkdtempSync(join(tmpdir(), 'armada-series-options-'))
const db = join(dir, 'armada.db')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Real Bittrex ADA/BTC 5m bars (freqtrade), imported under a pair spelling: the importer stores ADABTC. */
beforeAll(() => {
  const r = runArmada([
    'import',
    testData('freqtrade', 'spot', 'ADA_BTC-5m.json.gz'),
    '--symbol',
    'ada/btc',
    '--venue',
    'BITTREX',
    '--timeframe',
    '5m',
    '--db',
    db,
  ])
  expect(r.code, r.stderr).toBe(0)
  expect(r.stdout).toContain('ADABTC.BITTREX-5m')
}, 60_000)

const FROM = '2018-01-20T00:00:00Z'
const TO = '2018-01-20T01:00:00Z'

/** Exit code 2 and one line on stderr that names both values. */
function expectFromAfterTo(r: { code: number; stderr: string }): void {
  expect(r.code).toBe(2)
  const lines = r.stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toContain(`--from ${TO} is after --to ${FROM}`)
}

describe('series options shared by the commands', () => {
  it.each(['ADA/BTC', 'ada-btc', 'ada_btc', 'ADABTC'])('bars %s names the stored ADABTC series', (symbol) => {
    const r = runArmada(['bars', symbol, '--timeframe', '5m', '--from', FROM, '--to', TO, '--json', '--db', db])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toHaveLength(13)
  })

  it('features --symbol ADA-BTC reads the ADABTC series', () => {
    const r = runArmada([
      'features',
      '--symbol',
      'ADA-BTC',
      '--timeframe',
      '5m',
      '--set',
      'regime',
      '--from',
      FROM,
      '--to',
      TO,
      '--json',
      '--db',
      db,
    ])
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as { symbol: string; rows: unknown[] }
    expect(out.symbol).toBe('ADABTC')
    expect(out.rows).toHaveLength(13)
  })

  it('backtest, train model and train regime spell --symbol canonically (the missing series is named ZECBTC)', () => {
    for (const args of [
      ['backtest', '--strategy', 'battle-navale', '--symbol', 'zec_btc', '--timeframe', '5m'],
      ['train', 'model', '--symbol', 'ZEC/BTC', '--timeframe', '5m'],
      ['train', 'regime', '--symbol', 'zec-btc', '--timeframe', '5m'],
    ]) {
      const r = runArmada([...args, '--db', db])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/ZECBTC/)
      expect(r.stderr).not.toMatch(/zec_btc|ZEC\/BTC|zec-btc/)
    }
  })

  it('refuses text that cannot be a symbol with exit 2, naming the option', () => {
    const r = runArmada(['bars', 'ADA;BTC', '--timeframe', '5m', '--db', db])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toMatch(/^armada bars: SYMBOL: invalid symbol "ADA;BTC"/)
  })

  it.each([
    ['bars', ['bars', 'ADABTC', '--timeframe', '5m']],
    ['features', ['features', '--symbol', 'ADABTC', '--timeframe', '5m', '--set', 'regime']],
    ['backtest', ['backtest', '--strategy', 'battle-navale', '--symbol', 'ADABTC', '--timeframe', '5m']],
  ])('%s refuses --from after --to with exit 2 and one line naming both', (_name, args) => {
    expectFromAfterTo(runArmada([...args, '--from', TO, '--to', FROM, '--db', db]))
  })
})

describe('CLI words for the inputs a core message asks for', () => {
  it('an unrecognised file asks for --format (the GUI names its control instead)', () => {
    const bad = join(dir, 'notes.csv')
    writeFileSync(bad, 'TIMESTAMP,BID,ASK\n1,2,3\n')
    const r = runArmada(['import', bad, '--db', db])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toMatch(
      /notes\.csv:1: unrecognised format \(first line "TIMESTAMP,BID,ASK"\); pass --format$/,
    )
  })
})
