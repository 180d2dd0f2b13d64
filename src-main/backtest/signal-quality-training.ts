/**
 * `armada train signal-quality`: the DOMAIN.md §4 model of one strategy on one series, as a registry model. The
 * strategy's own trades over the stored history (ML off) are the rows; the purged walk-forward of the backtest
 * gives the out-of-sample metrics beside the majority baseline and the §4 promotion verdict; the final model is
 * fitted on every trade and registered as `signal-quality-<strategy>-<symbol>-<tf>`. A version that fails §4 is
 * registered without an alias: it cannot become champion without a forced promotion.
 */
import {
  JobRefused,
  systemClock,
  type JobContext,
  type SignalQualityTrainJobRequest,
  type Timeframe,
} from '../../src-shared'
import { ModelRegistry } from '../registry'
import { openDatabase, SqliteBarStore } from '../store'
import { resolveVenue } from './stored-backtest'
import type { RegimeForecastProvider, StrategyName } from '../strategies'
import type { EngineConfig } from './backtest-engine'
import type { BarSeries } from './historical-bar-feed'
import { loadSeries, runBacktest, type MlSummary } from './run-backtest'
import { fitSignalModel, tradeRows, WALK_FORWARD_ML_DEFAULTS, type PromotionVerdict } from './signal-quality'

/** Registry name of a strategy's signal-quality model on one series. */
export function signalQualityModelName(strategy: string, symbol: string, timeframe: Timeframe): string {
  return `signal-quality-${strategy}-${symbol}-${timeframe}`.toLowerCase()
}

/** What to train. `algo` fixes the model family (default: logreg, GBDT when it wins an inner walk-forward). */
export interface SignalQualityTrainRequest {
  readonly strategy: StrategyName
  readonly strategyParams?: Record<string, unknown>
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly from?: number
  readonly to?: number
  readonly algo?: 'logreg' | 'gbdt'
  readonly engine?: Partial<EngineConfig>
  readonly minTrainTrades?: number
}

/** The result the CLI prints and the job returns. */
export interface SignalQualityTrainResult {
  readonly name: string
  readonly versionId: string
  readonly created: boolean
  /** Alias the new version took: champion/challenger when it passed §4, none when it failed. */
  readonly alias: 'champion' | 'challenger' | null
  readonly algo: 'logreg' | 'gbdt'
  readonly trades: number
  readonly bars: number
  /** Walk-forward out-of-sample metrics and the majority baseline (null when too few trades). */
  readonly walkForward: MlSummary['oos']
  readonly windows: number
  readonly verdict: PromotionVerdict
  /** Max drawdown of the backtest without and with walk-forward ML. */
  readonly maxDrawdown: { readonly mlOff: number; readonly mlOn: number }
  /** One line for the job's message: what was registered and the §4 verdict. */
  readonly summary: string
}

/** Thrown when the history gives too few trades to train on. */
export class NotEnoughTrades extends Error {}

/** Trains, evaluates and registers the model (progress 0–1). */
export async function trainSignalQuality(
  series: BarSeries,
  req: SignalQualityTrainRequest,
  registry: ModelRegistry,
  opts: {
    regime?: RegimeForecastProvider | null
    onProgress?: (fraction: number, message: string) => void
    signal?: AbortSignal
  } = {},
): Promise<SignalQualityTrainResult> {
  const progress = opts.onProgress ?? (() => {})
  const minTrainTrades = req.minTrainTrades ?? WALK_FORWARD_ML_DEFAULTS.minTrainTrades
  const report = await runBacktest(
    [series],
    {
      strategy: req.strategy,
      ...(req.strategyParams ? { strategyParams: req.strategyParams } : {}),
      symbols: [req.symbol],
      venue: req.venue,
      timeframe: req.timeframe,
      ml: true,
      ...(req.engine ? { engine: req.engine } : {}),
      walkForward: { minTrainTrades, ...(req.algo ? { algo: req.algo } : {}) },
    },
    {
      ...(opts.regime !== undefined ? { regime: opts.regime } : {}),
      onProgress: (f, m) => progress(0.85 * f, m),
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
  )
  const ml = report.ml!
  const { x, y, n } = tradeRows(report.base.trades, 'signalQuality')
  let ones = 0
  for (let i = 0; i < n; i++) ones += y[i]
  if (n < minTrainTrades || ones === 0 || ones === n)
    throw new NotEnoughTrades(
      `${req.strategy} gave ${n} trades with features on ${req.symbol} ${req.timeframe} (${ones} reached +1R first); at least ${minTrainTrades} of both outcomes are needed`,
    )
  progress(0.88, `fitting the final model on ${n} trades`)
  const name = signalQualityModelName(req.strategy, req.symbol, req.timeframe)
  const fitted = await fitSignalModel(x, y, n, {
    ...WALK_FORWARD_ML_DEFAULTS,
    minTrainTrades,
    ...(req.algo ? { algo: req.algo } : {}),
  })
  const verdict = ml.promotion
  const window = { from: series.bars.time[0], to: series.bars.time[series.bars.time.length - 1] }
  const card = {
    ...fitted.model.card,
    name,
    predictor: 'signal-quality' as const,
    label: '+1R before −1R (DOMAIN.md §4)',
    training: { ...(fitted.model.card.training ?? {}), strategy: req.strategy, algo: fitted.algo, trades: n, window },
    metrics: { ...(fitted.model.card.metrics ?? {}), promotion: verdict },
  }
  const input = {
    onnx: fitted.model.onnx,
    card,
    lineage: {
      trainingWindow: window,
      symbols: [`${req.symbol}.${req.venue}`],
      params: { algo: fitted.algo, strategy: req.strategy, strategyParams: req.strategyParams ?? {} },
      seed: 7,
    },
    metrics: {
      walkForward: ml.oos,
      promotion: verdict,
      windows: ml.windows.length,
      maxDrawdown: { mlOff: report.base.metrics.maxDrawdown, mlOn: report.enhanced!.metrics.maxDrawdown },
    },
    tags: ['signal-quality', req.strategy, `${req.symbol}.${req.venue}`, req.timeframe, fitted.algo],
    trainingData: { x, n, y },
  }
  progress(0.95, `registering ${name}`)
  let alias: SignalQualityTrainResult['alias'] = null
  let registered
  if (verdict.promote) {
    const r = await registry.registerTrained(name, input, {
      challenger: `retrained on ${req.symbol} ${req.timeframe}; passed DOMAIN.md §4 — the champion stays until promoted`,
      champion: `first ${req.strategy} signal-quality model on ${req.symbol} ${req.timeframe}; passed DOMAIN.md §4`,
    })
    registered = r
    alias = r.alias
  } else registered = await registry.register(input)
  progress(1, `registered ${registered.version.id.slice(0, 12)}`)
  return {
    name,
    versionId: registered.version.id,
    created: registered.created,
    alias,
    algo: fitted.algo,
    trades: n,
    bars: series.bars.time.length,
    walkForward: ml.oos,
    windows: ml.windows.filter((w) => w.algo).length,
    verdict,
    maxDrawdown: { mlOff: report.base.metrics.maxDrawdown, mlOn: report.enhanced!.metrics.maxDrawdown },
    summary: `${name} ${registered.version.id.slice(0, 12)} ${alias ? `as ${alias}` : 'without an alias'}; §4 ${
      verdict.promote
        ? 'passed'
        : `failed (${verdict.checks
            .filter((c) => !c.passed)
            .map((c) => c.name)
            .join(', ')})`
    }`,
  }
}

/**
 * The `signal-quality.train` job: loads the stored series (the only venue storing it unless named), trains, evaluates
 * and registers the model on its own connection. Too few trades or a series that is not stored is a refused job.
 */
export async function signalQualityTrainJob(
  request: SignalQualityTrainJobRequest,
  ctx: JobContext,
): Promise<SignalQualityTrainResult> {
  const db = openDatabase(ctx.dbPath)
  const registry = new ModelRegistry(db, systemClock)
  try {
    const bars = new SqliteBarStore(db)
    let venue: string
    try {
      venue = resolveVenue(bars, request.symbol, request.timeframe, request.venue)
    } catch (err) {
      throw new JobRefused((err as Error).message)
    }
    const range = {
      symbols: [request.symbol],
      venue,
      timeframe: request.timeframe,
      ...(request.from !== undefined ? { from: request.from } : {}),
      ...(request.to !== undefined ? { to: request.to } : {}),
    }
    let series: BarSeries
    try {
      series = loadSeries(bars, range)[0]
    } catch (err) {
      throw new JobRefused((err as Error).message)
    }
    return await trainSignalQuality(
      series,
      {
        strategy: request.strategy as StrategyName,
        ...(request.strategyParams ? { strategyParams: request.strategyParams } : {}),
        symbol: request.symbol,
        venue,
        timeframe: request.timeframe,
        ...(request.algo ? { algo: request.algo } : {}),
      },
      registry,
      { signal: ctx.signal, onProgress: (f, m) => ctx.progress(f, m) },
    )
  } catch (err) {
    if (err instanceof NotEnoughTrades) throw new JobRefused(err.message)
    throw err
  } finally {
    await registry.dispose()
    db.close()
  }
}
