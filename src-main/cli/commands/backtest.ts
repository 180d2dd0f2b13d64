import {
  BACKTEST_JOB_KIND,
  isTimeframe,
  mlActivity,
  mlImpactText,
  parseStrategyParam,
  strategyInfo,
  validateStrategyParams,
  venueKey,
  type BacktestDetail,
  type CatalogStrategyName,
} from '../../../src-shared'
import type { BacktestJobResult, BacktestMetrics, MlSummary } from '../../backtest'
import { isStrategyName, STRATEGY_NAMES } from '../../strategies'
import { optionalNumber, requireString, requireSymbolList, timeRange, UsageError, type Command } from '../command'
import { jobResult, runJob } from '../run-job'

// A stored run's metrics are JSON: a NaN or infinite metric (no losing trade, no drawdown) reads back as null.
const pct = (x: unknown) =>
  typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : x === null ? '—' : String(x)
const num = (x: unknown) =>
  typeof x === 'number' && Number.isFinite(x)
    ? x.toFixed(3)
    : x === null || (typeof x === 'number' && Number.isNaN(x))
      ? '—'
      : String(x)

/**
 * `--param k=v` (repeatable) as a strategy's parameters: each name known to the strategy, each value of its type and
 * in range (the same check as the backtest form and `runBacktest`). Throws a UsageError naming what is wrong.
 */
export function strategyParamsOption(strategy: CatalogStrategyName, values: unknown): Record<string, number | boolean> {
  const given = values === undefined ? [] : Array.isArray(values) ? values.map(String) : [String(values)]
  const info = strategyInfo(strategy)!
  const raw: Record<string, number | boolean> = {}
  for (const kv of given) {
    const eq = kv.indexOf('=')
    if (eq <= 0) throw new UsageError(`--param must be NAME=VALUE, got "${kv}"`)
    const name = kv.slice(0, eq).trim()
    const p = info.parameters.find((x) => x.name === name)
    if (!p)
      throw new UsageError(
        `--param: ${strategy} has no parameter "${name}" (it has ${info.parameters.map((x) => x.name).join(', ')})`,
      )
    const v = parseStrategyParam(p, kv.slice(eq + 1))
    if (v === undefined) throw new UsageError(`--param ${name}= needs a value (${name} defaults to ${p.default})`)
    if (typeof v === 'object') throw new UsageError(`--param ${v.error}`)
    raw[name] = v
  }
  const check = validateStrategyParams(strategy, raw)
  if (!check.ok) throw new UsageError(`--param ${check.errors.map((e) => e.message).join('; ')}`)
  return { ...check.params }
}

/** A stored run's metrics with its signal count (non-finite metrics read back as null). */
type RunMetrics = BacktestMetrics & { readonly signals: number }

const metricsOf = (stored: BacktestDetail['metrics']): RunMetrics => stored as unknown as RunMetrics

/** The stored run as the CLI prints it: the requested run's metrics at the top level, the other run and the ML verdict beside them. */
function output(run: BacktestDetail) {
  const request = run.config as {
    strategy: string
    strategyParams?: Record<string, number | boolean>
    symbols: string[]
    venue: string
    timeframe: string
    ml: boolean
  }
  const main = metricsOf(run.mlMetrics ?? run.metrics)
  return {
    id: run.id,
    strategy: request.strategy,
    strategyParams: request.strategyParams ?? {},
    symbols: request.symbols,
    venue: request.venue,
    timeframe: request.timeframe,
    ml: request.ml,
    ...main,
    ...(run.mlMetrics ? { withoutMl: metricsOf(run.metrics) } : {}),
    ...(run.mlSummary ? { mlSummary: run.mlSummary as unknown as MlSummary } : {}),
  }
}

export const backtestCommand: Command = {
  name: 'backtest',
  summary: 'offline backtest of a strategy over stored bars (ML off, or ML on walk-forward)',
  usage: `backtest --strategy ${STRATEGY_NAMES.join('|')} --symbol S[,S2…] --timeframe TF [--param NAME=VALUE]… [--ml on|off] [--from T] [--to T] [--fee-bps N] [--maker-fee-bps N] [--slippage-bps N | --slippage-atr F] [--risk F] [--threshold F] [--venue V] [--regime-model NAME|VERSION|hmm] [--db PATH] [--json]`,
  details:
    'Strategy parameters (--param, repeatable) are those of the Strategies view, e.g. --param stopAtr=2.5 --param maxHoldBars=0; ' +
    'each is checked against its range and the run stores every parameter. ' +
    'Signals at a bar close fill at the next open; --fee-bps is the taker fee (market and stop fills), --maker-fee-bps the target fee. ' +
    'With --ml on the strategy first runs without ML, a signal-quality model is retrained walk-forward from those trades (each window sees only trades closed before it), ' +
    'and the ML run is compared under the DOMAIN.md §4 promotion rule. The run is stored in the database. Top-level metrics are those of the requested mode. ' +
    '--regime-model hmm (or an HMM model name) runs regime-following on the regime HMM of `armada train hmm`: forward-filtered, a new regime after ≥ 5 bars.',
  options: {
    strategy: { type: 'string' },
    symbol: { type: 'string' },
    timeframe: { type: 'string' },
    ml: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'fee-bps': { type: 'string' },
    'maker-fee-bps': { type: 'string' },
    'slippage-bps': { type: 'string' },
    'slippage-atr': { type: 'string' },
    risk: { type: 'string' },
    threshold: { type: 'string' },
    venue: { type: 'string' },
    'regime-model': { type: 'string' },
    param: { type: 'string', multiple: true },
  },
  async run(ctx) {
    const strategy = requireString(ctx.values, 'strategy')
    if (!isStrategyName(strategy)) throw new UsageError(`--strategy must be one of ${STRATEGY_NAMES.join(', ')}`)
    const strategyParams = strategyParamsOption(strategy, ctx.values.param)
    const symbols = requireSymbolList(ctx.values, 'symbol')
    const timeframe = requireString(ctx.values, 'timeframe')
    if (!isTimeframe(timeframe)) throw new UsageError(`--timeframe "${timeframe}" is not a timeframe`)
    const mlText = ctx.values.ml ?? 'off'
    if (mlText !== 'on' && mlText !== 'off') throw new UsageError('--ml must be on or off')
    const { from, to } = timeRange(ctx.values)
    const taker = optionalNumber(ctx.values, 'fee-bps')
    const maker = optionalNumber(ctx.values, 'maker-fee-bps')
    const slipBps = optionalNumber(ctx.values, 'slippage-bps')
    const slipAtr = optionalNumber(ctx.values, 'slippage-atr')
    if (slipBps !== undefined && slipAtr !== undefined)
      throw new UsageError('give --slippage-bps or --slippage-atr, not both')
    const risk = optionalNumber(ctx.values, 'risk')
    const threshold = optionalNumber(ctx.values, 'threshold')
    for (const [k, v] of Object.entries({
      'fee-bps': taker,
      'maker-fee-bps': maker,
      'slippage-bps': slipBps,
      'slippage-atr': slipAtr,
    }))
      if (v !== undefined && v < 0) throw new UsageError(`--${k} must be ≥ 0`)
    if (risk !== undefined && !(risk > 0 && risk <= 1)) throw new UsageError('--risk must be in (0, 1]')
    const core = ctx.openCore()
    const regimeModel = ctx.values['regime-model']
    const request = {
      strategy,
      strategyParams,
      symbols,
      timeframe,
      ml: mlText === 'on',
      ...(typeof ctx.values.venue === 'string' ? { venue: venueKey(ctx.values.venue) } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(taker !== undefined ? { takerFeeBps: taker } : {}),
      ...(maker !== undefined ? { makerFeeBps: maker } : {}),
      ...(slipBps !== undefined ? { slippageBps: slipBps } : {}),
      ...(slipAtr !== undefined ? { slippageAtr: slipAtr } : {}),
      ...(risk !== undefined ? { riskFraction: risk } : {}),
      ...(threshold !== undefined ? { threshold } : {}),
      ...(typeof regimeModel === 'string' ? { regimeModel } : {}),
    }
    let phase = ''
    const done = await runJob(core, BACKTEST_JOB_KIND, request, (m) => {
      if (m !== phase) ctx.info((phase = m))
    })
    const { id } = jobResult<BacktestJobResult>(done)
    const run = await core.getBacktest({ id })
    ctx.out(output(run), (o) =>
      [
        `backtest #${o.id} ${o.strategy} ${o.symbols.join(',')} ${o.timeframe} ML ${o.ml ? 'on' : 'off'}: ${o.trades} trades`,
        `total ${pct(o.totalReturn)}  annual ${pct(o.annualReturn)}  sharpe ${num(o.sharpe)}  sortino ${num(o.sortino)}  calmar ${num(o.calmar)}  max DD ${pct(o.maxDrawdown)}`,
        `win ${pct(o.winRate)}  PF ${num(o.profitFactor)}  expectancy ${num(o.expectancy)}  exposure ${pct(o.exposure)}  avg R ${num(o.averageR)}`,
        ...(o.withoutMl
          ? [
              `without ML: total ${pct(o.withoutMl.totalReturn)}  max DD ${pct(o.withoutMl.maxDrawdown)}  trades ${o.withoutMl.trades}`,
            ]
          : []),
        ...(o.mlSummary ? [mlActivity(o.mlSummary, (t) => new Date(t).toISOString())!.text] : []),
        ...(o.mlSummary && mlImpactText(o.mlSummary) ? [mlImpactText(o.mlSummary)!.text] : []),
        ...(o.mlSummary
          ? [
              `promotion: ${o.mlSummary.promotion.promote ? 'PROMOTE' : 'do not promote'} — ${o.mlSummary.promotion.checks.map((c) => `${c.name} ${num(c.value)} ${c.rule} ${c.passed ? 'pass' : 'FAIL'}`).join('; ')}`,
            ]
          : []),
      ].join('\n'),
    )
  },
}
