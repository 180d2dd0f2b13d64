import { describe, expect, it } from 'vitest'
import type { Drawing, WorkstationApi } from '../../src-shared'
import { createChartStore } from './chart-store'
import {
  createDrawingsStore,
  drawingsSettingKey,
  freeId,
  parseSavedDrawings,
  shiftDrawing,
  startDrawingsStore,
} from './drawings-store'
import { FakeApi, makeBars } from './fake-api.test-support'

const flush = () => new Promise((r) => setTimeout(r, 0))
const T0 = Date.UTC(2024, 0, 1)
const HOUR = 3_600_000

function workstation() {
  const fake = new FakeApi()
  fake.addSeries(makeBars('BTCUSDT', 'BINANCE', '1m', 30))
  fake.addSeries(makeBars('BTCUSDT', 'BINANCE', '1h', 30))
  fake.addSeries(makeBars('ETHUSDT', 'BINANCE', '1m', 30))
  const settings = new Map<string, unknown>()
  let failSave = false
  const api: WorkstationApi = {
    ...fake.api,
    getSetting: async ({ key }) => settings.get(key) ?? null,
    setSetting: async ({ key, value }) => {
      if (failSave) throw new Error('setSetting: token required')
      settings.set(key, JSON.parse(JSON.stringify(value)))
    },
  }
  const chart = createChartStore(api)
  const drawings = createDrawingsStore(api)
  startDrawingsStore(drawings, chart)
  return { api, settings, chart, drawings, failSaves: (f: boolean) => (failSave = f) }
}

async function onBtc() {
  const w = workstation()
  await w.chart.getState().loadSeries()
  await w.chart.getState().select({ symbol: 'BTCUSDT', timeframe: '1m' })
  await flush()
  return w
}

const KEY = drawingsSettingKey({ symbol: 'BTCUSDT', venue: 'BINANCE' })

describe('drawings store', () => {
  it('a level takes one click, a trendline two; each is saved for the instrument, selected, and the tool put down', async () => {
    const w = await onBtc()
    const s = () => w.drawings.getState()
    expect(s().state).toBe('ready')
    await s().place({ time: T0, price: 100 })
    expect(s().drawings).toEqual([])
    s().setTool('level')
    await s().place({ time: T0 + HOUR, price: 101.5 })
    expect(s().drawings).toEqual([{ id: expect.stringMatching(/^level-/), kind: 'level', price: 101.5 }])
    expect(s().tool).toBeUndefined()
    expect(s().selected).toBe(s().drawings[0].id)
    s().setTool('trendline')
    await s().place({ time: T0, price: 100 })
    expect(s().pending).toEqual({ time: T0, price: 100 })
    expect(s().drawings).toHaveLength(1)
    await s().place({ time: T0 + 5 * HOUR, price: 110 })
    expect(s().drawings[1]).toMatchObject({
      kind: 'trendline',
      a: { time: T0, price: 100 },
      b: { time: T0 + 5 * HOUR, price: 110 },
    })
    expect(s().pending).toBeUndefined()
    expect(w.settings.get(KEY)).toEqual(s().drawings)
  })

  it('Escape drops a half-placed trendline, then puts the tool down, then deselects', async () => {
    const w = await onBtc()
    const s = () => w.drawings.getState()
    s().setTool('level')
    await s().place({ time: T0, price: 1 })
    s().setTool('trendline')
    await s().place({ time: T0, price: 1 })
    s().cancel()
    expect([s().pending, s().tool]).toEqual([undefined, 'trendline'])
    s().select(s().drawings[0].id)
    s().cancel()
    expect(s().tool).toBeUndefined()
    expect(s().selected).toBe(s().drawings[0].id)
    s().cancel()
    expect(s().selected).toBeUndefined()
    expect(s().drawings).toHaveLength(1)
  })

  it('a drag updates without saving until it ends; Delete removes the selected drawing and saves', async () => {
    const w = await onBtc()
    const s = () => w.drawings.getState()
    s().setTool('level')
    await s().place({ time: T0, price: 100 })
    const level = s().drawings[0]
    s().update(shiftDrawing(level, HOUR, 5))
    expect(s().drawings[0]).toMatchObject({ price: 105 })
    expect((w.settings.get(KEY) as Drawing[])[0]).toMatchObject({ price: 100 })
    await s().commit()
    expect((w.settings.get(KEY) as Drawing[])[0]).toMatchObject({ price: 105 })
    s().select(undefined)
    expect(await s().removeSelected()).toBe(false)
    s().select(level.id)
    expect(await s().removeSelected()).toBe(true)
    expect(w.settings.get(KEY)).toEqual([])
  })

  it('drawings belong to the instrument: every timeframe shows them, another symbol has its own, a reload restores them', async () => {
    const w = await onBtc()
    const s = () => w.drawings.getState()
    s().setTool('level')
    await s().place({ time: T0, price: 100 })
    await w.chart.getState().select({ timeframe: '1h' })
    await flush()
    expect(s().drawings).toHaveLength(1)
    await w.chart.getState().select({ symbol: 'ETHUSDT' })
    await flush()
    expect(s().drawings).toEqual([])
    const chart = createChartStore(w.api)
    const again = createDrawingsStore(w.api)
    startDrawingsStore(again, chart)
    await chart.getState().loadSeries()
    await chart.getState().select({ symbol: 'BTCUSDT' })
    await flush()
    expect(again.getState().drawings).toEqual(w.settings.get(KEY))
  })

  it('a failed save says so in one line and keeps the drawing on the chart', async () => {
    const w = await onBtc()
    w.failSaves(true)
    w.drawings.getState().setTool('level')
    await w.drawings.getState().place({ time: T0, price: 100 })
    expect(w.drawings.getState().saveError).toBe('drawings not saved: setSetting: token required')
    expect(w.drawings.getState().drawings).toHaveLength(1)
  })

  it('new ids take the smallest free number of their kind', () => {
    expect(freeId('level', [])).toBe('level-1')
    expect(freeId('level', [{ id: 'level-1' }, { id: 'level-3' }, { id: 'trendline-2' }])).toBe('level-2')
  })

  it('shifts a trendline in time and price, a level in price only; reads back only valid saved drawings', () => {
    const line: Drawing = { id: 't', kind: 'trendline', a: { time: 0, price: 1 }, b: { time: 10, price: 2 } }
    expect(shiftDrawing(line, 5, 0.5)).toEqual({
      id: 't',
      kind: 'trendline',
      a: { time: 5, price: 1.5 },
      b: { time: 15, price: 2.5 },
    })
    expect(shiftDrawing({ id: 'l', kind: 'level', price: 3 }, 5, 1)).toEqual({ id: 'l', kind: 'level', price: 4 })
    const saved = [
      line,
      { id: 'l', kind: 'level', price: 'x' },
      { id: 'u', kind: 'ray', price: 1 },
      { id: 'v', kind: 'trendline', a: { time: 0 }, b: { time: 1, price: 1 } },
      line,
    ]
    expect(parseSavedDrawings(saved)).toEqual([line])
    expect(parseSavedDrawings({})).toEqual([])
  })
})
