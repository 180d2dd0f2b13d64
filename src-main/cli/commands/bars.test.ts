import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createCore } from '../../core'
import { MarketDataImporter } from '../../data'
import { openDatabase } from '../../store'
import { testData } from '../../testing'
import { runCliCaptured } from '../test-support'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A database holding only the real FTX BTC-PERP 1m month. */
function ftxDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'armada-bars-'))
  dirs.push(dir)
  const db = join(dir, 'a.db')
  const h = openDatabase(db)
  new MarketDataImporter(h).importFile(testData('nautilus_trader/ftx_BTC-PERP_1m_20211231-20220201.csv.gz'), {
    venue: 'FTX',
    symbol: 'BTC-PERP',
  })
  h.close()
  return db
}

describe('armada bars on a timeframe that is not stored', () => {
  it('resamples 1m to 1h, says so on stderr, and gives the bars getBars gives the chart', async () => {
    const db = ftxDb()
    const r = await runCliCaptured(['bars', 'btc-perp', '--timeframe', '1h', '--json'], db)
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('BTC-PERP.FTX-1h: not stored; resampled from 1m')
    const cli = JSON.parse(r.stdout) as { time: number; partial?: boolean }[]
    expect(cli).toHaveLength(751)
    expect(cli.at(-1)!.partial).toBe(true)
    const core = createCore({ dbPath: db, shell: 'cli' })
    core.start()
    try {
      const api = await core.getBars({ symbol: 'BTC-PERP', timeframe: '1h', limit: 100_000 })
      expect(api.every((b) => b.resampledFrom === '1m' && b.venue === 'FTX')).toBe(true)
      expect(cli).toEqual(api.map(({ symbol: _s, venue: _v, timeframe: _t, resampledFrom: _r, ...b }) => b))
      // A window by --from/--to: the buckets opening inside it, each whole.
      const w = await runCliCaptured(
        [
          'bars',
          'BTC-PERP',
          '--timeframe',
          '4h',
          '--from',
          '2022-01-05T02:00:00Z',
          '--to',
          '2022-01-05T12:00:00Z',
          '--csv',
        ],
        db,
      )
      const rows = w.stdout.trim().split('\n').slice(1)
      expect(rows.map((l) => l.split(',')[0])).toEqual([
        '2022-01-05T04:00:00.000Z',
        '2022-01-05T08:00:00.000Z',
        '2022-01-05T12:00:00.000Z',
      ])
      const fourHours = await core.getBars({
        symbol: 'BTC-PERP',
        venue: 'FTX',
        timeframe: '4h',
        from: Date.UTC(2022, 0, 5, 2),
        to: Date.UTC(2022, 0, 5, 12),
      })
      expect(rows.map((l) => Number(l.split(',')[4]))).toEqual(fourHours.map((b) => b.close))
    } finally {
      await core.dispose()
    }
    // A timeframe no stored one divides stays an input error.
    const bad = await runCliCaptured(['bars', 'BTC-PERP', '--timeframe', '1s'], db)
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim()).toBe(
      'armada bars: no stored 1s bars for BTC-PERP (nor finer bars to resample: armada import … first)',
    )
  })
})
