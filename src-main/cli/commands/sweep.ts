import {
  isTimeframe,
  parseSweepGrid,
  SWEEP_JOB_KIND,
  SWEEP_METRICS,
  venueKey,
  type SweepDetail,
  type SweepRow,
} from '../../../src-shared'
import type { SweepJobResult } from '../../backtest'
import { isStrategyName, STRATEGY_NAMES } from '../../strategies'
import {
  checkOutPath,
  optionalNumber,
  requireString,
  requireSymbolList,
  timeRange,
  UsageError,
  writeOutputFile,
  type Command,
} from '../command'
import { jobResult, runJob } from '../run-job'

/** Metric columns of the CSV, each written for the in-sample and the out-of-sample run. */
const CSV_METRICS = [
  'totalReturn',
  'annualReturn',
  'sharpe',
  'sortino',
  'calmar',
  'maxDrawdown',
  'winRate',
  'profitFactor',
  'expectancy',
  'exposure',
  'trades',
  'finalEquity',
] as const

/** The sweep's rows as CSV: cell, symbol, each swept parameter, then in-sample and out-of-sample metrics. */
export function sweepCsv(sweep: SweepDetail): string {
  const params = Object.keys(sweep.grid)
  const head = [
    'cell',
    'symbol',
    ...params,
    ...CSV_METRICS.map((m) => `is_${m}`),
    ...CSV_METRICS.map((m) => `oos_${m}`),
  ]
  const cell = (v: unknown) => (v === null || v === undefined ? '' : String(v))
  const line = (r: SweepRow) =>
    [
      r.cell,
      r.symbol,
      ...params.map((p) => r.params[p]),
      ...CSV_METRICS.map((m) => r.inSample[m]),
      ...CSV_METRICS.map((m) => r.outOfSample?.[m]),
    ]
      .map(cell)
      .join(',')
  return [head.join(','), ...sweep.rows.map(line)].join('\n') + '\n'
}

const fixed = (x: number | null) => (x === null ? '—' : x.toFixed(3))

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'backtest a grid of strategy parameters over symbols, in-sample vs out-of-sample (threads or a queue)',
  usage: `sweep --strategy ${STRATEGY_NAMES.filter((s) => s !== 'regime-following').join('|')} --symbols A,B,… --timeframe TF --grid 'k=v1,v2;k2=FROM..TO[:STEP]' [--ml on|off] [--workers N | --queue redis://HOST:PORT] [--split F] [--metric ${SWEEP_METRICS.join('|')}] [--from T] [--to T] [--venue V] [--fee-bps N] [--slippage-bps N] [--csv FILE] [--db PATH] [--json]`,
  details:
    'Each grid combination (combinations the strategy refuses, such as fast not below slow, are skipped) is backtested on ' +
    'each symbol with the same engine as `armada backtest`: once over the first --split share of its bars (in-sample, ' +
    'default 0.7) and once over the rest (out-of-sample; --split 0 runs all bars once). Rows are stored as they finish; ' +
    "the result names each symbol's in-sample best by --metric (default sharpe) and where it ranks out of sample. " +
    'Runs in --workers threads here (default: one per core), or with --queue on `armada worker`s.',
  options: {
    strategy: { type: 'string' },
    symbols: { type: 'string' },
    timeframe: { type: 'string' },
    grid: { type: 'string' },
    ml: { type: 'string' },
    workers: { type: 'string' },
    queue: { type: 'string' },
    split: { type: 'string' },
    metric: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    venue: { type: 'string' },
    'fee-bps': { type: 'string' },
    'slippage-bps': { type: 'string' },
    csv: { type: 'string' },
  },
  async run(ctx) {
    const strategy = requireString(ctx.values, 'strategy')
    if (!isStrategyName(strategy)) throw new UsageError(`--strategy must be one of ${STRATEGY_NAMES.join(', ')}`)
    const symbols = requireSymbolList(ctx.values, 'symbols')
    const timeframe = requireString(ctx.values, 'timeframe')
    if (!isTimeframe(timeframe)) throw new UsageError(`--timeframe "${timeframe}" is not a timeframe`)
    const parsed = parseSweepGrid(strategy, requireString(ctx.values, 'grid'))
    if ('error' in parsed) throw new UsageError(`--grid: ${parsed.error}`)
    const grid = parsed.grid
    const mlText = ctx.values.ml ?? 'off'
    if (mlText !== 'on' && mlText !== 'off') throw new UsageError('--ml must be on or off')
    const workers = optionalNumber(ctx.values, 'workers')
    const queue = ctx.values.queue
    if (workers !== undefined && queue !== undefined) throw new UsageError('give --workers or --queue, not both')
    const metric = ctx.values.metric
    if (metric !== undefined && !(SWEEP_METRICS as readonly unknown[]).includes(metric))
      throw new UsageError(`--metric must be one of ${SWEEP_METRICS.join(', ')}`)
    const csv = typeof ctx.values.csv === 'string' ? ctx.values.csv : undefined
    if (csv) checkOutPath(csv)
    const split = optionalNumber(ctx.values, 'split')
    const taker = optionalNumber(ctx.values, 'fee-bps')
    const slippage = optionalNumber(ctx.values, 'slippage-bps')
    const request = {
      strategy,
      symbols,
      timeframe,
      grid,
      ml: mlText === 'on',
      ...timeRange(ctx.values),
      ...(typeof ctx.values.venue === 'string' ? { venue: venueKey(ctx.values.venue) } : {}),
      ...(workers !== undefined ? { workers } : {}),
      ...(typeof queue === 'string' ? { queue } : {}),
      ...(split !== undefined ? { split } : {}),
      ...(typeof metric === 'string' ? { metric } : {}),
      ...(taker !== undefined ? { takerFeeBps: taker } : {}),
      ...(slippage !== undefined ? { slippageBps: slippage } : {}),
    }
    const core = ctx.openCore()
    let shown = -1
    const done = await runJob(core, SWEEP_JOB_KIND, request as never, (m) => {
      // "n/total backtests": one line per tenth, not one per backtest.
      const [n, total] = (/^(\d+)\/(\d+)/.exec(m) ?? []).slice(1).map(Number)
      const tenth = total ? Math.floor((10 * n) / total) : -1
      if (tenth !== shown) ctx.info(`${(shown = tenth) * 10}% ${m}`)
    })
    const result = jobResult<SweepJobResult>(done)
    const sweep = await core.getSweep({ id: result.id })
    if (csv) writeOutputFile(csv, sweepCsv(sweep))
    ctx.out({ ...sweep, skipped: result.skipped, shards: result.shards }, (s) =>
      [
        `sweep #${s.id} ${s.strategy} ${s.symbols.join(',')} ${s.timeframe} ML ${s.ml ? 'on' : 'off'}: ${s.rows.length} backtests (${s.skipped} combinations skipped), ${s.shards} shards`,
        ...s.best.map(
          (b) =>
            `${b.symbol}: in-sample best ${Object.entries(b.params)
              .filter(([k]) => k in s.grid)
              .map(([k, v]) => `${k}=${v}`)
              .join(
                ' ',
              )} ${s.metric} ${fixed(b.inSample)}; out of sample ${fixed(b.outOfSample)}${b.outOfSampleRank ? ` (rank ${b.outOfSampleRank}/${b.combinations})` : ''}`,
        ),
        ...(csv ? [`rows written to ${csv}`] : []),
      ].join('\n'),
    )
  },
}
