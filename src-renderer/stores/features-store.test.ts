import { describe, expect, it, vi } from 'vitest'
import type { ApiParams, FeatureTableResult, StoredBar } from '../../src-shared'
import { createChartStore } from './chart-store'
import { FakeApi, makeBars } from './fake-api.test-support'
import {
  createFeaturesStore,
  FEATURE_HISTORY_LIMIT,
  FEATURE_LATEST_LIMIT,
  FEATURE_REFRESH_LIMIT,
  featureColumn,
  formatFeatureValue,
  isMissingFlag,
  latestVector,
  mergeRows,
  startFeaturesStore,
} from './features-store'

const T0 = Date.UTC(2024, 0, 1)
const MIN = 60_000
const BTC = { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1m' } as const

/** A fake `getFeatures`: `n` bars per series, names per set, value = bar index (+0.5 for the 2nd column, null in the 3rd). */
function fakeFeatures() {
  const calls: ApiParams<'getFeatures'>[] = []
  const bars = new Map<string, number>([
    ['BTCUSDT', 10],
    ['ETHUSDT', 4],
  ])
  let fail: string | undefined
  let hold: Promise<void> | undefined
  const api = {
    getFeatures: async (p: ApiParams<'getFeatures'>): Promise<FeatureTableResult> => {
      calls.push(p)
      if (hold) await hold
      if (fail) {
        const m = fail
        fail = undefined
        throw new Error(m)
      }
      const n = bars.get(p.symbol) ?? 0
      if (n === 0) throw new Error(`no stored ${p.symbol}.${p.venue} ${p.timeframe} bars`)
      const names = p.set === 'regime' ? ['rsi_14', 'ema_20_ratio', 'atr_14'] : ['funding_rate', 'funding_missing']
      const from = Math.max(0, n - (p.limit ?? 500))
      const time = Array.from({ length: n - from }, (_, i) => T0 + (from + i) * MIN)
      const rows = time.map((_, i) => (p.set === 'regime' ? [from + i, from + i + 0.5, null] : [null, 1]))
      return { set: p.set, names, specHash: `h-${p.set}`, time, rows, cached: false }
    },
  }
  return {
    api,
    calls,
    bars,
    failNext: (m: string) => (fail = m),
    holdUntil: (p: Promise<void>) => (hold = p),
    release: () => (hold = undefined),
  }
}

function bar(i: number, over: Partial<StoredBar> = {}): StoredBar {
  return { ...BTC, time: T0 + i * MIN, open: 1, high: 1, low: 1, close: 1, volume: 1, ...over }
}

async function openOn() {
  const f = fakeFeatures()
  const store = createFeaturesStore(f.api)
  await store.getState().setTarget(BTC)
  await store.getState().setOpen(true)
  return { f, store }
}

describe('features store', () => {
  it('loads nothing while closed, then the latest rows of the target when opened', async () => {
    const f = fakeFeatures()
    const store = createFeaturesStore(f.api)
    await store.getState().setTarget(BTC)
    expect(f.calls).toHaveLength(0)
    await store.getState().setOpen(true)
    const s = store.getState()
    expect(s.state).toBe('ready')
    expect(f.calls[0]).toEqual({ ...BTC, set: 'regime', limit: FEATURE_LATEST_LIMIT })
    expect(s.names).toEqual(['rsi_14', 'ema_20_ratio', 'atr_14'])
    expect(s.rows).toHaveLength(2)
    // Reopening the same series and set does not fetch again.
    await store.getState().setOpen(false)
    await store.getState().setOpen(true)
    expect(f.calls).toHaveLength(1)
  })

  it('gives the latest vector with the previous value, missing values as null, filtered by name', async () => {
    const { store } = await openOn()
    const v = latestVector(store.getState())
    expect(v).toEqual([
      { name: 'rsi_14', index: 0, value: 9, previous: 8, flag: false },
      { name: 'ema_20_ratio', index: 1, value: 9.5, previous: 8.5, flag: false },
      { name: 'atr_14', index: 2, value: null, previous: null, flag: false },
    ])
    store.getState().setFilter('  RSI ')
    expect(latestVector(store.getState(), store.getState().filter).map((r) => r.name)).toEqual(['rsi_14'])
    expect(latestVector(store.getState(), 'nothing')).toEqual([])
  })

  it('switches sets, keeping only plotted features the new set has', async () => {
    const { f, store } = await openOn()
    await store.getState().togglePlot('rsi_14')
    await store.getState().togglePlot('not_a_feature')
    expect(store.getState().plotted).toEqual(['rsi_14'])
    await store.getState().setSet('liquidation')
    expect(f.calls.at(-1)?.set).toBe('liquidation')
    expect(store.getState().names).toEqual(['funding_rate', 'funding_missing'])
    expect(store.getState().plotted).toEqual([])
    const flags = latestVector(store.getState())
    expect(flags.map((r) => [r.name, r.flag, r.value])).toEqual([
      ['funding_rate', false, null],
      ['funding_missing', true, 1],
    ])
  })

  it('plots and unplots several features, fetching the history once; a plotted column is aligned with the bar times', async () => {
    const { f, store } = await openOn()
    await store.getState().togglePlot('rsi_14')
    expect(f.calls.at(-1)?.limit).toBe(FEATURE_HISTORY_LIMIT)
    await store.getState().togglePlot('atr_14')
    expect(f.calls).toHaveLength(2)
    expect(store.getState().plotted).toEqual(['rsi_14', 'atr_14'])
    const col = featureColumn(store.getState(), 'atr_14')!
    expect(col.time).toHaveLength(10)
    expect(col.values.every((v) => v === null)).toBe(true)
    expect(featureColumn(store.getState(), 'rsi_14')!.values.at(-1)).toBe(9)
    expect(featureColumn(store.getState(), 'nope')).toBeUndefined()
    await store.getState().togglePlot('rsi_14')
    expect(store.getState().plotted).toEqual(['atr_14'])
    store.getState().unplot('atr_14')
    expect(store.getState().plotted).toEqual([])
  })

  it('follows the chart selection and reports a series without bars as one line', async () => {
    const { f, store } = await openOn()
    await store.getState().setTarget({ ...BTC, symbol: 'DOGEUSDT' })
    expect(store.getState().state).toBe('error')
    expect(store.getState().error).toBe('no stored DOGEUSDT.BINANCE 1m bars')
    expect(store.getState().rows).toEqual([])
    await store.getState().setTarget({ ...BTC, symbol: 'ETHUSDT' })
    expect(store.getState().state).toBe('ready')
    expect(store.getState().rows).toHaveLength(2)
    // Same series again: no fetch.
    const n = f.calls.length
    await store.getState().setTarget({ ...BTC, symbol: 'ETHUSDT' })
    expect(f.calls).toHaveLength(n)
  })

  it('drops an answer for a series that is no longer the target', async () => {
    const { f, store } = await openOn()
    let go!: () => void
    f.holdUntil(new Promise<void>((r) => (go = r)))
    const slow = store.getState().setTarget({ ...BTC, symbol: 'ETHUSDT' })
    f.release()
    const fast = store.getState().setTarget(BTC)
    go()
    await Promise.all([slow, fast])
    expect(store.getState().target?.symbol).toBe('BTCUSDT')
    expect(store.getState().rows[0][0]).toBe(8)
  })

  it('merges the newest rows after a closed bar of the target and ignores the rest', async () => {
    const { f, store } = await openOn()
    const before = f.calls.length
    await store.getState().applyBar(bar(10, { partial: true }))
    await store.getState().applyBar(bar(10, { symbol: 'ETHUSDT' }))
    await store.getState().applyBar(bar(9))
    expect(f.calls).toHaveLength(before)

    f.bars.set('BTCUSDT', 11)
    await store.getState().applyBar(bar(10))
    expect(f.calls.at(-1)?.limit).toBe(FEATURE_REFRESH_LIMIT)
    const s = store.getState()
    expect(s.rows).toHaveLength(3)
    expect(s.time.at(-1)).toBe(T0 + 10 * MIN)
    expect(latestVector(s)[0]).toMatchObject({ value: 10, previous: 9 })
  })

  it('reloads on reopen when a closed bar of the target arrived while the panel was closed', async () => {
    const { f, store } = await openOn()
    await store.getState().setOpen(false)
    f.bars.set('BTCUSDT', 11)
    await store.getState().applyBar(bar(10))
    const n = f.calls.length
    await store.getState().setOpen(true)
    expect(f.calls).toHaveLength(n + 1)
    expect(store.getState().time.at(-1)).toBe(T0 + 10 * MIN)
  })

  it('reloads everything when a closed bar leaves a gap larger than the refresh', async () => {
    const { f, store } = await openOn()
    await store.getState().togglePlot('rsi_14')
    f.bars.set('BTCUSDT', 20)
    await store.getState().applyBar(bar(19))
    expect(f.calls.at(-1)?.limit).toBe(FEATURE_HISTORY_LIMIT)
    expect(store.getState().rows).toHaveLength(20)
    expect(featureColumn(store.getState(), 'rsi_14')!.values.at(-1)).toBe(19)
  })

  it('reports a failed load as one line and recovers when reopened', async () => {
    const f = fakeFeatures()
    const store = createFeaturesStore(f.api)
    await store.getState().setTarget(BTC)
    f.failNext('getFeatures: database is locked')
    await store.getState().setOpen(true)
    expect(store.getState()).toMatchObject({ state: 'error', error: 'getFeatures: database is locked' })
    await store.getState().setOpen(false)
    await store.getState().setOpen(true)
    expect(store.getState().state).toBe('ready')
  })
})

describe('feature helpers', () => {
  it('formats values densely with a dash for missing ones', () => {
    expect(formatFeatureValue(null)).toBe('—')
    expect(formatFeatureValue(NaN)).toBe('—')
    expect(formatFeatureValue(0)).toBe('0')
    expect(formatFeatureValue(1)).toBe('1')
    expect(formatFeatureValue(-1)).toBe('-1')
    expect(formatFeatureValue(54.123456)).toBe('54.12')
    expect(formatFeatureValue(0.00123456)).toBe('0.001235')
    expect(formatFeatureValue(0.00001234)).toBe('1.23e-5')
    expect(formatFeatureValue(46123.456)).toBe('46,123.5')
    expect(formatFeatureValue(250000)).toBe('250,000')
    expect(formatFeatureValue(-3_450_000)).toBe('-3.45M')
    expect(formatFeatureValue(2.5e9)).toBe('2.50B')
  })

  it('recognises availability flags', () => {
    expect(isMissingFlag('funding_missing')).toBe(true)
    expect(isMissingFlag('spread_is_proxy')).toBe(true)
    expect(isMissingFlag('rsi_14')).toBe(false)
  })

  it('merges overlapping rows by time and caps the history', () => {
    const held = { time: [1, 2, 3], rows: [[1], [2], [3]] }
    expect(mergeRows(held, { time: [3, 4], rows: [[30], [4]] })).toEqual({
      time: [1, 2, 3, 4],
      rows: [[1], [2], [30], [4]],
    })
    expect(mergeRows(held, { time: [3, 4], rows: [[30], [4]] }, 3)).toEqual({ time: [2, 3, 4], rows: [[2], [30], [4]] })
    expect(mergeRows(held, { time: [5], rows: [[5]] })).toBeUndefined()
    expect(mergeRows({ time: [], rows: [] }, { time: [1], rows: [[1]] })).toBeUndefined()
  })
})

describe('startFeaturesStore', () => {
  it('follows the chart selection and refreshes on closed bars of the target', async () => {
    const fake = new FakeApi()
    fake.addSeries(makeBars('BTCUSDT', 'BINANCE', '1m', 10, T0))
    fake.addSeries(makeBars('ETHUSDT', 'BINANCE', '1m', 4, T0))
    const chart = createChartStore(fake.api)
    const f = fakeFeatures()
    const store = createFeaturesStore(f.api)
    const wiring = startFeaturesStore(store, chart, fake.api)
    await store.getState().setOpen(true)
    await chart.getState().loadSeries()
    await vi.waitFor(() => expect(store.getState().state).toBe('ready'))
    expect(store.getState().target).toEqual(BTC)
    await chart.getState().select({ symbol: 'ETHUSDT' })
    await vi.waitFor(() => expect(store.getState().time.at(-1)).toBe(T0 + 3 * MIN))

    f.bars.set('ETHUSDT', 5)
    fake.publish('bar', bar(4, { symbol: 'ETHUSDT' }))
    await vi.waitFor(() => expect(store.getState().time.at(-1)).toBe(T0 + 4 * MIN))
    wiring.dispose()
    expect(fake.listenerCount()).toBe(0)
  })
})
