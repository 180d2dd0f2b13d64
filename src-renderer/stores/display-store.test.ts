import { describe, expect, it } from 'vitest'
import { DISPLAY_ZONE_SETTING } from '../../src-shared'
import { createChartStore } from './chart-store'
import { createDisplayStore, startDisplayStore } from './display-store'
import { FakeApi, makeBars } from './fake-api.test-support'

/** A fake core that keeps settings. */
function withSettings(): FakeApi {
  const fake = new FakeApi()
  const settings = new Map<string, unknown>()
  fake.api.getSetting = async ({ key }) => settings.get(key) ?? null
  fake.api.setSetting = async ({ key, value }) => {
    if (fake.failNext === 'setSetting') {
      fake.failNext = undefined
      throw new Error('setSetting: database is locked')
    }
    settings.set(key, value)
  }
  return fake
}

describe('display store', () => {
  it('resolves UTC, local and the charted exchange zone, following the chart venue, and tells the formatters', async () => {
    const fake = withSettings()
    fake.addSeries(makeBars('SPY', 'USA', '1h', 10))
    fake.addSeries(makeBars('BTC-PERP', 'FTX', '1m', 10))
    const chart = createChartStore(fake.api)
    const display = createDisplayStore(fake.api, 'Europe/Paris')
    const applied: string[] = []
    const sub = startDisplayStore(display, chart, (z) => applied.push(z))
    await chart.getState().loadSeries()
    await chart.getState().select({ symbol: 'SPY' })
    expect(display.getState()).toMatchObject({ choice: 'utc', zone: 'UTC', venue: 'USA' })
    await display.getState().setChoice('exchange')
    expect(display.getState().zone).toBe('America/New_York')
    await chart.getState().select({ symbol: 'BTC-PERP' })
    expect(display.getState().zone).toBe('UTC')
    await display.getState().setChoice('local')
    expect(display.getState().zone).toBe('Europe/Paris')
    expect(applied).toEqual(['UTC', 'America/New_York', 'UTC', 'Europe/Paris'])
    sub.dispose()
    await display.getState().setChoice('utc')
    expect(applied).toHaveLength(4)
  })

  it('persists the choice in the settings and reads it back in a new session; a failed write reverts', async () => {
    const fake = withSettings()
    await createDisplayStore(fake.api, 'UTC').getState().setChoice('exchange')
    expect(await fake.api.getSetting({ key: DISPLAY_ZONE_SETTING })).toBe('exchange')
    const next = createDisplayStore(fake.api, 'UTC')
    await next.getState().load()
    expect(next.getState().choice).toBe('exchange')
    fake.failNext = 'setSetting'
    await next.getState().setChoice('local')
    expect(next.getState()).toMatchObject({ choice: 'exchange', error: 'setSetting: database is locked' })
  })
})
