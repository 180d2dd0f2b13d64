import { describe, expect, it } from 'vitest'
import type { ForecastResult, SeriesSummary } from '../../src-shared'
import { createChartStore } from './chart-store'
import { FakeApi, makeBars } from './fake-api.test-support'
import { createSymbolSearchStore, searchSeries } from './symbol-search-store'
import { createWatchlistStore } from './watchlist-store'

const s = (symbol: string, venue: string, timeframe: SeriesSummary['timeframe'], primary?: boolean): SeriesSummary => ({
  symbol,
  venue,
  timeframe,
  count: 10,
  first: 0,
  last: 1,
  ...(primary ? { primary } : {}),
})
const SERIES = [
  s('BTC-PERP', 'FTX', '1m'),
  s('XRPUSDT', 'BINANCE', '1h'),
  s('XRPUSDT', 'BINANCE', '5m'),
  s('ETHBTC', 'BITTREX', '5m'),
  s('BTCUSDT', 'BINANCE', '1h', true),
]
const names = (r: SeriesSummary[]) => r.map((x) => `${x.symbol}.${x.venue}-${x.timeframe}`)

describe('searchSeries', () => {
  it('lists every series with the live feed’s first when the query is empty', () => {
    expect(names(searchSeries(SERIES, ''))[0]).toBe('BTCUSDT.BINANCE-1h')
    expect(searchSeries(SERIES, '  ')).toHaveLength(5)
  })

  it('matches pair spellings, ranks symbol prefixes first, and a timeframe word filters', () => {
    expect(names(searchSeries(SERIES, 'eth/btc'))).toEqual(['ETHBTC.BITTREX-5m'])
    expect(names(searchSeries(SERIES, 'xrp 5m'))).toEqual(['XRPUSDT.BINANCE-5m'])
    expect(names(searchSeries(SERIES, 'btc'))).toEqual(['BTCUSDT.BINANCE-1h', 'BTC-PERP.FTX-1m', 'ETHBTC.BITTREX-5m'])
    expect(names(searchSeries(SERIES, 'bittrex'))).toEqual(['ETHBTC.BITTREX-5m'])
    expect(searchSeries(SERIES, 'zec')).toEqual([])
  })
})

describe('symbol search store', () => {
  function setup() {
    const fake = new FakeApi()
    for (const [symbol, venue, tf] of [
      ['XRPUSDT', 'BINANCE', '1h'],
      ['XRPUSDT', 'BINANCE', '5m'],
      ['ETHBTC', 'BITTREX', '5m'],
    ] as const)
      fake.addSeries(makeBars(symbol, venue, tf, 30))
    const settings = new Map<string, unknown>()
    const api = {
      ...fake.api,
      getSetting: async ({ key }: { key: string }) => settings.get(key) ?? null,
      setSetting: async ({ key, value }: { key: string; value: unknown }) => void settings.set(key, value),
      getForecast: async (q: { symbol: string; timeframe: string }) =>
        ({
          ...q,
          venue: 'BINANCE',
          horizons: [],
          modelCount: 0,
          time: null,
          ageMs: null,
          stale: true,
          feed: 'off',
        }) as ForecastResult,
    }
    const chart = createChartStore(api)
    const watchlist = createWatchlistStore(api)
    return { chart, watchlist, settings, search: createSymbolSearchStore(api, chart, watchlist) }
  }

  it('opens empty, moves the highlight with wrap-around, and Enter charts the highlighted series', async () => {
    const { chart, search } = setup()
    await chart.getState().loadSeries()
    search.getState().openSearch()
    expect(search.getState()).toMatchObject({ open: true, mode: 'chart', query: '', active: 0 })
    search.getState().setQuery('xrp')
    search.getState().move(1)
    expect(search.getState().active).toBe(1)
    search.getState().move(1)
    expect(search.getState().active).toBe(0)
    search.getState().move(-1)
    expect(search.getState().active).toBe(1)
    expect(chart.getState().selection?.timeframe).toBe('5m')
    await search.getState().choose()
    expect(search.getState().open).toBe(false)
    expect(chart.getState().selection).toEqual({ symbol: 'XRPUSDT', venue: 'BINANCE', timeframe: '1h' })
    expect(chart.getState().bars).toHaveLength(30)
  })

  it('in watch mode Enter adds the series to the watchlist instead', async () => {
    const { chart, search, watchlist, settings } = setup()
    await chart.getState().loadSeries()
    const before = chart.getState().selection
    search.getState().openSearch('watch')
    search.getState().setQuery('ethbtc')
    await search.getState().choose()
    expect(watchlist.getState().rows).toEqual([{ symbol: 'ETHBTC', venue: 'BITTREX', timeframe: '5m' }])
    expect(settings.get('watchlist')).toEqual({
      rows: [{ symbol: 'ETHBTC', venue: 'BITTREX', timeframe: '5m' }],
      collapsed: false,
    })
    expect(chart.getState().selection).toEqual(before)
  })

  it('does nothing on Enter without a match', async () => {
    const { chart, search } = setup()
    await chart.getState().loadSeries()
    search.getState().openSearch()
    search.getState().setQuery('zec')
    await search.getState().choose()
    expect(search.getState().open).toBe(true)
  })
})
