import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { MarketDataImporter } from '../data'
import { barsToColumns, computeFeatures } from '../features'
import { openDatabase, SqliteBarStore } from '../store'
import { readTestText, runArmada, testData } from '../testing'

const dir = mkdtempSync(join(tmpdir(), 'armada-features-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** SPY daily bars (pandas-ta) as the DESIGN.md bar CSV: time,open,high,low,close,volume. */
function spyCsv(rows: number): string {
  const lines = readTestText('pandas-ta', 'SPY_D.csv.gz')
    .trim()
    .split('\n')
    .slice(1, rows + 1)
  return ['time,open,high,low,close,volume', ...lines.map((l) => l.split(',').slice(1, 7).join(','))].join('\n') + '\n'
}

describe('armada indicators / features', () => {
  it('indicators writes one column per output named by its spec, warm-up rows empty', () => {
    const bars = join(dir, 'spy.csv')
    writeFileSync(bars, spyCsv(300))
    const out = join(dir, 'ind.csv')
    const r = runArmada([
      'indicators',
      '--bars',
      bars,
      '--spec',
      'rsi:14,macd:12:26:9,bb:20:2,stoch:14:3:3',
      '--out',
      out,
    ])
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

  it('indicators: bad input exits 2 with one line naming the file and line, or the spec', () => {
    const good = join(dir, 'good.csv')
    writeFileSync(good, spyCsv(40))
    const lines = spyCsv(40).split('\n')
    const cases: [string, string[], RegExp][] = []
    const bad = (name: string, text: string) => {
      const p = join(dir, name)
      writeFileSync(p, text)
      return p
    }
    lines[5] = lines[5].replace(/,[^,]*$/, ',abc')
    cases.push([bad('badcell.csv', lines.join('\n')), ['rsi:14'], /badcell\.csv:6: volume "abc" is not a number/])
    const swapped = spyCsv(40).split('\n')
    ;[swapped[3], swapped[4]] = [swapped[4], swapped[3]]
    cases.push([
      bad('order.csv', swapped.join('\n')),
      ['rsi:14'],
      /order\.csv:5: time \S+ is not after the previous row/,
    ])
    cases.push([
      bad('nohead.csv', spyCsv(40).replace('volume', 'vol')),
      ['rsi:14'],
      /nohead\.csv:1: header lacks volume/,
    ])
    cases.push([join(dir, 'missing.csv'), ['rsi:14'], /missing\.csv: .*no such file/])
    cases.push([good, ['rsi:0'], /indicator spec "rsi:0": parameter 1 must be an integer ≥ 1/])
    cases.push([good, ['ema:5:tulip'], /unknown option "tulip" for ema/])
    cases.push([good, ['rsi:14,RSI'], /indicator spec "rsi:14": given twice/])
    cases.push([
      good,
      ['rsi:14', '--out', join(dir, 'no-such-folder', 'x.csv')],
      /folder .*no-such-folder does not exist/,
    ])
    for (const [bars, [spec, ...rest], want] of cases) {
      const r = runArmada(['indicators', '--bars', bars, '--spec', spec, ...rest])
      expect(r.code, `${bars} ${spec}`).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr.trim().split('\n'), `${bars} ${spec}`).toHaveLength(1)
      expect(r.stderr).toMatch(want)
    }
  })

  it('indicators reads a quoted spreadsheet export (BOM, quoted cells, CRLF) like the plain file', () => {
    const plain = join(dir, 'plain.csv')
    writeFileSync(plain, spyCsv(60))
    const quoted = join(dir, 'quoted.csv')
    const text = spyCsv(60)
      .trim()
      .split('\n')
      .map((l) =>
        l
          .split(',')
          .map((c) => `"${c}"`)
          .join(','),
      )
      .join('\r\n')
    writeFileSync(quoted, `\uFEFF${text}\r\n`)
    const a = runArmada(['indicators', '--bars', plain, '--spec', 'sma:5,adx:14,sar:0.02:0.2:touch', '--json'])
    const b = runArmada(['indicators', '--bars', quoted, '--spec', 'sma:5,adx:14,sar:0.02:0.2:touch', '--json'])
    expect(b.code, b.stderr).toBe(0)
    expect(b.stdout).toBe(a.stdout)
    expect((JSON.parse(b.stdout) as { columns: string[] }).columns).toEqual([
      'time',
      'sma:5',
      'adx:14.adx',
      'adx:14.plus_di',
      'adx:14.minus_di',
      'sar:0.02:0.2:touch',
    ])
  })

  it('indicators with --out names the file and columns on stdout; --json prints time then the columns', () => {
    const bars = join(dir, 'spy3.csv')
    writeFileSync(bars, spyCsv(30))
    const out = join(dir, 'ind3.csv')
    const r = runArmada(['indicators', '--bars', bars, '--spec', 'donchian:5', '--out', out])
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toBe(`${out}: 30 rows, 3 columns (donchian:5.upper, donchian:5.lower, donchian:5.middle)`)
    const j = runArmada(['indicators', '--bars', bars, '--spec', 'rocr:3', '--json'])
    const t = JSON.parse(j.stdout) as { columns: string[]; rows: (string | number | null)[][] }
    expect(t.columns).toEqual(['time', 'rocr:3'])
    expect(t.rows[0]).toEqual(['1999-11-01', null])
    expect(t.rows[3][1]).toBeCloseTo(Number(spyCsv(4).trim().split('\n')[4].split(',')[4]) / 135.5625, 12)
  })

  it('features prints the regime set (43 columns) for stored bars', () => {
    const db = join(dir, 'f.db')
    const store = openDatabase(db)
    new MarketDataImporter(store).importFile(testData('freqtrade', 'futures', 'XRP_USDT_USDT-1h-futures.json'))
    store.close()
    const r = runArmada([
      'features',
      '--symbol',
      'XRPUSDT',
      '--timeframe',
      '1h',
      '--set',
      'regime',
      '--db',
      db,
      '--json',
    ])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as { columns: string[]; rows: (string | number | null)[][]; specHash: string }
    expect(out.columns).toHaveLength(44)
    expect(out.specHash).toMatch(/^[0-9a-f]{64}$/)
    expect(
      out.rows
        .at(-1)!
        .slice(1)
        .every((v) => v === null || Number.isFinite(v)),
    ).toBe(true)
  })

  it('features are computed over the whole stored history: --from/--to only choose rows, which equal the batch computation over every bar', () => {
    const db = join(dir, 'history.db')
    const store = openDatabase(db)
    const imported = new MarketDataImporter(store).importFile(testData('freqtrade', 'spot', 'ETH_BTC-5m.json.gz'))
    const bars = [
      ...new SqliteBarStore(store).pages({ symbol: 'ETHBTC', venue: imported.venue, timeframe: '5m' }),
    ].flat()
    store.close()
    const batch = computeFeatures({ symbol: 'ETHBTC', timeframe: '5m', set: 'regime', bars: barsToColumns(bars) })
    const f = batch.names.length
    const from = bars[300].time
    const to = bars[359].time
    const csv = join(dir, 'window.csv')
    const r = runArmada([
      'features',
      '--symbol',
      'ethbtc',
      '--timeframe',
      '5m',
      '--set',
      'regime',
      '--from',
      new Date(from).toISOString(),
      '--to',
      String(to),
      '--db',
      db,
      '--out',
      csv,
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/window\.csv: 60 rows × 43 features/)
    const [header, ...rows] = readFileSync(csv, 'utf8').trim().split('\n')
    expect(header.split(',')).toEqual(['time', ...batch.names])
    expect(rows).toHaveLength(60)
    rows.forEach((line, k) => {
      const cells = line.split(',')
      expect(Date.parse(cells[0])).toBe(bars[300 + k].time)
      // Bar 300 is long past the 100-bar warm-up only because the bars before --from were read too.
      cells.slice(1).forEach((c, j) => {
        const want = batch.data[(300 + k) * f + j]
        if (Number.isNaN(want)) expect(c).toBe('')
        else expect(Number(c)).toBe(want)
      })
    })
    // Without --out the same table goes to stdout; an empty range says so on stderr.
    const all = runArmada([
      'features',
      '--symbol',
      'ETHBTC',
      '--timeframe',
      '5m',
      '--set',
      'regime',
      '--to',
      String(bars[400].time),
      '--db',
      db,
    ])
    expect(all.code).toBe(0)
    expect(all.stdout.trim().split('\n')).toHaveLength(402)
    expect(all.stdout.trim().split('\n')[301]).toBe(rows[0])
    const none = runArmada([
      'features',
      '--symbol',
      'ETHBTC',
      '--timeframe',
      '5m',
      '--set',
      'regime',
      '--from',
      '2100-01-01',
      '--db',
      db,
    ])
    expect(none.code).toBe(0)
    expect(none.stderr).toMatch(/no stored ETHBTC\.\S+ 5m bars between --from and --to/)
  })

  it('features: bad input exits 2 with one line (unknown set, bad timeframe, no stored bars, missing --out folder)', () => {
    const db = join(dir, 'empty.db')
    for (const [args, want] of [
      [
        ['--symbol', 'XRPUSDT', '--timeframe', '1h', '--set', 'alerts'],
        /--set must be one of regime, liquidation, microstructure, battle-navale/,
      ],
      [['--symbol', 'XRPUSDT', '--timeframe', '7x', '--set', 'regime'], /--timeframe "7x" is not a timeframe/],
      [['--symbol', 'NOPE', '--timeframe', '1h', '--set', 'regime'], /no stored NOPE 1h bars/],
      [
        ['--symbol', 'XRPUSDT', '--timeframe', '1h', '--set', 'regime', '--out', join(dir, 'nope', 'f.csv')],
        /folder .*nope does not exist/,
      ],
    ] as const) {
      const r = runArmada(['features', ...args, '--db', db])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(want)
    }
  })
})
