/**
 * A full backtest as the CLI, the job and the bench run it: the strategy with ML off; with `ml` on, also the
 * walk-forward signal-quality schedule trained from those trades and the ML-enhanced run, compared under the
 * DOMAIN.md §4 promotion rule.
 */
import { setBarRow, TIMEFRAME_MS, type BarColumns, type SignalRecord, type Timeframe } from '../../src-shared'
import { createStrategy, type RegimeForecastProvider, type SignalQualityScorer, type StrategyName } from '../strategies'
import type { SqliteBarStore } from '../store'
import { ENGINE_DEFAULTS, runEngine, type EngineConfig, type EngineResult } from './backtest-engine'
import type { BarSeries } from './historical-bar-feed'
import { equalBlocks, mlImpact, type MlImpact } from './ml-impact'
import {
  promotionVerdict,
  WALK_FORWARD_ML_DEFAULTS,
  walkForwardSignalQuality,
  type PromotionVerdict,
  type WalkForwardMlOptions,
} from './signal-quality'

/** What to backtest. */
export interface BacktestRequest {
  readonly strategy: StrategyName
  readonly strategyParams?: Record<string, unknown>
  readonly symbols: readonly string[]
  readonly venue: string
  readonly timeframe: Timeframe
  readonly from?: number
  readonly to?: number
  readonly ml: boolean
  readonly engine?: Partial<EngineConfig>
  readonly walkForward?: Partial<WalkForwardMlOptions>
}

/** Summary of the walk-forward ML part. */
export interface MlSummary {
  readonly windows: readonly {
    readonly start: number
    readonly end: number
    readonly trainTrades: number
    readonly algo: 'logreg' | 'gbdt' | null
  }[]
  readonly algos: Record<'logreg' | 'gbdt', number>
  readonly oosTrades: number
  readonly oos: {
    readonly accuracy: number
    readonly f1: number
    readonly rocAuc: number
    readonly majorityAccuracy: number
    readonly gap: number
    readonly gapMetric: string
  } | null
  readonly promotion: PromotionVerdict
  /** First decision time at which a model existed (ML on equals ML off before it). */
  readonly firstModelAt: number | null
  /** Closed earlier trades a window needs before it trains a model. */
  readonly minTrainTrades: number
  /** Paired bootstrap of ML-on vs ML-off PnL per walk-forward window (null without windows). */
  readonly impact: MlImpact | null
}

/** A finished backtest: the ML-off run, and with ML on the enhanced run and the ML summary. */
export interface BacktestReport {
  readonly request: BacktestRequest
  readonly engine: EngineConfig
  readonly base: EngineResult
  readonly enhanced?: EngineResult
  readonly ml?: MlSummary
  /** With a pinned ML scorer (no walk-forward): the ML-impact bootstrap over ten equal time blocks. */
  readonly impact?: MlImpact
}

/** Reads stored bars of each symbol (paged) into columns. Throws naming the series when none are stored. */
export function loadSeries(
  store: SqliteBarStore,
  req: Pick<BacktestRequest, 'symbols' | 'venue' | 'timeframe' | 'from' | 'to'>,
): BarSeries[] {
  return req.symbols.map((symbol) => {
    const range = {
      symbol,
      venue: req.venue,
      timeframe: req.timeframe,
      ...(req.from !== undefined ? { from: req.from } : {}),
      ...(req.to !== undefined ? { to: req.to } : {}),
    }
    const n = store.count(range)
    if (n === 0) throw new Error(`no stored ${symbol} ${req.venue} ${req.timeframe} bars in the range`)
    const c = {
      time: new Float64Array(n),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: new Float64Array(n),
      takerBuyVolume: new Float64Array(n),
    }
    let i = 0
    for (const page of store.pages(range))
      for (const b of page) {
        if (b.partial) continue
        setBarRow(c, i, b)
        i++
      }
    const bars: BarColumns = {
      time: c.time.subarray(0, i),
      open: c.open.subarray(0, i),
      high: c.high.subarray(0, i),
      low: c.low.subarray(0, i),
      close: c.close.subarray(0, i),
      volume: c.volume.subarray(0, i),
      takerBuyVolume: c.takerBuyVolume.subarray(0, i),
    }
    return { symbol, timeframe: req.timeframe, bars }
  })
}

/** Runs the request over `series`. Progress: ML off 0–0.45, training 0.45–0.55, ML on 0.55–1 (ML off alone: 0–1). */
export async function runBacktest(
  series: readonly BarSeries[],
  request: BacktestRequest,
  opts: {
    regime?: RegimeForecastProvider | null
    onProgress?: (fraction: number, message: string) => void
    signal?: AbortSignal
    /** Scores ML-on signals with this scorer (a pinned registry version) instead of the walk-forward schedule. */
    mlScorer?: SignalQualityScorer
    /** Every signal of the ML-off (`ml` false) and ML-on (`ml` true) passes. */
    onSignal?: (record: SignalRecord) => void
  } = {},
): Promise<BacktestReport> {
  const engine: EngineConfig = { ...ENGINE_DEFAULTS, ...request.engine }
  const progress = opts.onProgress ?? (() => {})
  const make = () => createStrategy(request.strategy, request.strategyParams, opts.regime ?? null)
  const scale = request.ml ? 0.45 : 1
  const common = {
    venue: request.venue,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onSignal ? { onSignal: opts.onSignal } : {}),
  }
  const base = await runEngine(series, make(), engine, { onProgress: (f) => progress(f * scale, 'ML off'), ...common })
  if (!request.ml) return { request, engine, base }
  if (base.time.length === 0) throw new Error('no bars to backtest')
  if (opts.mlScorer) {
    const enhanced = await runEngine(series, make(), engine, {
      scorer: opts.mlScorer,
      onProgress: (f) => progress(0.55 + 0.45 * f, 'ML on'),
      ...common,
    })
    return {
      request,
      engine,
      base,
      enhanced,
      impact: mlImpact(base, enhanced, equalBlocks(base.time[0], base.time[base.time.length - 1], 10)),
    }
  }
  const barMs = TIMEFRAME_MS[series[0].timeframe]
  progress(0.45, 'training signal-quality models walk-forward')
  const wf = await walkForwardSignalQuality(
    base.trades,
    base.time[0],
    base.time[base.time.length - 1],
    barMs,
    request.walkForward,
    opts.signal,
  )
  const enhanced = await runEngine(series, make(), engine, {
    scorer: wf.scorer,
    onProgress: (f) => progress(0.55 + 0.45 * f, 'ML on'),
    ...common,
  })
  const e = wf.evaluation
  const first = wf.windows.find((w) => w.model)
  return {
    request,
    engine,
    base,
    enhanced,
    ml: {
      windows: wf.windows.map((w) => ({
        start: w.start,
        end: w.end,
        trainTrades: w.trainTrades,
        algo: w.model ? w.model.algo : null,
      })),
      algos: wf.algos,
      oosTrades: wf.oosTrades,
      oos: e
        ? {
            accuracy: e.test.accuracy,
            f1: e.test.f1,
            rocAuc: e.test.rocAuc,
            majorityAccuracy: e.majority.accuracy,
            gap: e.gap,
            gapMetric: e.gapMetric,
          }
        : null,
      promotion: promotionVerdict(e, enhanced.metrics.maxDrawdown, base.metrics.maxDrawdown),
      firstModelAt: first ? first.start : null,
      minTrainTrades: request.walkForward?.minTrainTrades ?? WALK_FORWARD_ML_DEFAULTS.minTrainTrades,
      impact: wf.windows.length
        ? mlImpact(base, enhanced, [wf.windows[0].start, ...wf.windows.map((w) => w.end)])
        : null,
    },
  }
}
