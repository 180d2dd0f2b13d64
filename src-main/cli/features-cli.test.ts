import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MarketDataImporter } from '../data'
import { openDatabase } from '../store'
import { readSharedText, runArmada, sharedData } from '../testing'

const dir = mkdtempSync(join(tmpdir(), 'armada-features-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** SPY daily bars (pandas-ta) as the DESIGN.md bar CSV: time,open,high,low,close,volume. */
function spyCsv(rows: number): string {
  const lines = readSharedText('pandas-ta', 'SPY_D.csv.gz').trim().split('\n').slice(1, rows + 1)
  return ['time,open,high,low,close,volume', ...lines.map((l) => l.split(',').slice(1, 7).join(','))].join('\n') + '\n'
}

describe('armada indicators / features', () => {
  it('indicators writes one column per output named by its spec, warm-up rows empty', () => {
    const bars = join(dir, 'spy.csv')
    writeFileSync(bars, spyCsv(300))
    const out = join(dir, 'ind.csv')
    const r = runArmada(['indicators', '--bars', bars, '--spec', 'rsi:14,macd:12:26:9,bb:20:2,stoch:14:3:3', '--out', out])
    expect(r.code).toBe(0)
    const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n')
    expect(header.split(',')).toEqual([
      'time',
      'rsi:14',
      'macd:12:26:9.macd',
      'macd:12:26:9.signal',
      'macd:12:26:9.hist',
      'bb:20:2.upper',
      'bb:20:2.middle',
      'bb:20:2.lower',
      'bb:20:2.width',
      'bb:20:2.percent_b',
      'stoch:14:3:3.k',
      'stoch:14:3:3.d',
    ])
    expect(rows).toHaveLength(300)
    expect(rows[0].split(',')[1]).toBe('') // RSI(14) has no value on the first bar
    const rsi = Number(rows[299].split(',')[1])
    expect(rsi).toBeGreaterThan(0)
    expect(rsi).toBeLessThan(100)
  })

  it('indicators refuses a bad spec with exit 2 and one line', () => {
    const bars = join(dir, 'spy2.csv')
    writeFileSync(bars, spyCsv(50))
    const r = runArmada(['indicators', '--bars', bars, '--spec', 'rsi:14,nope:3'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain('nope:3')
  })

  it('features prints the regime set (43 columns) for stored bars', () => {
    const db = join(dir, 'f.db')
    const store = openDatabase(db)
    new MarketDataImporter(store).importFile(sharedData('freqtrade', 'futures', 'XRP_USDT_USDT-1h-futures.json'))
    store.close()
    const r = runArmada(['features', '--symbol', 'XRPUSDT', '--timeframe', '1h', '--set', 'regime', '--db', db, '--json'])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as { columns: string[]; rows: (string | number | null)[][]; specHash: string }
    expect(out.columns).toHaveLength(44)
    expect(out.specHash).toMatch(/^[0-9a-f]{64}$/)
    expect(out.rows.at(-1)!.slice(1).every((v) => v === null || Number.isFinite(v))).toBe(true)
  })
})
