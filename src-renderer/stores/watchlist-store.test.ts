import { describe, expect, it } from 'vitest'
import type { BarsQuery, ForecastResult, PredictionEvent, StoredBar } from '../../src-shared'
import { barsFor24h, change24h, createWatchlistStore, lastPrice, WATCHLIST_SETTING, watchRows } from './watchlist-store'

const HOUR = 3_600_000
const T0 = Date.UTC(2024, 0, 1)
const xrp = { symbol: 'XRPUSDT', venue: 'BINANCE', timeframe: '1h' as const }
const eth = { symbol: 'ETHBTC', venue: 'BITTREX', timeframe: '5m' as const }

/** Hourly bars whose close is 100 + hour index. */
const hourly = (n: number): StoredBar[] =>
  Array.from({ length: n }, (_, i) => ({
    ...xrp,
    time: T0 + i * HOUR,
    open: 100 + i,
    high: 101 + i,
    low: 99 + i,
    close: 100 + i,
    volume: 1,
  }))

/** Settings, bars and forecasts the way the core answers them (getBars: the newest `limit` bars, oldest first). */
function core(bars: StoredBar[], forecast: Partial<ForecastResult> = {}) {
  const settings = new Map<string, unknown>()
  const queries: BarsQuery[] = []
  return {
    settings,
    queries,
    api: {
      getSetting: async ({ key }: { key: string }) => settings.get(key) ?? null,
      setSetting: async ({ key, value }: { key: string; value: unknown }) =>
        void settings.set(key, JSON.parse(JSON.stringify(value))),
      getBars: async (q: BarsQuery) => (
        queries.push(q),
        bars.filter((b) => b.symbol === q.symbol).slice(-(q.limit ?? 5000))
      ),
      getForecast: async (): Promise<ForecastResult> => ({
        ...xrp,
        horizons: [],
        modelCount: 0,
        time: null,
        ageMs: null,
        stale: true,
        feed: 'off',
        ...forecast,
      }),
    },
  }
}

describe('watchlist store', () => {
  it('reads its rows from the watchlist setting (malformed ones dropped) and shows last price and the 24 h change', async () => {
    const c = core(hourly(30))
    c.settings.set(WATCHLIST_SETTING, {
      rows: [xrp, { symbol: 'BAD', venue: 'X', timeframe: '7m' }, xrp, null],
      collapsed: true,
    })
    const store = createWatchlistStore(c.api)
    await store.getState().load()
    const s = store.getState()
    expect(s.rows).toEqual([xrp])
    expect(s.collapsed).toBe(true)
    expect(c.queries[0]).toMatchObject({ ...xrp, limit: 25 })
    const q = s.quotes['XRPUSDT|BINANCE|1h']
    expect(lastPrice(q)).toBe(129)
    // From the close 24 h before the last bar (hour 5: 105) to the last close (129).
    expect(change24h(q)).toEqual({ change: 129 / 105 - 1, from: T0 + 5 * HOUR, to: T0 + 29 * HOUR, hours: 24 })
  })

  it('covers less than 24 h on a shorter series, and says how much', async () => {
    const store = createWatchlistStore(core(hourly(7)).api)
    await store.getState().add(xrp)
    expect(change24h(store.getState().quotes['XRPUSDT|BINANCE|1h'])).toMatchObject({ change: 106 / 100 - 1, hours: 6 })
  })

  it('adds a series once and removes it, saving rows and the collapsed state each time', async () => {
    const c = core(hourly(30))
    const store = createWatchlistStore(c.api)
    await store.getState().add(xrp)
    await store.getState().add({ ...xrp })
    await store.getState().add(eth)
    expect(c.settings.get(WATCHLIST_SETTING)).toEqual({ rows: [xrp, eth], collapsed: false })
    await store.getState().remove(xrp)
    await store.getState().setCollapsed(true)
    expect(c.settings.get(WATCHLIST_SETTING)).toEqual({ rows: [eth], collapsed: true })
    expect(store.getState().quotes['XRPUSDT|BINANCE|1h']).toBeUndefined()
  })

  it('moves last price and change with live bars of a watched series only (a forming bar is replaced)', async () => {
    const store = createWatchlistStore(core(hourly(30)).api)
    await store.getState().add(xrp)
    const bar = (time: number, close: number): StoredBar => ({
      ...xrp,
      time,
      open: close,
      high: close,
      low: close,
      close,
      volume: 1,
    })
    store.getState().applyBar({ ...bar(T0 + 30 * HOUR, 140), partial: true })
    store.getState().applyBar(bar(T0 + 30 * HOUR, 150))
    store.getState().applyBar({ ...bar(T0 + 30 * HOUR, 999), symbol: 'ETHBTC' })
    const q = store.getState().quotes['XRPUSDT|BINANCE|1h']
    expect(lastPrice(q)).toBe(150)
    expect(change24h(q)).toMatchObject({ change: 150 / 106 - 1, from: T0 + 6 * HOUR, hours: 24 })
  })

  it('has no regime without a model, and takes the regime of a stored forecast of the row', async () => {
    const store = createWatchlistStore(core(hourly(30)).api)
    await store.getState().add(xrp)
    expect(store.getState().quotes['XRPUSDT|BINANCE|1h']).toMatchObject({ modelCount: 0, regime: undefined })
    const e = {
      ...xrp,
      id: 1,
      modelName: 'regime-xrpusdt-1h-h12',
      modelVersion: 'a'.repeat(64),
      time: T0 + 29 * HOUR,
      horizon: 12,
      probabilities: [0.1, 0.2, 0.7],
      regime: 'bullish',
      confidence: 0.3,
      quality: 0.8,
      transition: false,
      sizeMultiplier: 0.2,
      outcome: null,
      hit: null,
      currentRegime: null,
    } satisfies PredictionEvent
    store.getState().applyPrediction({ ...e, horizon: 48, regime: 'bearish' })
    store.getState().applyPrediction(e)
    expect(store.getState().quotes['XRPUSDT|BINANCE|1h'].regime).toEqual({
      regime: 'bullish',
      horizon: 12,
      time: e.time,
      probability: 0.7,
      modelName: e.modelName,
      modelVersion: e.modelVersion,
    })
  })

  it('reads 24 h of bars plus one, at most 5000', () => {
    expect(barsFor24h('5m')).toBe(289)
    expect(barsFor24h('1d')).toBe(2)
    expect(barsFor24h('1s')).toBe(5000)
    expect(watchRows('nonsense')).toEqual([])
  })
})
