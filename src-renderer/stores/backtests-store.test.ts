import { describe, expect, it } from 'vitest'
import type { BacktestDetail, BacktestSummary, BacktestTrade, BarsQuery, JobInfo, RunBacktestRequest, SeriesSummary, StoredBar } from '../../src-shared'
import { backtestRequest, chartBarsKey, createBacktestsStore, EMPTY_BACKTEST_DRAFT, MAX_CHART_BARS, shownSymbol, shownVariant } from './backtests-store'

const SERIES: SeriesSummary[] = [
  { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h', count: 20_000, first: 0, last: 1 },
  { symbol: 'ETHUSD', venue: 'COINBASE', timeframe: '1h', count: 20_000, first: 0, last: 1 },
  { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '5m', count: 11_000, first: 0, last: 1 },
]
const summary = (id: number, ml = true): BacktestSummary => ({ id, createdAt: id, strategy: 'battle-navale', symbols: ['BTCUSD'], venue: 'COINBASE', timeframe: '1h', ml, from: 0, to: 1, metrics: { totalReturn: -0.1 }, mlMetrics: ml ? { totalReturn: 0.05 } : null })
const detail = (id: number): BacktestDetail => ({ ...summary(id), config: {}, mlSummary: null, trades: [], equity: { base: [{ time: 0, equity: 100 }], ml: [{ time: 0, equity: 100 }] } })
const job = (over: Partial<JobInfo>): JobInfo => ({ id: 'bt-1', kind: 'backtest.run', state: 'running', progress: 0.2, message: 'ML off', createdAt: 1, updatedAt: 1, ...over })

function fakeApi() {
  const calls: { method: string; params: unknown }[] = []
  let runs = [summary(2), summary(1, false)]
  return {
    calls,
    addRun: (s: BacktestSummary) => void (runs = [s, ...runs]),
    api: {
      runBacktest: async (p: RunBacktestRequest) => (calls.push({ method: 'runBacktest', params: p }), job({})),
      listBacktests: async () => (calls.push({ method: 'listBacktests', params: undefined }), [...runs]),
      getBacktest: async (p: { id: number }) => (calls.push({ method: 'getBacktest', params: p }), detail(p.id)),
      getBars: async (p: BarsQuery): Promise<StoredBar[]> => {
        calls.push({ method: 'getBars', params: p })
        if (p.symbol === 'BAD') throw new Error('no such series')
        return [{ symbol: p.symbol, venue: p.venue ?? 'X', timeframe: p.timeframe, time: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 }]
      },
    },
  }
}

describe('backtestRequest', () => {
  it('builds the request from the form and refuses mixed venues, bad dates and negative costs with one line', () => {
    const d = { ...EMPTY_BACKTEST_DRAFT, series: ['BTCUSD|COINBASE|1h', 'ETHUSD|COINBASE|1h'], from: '2018-01-01', feeBps: '4', slippageBps: '1' }
    expect(backtestRequest(d, SERIES)).toEqual({ strategy: 'battle-navale', symbols: ['BTCUSD', 'ETHUSD'], venue: 'COINBASE', timeframe: '1h', ml: true, takerFeeBps: 4, slippageBps: 1, from: Date.UTC(2018, 0, 1) })
    expect(backtestRequest({ ...d, series: [] }, SERIES)).toBe('choose at least one stored series')
    expect(backtestRequest({ ...d, series: ['BTCUSD|COINBASE|1h', 'BTCUSDT|BINANCE|5m'] }, SERIES)).toMatch(/share venue and timeframe/)
    expect(backtestRequest({ ...d, from: 'soon' }, SERIES)).toMatch(/not a date/)
    expect(backtestRequest({ ...d, to: '2017-01-01' }, SERIES)).toMatch(/before/)
    expect(backtestRequest({ ...d, feeBps: '-1' }, SERIES)).toMatch(/fee/)
  })
})

describe('backtests store', () => {
  it('lists past runs and opens the newest; a second run can be set for comparison', async () => {
    const f = fakeApi()
    const s = createBacktestsStore(f.api)
    await s.getState().load()
    expect(s.getState().runs.map((r) => r.id)).toEqual([2, 1])
    expect(s.getState().selectedId).toBe(2)
    expect(s.getState().details[2]).toBeDefined()
    await s.getState().setCompare(1)
    expect(s.getState().compareId).toBe(1)
    expect(Object.keys(s.getState().details)).toEqual(['1', '2'])
    await s.getState().select(1)
    expect(s.getState().compareId).toBeUndefined()
  })

  it('submits the form as a job, follows its progress and opens the new run when it succeeds', async () => {
    const f = fakeApi()
    const s = createBacktestsStore(f.api)
    s.getState().toggleSeries('BTCUSD|COINBASE|1h')
    s.getState().edit({ ml: true })
    await s.getState().submit(SERIES)
    expect(f.calls.find((c) => c.method === 'runBacktest')?.params).toMatchObject({ symbols: ['BTCUSD'], ml: true })
    expect(s.getState().job?.id).toBe('bt-1')
    s.getState().applyJob(job({ id: 'other', progress: 0.9, updatedAt: 5 }))
    expect(s.getState().job?.progress).toBe(0.2)
    s.getState().applyJob(job({ progress: 0.6, updatedAt: 2 }))
    expect(s.getState().job?.progress).toBe(0.6)
    f.addRun(summary(3))
    s.getState().applyJob(job({ state: 'succeeded', progress: 1, updatedAt: 3, result: { id: 3 } }))
    await new Promise((r) => setTimeout(r, 0))
    await new Promise((r) => setTimeout(r, 0))
    expect(s.getState().runs[0].id).toBe(3)
    expect(s.getState().selectedId).toBe(3)
  })

  it('keeps a refused form in the form as one line and sends nothing', async () => {
    const f = fakeApi()
    const s = createBacktestsStore(f.api)
    await s.getState().submit(SERIES)
    expect(s.getState().formError).toBe('choose at least one stored series')
    expect(f.calls.some((c) => c.method === 'runBacktest')).toBe(false)
  })

  it('shares the trades variant between table and chart, resets it on another run, and focuses a clicked trade on its symbol', async () => {
    const f = fakeApi()
    const s = createBacktestsStore(f.api)
    await s.getState().load()
    expect(s.getState().tradesVariant).toBe('ml')
    s.getState().setTradesVariant('base')
    expect(s.getState().tradesVariant).toBe('base')
    const trade = (symbol: string): BacktestTrade => ({ variant: 'ml', symbol, side: 'long', qty: 1, entryTime: 0, entryPrice: 1, exitTime: 1, exitPrice: 2, exitReason: 'target', pnl: 1, r: 1, fees: 0, confidence: 1, mlProbability: 0.6, signalQuality: 1, profitable: 1 })
    const run = { ...detail(2), symbols: ['BTCUSD', 'ETHUSD'], trades: [trade('BTCUSD'), trade('ETHUSD')] }
    s.getState().focusTrade(run, 1)
    expect(s.getState().chartSymbol).toBe('ETHUSD')
    expect(s.getState().focusedTrade).toEqual({ runId: 2, index: 1, seq: 1 })
    s.getState().focusTrade(run, 1)
    expect(s.getState().focusedTrade?.seq).toBe(2)
    s.getState().focusTrade(run, 7)
    expect(s.getState().focusedTrade?.index).toBe(1)
    await s.getState().select(1)
    expect(s.getState().tradesVariant).toBe('ml')
    expect(s.getState().chartSymbol).toBeUndefined()
    expect(s.getState().focusedTrade).toBeUndefined()
    expect(shownVariant({ ml: false }, 'ml')).toBe('base')
    expect(shownSymbol({ symbols: ['A', 'B'] }, 'B')).toBe('B')
    expect(shownSymbol({ symbols: ['A', 'B'] }, 'C')).toBe('A')
  })

  it('loads the candles of a run once, over its range and capped, and keeps a failure as one line', async () => {
    const f = fakeApi()
    const s = createBacktestsStore(f.api)
    const run = { ...summary(2), from: 1000, to: 9000 }
    await Promise.all([s.getState().loadChartBars(run, 'BTCUSD'), s.getState().loadChartBars(run, 'BTCUSD')])
    expect(f.calls.filter((c) => c.method === 'getBars')).toEqual([{ method: 'getBars', params: { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h', from: 1000, to: 9000, limit: MAX_CHART_BARS } }])
    expect(s.getState().chartBars[chartBarsKey(run, 'BTCUSD')]).toMatchObject({ state: 'ready', bars: [{ close: 1.5 }] })
    await s.getState().loadChartBars(run, 'BAD')
    expect(s.getState().chartBars[chartBarsKey(run, 'BAD')]).toMatchObject({ state: 'error', error: expect.stringMatching(/no such series/) })
  })
})
