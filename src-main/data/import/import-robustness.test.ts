import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { deflateRawSync, gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readTestText, testData } from '../../testing'
import { openDatabase, SqliteBarStore, SqliteTradeStore, type Db } from '../../store'
import { ImportError } from './import-types'
import { MarketDataImporter } from './market-data-importer'

let dir: string
let db: Db
let importer: MarketDataImporter
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-import-'))
  db = openDatabase(':memory:')
  importer = new MarketDataImporter(db)
})
afterEach(() => {
  if (db.open) db.close()
  rmSync(dir, { recursive: true, force: true })
})

function write(name: string, content: string | Buffer): string {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}

function refusal(fn: () => unknown): ImportError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError)
    expect((e as Error).message).not.toContain('\n')
    return e as ImportError
  }
  throw new Error('expected an ImportError')
}

/** Minimal single-entry zip writer (deflate), the layout LEAN's and Binance's archives use. */
function zip(name: string, data: Buffer): Buffer {
  const body = deflateRawSync(data)
  const n = Buffer.from(name)
  const local = Buffer.alloc(30)
  ;(local.writeUInt32LE(0x04034b50, 0), local.writeUInt16LE(20, 4), local.writeUInt16LE(8, 8))
  ;(local.writeUInt32LE(body.length, 18), local.writeUInt32LE(data.length, 22), local.writeUInt16LE(n.length, 26))
  const cd = Buffer.alloc(46)
  ;(cd.writeUInt32LE(0x02014b50, 0), cd.writeUInt16LE(20, 4), cd.writeUInt16LE(20, 6), cd.writeUInt16LE(8, 10))
  ;(cd.writeUInt32LE(body.length, 20), cd.writeUInt32LE(data.length, 24), cd.writeUInt16LE(n.length, 28))
  const eocd = Buffer.alloc(22)
  const cdOffset = local.length + n.length + body.length
  ;(eocd.writeUInt32LE(0x06054b50, 0), eocd.writeUInt16LE(1, 8), eocd.writeUInt16LE(1, 10))
  ;(eocd.writeUInt32LE(cd.length + n.length, 12), eocd.writeUInt32LE(cdOffset, 16))
  return Buffer.concat([local, n, body, cd, n, eocd])
}

describe('rejected rows name the line and the reason', () => {
  it('corrupted Binance klines: bad OHLC, negative volume, NaN, missing columns are rejected, the rest imported', () => {
    const lines = readTestText('nautilus_trader', 'binance_ADABTC-1m-2021-11-28.csv').trimEnd().split('\n')
    const cells = (i: number): string[] => lines[i].split(',')
    const set = (i: number, col: number, v: string): void => {
      const c = cells(i)
      c[col] = v
      lines[i] = c.join(',')
    }
    set(1, 2, '0.00000001') // high below open/close
    set(3, 3, '0.1') // low above open/close
    set(5, 5, '-3') // negative volume
    set(7, 4, 'abc') // close not a number
    lines[9] = cells(9).slice(0, 8).join(',') // truncated row
    set(10, 4, '') // empty close
    const report = importer.importFile(write('ADABTC-1m-2021-11-28.csv', lines.join('\n')))
    expect(report.imported).toBe(5)
    expect(report.rejected.map((r) => [r.line, r.reason.split(' ')[0]])).toEqual([
      [2, 'high'],
      [4, 'low'],
      [6, 'volume'],
      [8, 'close'],
      [10, 'expected'],
      [11, 'close'],
    ])
    expect(report.rejected[0]).toMatchObject({
      file: expect.stringContaining('ADABTC'),
      reason: expect.stringMatching(/below max\(open/),
    })
    expect(report.rejected[4].reason).toBe('expected 12 columns, found 8')
  })

  it('a duplicated and an out-of-order row in a LEAN file are rejected as non-increasing times', () => {
    const lines = readTestText('lean', 'equity_minute', 'ibm_20131004_trade.csv.gz').trimEnd().split('\n')
    lines.splice(10, 0, lines[9])
    lines.splice(20, 0, lines[5])
    const path = write('ibm_20131004_trade.csv', lines.join('\n'))
    const report = importer.importFile(path, { symbol: 'IBM', venue: 'USA' })
    expect(report.imported).toBe(411)
    expect(report.rejected.map((r) => r.line)).toEqual([11, 21])
    expect(report.rejected[0].reason).toMatch(/duplicate of line 10/)
  })

  it('bad rows in a generic CSV with a header report their 1-based file line', () => {
    const text =
      'Time,Open,High,Low,Close,Volume\n2024-01-01T00:00:00Z,1,2,0.5,1.5,10\nnot-a-date,1,2,0.5,1.5,10\n2024-01-01T00:02:00Z,1,2,0.5,1.5,\n2024-01-01T00:03:00Z,1,2,0.5,1.5,10\n'
    const report = importer.importFile(write('TEST_1m.csv', text))
    expect(report.imported).toBe(2)
    expect(report.rejected).toEqual([
      { file: expect.any(String), line: 3, reason: 'time "not-a-date" is not a recognised date/time' },
      { file: expect.any(String), line: 4, reason: 'volume is empty' },
    ])
  })
})

describe('truncated, mislabelled and non-UTF-8 files produce errors, never crashes', () => {
  it('a truncated gzip is refused', () => {
    const gz = readFileSync(testData('freqtrade/spot/ADA_BTC-5m.json.gz'))
    expect(
      refusal(() => importer.importFile(write('ADA_BTC-5m.json.gz', gz.subarray(0, gz.length >> 1)))).reason,
    ).toMatch(/gzip data is truncated/)
  })

  it('a truncated JSON file is refused', () => {
    const text = readTestText('freqtrade/spot/XRP_ETH-5m.json')
    expect(refusal(() => importer.importFile(write('XRP_ETH-5m.json', text.slice(0, 5000)))).reason).toMatch(
      /JSON is truncated or malformed/,
    )
  })

  it('a CSV cut mid-row imports the complete rows and rejects the partial last one', () => {
    const text = readTestText('nautilus_trader', 'binance_ADABTC-1m-2021-11-27.csv')
    const report = importer.importFile(write('ADABTC-1m-2021-11-27.csv', text.slice(0, text.length - 60)))
    expect(report.imported).toBe(9)
    expect(report.rejected).toEqual([
      { file: expect.any(String), line: 10, reason: expect.stringMatching(/^expected 12 columns, found \d+$/) },
    ])
  })

  it('bytes that are not UTF-8 are refused with the offset', () => {
    const good = Buffer.from(readTestText('nautilus_trader', 'binance_ADABTC-1m-2021-11-27.csv'))
    const bad = Buffer.concat([good.subarray(0, 200), Buffer.from([0xff, 0xfe, 0xc3]), good.subarray(200)])
    expect(refusal(() => importer.importFile(write('ADABTC-1m-2021-11-27.csv', bad))).reason).toMatch(
      /not UTF-8 text \(invalid byte at offset 200\)/,
    )
  })

  it('a file forced into the wrong format rejects its rows instead of importing nonsense, and stores nothing', () => {
    const r = refusal(() =>
      importer.importFile(testData('lean/equity_daily/spy.csv.gz'), {
        format: 'binance-klines',
        symbol: 'SPY',
        timeframe: '1d',
      }),
    )
    expect(r.reason).toBe('every row was rejected (5,849); line 1: expected 12 columns, found 6')
    expect(
      db
        .prepare('SELECT (SELECT count(*) FROM instruments) AS instruments, (SELECT count(*) FROM series) AS series')
        .get(),
    ).toEqual({ instruments: 0, series: 0 })
  })

  it('wrong columns in a header CSV are refused with the header named', () => {
    expect(
      refusal(() => importer.importFile(write('x.csv', 'when,price\n1,2\n'), { format: 'generic-csv' })).reason,
    ).toMatch(/no time column in header "when,price"/)
    expect(
      refusal(() => importer.importFile(write('y.csv', 'time,open,high\n1,2,3\n'), { format: 'generic-csv' })).reason,
    ).toMatch(/lacks open\/high\/low\/close/)
  })

  it('an empty file and binary garbage are refused', () => {
    expect(refusal(() => importer.importFile(write('empty.csv', ''))).reason).toBe('file is empty')
    expect(
      refusal(() => importer.importFile(write('noise.bin', Buffer.from('\u0001\u0002garbage,,,\n')))),
    ).toBeInstanceOf(ImportError)
  })
})

describe('archives and other layouts', () => {
  it('Binance klines with microsecond open times (spot files since 2025) are stored in ms', () => {
    const us = readTestText('nautilus_trader', 'binance_ADABTC-1m-2021-11-27.csv').replace(/^(\d{13}),/gm, '$1000,')
    const r = importer.importFile(write('ADABTC-1m-2025-01-01.csv', us))
    expect(r).toMatchObject({ imported: 10, first: 1637971200000, timeframe: '1m' })
  })

  it('generic CSV: column names match case-insensitively and epoch seconds, ms and µs all become UTC ms', () => {
    const rows = (unit: number): string =>
      [0, 1, 2].map((i) => `${(1_700_000_000 + i * 60) * unit},1,2,0.5,1.5,7`).join('\n')
    for (const [name, unit] of [
      ['s', 1],
      ['ms', 1000],
      ['us', 1_000_000],
    ] as const) {
      const r = importer.importFile(
        write(`TEST_${name}.csv`, `TimeStamp,OPEN,High,low,Close,VOLUME\n${rows(unit)}\n`),
        { symbol: `T${name.toUpperCase()}` },
      )
      expect(r).toMatchObject({
        format: 'generic-csv',
        imported: 3,
        timeframe: '1m',
        first: 1_700_000_000_000,
        last: 1_700_000_120_000,
      })
    }
  })

  it('a single-entry LEAN zip is read through its entry name (symbol, date and resolution)', () => {
    const csv = Buffer.from(readTestText('lean', 'equity_minute', 'spy_20131007_trade.csv.gz'))
    const path = write('20131007_trade.zip', zip('20131007_spy_minute_trade.csv', csv))
    const report = importer.importFile(path)
    expect(report).toMatchObject({ format: 'lean', symbol: 'SPY', timeframe: '1m', imported: 828 })
  })

  it('a truncated zip is refused', () => {
    const z = zip('20131007_spy_minute_trade.csv', Buffer.from('14400000,1,1,1,1,1\n'))
    expect(
      refusal(() => importer.importFile(write('20131007_trade.zip', z.subarray(0, z.length - 30)))).reason,
    ).toMatch(/zip/)
  })

  it('Binance aggTrades CSV (written from the Binance-origin freqtrade XRP/ETH trades) keeps ids and taker side', () => {
    const rows = JSON.parse(readTestText('freqtrade/spot/XRP_ETH-trades.json.gz')) as [
      number,
      string,
      null,
      string,
      number,
      number,
    ][]
    const csv = ['agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker,is_best_match']
    for (const [t, id, , side, p, q] of rows)
      csv.push(`${id},${p},${q},${id},${id},${t},${side === 'sell' ? 'True' : 'False'},True`)
    const path = write('XRPETH-aggTrades-2019-10-11.csv.gz', gzipSync(csv.join('\n')))
    const report = importer.importFile(path)
    expect(report).toMatchObject({ format: 'binance-aggtrades', symbol: 'XRPETH', venue: 'BINANCE', imported: 12477 })
    const first = new SqliteTradeStore(db).pages({ symbol: 'XRPETH', venue: 'BINANCE' }, 1).next().value![0]
    expect(first).toEqual({ time: 1570752011620, price: 0.00141342, qty: 23, side: 'sell', id: '13519807' })
  })
})

describe('one transaction per file', () => {
  it('kill -9 in the middle of a big import leaves the database exactly as before that file', async () => {
    const dbPath = join(dir, 'armada.db')
    const small = testData('nautilus_trader/binance_ADABTC-1m-2021-11-27.csv')
    const disk = openDatabase(dbPath)
    new MarketDataImporter(disk).importFile(small)
    disk.close()
    // 400k one-minute klines starting after the small file (same series), about 50 MB of CSV.
    const t0 = 1_700_000_000_000 - (1_700_000_000_000 % 60_000)
    const rows: string[] = []
    for (let i = 0; i < 400_000; i++) {
      const t = t0 + i * 60_000
      rows.push(`${t},1.0,1.5,0.5,1.2,10.0,${t + 59_999},12.0,5,4.0,4.8,0`)
    }
    const big = write('ADABTC-1m-2023-11-14.csv', rows.join('\n'))
    const script = write(
      'child.ts',
      `import { openDatabase } from ${JSON.stringify(resolve(__dirname, '../../store'))}
import { MarketDataImporter } from ${JSON.stringify(resolve(__dirname, 'market-data-importer'))}
const db = openDatabase(${JSON.stringify(dbPath)})
let told = false
new MarketDataImporter(db).importFile(${JSON.stringify(big)}, { onProgress: (n) => { if (!told && n >= 50000) { told = true; process.stdout.write('progress ' + n + '\\n') } } })
process.stdout.write('finished\\n')
`,
    )
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    const exit = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)))
    await new Promise<void>((r) =>
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('progress')) r()
      }),
    )
    child.kill('SIGKILL')
    expect(await exit).toBe('SIGKILL')
    expect(out).not.toContain('finished')
    const after = openDatabase(dbPath)
    try {
      expect(after.pragma('integrity_check', { simple: true })).toBe('ok')
      const bars = new SqliteBarStore(after)
      expect(bars.listSeries()).toEqual([
        { symbol: 'ADABTC', venue: 'BINANCE', timeframe: '1m', count: 10, first: 1637971200000, last: 1637971740000 },
      ])
    } finally {
      after.close()
    }
  })
})
