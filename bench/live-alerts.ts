/**
 * Alert models (`npx tsx bench/live-alerts.ts`): `trainAlertModels` with its default parameters on the real LEAN
 * hourly basket (SPY lead, AAPL, IBM, VXX, aligned), every DOMAIN.md §2 type at 12 h and 24 h: pooled walk-forward
 * ROC AUC / log loss / F1 of the rf 0.6 + gbdt 0.4 ensemble next to the majority, persistence and label-of-t−H
 * baselines on the same rows. Writes the `alerts` section of RESULTS.md.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import type { BarColumns, ModelMetricSummary } from '../src-shared'
import { alignBasket } from '../src-main/features'
import { trainAlertModels } from '../src-main/predictors'
import { openDatabase } from '../src-main/store'
import { sharedData } from '../src-main/testing'
import { machineLine, writeResultsSection } from './results'

function leanHour(name: string): BarColumns {
  const lines = gunzipSync(readFileSync(sharedData('lean', 'equity_hour', `${name}.csv.gz`))).toString('utf8').trim().split('\n')
  const n = lines.length
  const c = { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n), takerBuyVolume: new Float64Array(n).fill(NaN) }
  lines.forEach((l, i) => {
    const [t, o, h, lo, cl, v] = l.split(',')
    c.time[i] = Date.UTC(+t.slice(0, 4), +t.slice(4, 6) - 1, +t.slice(6, 8), +t.slice(9, 11), +t.slice(12, 14))
    c.open[i] = +o / 1e4
    c.high[i] = +h / 1e4
    c.low[i] = +lo / 1e4
    c.close[i] = +cl / 1e4
    c.volume[i] = +v
  })
  return c
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '—')
const cell = (m: ModelMetricSummary) => `${f3(m.rocAuc)} / ${f3(m.logLoss)} / ${f3(m.f1)}`

async function main(): Promise<void> {
  const basket = alignBasket(['spy', 'aapl', 'ibm', 'vxx'].map(leanHour))
  const dir = mkdtempSync(join(tmpdir(), 'armada-bench-alerts-'))
  const db = openDatabase(join(dir, 'a.db'))
  const t = performance.now()
  try {
    const { results, skipped } = await trainAlertModels(db, { now: () => 1_700_000_000_000 }, { basket, assets: ['SPY', 'AAPL', 'IBM', 'VXX'], timeframe: '1h', barsPerYear: 252 * 7, horizonsHours: [12, 24] })
    const seconds = (performance.now() - t) / 1000
    const from = new Date(basket[0].time[0]).toISOString().slice(0, 10)
    const to = new Date(basket[0].time[basket[0].time.length - 1]).toISOString().slice(0, 10)
    const md = [
      '## Alert models, walk-forward vs baselines (`npx tsx bench/live-alerts.ts`)',
      '',
      `Machine: ${machineLine()}`,
      '',
      `LEAN hourly SPY (lead), AAPL, IBM, VXX aligned: ${basket[0].time.length} bars, ${from} → ${to} (trading hours; "24 h" windows are 24 bars). 4 expanding folds, purge H, embargo max(H, 24 bars). Trained ${results.length} models in ${seconds.toFixed(0)} s.`,
      '',
      '| type | H | base rate | ensemble AUC / log loss / F1 | majority | persistence (previous row, sees the future) | label of t−H |',
      '|---|---|---|---|---|---|---|',
      ...results.map((r) => `| ${r.type} | ${r.horizonHours} h | ${(100 * r.baseRate).toFixed(1)} % | **${cell(r.walkForward)}** | ${cell(r.baseline.majority)} | ${cell(r.baseline.persistence)} | ${cell(r.baseline.knownPersistence)} |`),
      ...skipped.map((s) => `| ${s.type} | ${s.horizonHours} h | skipped: ${s.reason} | | | | |`),
      '',
      `Beats the majority class on log loss: ${results.filter((r) => r.walkForward.logLoss < r.baseline.majority.logLoss).length} of ${results.length}; ROC AUC above 0.55: ${results.filter((r) => r.walkForward.rocAuc > 0.55).length} of ${results.length}.`,
    ].join('\n')
    writeResultsSection('alerts', md)
    console.log(md)
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

void main()
