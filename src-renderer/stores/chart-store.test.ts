import { describe, expect, it, vi } from 'vitest'
import { createChartStore, instrumentsOf, timeframesFor } from './chart-store'
import { FakeApi, makeBars } from './fake-api.test-support'

function setup() {
  const fake = new FakeApi()
  fake.addSeries(makeBars('ETHUSDT', 'BINANCE', '1m', 30))
  fake.addSeries(makeBars('BTCUSDT', 'BINANCE', '1h', 20))
  fake.addSeries(makeBars('BTCUSDT', 'BINANCE', '1m', 50))
  return { fake, store: createChartStore(fake.api) }
}

describe('chart store', () => {
  it('lists instruments and their timeframes in canonical order', () => {
    const { fake } = setup()
    expect(instrumentsOf(fake.series).map((i) => i.symbol)).toEqual(['BTCUSDT', 'ETHUSDT'])
    expect(timeframesFor(fake.series, 'BTCUSDT', 'BINANCE')).toEqual(['1m', '1h'])
  })

  it('selects the first series after loading and fetches its most recent bars', async () => {
    const { fake, store } = setup()
    await store.getState().loadSeries()
    const s = store.getState()
    expect(s.seriesState).toBe('ready')
    expect(s.selection).toEqual({ symbol: 'ETHUSDT', venue: 'BINANCE', timeframe: '1m' })
    expect(s.bars).toHaveLength(30)
    expect(fake.calls.find((c) => c.method === 'getBars')?.params).toMatchObject({ limit: 5000, venue: 'BINANCE' })
  })

  it('opens on the series the main live feed streams when nothing is selected yet', async () => {
    const fake = new FakeApi()
    fake.addSeries(makeBars('ADABTC', 'BINANCE', '5m', 30))
    fake.addSeries(makeBars('BTCUSDT', 'BINANCE', '1m', 20))
    fake.addSeries(makeBars('BTCUSDT', 'BINANCE', '5m', 40), true)
    const store = createChartStore(fake.api)
    await store.getState().loadSeries()
    expect(store.getState().selection).toEqual({ symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '5m' })
    expect(store.getState().bars).toHaveLength(40)
    await store.getState().select({ symbol: 'ADABTC' })
    expect(store.getState().selection?.symbol).toBe('ADABTC')
  })

  it('moves an automatic selection to the main feed series once it is stored, but never a selection the user made', async () => {
    const fake = new FakeApi()
    fake.addSeries(makeBars('ADABTC', 'BINANCE', '5m', 30))
    const store = createChartStore(fake.api)
    await store.getState().loadSeries()
    expect(store.getState().selection?.symbol).toBe('ADABTC')
    const btc = makeBars('BTCUSDT', 'BINANCE', '5m', 40)
    fake.addSeries(btc, true)
    // Its first closed bar on the `bar` topic lists the series again.
    store.getState().applyBar(btc[39])
    await vi.waitFor(() => expect(store.getState().selection?.symbol).toBe('BTCUSDT'))
    expect(fake.calls.filter((c) => c.method === 'listSeries')).toHaveLength(2)
    await store.getState().select({ symbol: 'ADABTC' })
    await store.getState().loadSeries()
    expect(store.getState().selection?.symbol).toBe('ADABTC')
  })

  it('keeps the timeframe when switching to a symbol that has it, else takes its first', async () => {
    const { store } = setup()
    await store.getState().loadSeries()
    await store.getState().select({ symbol: 'BTCUSDT', venue: 'BINANCE' })
    expect(store.getState().selection?.timeframe).toBe('1m')
    await store.getState().select({ timeframe: '1h' })
    await store.getState().select({ symbol: 'ETHUSDT', venue: 'BINANCE' })
    expect(store.getState().selection).toEqual({ symbol: 'ETHUSDT', venue: 'BINANCE', timeframe: '1m' })
    expect(store.getState().bars[0].symbol).toBe('ETHUSDT')
  })

  it('replaces the forming bar and appends a new one from live events, ignoring other series', async () => {
    const { store } = setup()
    await store.getState().loadSeries()
    const before = store.getState().bars
    const last = before[before.length - 1]
    store.getState().applyBar({ ...last, close: 1, partial: true })
    expect(store.getState().bars).toHaveLength(30)
    expect(store.getState().bars.at(-1)?.close).toBe(1)
    expect(store.getState().bars[0]).toBe(before[0]) // structural sharing lets the chart update one bar
    store.getState().applyBar({ ...last, time: last.time + 60_000 })
    expect(store.getState().bars).toHaveLength(31)
    store.getState().applyBar({ ...last, symbol: 'BTCUSDT', time: last.time + 120_000 })
    store.getState().applyBar({ ...last, time: last.time - 60_000 })
    expect(store.getState().bars).toHaveLength(31)
  })

  it('advances the series summary on closed live bars', async () => {
    const { store } = setup()
    await store.getState().loadSeries()
    const last = store.getState().bars.at(-1)!
    store.getState().applyBar({ ...last, time: last.time + 60_000 })
    const eth = store.getState().series.find((s) => s.symbol === 'ETHUSDT')!
    expect(eth.count).toBe(31)
    expect(eth.last).toBe(last.time + 60_000)
  })

  it('reports a failed bar load as one line and recovers on reload', async () => {
    const { fake, store } = setup()
    fake.failNext = 'getBars'
    await store.getState().loadSeries()
    expect(store.getState().barsState).toBe('error')
    expect(store.getState().barsError).toBe('getBars: database is locked')
    await store.getState().loadBars()
    expect(store.getState().barsState).toBe('ready')
  })

  it('drops an answer that arrives after a newer selection', async () => {
    const { fake, store } = setup()
    await store.getState().loadSeries()
    const slow = fake.api.getBars
    let release!: () => void
    fake.api.getBars = async (q) => {
      if (q.timeframe === '1h') await new Promise<void>((r) => (release = r))
      return slow(q)
    }
    const first = store.getState().select({ symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1h' })
    const second = store.getState().select({ timeframe: '1m' })
    await second
    release()
    await first
    expect(store.getState().selection?.timeframe).toBe('1m')
    expect(store.getState().bars).toHaveLength(50)
  })

  it('has no selection when nothing is stored', async () => {
    const store = createChartStore(new FakeApi().api)
    await store.getState().loadSeries()
    expect(store.getState().selection).toBeUndefined()
    expect(store.getState().barsState).toBe('idle')
  })
})
