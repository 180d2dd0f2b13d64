/**
 * Alert models (`npx tsx bench/live-alerts.ts`): `trainAlertModels` with its default parameters on the real LEAN
 * hourly basket (SPY lead, AAPL, IBM, VXX, aligned), every DOMAIN.md §2 type at 12 h and 24 h: pooled walk-forward
 * ROC AUC / log loss / F1 of the rf 0.6 + gbdt 0.4 ensemble next to the majority, persistence and label-of-t−H
 * baselines on the same rows. Writes the `alerts` section of RESULTS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ModelMetricSummary } from '../src-shared'
import { trainAlertModels } from '../src-main/predictors'
import { leanHourlyBasket } from '../src-main/predictors/alert-test-basket.test-support'
import { openDatabase } from '../src-main/store'
import { machineLine, writeResultsSection } from './results'

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '—')
const cell = (m: ModelMetricSummary) => `${f3(m.rocAuc)} / ${f3(m.logLoss)} / ${f3(m.f1)}`

async function main(): Promise<void> {
  const basket = leanHourlyBasket(Infinity)
  const dir = mkdtempSync(join(tmpdir(), 'armada-bench-alerts-'))
  const db = openDatabase(join(dir, 'a.db'))
  const t = performance.now()
  try {
    const { results, skipped } = await trainAlertModels(
      db,
      { now: () => 1_700_000_000_000 },
      { basket, assets: ['SPY', 'AAPL', 'IBM', 'VXX'], timeframe: '1h', barsPerYear: 252 * 7, horizonsHours: [12, 24] },
    )
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
      ...results.map(
        (r) =>
          `| ${r.type} | ${r.horizonHours} h | ${(100 * r.baseRate).toFixed(1)} % | **${cell(r.walkForward)}** | ${cell(r.baseline.majority)} | ${cell(r.baseline.persistence)} | ${cell(r.baseline.knownPersistence)} |`,
      ),
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
