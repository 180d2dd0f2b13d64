import { describe, expect, it } from 'vitest'
import { createChartStore } from './chart-store'
import { FakeApi, makeBars, makeSignal } from './fake-api.test-support'
import { createNavigationStore } from './navigation-store'
import { createSignalsStore, insertSignal, showSignalOnChart, signalsQuery, startSignalsStore } from './signals-store'

const BTC = { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1m' as const }
const ETH = { symbol: 'ETHUSDT', venue: 'BINANCE', timeframe: '1m' as const }
const flush = () => new Promise((r) => setTimeout(r, 0))

function withSignals() {
  const fake = new FakeApi()
  fake.signals = [
    makeSignal(1),
    makeSignal(2, { outcome: 'skipped', reason: 'below threshold', side: 'short' }),
    makeSignal(3, { ...ETH }),
    makeSignal(4, { strategy: 'ma-crossover' }),
  ]
  return fake
}

describe('signals store', () => {
  it('loads the charted series’ signals oldest first and reloads them when the chart shows another series', async () => {
    const fake = withSignals()
    fake.addSeries(makeBars('BTCUSDT', 'BINANCE', '1m', 10))
    fake.addSeries(makeBars('ETHUSDT', 'BINANCE', '1m', 10))
    const chart = createChartStore(fake.api)
    const store = createSignalsStore(fake.api)
    startSignalsStore(store, chart, fake.api)
    await chart.getState().loadSeries()
    await chart.getState().select(BTC)
    await flush()
    expect(store.getState().chartSignals.map((s) => s.id)).toEqual([1, 2, 4])
    expect(fake.calls.filter((c) => c.method === 'listSignals').map((c) => c.params)).toContainEqual({
      ...BTC,
      limit: 2000,
    })
    await chart.getState().select({ symbol: 'ETHUSDT' })
    await flush()
    expect(store.getState().chartSignals.map((s) => s.id)).toEqual([3])
  })

  it('drops an answer for a series the chart no longer shows', async () => {
    const fake = withSignals()
    const store = createSignalsStore(fake.api)
    const first = store.getState().loadChart(BTC)
    const second = store.getState().loadChart(ETH)
    await Promise.all([first, second])
    expect(store.getState().chartSignals.map((s) => s.id)).toEqual([3])
    expect(store.getState().chartSeries).toEqual(ETH)
  })

  it('filters the panel by strategy and series, newest first; "chart" follows the charted series', async () => {
    const fake = withSignals()
    const store = createSignalsStore(fake.api)
    await store.getState().loadChart(BTC)
    await flush()
    expect(store.getState().list.map((s) => s.id)).toEqual([4, 2, 1])
    store.getState().setFilters({ strategy: 'battle-navale' })
    await flush()
    expect(store.getState().list.map((s) => s.id)).toEqual([2, 1])
    store.getState().setFilters({ series: 'all' })
    await flush()
    expect(store.getState().list.map((s) => s.id)).toEqual([3, 2, 1])
    store.getState().setFilters({ series: 'ETHUSDT|BINANCE|1m', strategy: 'all' })
    await flush()
    expect(store.getState().list.map((s) => s.id)).toEqual([3])
    expect(signalsQuery({ strategy: 'all', series: 'chart' }, undefined)).toBeUndefined()
  })

  it('adds live signals to the chart’s markers and to the list when the filters keep them; a known id is replaced', async () => {
    const fake = withSignals()
    const store = createSignalsStore(fake.api)
    startSignalsStore(store, createChartStore(fake.api), fake.api)
    await store.getState().loadChart(BTC)
    await flush()
    fake.publish('signal', { signal: makeSignal(9, { ml: true }), warmUp: false })
    fake.publish('signal', { signal: makeSignal(10, { ...ETH }), warmUp: false })
    expect(store.getState().chartSignals.map((s) => s.id)).toEqual([1, 2, 4, 9])
    expect(store.getState().list.map((s) => s.id)).toEqual([9, 4, 2, 1])
    fake.publish('signal', { signal: makeSignal(9, { ml: true, outcome: 'skipped' }), warmUp: false })
    expect(store.getState().chartSignals.filter((s) => s.id === 9)).toEqual([
      makeSignal(9, { ml: true, outcome: 'skipped' }),
    ])
  })

  it('keeps signal events that arrive while the chart’s list is being read', async () => {
    const fake = withSignals()
    const store = createSignalsStore(fake.api)
    startSignalsStore(store, createChartStore(fake.api), fake.api)
    store.setState({ chartSeries: BTC })
    const loading = store.getState().loadChart(BTC)
    fake.publish('signal', { signal: makeSignal(7), warmUp: true })
    await loading
    expect(store.getState().chartSignals.map((s) => s.id)).toEqual([1, 2, 4, 7])
  })

  it('applies the events of a burst together when batching, in one update', async () => {
    const fake = withSignals()
    const store = createSignalsStore(fake.api, 20)
    startSignalsStore(store, createChartStore(fake.api), fake.api)
    await store.getState().loadChart(BTC)
    await flush()
    let updates = 0
    store.subscribe((s, prev) => s.chartSignals !== prev.chartSignals && updates++)
    for (let i = 10; i < 110; i++) fake.publish('signal', { signal: makeSignal(i), warmUp: true })
    expect(store.getState().chartSignals).toHaveLength(3)
    await new Promise((r) => setTimeout(r, 40))
    expect(store.getState().chartSignals).toHaveLength(103)
    expect(store.getState().list[0].id).toBe(109)
    expect(updates).toBe(1)
  })

  it('inserts by bar time in either order and keeps the newest within the limit', () => {
    const list = [makeSignal(1), makeSignal(3)]
    expect(insertSignal(list, makeSignal(2), 'oldest', 10).map((s) => s.id)).toEqual([1, 2, 3])
    expect(insertSignal([...list].reverse(), makeSignal(2), 'newest', 10).map((s) => s.id)).toEqual([3, 2, 1])
    expect(insertSignal(list, makeSignal(5), 'oldest', 2).map((s) => s.id)).toEqual([3, 5])
    expect(insertSignal([makeSignal(3), makeSignal(1)], makeSignal(5), 'newest', 2).map((s) => s.id)).toEqual([5, 3])
  })

  it('moves the selection through the list and stops at its ends', async () => {
    const store = createSignalsStore(withSignals().api)
    await store.getState().loadChart(BTC)
    await flush()
    store.getState().move(1)
    expect(store.getState().selectedId).toBe(4)
    store.getState().move(5)
    expect(store.getState().selectedId).toBe(1)
    store.getState().move(-1)
    expect(store.getState().selectedId).toBe(2)
  })

  it('shows a signal of another series on the chart: charts that series and centres the signal’s bar', async () => {
    const fake = withSignals()
    fake.addSeries(makeBars('BTCUSDT', 'BINANCE', '1m', 10))
    fake.addSeries(makeBars('ETHUSDT', 'BINANCE', '1m', 10))
    const chart = createChartStore(fake.api)
    const navigation = createNavigationStore()
    navigation.getState().show('strategies')
    await chart.getState().loadSeries()
    await chart.getState().select(BTC)
    const s = makeSignal(3, { ...ETH })
    await showSignalOnChart({ chart, navigation }, s)
    expect(chart.getState().selection).toEqual(ETH)
    expect(chart.getState().goTo?.time).toBe(s.time)
    expect(navigation.getState().view).toBe('chart')
  })
})
