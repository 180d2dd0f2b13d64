import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, SqliteBarStore } from '../../store'
import { readTestText } from '../../testing'
import { runCli } from '../run-cli'

/** `armada train alerts` on stored LEAN hourly SPY, AAPL, IBM and VXX bars (real), 2010–2012. */
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
  dir = mkdtempSync(join(tmpdir(), 'armada-train-alerts-'))
  db = join(dir, 'a.db')
  const h = openDatabase(db)
  const store = new SqliteBarStore(h)
  for (const s of ['spy', 'aapl', 'ibm', 'vxx']) {
    const bars = readTestText('lean', 'equity_hour', `${s}.csv.gz`)
      .trim()
      .split('\n')
      .filter((l) => l >= '20100101' && l < '20121231')
      .map((l) => {
        const [t, o, hi, lo, c, v] = l.split(',')
        return {
          time: Date.UTC(+t.slice(0, 4), +t.slice(4, 6) - 1, +t.slice(6, 8), +t.slice(9, 11)),
          open: +o / 1e4,
          high: +hi / 1e4,
          low: +lo / 1e4,
          close: +c / 1e4,
          volume: +v,
        }
      })
    store.upsert({ symbol: s.toUpperCase(), venue: 'LEAN', timeframe: '1h' }, bars)
  }
  h.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('armada train alerts', () => {
  it('trains and registers one model per type and horizon on the aligned basket, with baselines in --json', async () => {
    const r = await armada([
      'train',
      'alerts',
      '--basket',
      'spy,aapl,ibm,vxx',
      '--timeframe',
      '1h',
      '--types',
      'CORRELATION_BREAKDOWN,SPIKE_LIKELY',
      '--horizons',
      '12',
      '--json',
    ])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as {
      bars: number
      models: { name: string; alias: string; walkForward: { n: number }; baseline: { majority: { n: number } } }[]
    }
    expect(out.bars).toBeGreaterThan(4000)
    expect(out.models.map((m) => m.name)).toEqual(['alerts-correlation-breakdown-h12h', 'alerts-spike-likely-h12h'])
    for (const m of out.models) {
      expect(m.alias).toBe('champion')
      expect(m.baseline.majority.n).toBe(m.walkForward.n)
    }
  }, 60_000)

  it('exits 2 with one line for a basket under 3 instruments or an unknown type', async () => {
    expect((await armada(['train', 'alerts', '--symbols', 'spy,aapl', '--timeframe', '1h'])).code).toBe(2)
    const r = await armada(['train', 'alerts', '--symbols', 'spy,aapl,ibm', '--timeframe', '1h', '--types', 'NOPE'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    const none = await armada(['train', 'alerts', '--timeframe', '1h'])
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/--basket is required/)
  })
})
