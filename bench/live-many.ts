/**
 * Many followed series (`npx tsx bench/live-many.ts`, issue #17): `BENCH_SERIES` (default 50) real 1-minute series
 * closing together, each with its own regime forecaster (h12 + h48 rf + gbdt ensembles trained on its own history), on
 * one core: per closed bar the live regime path (bar stored, `bar` event, FeatureService streaming row, both horizons
 * in one stacked run, forecasts stored, earlier ones resolved, `prediction` events). Timed step by step (one step = one
 * minute: every series' bar), wall and CPU. Writes the `live-many` section of RESULTS.md. Targets: per-bar p99 < 5 ms,
 * no growing backlog.
 *
 * The series are slices of real 1m bars — FTX BTC-PERP (test-data/nautilus_trader, Jan 2022) and freqtrade's
 * UNITTEST/BTC (test-data/freqtrade/spot) — re-timed onto one minute grid (bar k of every slice closes at minute k), so
 * that they close together as followed series of a feed do.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Bar } from '../src-shared'
import { createCore } from '../src-main/core'
import { loadReplayDataset } from '../src-main/data'
import { trainRegimePredictor } from '../src-main/predictors'
import { testData } from '../src-main/testing'
import { machineLine, median, quantile, writeResultsSection } from './results'

const SERIES = Number(process.env.BENCH_SERIES ?? 50)
const HISTORY = 800
const LIVE = Number(process.env.BENCH_BARS ?? 240)
/** First live steps not counted: each series' first live bar also forecasts its stored history (catch-up). */
const WARM = 10
const T0 = Date.UTC(2024, 0, 1)
const MIN = 60_000

interface Slice {
  readonly symbol: string
  readonly venue: string
  readonly source: string
  readonly bars: Bar[]
}

/** Non-overlapping slices of HISTORY + LIVE real 1m bars, re-timed onto one grid from T0. */
function slices(): Slice[] {
  const sources = [
    { file: testData('nautilus_trader', 'ftx_BTC-PERP_1m_20211231-20220201.csv.gz'), prefix: 'BTCPERP', venue: 'FTX' },
    { file: testData('freqtrade', 'spot', 'UNITTEST_BTC-1m.json.gz'), prefix: 'UTBTC', venue: 'FREQTRADE' },
  ]
  const out: Slice[] = []
  const n = HISTORY + LIVE
  for (const s of sources) {
    const bars = loadReplayDataset([s.file]).bars[0].bars
    for (let k = 0; (k + 1) * n <= bars.length && out.length < SERIES; k++)
      out.push({
        symbol: `${s.prefix}${String(k + 1).padStart(2, '0')}`,
        venue: s.venue,
        source: s.file.split('/').pop()!,
        bars: bars.slice(k * n, (k + 1) * n).map((b, i) => ({ ...b, time: T0 + i * MIN })),
      })
  }
  if (out.length < SERIES) throw new Error(`only ${out.length} slices of ${n} bars in the real 1m sources`)
  return out
}

const ms = (x: number) => x.toFixed(3)
const row = (label: string, xs: readonly number[]) =>
  `| ${label} | ${ms(median(xs))} | ${ms(quantile(xs, 0.95))} | ${ms(quantile(xs, 0.99))} | ${ms(Math.max(...xs))} |`

async function main(): Promise<void> {
  const series = slices()
  const dir = mkdtempSync(join(tmpdir(), 'armada-bench-many-'))
  const load0 = loadavg()
  const core = createCore({ dbPath: join(dir, 'a.db'), shell: 'cli' })
  core.start()
  try {
    const clock = { now: () => T0 }
    const t = performance.now()
    for (const s of series) {
      const key = { symbol: s.symbol, venue: s.venue, timeframe: '1m' as const }
      core.bars.upsert(key, s.bars.slice(0, HISTORY))
      await trainRegimePredictor(core.database, clock, { ...key, rf: { n_estimators: 6 }, gbdt: { n_estimators: 10 } })
    }
    const trainSeconds = (performance.now() - t) / 1000
    console.error(`trained ${series.length} forecasters in ${trainSeconds.toFixed(1)} s`)
    let events = 0
    core.subscribe('prediction', () => events++)

    const stepWall: number[] = []
    const stepCpu: number[] = []
    const perBar: number[] = []
    for (let k = HISTORY; k < HISTORY + LIVE; k++) {
      const before = events
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      for (const s of series) {
        const key = { symbol: s.symbol, venue: s.venue, timeframe: '1m' as const }
        const bar = s.bars[k]
        core.bars.upsert(key, [bar])
        core.events.publish('bar', { ...bar, ...key })
      }
      await core.forecasts.idle()
      const wall = performance.now() - t0
      const cpu = process.cpuUsage(c0)
      if (k - HISTORY < WARM) continue
      stepWall.push(wall)
      stepCpu.push((cpu.user + cpu.system) / 1000)
      // The loop keeps its last 1000 handling times; one step adds one per series.
      perBar.push(...core.forecasts.latencies.slice(Math.max(0, core.forecasts.latencies.length - series.length)))
      if (events - before !== 2 * series.length)
        throw new Error(`minute ${k}: ${events - before} forecasts, not one per series and horizon`)
    }
    const counted = LIVE - WARM
    const quarter = Math.floor(stepWall.length / 4)
    const early = median(stepWall.slice(0, quarter))
    const late = median(stepWall.slice(-quarter))
    const load1 = loadavg()
    const perBarCpu = stepCpu.map((c) => c / series.length)
    const perBarWall = stepWall.map((w) => w / series.length)
    const lines = [
      `## Many followed series live (\`npx tsx bench/live-many.ts\`)`,
      '',
      `Machine: ${machineLine()}. Load average ${load0.map((x) => x.toFixed(1)).join(' / ')} at the start, ${load1.map((x) => x.toFixed(1)).join(' / ')} at the end (2 cores; wall-clock tails include waiting for a CPU, the CPU rows do not).`,
      '',
      `${series.length} real 1m series closing together: ${series.filter((s) => s.venue === 'FTX').length} slices of FTX BTC-PERP (test-data/nautilus_trader/ftx_BTC-PERP_1m_20211231-20220201.csv.gz) and ${series.filter((s) => s.venue === 'FREQTRADE').length} of freqtrade UNITTEST/BTC (test-data/freqtrade/spot/UNITTEST_BTC-1m.json.gz), ${HISTORY + LIVE} bars each, re-timed onto one minute grid.`,
      `Each has its own regime forecaster (h12 + h48, rf 6 trees + gbdt 10 rounds, trained on its ${HISTORY} stored bars: ${trainSeconds.toFixed(0)} s for all).`,
      `Then ${LIVE} minutes close live: per minute every series' bar is stored (one transaction each) and published, and the core's live regime loop handles them (the first ${WARM} minutes not counted: each series' first live bar also forecasts its stored history). ${events} prediction events.`,
      '',
      '| per closed bar (ms) | p50 | p95 | p99 | max |',
      '|---|---|---|---|---|',
      row(
        `**per bar, the minute's wall time / ${series.length}** (what one bar of the live path — features, 2 models in one stacked run, stored, resolved, events — costs when ${series.length} close together), ${counted} minutes`,
        perBarWall,
      ),
      row('CPU per bar (the whole minute’s process CPU / series)', perBarCpu),
      row(
        `one bar's start-to-publish time inside the loop, ${perBar.length} bars (the ${series.length} series' queues interleave at every await, so this includes the other bars' work)`,
        perBar,
      ),
      '',
      '| per minute, all series (ms) | p50 | p95 | p99 | max |',
      '|---|---|---|---|---|',
      row(
        `**${series.length} bars stored, published and forecast** (until the loop is idle), ${counted} minutes`,
        stepWall,
      ),
      row('the same, CPU time of this process', stepCpu),
      '',
      `Backlog: a minute of ${series.length} bars takes ${ms(median(stepWall))} ms (median) of the 60,000 ms before the next one (${Math.round(60_000 / median(stepWall))}× headroom); median over the first quarter of the minutes ${ms(early)} ms, over the last quarter ${ms(late)} ms (${late <= early * 1.25 ? 'no growth' : 'it grows'}).`,
      `Reading: per-bar p99 ${ms(quantile(perBarWall, 0.99))} ms wall (the minute's wall / ${series.length}; CPU p99 ${ms(quantile(perBarCpu, 0.99))} ms) against the 5 ms target — ${quantile(perBarWall, 0.99) < 5 ? 'met' : 'not met'} on this run. A single bar waits for the others of its minute: the last of ${series.length} is published ${ms(quantile(stepWall, 0.99))} ms (p99) after the first arrived.`,
    ]
    writeResultsSection('live-many', lines.join('\n'))
    console.log(lines.join('\n'))
  } finally {
    await core.dispose()
    rmSync(dir, { recursive: true, force: true })
  }
}

void main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
