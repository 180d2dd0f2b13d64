import { describe, expect, it } from 'vitest'
import type { ApiParams, IndicatorsResult, StoredBar, WorkstationApi } from '../../src-shared'
import { createChartStore } from './chart-store'
import { FakeApi, makeBars } from './fake-api.test-support'
import {
  createOverlaysStore,
  editErrors,
  mergeOverlayValues,
  newestClosedTime,
  OVERLAY_COLORS,
  overlaysSettingKey,
  parseSavedOverlays,
  startOverlaysStore,
} from './overlays-store'

const flush = () => new Promise((r) => setTimeout(r, 0))
const BTC = { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1m' } as const
const ETH = { symbol: 'ETHUSDT', venue: 'BINANCE', timeframe: '1m' } as const

/**
 * The chart's api (FakeApi: series and bars) plus settings in a map and a `getIndicators` that answers the stored bars
 * from `from` on, each output's value = bar index + 1000·(spec index) + output index / 10 (the values themselves come
 * from the core; here they only need to be told apart).
 */
function workstation() {
  const fake = new FakeApi()
  fake.addSeries(makeBars('BTCUSDT', 'BINANCE', '1m', 50))
  fake.addSeries(makeBars('ETHUSDT', 'BINANCE', '1m', 20))
  const settings = new Map<string, unknown>()
  const indicatorCalls: ApiParams<'getIndicators'>[] = []
  let failSave = false
  let hold: Promise<void> | undefined
  const api: WorkstationApi = {
    ...fake.api,
    getSetting: async ({ key }) => settings.get(key) ?? null,
    setSetting: async ({ key, value }) => {
      if (failSave) throw new Error('setSetting: token required')
      settings.set(key, JSON.parse(JSON.stringify(value)))
    },
    getIndicators: async (q): Promise<IndicatorsResult> => {
      indicatorCalls.push(q)
      if (hold) await hold
      const bars = (fake.bars.get(`${q.symbol}.${q.venue}-${q.timeframe}`) ?? []).filter(
        (b) => q.from === undefined || b.time >= q.from,
      )
      const index = (b: StoredBar) => fake.bars.get(`${q.symbol}.${q.venue}-${q.timeframe}`)!.indexOf(b)
      const outputsOf = (spec: string) => (/^(bb|donchian|keltner)/.test(spec) ? ['upper', 'middle', 'lower'] : [''])
      return {
        symbol: q.symbol,
        venue: q.venue!,
        timeframe: q.timeframe,
        time: bars.map((b) => b.time),
        indicators: q.specs.map((spec, k) => ({
          spec,
          canonical: spec,
          outputs: outputsOf(spec).map((output, j) => ({
            column: output ? `${spec}.${output}` : spec,
            output,
            values: bars.map((b) => index(b) + 1000 * k + j / 10),
          })),
        })),
        warmupBars: 0,
      }
    },
  }
  const chart = createChartStore(api)
  const overlays = createOverlaysStore(api)
  const running = startOverlaysStore(overlays, chart)
  return {
    fake,
    api,
    settings,
    indicatorCalls,
    chart,
    overlays,
    running,
    failSaves: (f: boolean) => (failSave = f),
    holdUntil: (p?: Promise<void>) => (hold = p),
  }
}

async function onBtc() {
  const w = workstation()
  await w.chart.getState().loadSeries()
  await w.chart.getState().select(BTC)
  await flush()
  return w
}

describe('overlays store', () => {
  it('adds an overlay with default parameters and the first colour, saved under the series key, values from the first bar', async () => {
    const w = await onBtc()
    expect(w.overlays.getState().state).toBe('ready')
    await w.overlays.getState().add('bb')
    const [o] = w.overlays.getState().overlays
    expect(o).toMatchObject({ kind: 'bb', params: [20, 2], color: OVERLAY_COLORS[0], hidden: false })
    expect(w.settings.get('chart.overlays.BTCUSDT.BINANCE-1m')).toEqual([
      { id: o.id, kind: 'bb', params: [20, 2], color: OVERLAY_COLORS[0], hidden: false },
    ])
    expect(w.indicatorCalls.at(-1)).toMatchObject({ ...BTC, specs: ['bb:20:2'], from: w.chart.getState().bars[0].time })
    const v = w.overlays.getState().values['bb:20:2']
    expect(v.time).toHaveLength(50)
    expect(v.outputs.map((x) => x.output)).toEqual(['upper', 'middle', 'lower'])
    await w.overlays.getState().add('ema')
    expect(w.overlays.getState().overlays[1]).toMatchObject({ kind: 'ema', params: [20], color: OVERLAY_COLORS[1] })
    // Only the new spec is fetched.
    expect(w.indicatorCalls.at(-1)!.specs).toEqual(['ema:20'])
  })

  it('restores the saved overlays of each series after a reload, and every series keeps its own', async () => {
    const w = await onBtc()
    await w.overlays.getState().add('ema')
    await w.overlays.getState().add('donchian')
    await w.chart.getState().select({ symbol: 'ETHUSDT' })
    await flush()
    expect(w.overlays.getState().overlays).toEqual([])
    await w.overlays.getState().add('vwap')
    // A new page over the same settings: the chart opens on BTC again, then ETH.
    const chart = createChartStore(w.api)
    const again = createOverlaysStore(w.api)
    startOverlaysStore(again, chart)
    await chart.getState().loadSeries()
    await chart.getState().select(BTC)
    await flush()
    expect(again.getState().overlays.map((o) => o.kind)).toEqual(['ema', 'donchian'])
    expect(Object.keys(again.getState().values).sort()).toEqual(['donchian:20', 'ema:20'])
    expect(w.indicatorCalls.at(-1)!.specs).toEqual(['ema:20', 'donchian:20'])
    await chart.getState().select(ETH)
    await flush()
    expect(again.getState().overlays.map((o) => o.kind)).toEqual(['vwap'])
  })

  it('the picker filters as you type, moves with the keyboard (wrapping) and adds the highlighted entry', async () => {
    const w = await onBtc()
    const s = () => w.overlays.getState()
    s().openPicker()
    s().setQuery('channel')
    expect(s().picker).toEqual({ open: true, query: 'channel', active: 0 })
    s().moveActive(1)
    expect(s().picker.active).toBe(1)
    s().moveActive(1)
    expect(s().picker.active).toBe(0)
    s().moveActive(-1)
    await s().pickActive()
    expect(s().picker.open).toBe(false)
    expect(s().overlays.map((o) => o.kind)).toEqual(['keltner'])
    expect(s().overlays[0].params).toEqual([20, 2, 10])
  })

  it('an edited parameter is checked field by field; only a valid edit is applied, saved and refetched', async () => {
    const w = await onBtc()
    const s = () => w.overlays.getState()
    await s().add('keltner')
    const id = s().overlays[0].id
    s().startEdit(id)
    expect(s().editing).toEqual({ id, text: ['20', '2', '10'] })
    s().editParam(0, '0')
    s().editParam(1, 'x')
    expect(editErrors('keltner', s().editing!.text)).toEqual([
      'EMA period must be a whole number from 1 to 1000',
      'Multiplier must be a number above 0 and at most 10',
      undefined,
    ])
    const saved = w.settings.get(overlaysSettingKey(BTC))
    expect(await s().commitEdit()).toBe(false)
    expect(s().editing).toBeDefined()
    expect(w.settings.get(overlaysSettingKey(BTC))).toEqual(saved)
    s().editParam(0, '34')
    s().editParam(1, '1.5')
    expect(await s().commitEdit()).toBe(true)
    expect(s().editing).toBeUndefined()
    expect(s().overlays[0].params).toEqual([34, 1.5, 10])
    expect((w.settings.get(overlaysSettingKey(BTC)) as { params: number[] }[])[0].params).toEqual([34, 1.5, 10])
    expect(w.indicatorCalls.at(-1)!.specs).toEqual(['keltner:34:1.5:10'])
    expect(s().values['keltner:34:1.5:10'].time).toHaveLength(50)
  })

  it('hides and removes overlays, saving each change; a failed save says so in one line', async () => {
    const w = await onBtc()
    const s = () => w.overlays.getState()
    await s().add('sma')
    await s().add('ema')
    await s().toggleHidden(s().overlays[0].id)
    expect((w.settings.get(overlaysSettingKey(BTC)) as { hidden: boolean }[]).map((o) => o.hidden)).toEqual([
      true,
      false,
    ])
    await s().remove(s().overlays[0].id)
    expect((w.settings.get(overlaysSettingKey(BTC)) as { kind: string }[]).map((o) => o.kind)).toEqual(['ema'])
    w.failSaves(true)
    await s().remove(s().overlays[0].id)
    expect(s().saveError).toBe('overlays not saved: setSetting: token required')
    expect(s().overlays).toEqual([])
  })

  it('follows the chart’s closed bars: fetches from the last held bar and merges; a forming bar is left out', async () => {
    const w = await onBtc()
    await w.overlays.getState().add('ema')
    const before = w.indicatorCalls.length
    const last = w.chart.getState().bars.at(-1)!
    const next = { ...last, time: last.time + 60_000, close: 999 }
    // The forming bar reaches the chart, then closes (stored first, then published).
    w.chart.getState().applyBar({ ...next, partial: true })
    await flush()
    expect(w.indicatorCalls.length).toBe(before)
    w.fake.bars.get('BTCUSDT.BINANCE-1m')!.push(next)
    w.chart.getState().applyBar(next)
    await flush()
    expect(w.indicatorCalls.at(-1)).toMatchObject({ specs: ['ema:20'], from: last.time })
    const v = w.overlays.getState().values['ema:20']
    expect(v.time).toHaveLength(51)
    expect(v.time.at(-1)).toBe(next.time)
    expect(v.outputs[0].values.slice(-2)).toEqual([49, 50])
    // Caught up: the same time again asks nothing.
    await w.overlays.getState().catchUp(next.time)
    expect(w.indicatorCalls.length).toBe(before + 1)
  })

  it('a window short of the newest bars (a date in the past) is fetched up to its last bar and does not follow live bars', async () => {
    const w = await onBtc()
    await w.overlays.getState().add('sma')
    const bars = w.chart.getState().bars
    await w.overlays.getState().setTarget(BTC, bars[5].time, bars[20].time)
    expect(w.indicatorCalls.at(-1)).toMatchObject({ specs: ['sma:20'], from: bars[5].time, to: bars[20].time })
    const calls = w.indicatorCalls.length
    await w.overlays.getState().catchUp(bars[49].time + 60_000)
    expect(w.indicatorCalls.length).toBe(calls)
    expect(newestClosedTime([...bars.slice(0, 3), { ...bars[3], partial: true }])).toBe(bars[2].time)
    expect(newestClosedTime([])).toBeUndefined()
  })

  it('keeps the drawn values while the chart reloads its bars (a reconnect), then refetches them', async () => {
    const w = await onBtc()
    await w.overlays.getState().add('sma')
    const held = w.overlays.getState().values['sma:20']
    const calls = w.indicatorCalls.length
    const reload = w.chart.getState().loadBars()
    expect(w.chart.getState().barsState).toBe('loading')
    expect(w.overlays.getState().values['sma:20']).toBe(held)
    await reload
    await flush()
    expect(w.indicatorCalls.length).toBe(calls + 1)
    expect(w.overlays.getState().values['sma:20'].time).toEqual(held.time)
  })

  it('drops values answered for a series the chart has left', async () => {
    const w = await onBtc()
    await w.overlays.getState().add('sma')
    let release!: () => void
    w.holdUntil(new Promise<void>((r) => (release = r)))
    const loading = w.overlays.getState().add('ema')
    await flush()
    w.holdUntil(undefined)
    await w.chart.getState().select({ symbol: 'ETHUSDT' })
    await flush()
    release()
    await loading
    expect(w.overlays.getState().target?.symbol).toBe('ETHUSDT')
    expect(w.overlays.getState().values).toEqual({})
  })

  it('reads back only valid saved overlays', () => {
    const good = { id: 'a', kind: 'ema', params: [20], color: '#3d8bfd', hidden: false }
    expect(
      parseSavedOverlays([
        good,
        { ...good, id: 'b', kind: 'nope' },
        { ...good, id: 'c', params: [0] },
        { ...good, id: 'd', params: [20, 2] },
        { ...good, id: 'e', color: 'red' },
        good,
        null,
      ]),
    ).toEqual([good])
    expect(parseSavedOverlays('ema:20')).toEqual([])
  })

  it('merges newer values by time, replacing the overlapping bar; a gap is no merge', () => {
    const held = { time: [1, 2, 3], outputs: [{ output: '', values: [10, 20, 30] }] }
    expect(mergeOverlayValues(held, { time: [3, 4], outputs: [{ output: '', values: [31, 40] }] })).toEqual({
      time: [1, 2, 3, 4],
      outputs: [{ output: '', values: [10, 20, 31, 40] }],
    })
    expect(mergeOverlayValues(held, { time: [5], outputs: [{ output: '', values: [50] }] })).toBeUndefined()
  })
})
