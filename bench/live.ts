/**
 * Live path benchmark (`npx tsx bench/live.ts`): per closed bar, the full live path of the core — bar storage, the
 * FeatureService streaming row, every regime model (the shipped BTC/USDT 5m h12 + h48 ensembles) and every alert model
 * (the shipped alt/BTC basket models), their storage and their events — timed bar by bar after a warm-up, on real bars.
 * Same run: the regime-only path, the regime-only path with SQLite's own auto-checkpoint (as before the background
 * checkpointer), inference alone, and a stateless peer that recomputes the regime set over the last 600 bars per bar.
 * Writes the `live` section of RESULTS.md. Target (issue #7): p99 < 5 ms on CPU.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Bar } from '../src-shared'
import { createCore, EMBEDDED_ALERT_BASKET } from '../src-main/core'
import { defaultBasketReplayFiles, loadReplayDataset } from '../src-main/data'
import { alignBasket, barsToColumns, computeFeatures } from '../src-main/features'
import { OnnxInferenceEngine } from '../src-main/ml'
import { REPO_ROOT } from '../src-main/testing'
import { machineLine, median, quantile, writeResultsSection } from './results'

const HISTORY = 8000
const WARMUP = 200
const PASSES = Number(process.env.BENCH_RUNS ?? 3)
const key = { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '5m' as const }
const venue = 'BINANCE'

type Stats = { p50: number; p95: number; p99: number; max: number; mean: number }
const stats = (xs: readonly number[]): Stats => ({ p50: median(xs), p95: quantile(xs, 0.95), p99: quantile(xs, 0.99), max: Math.max(...xs), mean: xs.reduce((a, b) => a + b, 0) / xs.length })
const ms = (x: number) => x.toFixed(3)

/** The real alt/BTC 5m basket aligned on open time, as bars per member (lead first). */
function basketBars(): Bar[][] {
  const ds = loadReplayDataset(defaultBasketReplayFiles())
  const aligned = alignBasket(EMBEDDED_ALERT_BASKET.assets.map((s) => barsToColumns(ds.bars.find((b) => b.symbol === s)!.bars)))
  return aligned.map((c) => Array.from(c.time, (time, i) => ({ time, open: c.open[i], high: c.high[i], low: c.low[i], close: c.close[i], volume: c.volume[i] })))
}

/**
 * One pass on a fresh database, as the core runs: history stored, shipped regime and alert models promoted, then per
 * step one closed BTC/USDT bar and the basket bar its lead (ETHBTC) completes — the other six members' bars of that
 * step are stored and handled before the clock starts. Timed: both bars' storage, the `bar` events, the regime loop
 * (features, 2 models, forecasts stored and resolved, `prediction` events) and the alert loop (basket features, every
 * alert model, policy, alerts stored and resolved, `alert` events). `autoCheckpoint` stops the core's background
 * checkpointer, so SQLite checkpoints inside whichever commit fills 1000 WAL pages (the behaviour before it).
 */
async function livePass(bars: readonly Bar[], basket: readonly Bar[][], autoCheckpoint: boolean, withAlerts: boolean, concurrent = false) {
  const live = bars.length - HISTORY
  const basketHistory = basket[0].length - live
  const dir = mkdtempSync(join(tmpdir(), 'armada-bench-live-'))
  const core = createCore({ dbPath: join(dir, 'a.db'), shell: 'cli', ...(withAlerts ? { alerts: EMBEDDED_ALERT_BASKET } : {}) })
  core.start()
  try {
    if (autoCheckpoint) await core.checkpointer?.dispose()
    core.bars.upsert(key, bars.slice(0, HISTORY))
    if (withAlerts) basket.forEach((b, a) => core.bars.upsert({ symbol: EMBEDDED_ALERT_BASKET.assets[a], venue, timeframe: '5m' }, b.slice(0, basketHistory)))
    for (const f of readdirSync(join(REPO_ROOT, 'models')).filter((x) => (withAlerts ? /^(regime-btcusdt-5m-|alerts-).*\.onnx$/ : /^regime-btcusdt-5m-.*\.onnx$/).test(x))) {
      const { version } = await core.registry.importFile(new Uint8Array(readFileSync(join(REPO_ROOT, 'models', f))))
      core.registry.promote(version.id, { alias: 'champion', reason: 'bench', actor: 'system' })
      core.events.publish('models', { name: version.name, change: 'trained', versionId: version.id, time: Date.now() })
    }
    await core.alerts.idle()
    let predictions = 0
    let alerts = 0
    let resolvedAlerts = 0
    core.subscribe('prediction', () => predictions++)
    core.subscribe('alert', (e) => {
      alerts++
      if (e.kind === 'resolved') resolvedAlerts++
    })
    // Steps on which the alert loop sent due alerts to its resolver (a worker recomputes the §2 labels of the due bars from the stored basket bars their windows need).
    const resolving: boolean[] = []
    const preempted: boolean[] = []
    const path: number[] = []
    const cpu: number[] = []
    const store: number[] = []
    const regime: number[] = []
    const alert: number[] = []
    for (let i = 0; i < live; i++) {
      const j = basketHistory + i
      for (let a = 1; withAlerts && a < basket.length; a++) {
        const k = { symbol: EMBEDDED_ALERT_BASKET.assets[a], venue, timeframe: '5m' as const }
        core.bars.upsert(k, [basket[a][j]])
        core.events.publish('bar', { ...basket[a][j], ...k })
      }
      // Untimed: everything settles between steps (live bars are 5 minutes apart), due-alert resolutions included.
      await Promise.all([core.forecasts.idle(), core.alerts.idle()])
      const lead = { symbol: EMBEDDED_ALERT_BASKET.assets[0], venue, timeframe: '5m' as const }
      const bar = bars[HISTORY + i]
      const preempted0 = process.resourceUsage().involuntaryContextSwitches
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      const resolvingBefore = core.alerts.pendingResolutions
      core.bars.upsert(key, [bar])
      if (withAlerts) core.bars.upsert(lead, [basket[0][j]])
      const t1 = performance.now()
      if (concurrent) {
        // As the core runs them: both closed bars published together, the two loops' queues work side by side.
        core.events.publish('bar', { ...bar, ...key })
        core.events.publish('bar', { ...basket[0][j], ...lead })
        await Promise.all([core.forecasts.idle(), core.alerts.idle({ resolutions: false })])
      } else core.events.publish('bar', { ...bar, ...key })
      if (!concurrent) await core.forecasts.idle()
      const t2 = performance.now()
      if (withAlerts && !concurrent) {
        core.events.publish('bar', { ...basket[0][j], ...lead })
        // The bar path: scored, stored, fired. A resolution of due alerts it started runs on in the resolver's worker
        // thread (its CPU time during the step is in the CPU-time row, which counts all threads).
        await Promise.all([core.forecasts.idle(), core.alerts.idle({ resolutions: false })])
      }
      const t3 = performance.now()
      resolving.push(core.alerts.pendingResolutions > resolvingBefore)
      const dc = process.cpuUsage(c0)
      preempted.push(process.resourceUsage().involuntaryContextSwitches > preempted0)
      path.push(t3 - t0)
      cpu.push((dc.user + dc.system) / 1000)
      store.push(t1 - t0)
      regime.push(t2 - t1)
      alert.push(t3 - t2)
    }
    const champions = ['regime-btcusdt-5m-h12', 'regime-btcusdt-5m-h48'].map((name) => core.registry.aliases(name).champion!)
    const status = (await core.getForecastStatus()).series.find((s) => s.symbol === key.symbol)
    const alertStatus = await core.getAlertStatus()
    const cut = <T>(xs: T[]) => xs.slice(WARMUP)
    const quiet = cut(path).filter((_, i) => !resolving[WARMUP + i])
    // Steps in which the OS preempted one of the process's threads (another process took its CPU): the wall-clock tail's main source here.
    const slow = cut(path).map((v, i) => ({ v, p: preempted[WARMUP + i] })).filter((x) => x.v > 3)
    const unpreempted = cut(path).filter((_, i) => !preempted[WARMUP + i])
    return {
      path: stats(cut(path)),
      quiet: stats(quiet.length ? quiet : [NaN]),
      unpreempted: stats(unpreempted.length ? unpreempted : [NaN]),
      preemptedSteps: cut(preempted).filter(Boolean).length,
      slowSteps: slow.length,
      slowPreempted: slow.filter((x) => x.p).length,
      resolvingSteps: cut(resolving).filter(Boolean).length,
      cpu: stats(cut(cpu)),
      store: stats(cut(store)),
      regime: stats(cut(regime)),
      alert: stats(cut(alert)),
      predictions,
      alerts,
      alertModels: alertStatus.models.filter((m) => m.versionId).length,
      status,
      onnx: champions.map((id) => core.registry.onnx(id)),
      timed: live - WARMUP,
    }
  } finally {
    await core.dispose()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Medians over passes of each statistic. */
function medianStats(xs: readonly Stats[]): Stats {
  const m = (k: keyof Stats) => median(xs.map((x) => x[k]))
  return { p50: m('p50'), p95: m('p95'), p99: m('p99'), max: m('max'), mean: m('mean') }
}

async function main(): Promise<void> {
  const bars = loadReplayDataset([join(REPO_ROOT, 'resources', 'sample-data', 'BTC_USDT-5m.json.gz')]).bars[0].bars
  const basket = basketBars()
  const load0 = loadavg()
  type Pass = Awaited<ReturnType<typeof livePass>>
  const full: Pass[] = []
  const regime: Pass[] = []
  const regimeAuto: Pass[] = []
  const together: Pass[] = []
  if (process.env.BENCH_ONLY === 'together') {
    // Iterating on the headline row only: prints its stats, writes nothing.
    for (let p = 0; p < PASSES; p++) {
      const t = await livePass(bars, basket, false, true, true)
      console.log(JSON.stringify({ path: t.path, unpreempted: t.unpreempted, slow: `${t.slowPreempted}/${t.slowSteps} preempted`, preemptedSteps: t.preemptedSteps, cpu: t.cpu, alertModels: t.alertModels, alerts: t.alerts }))
    }
    return
  }
  for (let p = 0; p < PASSES; p++) {
    regime.push(await livePass(bars, basket, false, false))
    regimeAuto.push(await livePass(bars, basket, true, false))
    full.push(await livePass(bars, basket, false, true))
    together.push(await livePass(bars, basket, false, true, true))
  }
  const load1 = loadavg()
  // A pass whose loops failed (errors logged, no forecasts) would time nothing: refuse to report it.
  for (const p of [...regime, ...regimeAuto, ...full, ...together]) {
    if (p.predictions < 2 * (bars.length - HISTORY)) throw new Error(`a pass stored ${p.predictions} forecasts for ${bars.length - HISTORY} bars × 2 horizons`)
  }
  const a = full[0]
  const pick = (xs: Pass[], k: 'path' | 'quiet' | 'unpreempted' | 'cpu' | 'store' | 'regime' | 'alert') => medianStats(xs.map((x) => x[k]))

  // Inference alone, one row, cached single-row sessions: the two regime ensembles and the shipped alert models, each as
  // one run of their stacked graph (as the live loops score them) and as one run per model; interleaved rounds.
  const engine = new OnnxInferenceEngine({ singleThreads: 1 })
  a.onnx.forEach((bytes, i) => engine.load(`r${i}`, bytes))
  const alertFiles = readdirSync(join(REPO_ROOT, 'models')).filter((f) => /^alerts-.*\.onnx$/.test(f))
  alertFiles.forEach((f) => engine.load(f, new Uint8Array(readFileSync(join(REPO_ROOT, 'models', f)))))
  const regimeIds = a.onnx.map((_, i) => `r${i}`)
  const regimeStack = engine.loadStacked('regime-stack', regimeIds)
  const alertStack = engine.loadStacked('alert-stack', alertFiles)
  const zeros = (id: string) => new Float32Array(engine.card(id).features.length).fill(0.1)
  const oneByOne = (ids: string[]) => {
    const rows = ids.map(zeros)
    return async () => {
      for (let k = 0; k < ids.length; k++) await engine.score(ids[k], rows[k], 1)
    }
  }
  const inferCases: [string, () => Promise<unknown>][] = [
    ['regime, one stacked run', ((x) => () => engine.scoreStacked('regime-stack', x, 1))(new Float32Array(regimeStack.features.length).fill(0.1))],
    ['regime, one run per model', oneByOne(regimeIds)],
    ['alerts, one stacked run', ((x) => () => engine.scoreStacked('alert-stack', x, 1))(new Float32Array(alertStack.features.length).fill(0.1))],
    ['alerts, one run per model', oneByOne(alertFiles)],
  ]
  const infer: number[][] = inferCases.map(() => [])
  for (let round = 0; round < 8; round++)
    for (const [k, [, fn]] of inferCases.entries())
      for (let i = 0; i < 300; i++) {
        const t = performance.now()
        await fn()
        if (round > 0) infer[k].push(performance.now() - t)
      }
  await engine.dispose()
  const inferS = infer.map(stats)

  // Peer: recompute the regime set over the last 600 bars for each bar (no streaming state, no cache).
  const peer: number[] = []
  for (let i = 0; i < 300; i++) {
    const end = HISTORY + i
    const t = performance.now()
    computeFeatures({ symbol: key.symbol, timeframe: key.timeframe, set: 'regime', bars: barsToColumns(bars.slice(end - 600, end + 1)) })
    peer.push(performance.now() - t)
  }
  const peerS = stats(peer.slice(20))
  const row5 = (label: string, x: Stats, bold = false) => `| ${label} | ${ms(x.p50)} | ${ms(x.p95)} | ${bold ? `**${ms(x.p99)}**` : ms(x.p99)} | ${ms(x.max)} | ${ms(x.mean)} |`
  const path = pick(full, 'path')
  const cpu = pick(full, 'cpu')
  const tPath = pick(together, 'path')
  const tCpu = pick(together, 'cpu')
  const quiet = pick(full, 'quiet')
  const rPath = pick(regime, 'path')
  const rCpu = pick(regime, 'cpu')
  const rAuto = pick(regimeAuto, 'path')
  const p99s = (xs: Pass[]) => xs.map((r) => ms(r.path.p99)).join(', ')
  const s = a.status
  const verdict = (x: number) => (x < 5 ? 'met' : 'NOT met')
  const md = [
    '## Live path per closed bar (`npx tsx bench/live.ts`)',
    '',
    `Machine: ${machineLine()}. Load average ${load0.map((x) => x.toFixed(1)).join(' / ')} at the start, ${load1.map((x) => x.toFixed(1)).join(' / ')} at the end, on ${cpus().length} cores shared with other engineers' work (wall-clock tails include waiting for a CPU; the CPU-time rows do not).`,
    '',
    `Real bars: Binance BTC/USDT 5m (resources/sample-data), ${HISTORY} stored, then ${bars.length - HISTORY} closed bars one at a time. In the full passes, with each of them`,
    `the bar of the real Bittrex alt/BTC 5m alert basket (${EMBEDDED_ALERT_BASKET.assets.join(', ')}; ${basket[0].length - (bars.length - HISTORY)} aligned bars stored before) that its lead completes.`,
    `Per step the clock covers: storing the bars (one transaction each), their \`bar\` events, the regime loop (FeatureService streaming row, the shipped h12 + h48`,
    `rf + gbdt ensembles on cpu, single row, both in one run of the series' stacked graph, forecasts stored and earlier ones resolved, \`prediction\` events) and, in the full passes, the alert loop (basket`,
    `features from the members' bar events, all ${a.alertModels} shipped alert models in one run of the basket's stacked graph, §2 policy, alerts stored and due ones resolved, \`alert\` events). The`,
    `basket's six other members' bars of the step are stored and handled before the clock starts. First ${WARMUP} steps not counted (${a.timed} timed per pass);`,
    `medians over ${PASSES} rounds (regime-only, regime-only with SQLite auto-checkpoint, full one after the other, full side by side; interleaved), each pass on a fresh database opened by the core, which`,
    'runs WAL checkpoints in a worker thread (`WalCheckpointer`); "SQLite auto-checkpoint" stops it, as before it existed.',
    '',
    '| per closed bar (ms) | p50 | p95 | p99 | max | mean |',
    '|---|---|---|---|---|---|',
    row5('**full live path as the core runs it**: both bars stored, both events published, regime and alert loops side by side until both are done', tPath, true),
    row5('the same, CPU time (all threads)', tCpu),
    row5(`the same, on the steps in which no thread of the process was preempted by another process (${together[0].timed - together[0].preemptedSteps} of ${together[0].timed} in the first round)`, pick(together, 'unpreempted')),
    row5('**full live path, loops one after the other** (stricter: regime loop, then alert loop): storage + features + 2 regime + all alert models + their storage + events', path, true),
    row5('full live path, CPU time of this process (user + system, all threads)', cpu, true),
    row5('— bar storage (2 bars, before the events)', pick(full, 'store')),
    row5('— regime loop (features, 2 models, forecasts stored and resolved, events)', pick(full, 'regime')),
    row5('— alert loop (basket features, alert models, policy, alerts stored and due ones resolved, events)', pick(full, 'alert')),
    row5(`full live path on the steps that start no alert resolution (all but ~${a.resolvingSteps} of ${a.timed})`, quiet, true),
    row5('**regime-only live path** (no alert basket): storage + features + 2 regime models + storage + events', rPath, true),
    row5('regime-only live path, CPU time', rCpu),
    row5('regime-only live path with SQLite auto-checkpoint inside the commits (before)', rAuto, true),
    ...inferCases.map(([label], k) => row5(`inference alone, ${label} (${label.startsWith('regime') ? a.onnx.length : alertFiles.length} models, 1 row)`, inferS[k])),
    row5('peer: recompute the regime set over the last 600 bars (features only)', peerS),
    '',
    `Target p99 < 5 ms for the full live path (issue #7), as the core runs it: **${verdict(tPath.p99)}** here (wall p99 ${ms(tPath.p99)} ms, per round ${p99s(together)}; CPU-time p99 ${ms(tCpu.p99)} ms).`,
    `Where the tail comes from: ${together.map((p) => `${p.slowPreempted} of ${p.slowSteps}`).join(', ')} steps over 3 ms per round (side by side) had a thread of the process preempted by another process (involuntary context switches, \`process.resourceUsage()\`), against ${together.map((p) => `${((100 * p.preemptedSteps) / p.timed).toFixed(0)} %`).join(', ')} of all steps.`,
    `With the two loops one after the other: **${verdict(path.p99)}** (wall p99 ${ms(path.p99)} ms, per round ${p99s(full)}; CPU-time p99 ${ms(cpu.p99)} ms).`,
    `On the steps that start no alert resolution it is ${ms(quiet.p99)} ms (${verdict(quiet.p99)}). Due alerts (${a.resolvingSteps} of ${a.timed} steps in the first pass) are resolved off the bar path:`,
    "the alert loop sends them to its AlertResolver worker thread (own read connection), which reads the seven members' stored bars that the due types' label windows",
    'need (about a day before the earliest due alert for the shipped types) and labels the due bars, then one queued task stores the outcomes and publishes them. The clock stops when',
    'the bar is scored, stored and fired; the resolution finishes before the next step starts (untimed), as it does between 5-minute bars.',
    `Regime-only path: p99 ${ms(rPath.p99)} ms wall (${verdict(rPath.p99)}; per round ${p99s(regime)}), CPU-time p99 ${ms(rCpu.p99)} ms; with SQLite checkpointing inside the commits`,
    `p99 ${ms(rAuto.p99)} ms, max ${ms(rAuto.max)} ms (a checkpoint copies ~1000 pages and fsyncs on whichever bar crosses the limit).`,
    `${a.predictions} prediction and ${a.alerts} alert events in the first full pass; ${s?.resolved ?? 0} of ${s?.predictions ?? 0} regime forecasts resolved, hit rate ${s?.hitRate == null ? '—' : (100 * s.hitRate).toFixed(1) + ' %'}`,
    '(argmax = realised §1 regime; these models were trained on these bars, so this is not an out-of-sample score).',
  ].join('\n')
  writeResultsSection('live', md)
  console.log(md)
}

void main()
