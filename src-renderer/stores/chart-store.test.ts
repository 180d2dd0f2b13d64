import { describe, expect, it, vi } from 'vitest'
import { TIMEFRAME_MS, type StoredBar } from '../../src-shared'
import {
  CHART_BAR_LIMIT,
  chartTimeframesFor,
  createChartStore,
  historyPageLimit,
  instrumentsOf,
  timeframesFor,
} from './chart-store'
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

  it('keeps the timeframe when switching to a symbol that can show it (stored or resampled), else takes its first', async () => {
    const { fake, store } = setup()
    fake.addSeries(makeBars('SPY', 'USA', '1h', 10))
    await store.getState().loadSeries()
    await store.getState().select({ symbol: 'BTCUSDT', venue: 'BINANCE' })
    expect(store.getState().selection?.timeframe).toBe('1m')
    await store.getState().select({ timeframe: '1h' })
    await store.getState().select({ symbol: 'ETHUSDT', venue: 'BINANCE' })
    expect(store.getState().selection).toEqual({ symbol: 'ETHUSDT', venue: 'BINANCE', timeframe: '1h' })
    expect(store.getState().resampledFrom).toBe('1m')
    expect(store.getState().bars[0].symbol).toBe('ETHUSDT')
    await store.getState().select({ timeframe: '1m' })
    await store.getState().select({ symbol: 'SPY', venue: 'USA' })
    expect(store.getState().selection).toEqual({ symbol: 'SPY', venue: 'USA', timeframe: '1h' })
    expect(store.getState().resampledFrom).toBeUndefined()
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

/** A 1m series long enough to page through: `n` bars from 2024-01-01, rising closes. */
function longSeries(n: number, symbol = 'BTCUSDT'): { fake: FakeApi; bars: StoredBar[] } {
  const fake = new FakeApi()
  const bars = makeBars(symbol, 'BINANCE', '1m', n)
  fake.addSeries(bars, true)
  return { fake, bars }
}

describe('chart store: timeframes the instrument does not store', () => {
  it('offers the resampled timeframes and loads them from the core flagged as resampled', async () => {
    const { fake, store } = setup()
    expect(chartTimeframesFor(fake.series, 'ETHUSDT', 'BINANCE')).toEqual(['1m', '5m', '15m', '1h', '4h', '1d'])
    expect(chartTimeframesFor(fake.series, 'BTCUSDT', 'BINANCE')).toEqual(['1m', '5m', '15m', '1h', '4h', '1d'])
    await store.getState().loadSeries()
    await store.getState().select({ timeframe: '5m' })
    const s = store.getState()
    expect(s.resampledFrom).toBe('1m')
    expect(s.bars.map((b) => b.time)).toEqual([0, 1, 2, 3, 4, 5].map((i) => Date.UTC(2024, 0, 1) + i * 300_000))
    expect(s.bars[0]).toMatchObject({ open: 100, high: 105, low: 99, close: 104.5, volume: 60, timeframe: '5m' })
    expect(fake.calls.at(-1)).toMatchObject({
      method: 'getBars',
      params: { symbol: 'ETHUSDT', timeframe: '5m', limit: CHART_BAR_LIMIT },
    })
  })

  it('folds live 1m bars (forming ticks and closes) into the forming 5m bar, closing it at the boundary, as the core resamples', async () => {
    const { fake, bars } = longSeries(23)
    const store = createChartStore(fake.api)
    await store.getState().loadSeries()
    await store.getState().select({ timeframe: '5m' })
    expect(store.getState().bars.at(-1)).toMatchObject({
      time: Date.UTC(2024, 0, 1, 0, 20),
      partial: true,
      close: 122.5,
    })
    // 17 more minutes arrive live: each opens with a tick, then closes.
    const more = makeBars('BTCUSDT', 'BINANCE', '1m', 40).slice(23)
    for (const b of more) {
      store.getState().applyBar({ ...b, high: b.open, low: b.open, close: b.open, volume: 1, partial: true })
      const forming = store.getState().bars.at(-1)!
      expect(forming).toMatchObject({ time: Math.floor(b.time / 300_000) * 300_000, close: b.open, partial: true })
      store.getState().applyBar(b)
      bars.push(b)
    }
    // The last 5m bucket (00:35–00:40) is complete once its fifth minute closed; the chart equals getBars after it all.
    fake.bars.set('BTCUSDT.BINANCE-1m', bars)
    const batch = await fake.api.getBars({ symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '5m' })
    expect(store.getState().bars).toEqual(batch)
    expect(store.getState().bars.at(-1)!.partial).toBeUndefined()
    // A 1h bar of the same instrument (another stored timeframe) leaves the 5m chart alone.
    store.getState().applyBar({ ...more[0], timeframe: '1h', time: Date.UTC(2024, 0, 1, 1), close: 1 })
    expect(store.getState().bars).toEqual(batch)
  })
})

describe('chart store: history pages and go to date', () => {
  it('prepends the previous page, growing pages geometrically, until the first stored bar', async () => {
    const { fake, bars } = longSeries(26_000)
    const store = createChartStore(fake.api)
    await store.getState().loadSeries()
    const epoch = store.getState().barsEpoch
    expect(store.getState()).toMatchObject({ hasOlder: true, hasNewer: false })
    const sizes: number[] = []
    while (store.getState().hasOlder) {
      const before = store.getState().bars
      await store.getState().loadOlder()
      const after = store.getState().bars
      sizes.push(after.length - before.length)
      // Prepending keeps the loaded bars (the same objects) after the new page.
      expect(after[after.length - 1]).toBe(before[before.length - 1])
    }
    expect(sizes).toEqual([5000, 10_000, 6000])
    expect(store.getState().bars.map((b) => b.time)).toEqual(bars.map((b) => b.time))
    expect(store.getState().barsEpoch).toBe(epoch)
    expect(store.getState().pageState).toBe('ready')
  })

  it('sizes pages from 5000 to 100 000 bars, and by source bars when resampled', () => {
    expect(historyPageLimit(300, '1m')).toBe(5000)
    expect(historyPageLimit(40_000, '1m')).toBe(40_000)
    expect(historyPageLimit(900_000, '1m')).toBe(100_000)
    expect(historyPageLimit(900_000, '1h', '1m')).toBe(16_666)
    expect(historyPageLimit(900_000, '1d', '1m')).toBe(5000)
  })

  it('goes to a date: loads the window around it, ignores live bars while detached, and pages forward back to live', async () => {
    const { fake, bars } = longSeries(30_000)
    const store = createChartStore(fake.api)
    await store.getState().loadSeries()
    const target = bars[8000].time + 30_000
    await store.getState().goToTime(target)
    let s = store.getState()
    expect(s.goTo?.time).toBe(bars[8000].time)
    expect(s.bars[0].time).toBe(bars[5500].time)
    expect(s.bars.at(-1)!.time).toBe(bars[10_499].time)
    expect(s).toMatchObject({ hasOlder: true, hasNewer: true })
    // A live bar does not join a window that ends in the past.
    const next = { ...bars[29_999], time: bars[29_999].time + 60_000 }
    store.getState().applyBar(next)
    expect(store.getState().bars.at(-1)!.time).toBe(bars[10_499].time)
    // Paging forward reaches the end (the live bar was stored meanwhile), then live bars join again.
    fake.bars.set('BTCUSDT.BINANCE-1m', [...bars, next])
    while (store.getState().hasNewer) await store.getState().loadNewer()
    s = store.getState()
    expect(s.bars.at(-1)!.time).toBe(next.time)
    expect(s.bars.length).toBe(30_001 - 5500)
    store.getState().applyBar({ ...next, time: next.time + 60_000 })
    expect(store.getState().bars.at(-1)!.time).toBe(next.time + 60_000)
    // A date already loaded only centres; one before the first stored bar goes to the first.
    const calls = fake.calls.length
    await store.getState().goToTime(bars[20_000].time)
    expect(fake.calls.length).toBe(calls)
    expect(store.getState().goTo?.time).toBe(bars[20_000].time)
    await store.getState().goToTime(0)
    expect(store.getState().bars[0].time).toBe(bars[0].time)
    expect(store.getState().hasOlder).toBe(false)
  })

  it('goes back to the newest bars: reloads a window that ends in the past, else only scrolls', async () => {
    const { fake, bars } = longSeries(30_000)
    const store = createChartStore(fake.api)
    await store.getState().loadSeries()
    const calls = fake.calls.length
    await store.getState().goToLatest()
    expect(fake.calls.length).toBe(calls)
    expect(store.getState().goTo).toMatchObject({ time: bars[29_999].time, end: true })
    await store.getState().goToTime(bars[100].time)
    const epoch = store.getState().barsEpoch
    await store.getState().goToLatest()
    expect(store.getState()).toMatchObject({
      hasNewer: false,
      barsEpoch: epoch + 1,
      goTo: { time: bars[29_999].time, end: true },
    })
    expect(store.getState().bars).toHaveLength(CHART_BAR_LIMIT)
  })

  it('goes to a date asked for while the bars of a new selection are loading', async () => {
    const { fake, bars } = longSeries(30_000)
    const store = createChartStore(fake.api)
    await store.getState().loadSeries()
    const slow = fake.api.getBars
    let release!: () => void
    fake.api.getBars = async (q) => {
      if (q.from === undefined) await new Promise<void>((r) => (release = r))
      return slow(q)
    }
    const switching = store.getState().select({ timeframe: '5m' })
    // The 1m bars still shown contain the date, but they are not the 5m bars: the page around it is loaded.
    await store.getState().goToTime(bars[29_000].time)
    release()
    await switching
    expect(store.getState().bars.every((b) => b.timeframe === '5m')).toBe(true)
    expect(store.getState().goTo?.time).toBe(bars[29_000].time)
    // The 5000 5m buckets centred on it (5m bucket 5800 of 6000): from bucket 3300 on.
    expect(store.getState().bars[0].time).toBe(bars[16_500].time)
  })

  it('pages forward across a gap longer than a page', async () => {
    const fake = new FakeApi()
    const all = makeBars('BTCUSDT', 'BINANCE', '1m', 30_000)
    const bars = [...all.slice(0, 10_000), ...all.slice(22_000)]
    fake.addSeries(bars)
    const store = createChartStore(fake.api)
    await store.getState().loadSeries()
    await store.getState().goToTime(all[1000].time)
    while (store.getState().hasNewer) await store.getState().loadNewer()
    expect(store.getState().bars.map((b) => b.time)).toEqual(bars.map((b) => b.time))
  })

  it('goes to a date on a resampled timeframe and follows live bars once back at the end', async () => {
    const { fake, bars } = longSeries(30_000)
    const store = createChartStore(fake.api)
    await store.getState().loadSeries()
    await store.getState().select({ timeframe: '15m' })
    await store.getState().goToTime(bars[0].time + 3 * TIMEFRAME_MS['1d'])
    expect(store.getState().bars[0].time).toBe(bars[0].time)
    expect(store.getState().hasNewer).toBe(false)
    const next = { ...bars[29_999], time: bars[29_999].time + 60_000, close: 7 }
    store.getState().applyBar({ ...next, partial: true })
    expect(store.getState().bars.at(-1)).toMatchObject({
      time: Math.floor(next.time / 900_000) * 900_000,
      close: 7,
      partial: true,
    })
  })

  it('drops a page that arrives after the selection changed', async () => {
    const { fake } = longSeries(12_000)
    fake.addSeries(makeBars('ETHUSDT', 'BINANCE', '1m', 50))
    const store = createChartStore(fake.api)
    await store.getState().loadSeries()
    const slow = fake.api.getBars
    let release!: () => void
    fake.api.getBars = async (q) => {
      if (q.to !== undefined) await new Promise<void>((r) => (release = r))
      return slow(q)
    }
    const older = store.getState().loadOlder()
    await store.getState().select({ symbol: 'ETHUSDT' })
    release()
    await older
    expect(store.getState().bars).toHaveLength(50)
    expect(store.getState().bars[0].symbol).toBe('ETHUSDT')
  })
})

describe('chart store: a bar that closes while the newest window loads', () => {
  it('is joined, and the chart keeps following live bars (it does not look like a past window)', async () => {
    const fake = new FakeApi()
    const all = makeBars('BTCUSD', 'COINBASE', '1m', 60)
    fake.addSeries(all.slice(0, 50), true)
    const store = createChartStore(fake.api)
    // The answer to the window request is what was stored when it was asked; bar 50 closes (stored, then published)
    // before the answer arrives.
    const getBars = fake.api.getBars
    let first = true
    fake.api.getBars = async (q) => {
      const answer = await getBars(q)
      if (first) {
        first = false
        fake.bars.set('BTCUSD.COINBASE-1m', all.slice(0, 51))
        store.getState().applyBar(all[50])
      }
      return answer
    }
    await store.getState().loadSeries()
    const s = store.getState()
    expect(s.bars.map((b) => b.time)).toEqual(all.slice(0, 51).map((b) => b.time))
    expect(s.hasNewer).toBe(false)
    // The next live bar is appended.
    store.getState().applyBar(all[51])
    expect(store.getState().bars.at(-1)?.time).toBe(all[51].time)
  })
})
