import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALERT_BASKET_SETTING, CallRefused, type Bar } from '../../src-shared'
import type { AlertsTrainJobResult } from '../predictors'
import { readTestText } from '../testing'
import { createCore, type WorkstationCore } from './index'

/**
 * The trader's own alert basket on real LEAN US-equity hours (AAPL, IBM, SPY, VXX; 2010–2011): chosen through the API,
 * refused with the reason when it cannot be scored, its models trained as one job under the basket's own names, the
 * loop restarted on it and scoring with them, the choice kept across a restart.
 */
const venue = 'USA'
let dir: string
let db: string

function leanHours(symbol: string): Bar[] {
  return readTestText('lean', 'equity_hour', `${symbol.toLowerCase()}.csv.gz`)
    .trim()
    .split('\n')
    .filter((l) => l >= '20100101' && l < '20111231')
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
}

function open(): WorkstationCore {
  const c = createCore({ dbPath: db, shell: 'cli' })
  c.start()
  return c
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-basket-'))
  db = join(dir, 'a.db')
  const c = open()
  for (const s of ['AAPL', 'IBM', 'SPY', 'VXX']) c.bars.upsert({ symbol: s, venue, timeframe: '1h' }, leanHours(s))
  return c.dispose()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("the trader's alert basket", () => {
  it('is refused with the reason when it cannot be scored; nothing is stored then', async () => {
    const c = open()
    try {
      const refused = (basket: unknown) =>
        c.setAlertBasket({ basket } as never).then(
          () => 'accepted',
          (err: unknown) => (err instanceof CallRefused ? err.message : `not a refusal: ${String(err)}`),
        )
      expect(await refused({ assets: ['AAPL', 'IBM'], venue, timeframe: '1h' })).toBe(
        'setAlertBasket: a basket needs at least 3 instruments (the lead first), got 2',
      )
      expect(await refused({ assets: ['AAPL', 'IBM', 'MSFT'], venue, timeframe: '1h' })).toBe(
        'setAlertBasket: no stored 1h bars of MSFT at USA',
      )
      expect(await refused({ assets: ['AAPL', 'IBM', 'aapl'], venue, timeframe: '1h' })).toBe(
        'setAlertBasket: an instrument is listed twice',
      )
      expect(await refused({ assets: ['AAPL', 'IBM', 'SPY'], venue, timeframe: '1d' })).toMatch(
        /^setAlertBasket: "timeframe" must be one of 5m, 15m, 1h, 4h/,
      )
      expect(await c.getSetting({ key: ALERT_BASKET_SETTING })).toBeNull()
      expect((await c.getAlertStatus()).state).toBe('off')
      await expect(c.trainAlertBasket()).rejects.toThrow(/no alert basket is chosen/)
    } finally {
      await c.dispose()
    }
  })

  it('is chosen, trained as one job under its own model names, scored live, and kept across a restart', async () => {
    const c = open()
    try {
      const chosen = await c.setAlertBasket({
        basket: { name: 'Tech hours', assets: ['aapl', 'IBM', 'SPY'], venue: 'usa', timeframe: '1h' },
      })
      expect(chosen).toMatchObject({
        basket: 'Tech hours',
        assets: ['AAPL', 'IBM', 'SPY'],
        venue,
        timeframe: '1h',
        modelPrefix: 'alerts-tech-hours',
        source: 'trader',
      })
      await c.alerts.idle()
      const before = await c.getAlertStatus()
      expect(before.models.every((m) => m.versionId === null && m.modelName.startsWith('alerts-tech-hours-'))).toBe(
        true,
      )
      expect(before.models[0].reason).toMatch(/no alerts-tech-hours-\S+ model is registered; train the basket/)

      // Two types × two horizons keep the test short; the job is the one the Alerts view starts for all 16.
      const job = await c.trainAlertBasket({
        types: ['VOLATILITY_SPIKE_IMMINENT', 'CORRELATION_BREAKDOWN'],
        horizonsHours: [4, 12],
      })
      const done = await c.jobs.wait(job.id)
      expect(done.state, done.error).toBe('succeeded')
      const result = done.result as AlertsTrainJobResult
      const trained = result.models.map((m) => m.name).sort()
      expect(trained.length + result.skipped.length).toBe(4)
      expect(
        trained.every((n) => /^alerts-tech-hours-(volatility-spike-imminent|correlation-breakdown)-h(4|12)h$/.test(n)),
      ).toBe(true)
      // The loop reloads on the new champions and scores the basket's history with them.
      await c.alerts.idle()
      const after = await c.getAlertStatus()
      const live = after.models.filter((m) => m.versionId !== null)
      expect(live.map((m) => m.modelName).sort()).toEqual(trained)
      expect(after.state).toBe('scoring')
      expect(after.lastScoredAt).toBe(leanHours('SPY').at(-1)!.time)
    } finally {
      await c.dispose()
    }
    const again = open()
    try {
      const st = await again.getAlertStatus()
      expect(st).toMatchObject({ basket: 'Tech hours', modelPrefix: 'alerts-tech-hours', source: 'trader' })
      // Back to the default: no basket without a live config.
      expect((await again.setAlertBasket({ basket: null })).state).toBe('off')
    } finally {
      await again.dispose()
    }
  }, 240_000)
})
