import { isTimeframe, SIGNAL_QUALITY_TRAIN_JOB_KIND, strategyInfo, STRATEGY_CATALOG } from '../../../src-shared'
import type { SignalQualityTrainResult } from '../../backtest'
import { requireString, requireSymbol, timeRange, UsageError, type Command } from '../command'
import { jobResult, runJob } from '../run-job'

const f3 = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : '—')

function report(r: SignalQualityTrainResult): string {
  const w = r.walkForward
  return [
    `${r.name}: ${r.algo}, ${r.trades} trades of ${r.bars} bars; walk-forward ${r.windows} windows with a model`,
    w
      ? `  out of sample   accuracy ${f3(w.accuracy)}  F1 ${f3(w.f1)}  ROC AUC ${f3(w.rocAuc)}  train–test gap (${w.gapMetric}) ${f3(w.gap)}`
      : '  out of sample   — (too few trades for a walk-forward window)',
    `  majority        accuracy ${f3(w?.majorityAccuracy)}`,
    `  max drawdown    ML off ${f3(r.maxDrawdown.mlOff)}  ML on ${f3(r.maxDrawdown.mlOn)}`,
    `  DOMAIN.md §4    ${r.verdict.promote ? 'PROMOTE' : 'do not promote'} — ${r.verdict.checks.map((c) => `${c.name} ${f3(c.value)} ${c.rule} ${c.passed ? 'pass' : 'FAIL'}`).join('; ')}`,
    `  registered ${r.versionId.slice(0, 12)} ${r.alias ? `as ${r.alias}` : r.verdict.promote ? '(already registered)' : 'without an alias: it fails §4, so it becomes champion only with models promote --force'}`,
  ].join('\n')
}

/** `armada train signal-quality`: a strategy's DOMAIN.md §4 model on one stored series, as a registry model. */
export const trainSignalQualityCommand: Command = {
  name: 'train signal-quality',
  summary: "train a strategy's signal-quality model (DOMAIN.md §4) on one stored series and register it",
  usage:
    'train signal-quality --strategy NAME --symbol S --timeframe TF [--algo logreg|gbdt] [--venue V] [--from T] [--to T] [--db PATH] [--json]',
  details:
    "Rows: the strategy's own trades over the stored bars (ML off); label: +1R before −1R. Purged walk-forward inside the\n" +
    'backtest gives the out-of-sample metrics beside the majority baseline, and the §4 verdict (accuracy > 0.55, F1 > 0.5,\n' +
    'train–test gap < 0.10, max drawdown with ML ≤ without). The final model is fitted on every trade and registered as\n' +
    'signal-quality-<strategy>-<symbol>-<tf>; a version that fails §4 takes no alias and needs --force to become champion.\n' +
    'Without --algo: logistic regression, GBDT where it beats it on an inner walk-forward.',
  options: {
    strategy: { type: 'string' },
    symbol: { type: 'string' },
    venue: { type: 'string' },
    timeframe: { type: 'string' },
    algo: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
  },
  async run(ctx) {
    const strategy = requireString(ctx.values, 'strategy')
    const info = strategyInfo(strategy)
    if (!info?.mlApplies)
      throw new UsageError(
        `--strategy must be one of ${STRATEGY_CATALOG.filter((s) => s.mlApplies)
          .map((s) => s.name)
          .join(', ')} (the strategies ML applies to)`,
      )
    const symbol = requireSymbol(ctx.values)
    const timeframe = requireString(ctx.values, 'timeframe')
    if (!isTimeframe(timeframe)) throw new UsageError(`--timeframe: unknown timeframe "${timeframe}"`)
    const algo = ctx.values.algo
    if (algo !== undefined && algo !== 'logreg' && algo !== 'gbdt')
      throw new UsageError('--algo must be logreg or gbdt')
    const request = {
      strategy,
      symbol,
      timeframe,
      ...(typeof ctx.values.venue === 'string' ? { venue: ctx.values.venue } : {}),
      ...(algo ? { algo: algo as 'logreg' | 'gbdt' } : {}),
      ...timeRange(ctx.values),
    }
    const core = ctx.openCore()
    const r = jobResult<SignalQualityTrainResult>(
      await runJob(core, SIGNAL_QUALITY_TRAIN_JOB_KIND, request, (m) => ctx.info(m)),
      'training cancelled',
    )
    ctx.out(r, report)
  },
}
