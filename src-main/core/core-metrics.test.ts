import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Bar, PredictionEvent } from '../../src-shared'
import { defaultReplayFiles, DEMO_WINDOWS, loadReplayDataset } from '../data'
import { barsToColumns, computeFeatures } from '../features'
import type { DriftReport } from '../registry'
import { REPO_ROOT } from '../testing'
import { createCore, EMBEDDED_VENUE, type WorkstationCore } from './index'

/**
 * The core's Prometheus metrics on the embedded demo's real data: Coinbase BTC/USD 1h stored up to the demo window, the
 * shipped regime models (h12, h48) as champions, then LIVE bars of the demo window closed one by one, Battle Navale live.
 */
const key = { symbol: 'BTCUSD', venue: EMBEDDED_VENUE, timeframe: '1h' as const }
const LIVE = 30
let dir: string
let core: WorkstationCore
let bars: readonly Bar[]
let history: number
let drift: DriftReport
const predictions: PredictionEvent[] = []

/** Value of one sample of the exposition (`name{a="x",b="y"} v`), labels in any order; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]))
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3])
  }
  return undefined
}

beforeAll(async () => {
  bars = loadReplayDataset(defaultReplayFiles()).bars[0].bars
  history = bars.findIndex((b) => b.time >= DEMO_WINDOWS.regime.from)
  dir = mkdtempSync(join(tmpdir(), 'armada-metrics-'))
  core = createCore({
    dbPath: join(dir, 'a.db'),
    shell: 'cli',
    strategies: [{ strategy: 'battle-navale', ...key }],
  })
  core.start()
  core.bars.upsert(key, bars.slice(history - 3000, history))
  for (const h of [12, 48]) {
    const file = readFileSync(join(REPO_ROOT, 'models', `regime-btcusd-1h-h${h}.onnx`))
    const { version } = await core.registry.importFile(new Uint8Array(file))
    core.registry.promote(version.id, { alias: 'champion', reason: 'test', actor: 'system' })
  }
  core.events.publish('models', { name: 'regime-btcusd-1h-h12', change: 'trained', versionId: '', time: 0 })
  core.subscribe('prediction', (e) => predictions.push(e))
  for (const bar of bars.slice(history, history + LIVE)) {
    core.bars.upsert(key, [bar])
    core.events.publish('bar', { ...bar, ...key })
    await Promise.all([core.forecasts.idle(), core.strategies.idle()])
  }
  // A drift report of the h12 champion on the demo window's real feature rows, against its training reference.
  const champion = core.registry.get(core.registry.aliases('regime-btcusd-1h-h12').champion!)
  const window = bars.slice(0, history + 500)
  const m = computeFeatures({ ...key, set: 'regime', bars: barsToColumns(window) })
  const cols = champion.card.features.map((f) => m.names.indexOf(f))
  expect(cols.every((c) => c >= 0)).toBe(true)
  const n = 500
  const x = new Float32Array(n * cols.length)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < cols.length; j++) x[i * cols.length + j] = m.data[(m.rows - n + i) * m.names.length + cols[j]]
  drift = await core.registry.checkDrift('regime-btcusd-1h-h12', { x, n })
}, 120_000)
afterAll(async () => {
  await core?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('the core’s Prometheus metrics', () => {
  it('times every live bar through the feature, regime and strategy stages, and no catch-up bar', async () => {
    const text = await core.metrics!.text()
    // The first live bar loads the models and starts following the regime features (catch-up, not live): LIVE − 1 rows.
    expect(sample(text, 'armada_live_latency_seconds_count', { stage: 'feature' })).toBe(LIVE - 1)
    expect(sample(text, 'armada_live_latency_seconds_count', { stage: 'regime' })).toBe(LIVE)
    expect(sample(text, 'armada_live_latency_seconds_count', { stage: 'strategy' })).toBe(LIVE)
    expect(sample(text, 'armada_live_latency_seconds_bucket', { stage: 'regime', le: '+Inf' })).toBe(LIVE)
    expect(sample(text, 'armada_live_latency_seconds_sum', { stage: 'regime' })).toBeGreaterThan(0)
    // No alert basket is configured: the stage has no series.
    expect(sample(text, 'armada_live_latency_seconds_count', { stage: 'alerts' })).toBeUndefined()
    expect(sample(text, 'armada_live_bars_total', { symbol: 'BTCUSD', venue: key.venue, timeframe: '1h' })).toBe(LIVE)
  })

  it('counts the published forecasts per model and reports the stored hit ratio of the resolved ones', async () => {
    const text = await core.metrics!.text()
    for (const model of ['regime-btcusd-1h-h12', 'regime-btcusd-1h-h48']) {
      const published = predictions.filter((p) => p.modelName === model).length
      expect(published).toBeGreaterThan(LIVE)
      expect(sample(text, 'armada_predictions_total', { model })).toBe(published)
      const stored = (await core.getPredictions({ ...key, horizon: model.endsWith('h12') ? 12 : 48 })).filter(
        (p) => p.hit !== null,
      )
      expect(stored.length).toBeGreaterThan(0)
      expect(sample(text, 'armada_predictions_resolved', { model })).toBe(stored.length)
      expect(sample(text, 'armada_prediction_hit_ratio', { model })).toBeCloseTo(
        stored.filter((p) => p.hit).length / stored.length,
        12,
      )
    }
  })

  it("exposes the latest drift report's PSI per feature, prediction PSI and health as a state set", async () => {
    const text = await core.metrics!.text()
    const model = 'regime-btcusd-1h-h12'
    expect(drift.features.length).toBeGreaterThan(5)
    for (const f of drift.features)
      expect(sample(text, 'armada_model_feature_psi', { model, feature: f.feature })).toBeCloseTo(f.psi, 12)
    expect(drift.features.some((f) => f.psi > 0)).toBe(true)
    expect(sample(text, 'armada_model_prediction_psi', { model })).toBeCloseTo(drift.predictions!.psi, 12)
    for (const state of ['healthy', 'degrading', 'failed'])
      expect(sample(text, 'armada_model_health', { model, state })).toBe(drift.health === state ? 1 : 0)
    // The h48 model has no drift report: no series rather than a made-up value.
    expect(sample(text, 'armada_model_health', { model: 'regime-btcusd-1h-h48' })).toBeUndefined()
  })

  it('records a finished job’s duration by kind and state, and counts failures', async () => {
    const ok = await core.startJob({ kind: 'db.check' })
    await core.jobs.wait(ok.id)
    const bad = await core.startJob({ kind: 'regime.train', params: { symbol: 'NOSUCH', venue: 'X', timeframe: '1h' } })
    expect((await core.jobs.wait(bad.id)).state).toBe('failed')
    const text = await core.metrics!.text()
    expect(sample(text, 'armada_job_duration_seconds_count', { kind: 'db.check', state: 'succeeded' })).toBe(1)
    expect(sample(text, 'armada_job_duration_seconds_count', { kind: 'regime.train', state: 'failed' })).toBe(1)
    expect(sample(text, 'armada_job_failures_total', { kind: 'regime.train' })).toBe(1)
    expect(sample(text, 'armada_job_failures_total', { kind: 'db.check' })).toBeUndefined()
    expect(sample(text, 'armada_jobs_running')).toBe(0)
  })

  it("reports the latest A/B test's resolved samples and confidence per model", async () => {
    // Challenger: the shipped h48 champion against the h12 one; both scored the same real bars (their stored forecasts),
    // resolved with the h12 outcomes.
    const model = 'regime-btcusd-1h-h12'
    const challenger = core.registry.aliases('regime-btcusd-1h-h48').champion!
    const test = core.registry.startAbTest(model, { horizonMs: 12 * 3_600_000, challenger })
    const a = await core.getPredictions({ ...key, horizon: 12 })
    const b = new Map((await core.getPredictions({ ...key, horizon: 48 })).map((p) => [p.time, p]))
    const pairs = a.filter((p) => p.outcome !== null && b.has(p.time))
    const regimes = ['bearish', 'neutral', 'bullish']
    const feed = (from: number, to: number) => {
      for (const p of pairs.slice(from, to)) {
        test.record(p.time, p.probabilities, b.get(p.time)!.probabilities)
        test.resolve(p.time, regimes.indexOf(p.outcome!))
      }
    }
    const labels = { model, test: String(test.id) }
    feed(0, 60)
    let text = await core.metrics!.text()
    expect(sample(text, 'armada_ab_test_samples', labels)).toBe(60)
    expect(sample(text, 'armada_ab_test_running', labels)).toBe(1)
    // Under 100 resolved samples there is no comparison, and no confidence is made up.
    expect(sample(text, 'armada_ab_test_confidence', labels)).toBeUndefined()
    expect(pairs.length).toBeGreaterThan(150)
    feed(60, 150)
    const status = test.status()
    text = await core.metrics!.text()
    expect(status.resolved).toBeGreaterThanOrEqual(100)
    expect(sample(text, 'armada_ab_test_samples', labels)).toBe(status.resolved)
    expect(sample(text, 'armada_ab_test_running', labels)).toBe(status.status === 'running' ? 1 : 0)
    expect(sample(text, 'armada_ab_test_confidence', { ...labels, metric: 'f1' })).toBe(
      status.comparison!.confidenceBBetterF1,
    )
    expect(sample(text, 'armada_ab_test_confidence', { ...labels, metric: 'log_loss' })).toBe(
      status.comparison!.confidenceBBetterLogLoss,
    )
  })

  it('reports bars stored per series and the process metrics', async () => {
    const text = await core.metrics!.text()
    expect(sample(text, 'armada_bars_stored', { symbol: 'BTCUSD', venue: key.venue, timeframe: '1h' })).toBe(
      3000 + LIVE,
    )
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0)
    expect(sample(text, 'armada_up', { version: (await core.health()).version })).toBe(1)
  })

  it('keeps each core’s metrics in its own registry and clears it on dispose', async () => {
    const other = createCore({ dbPath: ':memory:', shell: 'cli' })
    other.start()
    const text = await other.metrics!.text()
    expect(sample(text, 'armada_predictions_total', { model: 'regime-btcusd-1h-h12' })).toBeUndefined()
    expect(sample(text, 'armada_live_latency_seconds_count', { stage: 'regime' })).toBeUndefined()
    const registry = other.metrics!.registry
    expect(registry.getMetricsAsArray().length).toBeGreaterThan(20)
    await other.dispose()
    expect(registry.getMetricsAsArray()).toHaveLength(0)
    const off = createCore({ dbPath: ':memory:', shell: 'cli', metrics: false })
    off.start()
    expect(off.metrics).toBeUndefined()
    await off.dispose()
  })
})
