import { LIQUIDATION_TRAIN_JOB_KIND, type ModelMetricSummary } from '../../../src-shared'
import type { LiquidationTrainJobResult } from '../../predictors'
import { optionalNumber, requireString, requireSymbol, timeRange, UsageError, type Command } from '../command'
import { jobResult, runJob } from '../run-job'

const f3 = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(3) : '—')
const row = (label: string, m: ModelMetricSummary) =>
  `    ${label.padEnd(22)} F1 ${f3(m.f1)}  AUC ${f3(m.rocAuc)}  log loss ${f3(m.logLoss)}  acc ${f3(m.accuracy)}`

function report(r: LiquidationTrainJobResult): string {
  const lines = [
    `${r.symbol}.${r.venue} ${r.timeframe}: liquidation risk (DOMAIN.md §3), proxy label, purged walk-forward`,
  ]
  for (const m of r.models) {
    const p = m.evaluation.pooled
    const beats = p.model.logLoss < p.majority.logLoss && p.model.f1 > p.persistence.f1
    lines.push(
      `  ${m.name} (h${m.horizon} bars, ${m.rows} rows, positives ${m.evaluation.classCounts[1]}): ${beats ? 'beats both baselines' : 'does not beat its baselines'}`,
      row('model', p.model),
      row('majority', p.majority),
      row('label of t−H', p.persistence),
      `    registered ${m.versionId.slice(0, 12)} ${m.alias ? `as ${m.alias}` : '(already registered)'}`,
    )
  }
  for (const s of r.skipped) lines.push(`  skipped h${s.horizonMinutes}m: ${s.reason}`)
  return lines.join('\n')
}

/** `armada train liquidation`: the DOMAIN.md §3 liquidation-risk models of one stored series, GBDT per horizon. */
export const trainLiquidationCommand: Command = {
  name: 'train liquidation',
  summary: 'train the DOMAIN.md §3 liquidation-risk models (GBDT per horizon, proxy label) on one stored series',
  usage:
    'train liquidation --symbol S --timeframe 1m|5m [--horizons 5,15,30,60] [--seed N] [--venue V] [--from T] [--to T] [--db PATH] [--json]',
  details:
    'Features: the liquidation set (order flow, book, spread, funding, basis, recent liquidations where stored; missing\n' +
    'inputs flagged). Label: the §3 proxy — price crosses the liquidation level of 25× positions opened over the last 24 h\n' +
    '(volume-weighted entry ± 4 %) within H minutes — named as such in the card. Purged walk-forward beside the majority and\n' +
    'label-of-t−H baselines; registered as liquidation-<symbol>-h<H>m. A horizon that cannot be learned is skipped with the reason.',
  options: {
    symbol: { type: 'string' },
    venue: { type: 'string' },
    timeframe: { type: 'string' },
    horizons: { type: 'string' },
    seed: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
  },
  async run(ctx) {
    const symbol = requireSymbol(ctx.values)
    const given = requireString(ctx.values, 'timeframe')
    if (given !== '1m' && given !== '5m')
      throw new UsageError(`--timeframe must be 1m or 5m for liquidation risk, got "${given}"`)
    const timeframe: '1m' | '5m' = given
    let horizonsMinutes: number[] | undefined
    if (typeof ctx.values.horizons === 'string') {
      horizonsMinutes = ctx.values.horizons.split(',').map((h) => Number(h.trim()))
      if (horizonsMinutes.some((h) => !(Number.isInteger(h) && h > 0)))
        throw new UsageError(`--horizons must be minutes as positive integers, got "${ctx.values.horizons}"`)
    }
    const seed = optionalNumber(ctx.values, 'seed')
    const request = {
      symbol,
      timeframe,
      ...(typeof ctx.values.venue === 'string' ? { venue: ctx.values.venue } : {}),
      ...(horizonsMinutes ? { horizonsMinutes } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...timeRange(ctx.values),
    }
    const core = ctx.openCore()
    const r = jobResult<LiquidationTrainJobResult>(
      await runJob(core, LIQUIDATION_TRAIN_JOB_KIND, request, (m) => ctx.info(m)),
      'training cancelled',
    )
    ctx.out(r, report)
  },
}
