import { describe, expect, it } from 'vitest'
import type {
  BacktestDetail,
  BacktestSummary,
  BacktestTrade,
  BarsQuery,
  JobInfo,
  RunBacktestRequest,
  SeriesSummary,
  StoredBar,
} from '../../src-shared'
import { metricsCsv, tradesCsv } from './backtest-csv'
import {
  backtestFormErrors,
  backtestRequest,
  chartBarsKey,
  createBacktestsStore,
  EMPTY_BACKTEST_DRAFT,
  MAX_CHART_BARS,
  shownSymbol,
  shownVariant,
} from './backtests-store'

const SERIES: SeriesSummary[] = [
  { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h', count: 20_000, first: 0, last: 1 },
  { symbol: 'ETHUSD', venue: 'COINBASE', timeframe: '1h', count: 20_000, first: 0, last: 1 },
  { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '5m', count: 11_000, first: 0, last: 1 },
]
const summary = (id: number, ml = true): BacktestSummary => ({
  id,
  createdAt: id,
  strategy: 'battle-navale',
  symbols: ['BTCUSD'],
  venue: 'COINBASE',
  timeframe: '1h',
  ml,
  from: 0,
  to: 1,
  metrics: { totalReturn: -0.1 },
  mlMetrics: ml ? { totalReturn: 0.05 } : null,
})
const detail = (id: number): BacktestDetail => ({
  ...summary(id),
  config: {},
  mlSummary: null,
  trades: [],
  equity: { base: [{ time: 0, equity: 100 }], ml: [{ time: 0, equity: 100 }] },
})
const job = (over: Partial<JobInfo>): JobInfo => ({
  id: 'bt-1',
  kind: 'backtest.run',
  state: 'running',
  progress: 0.2,
  message: 'ML off',
  createdAt: 1,
  updatedAt: 1,
  ...over,
})

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
        return [
          {
            symbol: p.symbol,
            venue: p.venue ?? 'X',
            timeframe: p.timeframe,
            time: 0,
            open: 1,
            high: 2,
            low: 0.5,
            close: 1.5,
            volume: 3,
          },
        ]
      },
    },
  }
}

describe('backtestRequest', () => {
  it('builds the request from the form and refuses mixed venues, bad dates and negative costs with one line', () => {
    const d = {
      ...EMPTY_BACKTEST_DRAFT,
      series: ['BTCUSD|COINBASE|1h', 'ETHUSD|COINBASE|1h'],
      from: '2018-01-01',
      feeBps: '4',
      slippageBps: '1',
    }
    expect(backtestRequest(d, SERIES)).toEqual({
      strategy: 'battle-navale',
      strategyParams: { signalThreshold: 0.25, stopAtr: 1.5, targetR: 2, maxHoldBars: 48 },
      symbols: ['BTCUSD', 'ETHUSD'],
      venue: 'COINBASE',
      timeframe: '1h',
      ml: true,
      takerFeeBps: 4,
      slippageBps: 1,
      from: Date.UTC(2018, 0, 1),
    })
    expect(backtestRequest({ ...d, series: [] }, SERIES)).toBe('choose at least one stored series')
    expect(backtestRequest({ ...d, series: ['BTCUSD|COINBASE|1h', 'BTCUSDT|BINANCE|5m'] }, SERIES)).toMatch(
      /share venue and timeframe/,
    )
    expect(backtestRequest({ ...d, from: 'soon' }, SERIES)).toMatch(/not a date/)
    expect(backtestRequest({ ...d, to: '2017-01-01' }, SERIES)).toMatch(/before/)
    expect(backtestRequest({ ...d, feeBps: '-1' }, SERIES)).toMatch(/fee/)
  })
})

describe('backtestFormErrors', () => {
  const d = { ...EMPTY_BACKTEST_DRAFT, series: ['BTCUSD|COINBASE|1h'] }

  it('takes edited strategy parameters (defaults for the rest) and a whole "to" day', () => {
    const req = backtestRequest(
      {
        ...d,
        strategy: 'ma-crossover',
        params: { fast: '10', signalFeatures: 'false', slow: ' ' },
        from: '2018-01-01',
        to: '2018-01-31',
      },
      SERIES,
    )
    expect(req).toMatchObject({
      strategy: 'ma-crossover',
      strategyParams: { fast: 10, slow: 50, stopAtr: 2, targetR: 3, confidence: 0.75, signalFeatures: false },
      from: Date.UTC(2018, 0, 1),
      to: Date.UTC(2018, 1, 1) - 1,
    })
  })

  it('names each refused field: a parameter out of range or not a number, a broken rule, a range the wrong way round', () => {
    expect(backtestFormErrors({ ...d, params: { stopAtr: '0', maxHoldBars: 'many' } }, SERIES)).toEqual({
      'param.stopAtr': 'stopAtr must be a number > 0 and ≤ 50, got 0',
      'param.maxHoldBars': 'maxHoldBars must be an integer from 0 to 1000000, got "many"',
    })
    expect(backtestFormErrors({ ...d, strategy: 'ma-crossover', params: { fast: '60' } }, SERIES)).toEqual({
      'param.fast': 'fast (60) must be below slow (50)',
    })
    expect(backtestFormErrors({ ...d, from: '2019-10-20', to: '2019-10-10' }, SERIES)).toEqual({
      from: '"From" (2019-10-20) must be before "To" (2019-10-10)',
    })
    expect(backtestFormErrors({ ...d, from: '2019-10-10', to: '2019-10-10' }, SERIES)).toEqual({})
  })
})

describe('backtest CSV', () => {
  const trade = (i: number, variant: 'base' | 'ml') => ({
    variant,
    symbol: 'BTCUSD',
    side: i % 2 ? ('short' as const) : ('long' as const),
    qty: 0.5 + i,
    entryTime: Date.UTC(2019, 9, 1, i),
    entryPrice: 8000.25 + i,
    exitTime: Date.UTC(2019, 9, 1, i + 3),
    exitPrice: 8100 - i,
    exitReason: 'target',
    pnl: 12.345678901 - i,
    r: i === 1 ? NaN : 1.5,
    fees: 0.8,
    confidence: 0.6,
    mlProbability: variant === 'ml' ? 0.55 : null,
    signalQuality: 1,
    profitable: 1,
  })
  const run = {
    ...detail(7),
    ml: true,
    config: { strategyParams: { stopAtr: 2.5, maxHoldBars: 0 } },
    trades: [trade(0, 'base'), trade(1, 'base'), trade(0, 'ml')],
    metrics: { totalReturn: -0.07, sharpe: NaN, trades: 2, signals: { long: 3, short: 1 } },
    mlMetrics: { totalReturn: 0.01, sharpe: 1.2, trades: 1, signals: { long: 1, short: 0 } },
  }

  it('writes every trade of both variants with full precision; a missing value is empty', () => {
    const lines = tradesCsv(run).trimEnd().split('\n')
    expect(lines[0]).toBe(
      'variant,symbol,side,qty,entry_time,entry_time_ms,entry_price,exit_time,exit_time_ms,exit_price,exit_reason,pnl,r,fees,confidence,ml_probability,signal_quality',
    )
    expect(lines).toHaveLength(4)
    expect(lines[2]).toBe(
      `base,BTCUSD,short,1.5,2019-10-01T01:00:00.000Z,${Date.UTC(2019, 9, 1, 1)},8001.25,2019-10-01T04:00:00.000Z,${Date.UTC(2019, 9, 1, 4)},8099,target,11.345678901,,0.8,0.6,,1`,
    )
    expect(lines[3].split(',')[15]).toBe('0.55')
  })

  it('writes metrics ML off beside ML on, nested counts flattened, then the parameters', () => {
    expect(metricsCsv(run)).toBe(
      'metric,ml_off,ml_on\ntotalReturn,-0.07,0.01\nsharpe,,1.2\ntrades,2,1\nsignals.long,3,1\nsignals.short,1,0\nparam.stopAtr,2.5,2.5\nparam.maxHoldBars,0,0\n',
    )
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
    const trade = (symbol: string): BacktestTrade => ({
      variant: 'ml',
      symbol,
      side: 'long',
      qty: 1,
      entryTime: 0,
      entryPrice: 1,
      exitTime: 1,
      exitPrice: 2,
      exitReason: 'target',
      pnl: 1,
      r: 1,
      fees: 0,
      confidence: 1,
      mlProbability: 0.6,
      signalQuality: 1,
      profitable: 1,
    })
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
    expect(f.calls.filter((c) => c.method === 'getBars')).toEqual([
      {
        method: 'getBars',
        params: { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h', from: 1000, to: 9000, limit: MAX_CHART_BARS },
      },
    ])
    expect(s.getState().chartBars[chartBarsKey(run, 'BTCUSD')]).toMatchObject({
      state: 'ready',
      bars: [{ close: 1.5 }],
    })
    await s.getState().loadChartBars(run, 'BAD')
    expect(s.getState().chartBars[chartBarsKey(run, 'BAD')]).toMatchObject({
      state: 'error',
      error: expect.stringMatching(/no such series/),
    })
  })

  it('shows a range the wrong way round next to "From" while typing, and parameter errors after a refused submit follow the edits', async () => {
    const f = fakeApi()
    const s = createBacktestsStore(f.api)
    s.getState().edit({ from: '2019-10-20', to: '2019-10-10' })
    expect(s.getState().fieldErrors).toEqual({ from: '"From" (2019-10-20) must be before "To" (2019-10-10)' })
    s.getState().edit({ to: '2019-10-30' })
    expect(s.getState().fieldErrors).toEqual({})
    s.getState().editParam('stopAtr', '-1')
    await s.getState().submit(SERIES)
    expect(s.getState().fieldErrors).toEqual({
      series: 'choose at least one stored series',
      'param.stopAtr': 'stopAtr must be a number > 0 and ≤ 50, got -1',
    })
    expect(f.calls.some((c) => c.method === 'runBacktest')).toBe(false)
    s.getState().editParam('stopAtr', '2.5')
    s.getState().toggleSeries('BTCUSD|COINBASE|1h')
    expect(s.getState().fieldErrors).toEqual({})
    await s.getState().submit(SERIES)
    expect(f.calls.find((c) => c.method === 'runBacktest')?.params).toMatchObject({
      strategyParams: { stopAtr: 2.5, signalThreshold: 0.25 },
    })
    // Another strategy has other parameters: its defaults again.
    s.getState().pickStrategy('ma-crossover')
    expect(s.getState().draft.params).toEqual({})
  })

  it("exports a run as CSV through the shell's saver and says where it went, or why not", async () => {
    const saved: { name: string; text: string }[] = []
    const s = createBacktestsStore(
      fakeApi().api,
      undefined,
      async (name, text) => (saved.push({ name, text }), `${name} to your downloads`),
    )
    const run = { ...detail(4), trades: [] }
    await s.getState().exportCsv(run, 'trades')
    expect(saved[0].name).toBe('backtest-4-battle-navale-trades.csv')
    expect(saved[0].text.split('\n')[0]).toMatch(/^variant,symbol,side/)
    expect(s.getState().exported).toEqual({
      ok: true,
      text: 'saved backtest-4-battle-navale-trades.csv to your downloads',
    })
    await s.getState().exportCsv(run, 'metrics')
    expect(saved[1].text).toBe('metric,ml_off,ml_on\ntotalReturn,-0.1,0.05\n')
    const failing = createBacktestsStore(fakeApi().api, undefined, async () => {
      throw new Error('disk full')
    })
    await failing.getState().exportCsv(run, 'metrics')
    expect(failing.getState().exported).toEqual({ ok: false, text: 'backtest-4-battle-navale-metrics.csv: disk full' })
  })
})
