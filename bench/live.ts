/**
 * Live regime path benchmark (`npx tsx bench/live.ts`): per closed bar of one symbol (real BTC/USDT 5m bars, the
 * shipped h12 + h48 ensembles), the full live path — FeatureService streaming row, both regime models on cpu
 * (single row, cached sessions), prediction storage + outcome resolution, `prediction` events — timed bar by bar
 * after a warm-up. Peer in the same run: a stateless service that recomputes the regime set over the last 600 bars
 * for every bar. Writes the `live` section of RESULTS.md. Target: p99 < 5 ms.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Bar } from '../src-shared'
import { createCore } from '../src-main/core'
import { loadReplayDataset } from '../src-main/data'
import { barsToColumns, computeFeatures } from '../src-main/features'
import { OnnxInferenceEngine } from '../src-main/ml'
import { REPO_ROOT } from '../src-main/testing'
import { machineLine, median, quantile, writeResultsSection } from './results'

const HISTORY = 8000
const WARMUP = 200
const key = { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '5m' as const }

const stats = (xs: readonly number[]) => ({ p50: median(xs), p95: quantile(xs, 0.95), p99: quantile(xs, 0.99), max: Math.max(...xs), mean: xs.reduce((a, b) => a + b, 0) / xs.length })
const ms = (x: number) => x.toFixed(3)

/** One pass over the live bars on a fresh database; `noAutoCheckpoint` moves WAL checkpoints off the bar path. */
async function livePass(bars: readonly Bar[], noAutoCheckpoint: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'armada-bench-live-'))
  const core = createCore({ dbPath: join(dir, 'a.db'), shell: 'cli' })
  core.start()
  try {
    core.bars.upsert(key, bars.slice(0, HISTORY))
    if (noAutoCheckpoint) core.database.pragma('wal_autocheckpoint = 0')
    for (const f of readdirSync(join(REPO_ROOT, 'models')).filter((x) => x.startsWith('regime-btcusdt-5m-') && x.endsWith('.onnx'))) {
      const { version } = await core.registry.importFile(new Uint8Array(readFileSync(join(REPO_ROOT, 'models', f))))
      core.registry.promote(version.id, { alias: 'champion', reason: 'bench', actor: 'system' })
    }
    let events = 0
    core.subscribe('prediction', () => events++)
    const path: number[] = []
    const storeBar: number[] = []
    const cpu: number[] = []
    for (const bar of bars.slice(HISTORY)) {
      const t0 = performance.now()
      core.bars.upsert(key, [bar])
      const t1 = performance.now()
      const c1 = process.cpuUsage()
      core.events.publish('bar', { ...bar, ...key })
      await core.forecasts.idle()
      const t2 = performance.now()
      const dc = process.cpuUsage(c1)
      cpu.push((dc.user + dc.system) / 1000)
      storeBar.push(t1 - t0)
      path.push(t2 - t1)
    }
    const champions = ['regime-btcusdt-5m-h12', 'regime-btcusdt-5m-h48'].map((name) => core.registry.aliases(name).champion!)
    const status = (await core.getForecastStatus()).series[0]
    const onnx = champions.map((id) => core.registry.onnx(id))
    return { path: stats(path.slice(WARMUP)), storeBar: stats(storeBar.slice(WARMUP)), cpu: stats(cpu.slice(WARMUP)), events, status, onnx, timed: path.length - WARMUP }
  } finally {
    await core.dispose()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const bars = loadReplayDataset([join(REPO_ROOT, 'resources', 'sample-data', 'BTC_USDT-5m.json.gz')]).bars[0].bars
  const load0 = loadavg()[0]
  const a = await livePass(bars, false)
  const b = await livePass(bars, true)
  const load1 = loadavg()[0]

  // Inference alone: the two merged ensembles, one row each, cached single-row sessions.
  const engine = new OnnxInferenceEngine()
  a.onnx.forEach((bytes, i) => engine.load(`m${i}`, bytes))
  const row = new Float32Array(43).fill(0.1)
  const infer: number[] = []
  for (let i = 0; i < 2000; i++) {
    const t = performance.now()
    for (let k = 0; k < a.onnx.length; k++) await engine.score(`m${k}`, row, 1)
    infer.push(performance.now() - t)
  }
  await engine.dispose()
  const inferS = stats(infer.slice(200))

  // Peer: recompute the regime set over the last 600 bars for each bar (no streaming state, no cache).
  const peer: number[] = []
  for (let i = 0; i < 300; i++) {
    const end = HISTORY + i
    const t = performance.now()
    computeFeatures({ symbol: key.symbol, timeframe: key.timeframe, set: 'regime', bars: barsToColumns(bars.slice(end - 600, end + 1)) })
    peer.push(performance.now() - t)
  }
  const peerS = stats(peer.slice(20))
  const row5 = (label: string, x: ReturnType<typeof stats>, bold = false) => `| ${label} | ${ms(x.p50)} | ${ms(x.p95)} | ${bold ? `**${ms(x.p99)}**` : ms(x.p99)} | ${ms(x.max)} | ${ms(x.mean)} |`
  const s = a.status
  const md = [
    '## Live regime path (`npx tsx bench/live.ts`)',
    '',
    `Machine: ${machineLine()}`,
    '',
    `One symbol (real Binance BTC/USDT 5m from resources/sample-data), ${HISTORY} stored bars, then ${bars.length - HISTORY} closed bars replayed one at a time`,
    `(first ${WARMUP} not counted; ${a.timed} timed per pass). Models: the shipped h12 and h48 rf + gbdt ensembles (one merged ONNX graph each), cpu, single row.`,
    '',
    '| per closed bar (ms) | p50 | p95 | p99 | max | mean |',
    '|---|---|---|---|---|---|',
    row5('**live path**: FeatureService row + 2 regime models + prediction storage + resolution + events', a.path, true),
    row5('live path, CPU time of this process (user + system, all threads)', a.cpu),
    row5('live path with SQLite WAL auto-checkpoint off (checkpoints off the bar path)', b.path, true),
    row5('bar storage by the feed (before the event; not part of the path)', a.storeBar),
    row5('inference alone (2 models, 1 row each)', inferS),
    row5('peer: recompute the regime set over the last 600 bars (features only)', peerS),
    '',
    `Load average of the machine during the runs: ${load0.toFixed(1)} → ${load1.toFixed(1)} on ${cpus().length} cores (shared with other work: wall-clock tails include waiting for a CPU).`,
    '',
    `Target p99 < 5 ms for the live path: ${a.path.p99 < 5 ? 'met' : 'NOT met'} here (${ms(a.path.p99)} ms; ${ms(b.path.p99)} ms without auto-checkpoints). The work itself is well under it (CPU p99 ${ms(a.cpu.p99)} ms, p50 ${ms(a.path.p50)} ms);`,
    'the tail is WAL checkpoints (each bar commits the feature row and the forecasts; an auto-checkpoint with its fsync lands on some bar) and CPU contention.',
    `${a.events} prediction events; ${s?.resolved ?? 0} of ${s?.predictions ?? 0} forecasts resolved, hit rate ${s?.hitRate == null ? '—' : (100 * s.hitRate).toFixed(1) + ' %'} (argmax = realised §1 regime; these models were trained on these bars, so this is not an out-of-sample score).`,
  ].join('\n')
  writeResultsSection('live', md)
  console.log(md)
}

void main()
