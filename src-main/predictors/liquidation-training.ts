import { TIMEFRAME_MS, type BarColumns, type Clock, type Timeframe } from '../../src-shared'
import type { Db } from '../store'
import {
  ModelTrainingError,
  trainSeriesModel,
  type ModelTrainingResult,
  type TrainingProgress,
  type TrainingTarget,
} from './model-training'
import { NO_LABEL } from './regime-label'

/** Liquidation-risk horizons in minutes (DOMAIN.md §3). */
export const LIQUIDATION_HORIZONS_MIN = [5, 15, 30, 60] as const
/** Leverage of the positions whose liquidation the proxy label estimates, and the band it gives (1 / leverage). */
export const PROXY_LEVERAGE = 25
export const PROXY_BAND = 1 / PROXY_LEVERAGE

/** The name of a liquidation-risk model: `liquidation-<symbol>-h<H>m` (H in minutes), lower case. */
export function liquidationModelName(symbol: string, horizonMinutes: number): string {
  return `liquidation-${symbol}-h${horizonMinutes}m`.toLowerCase()
}

/**
 * The DOMAIN.md §3 proxy label, for history without recorded liquidations: 1 when, within the next `h` bars, price
 * crosses the estimated liquidation level of 25× positions opened over the last 24 h — their volume-weighted entry
 * (typical price × volume over the day up to t) ± 4 % (1/25): a low at or below entry·0.96 liquidates longs, a high at
 * or above entry·1.04 shorts. NO_LABEL before a full day of bars, where t + h is past the data, or without volume.
 */
export function proxyLiquidationLabels(bars: BarColumns, h: number, barsPerDay: number): Int32Array {
  const n = bars.close.length
  const out = new Int32Array(n).fill(NO_LABEL)
  let pv = 0
  let v = 0
  for (let t = 0; t < n; t++) {
    const typical = (bars.high[t] + bars.low[t] + bars.close[t]) / 3
    pv += typical * bars.volume[t]
    v += bars.volume[t]
    if (t >= barsPerDay) {
      const o = t - barsPerDay
      pv -= ((bars.high[o] + bars.low[o] + bars.close[o]) / 3) * bars.volume[o]
      v -= bars.volume[o]
    }
    if (t < barsPerDay - 1 || t + h >= n || !(v > 0)) continue
    const entry = pv / v
    const longLiq = entry * (1 - PROXY_BAND)
    const shortLiq = entry * (1 + PROXY_BAND)
    let hit = 0
    for (let j = t + 1; j <= t + h && !hit; j++) if (bars.low[j] <= longLiq || bars.high[j] >= shortLiq) hit = 1
    out[t] = hit
  }
  return out
}

/** The DOMAIN.md §3 liquidation-risk target on the `liquidation` feature set, proxy-labelled. */
export function liquidationTarget(timeframe: Timeframe): TrainingTarget {
  const minutes = TIMEFRAME_MS[timeframe] / 60_000
  const barsPerDay = Math.round(TIMEFRAME_MS['1d'] / TIMEFRAME_MS[timeframe])
  return {
    predictor: 'liquidation',
    set: 'liquidation',
    classes: ['quiet', 'liquidation'],
    labels: (bars, h) => proxyLiquidationLabels(bars, h, barsPerDay),
    definition: (h) =>
      `liquidation risk (DOMAIN.md §3), proxy label: 1 if within ${h * minutes} min (${h} bars) price crosses the estimated liquidation level of ${PROXY_LEVERAGE}× positions opened in the last 24 h (volume-weighted entry ± ${(100 * PROXY_BAND).toFixed(0)} %); no recorded liquidations were used`,
    name: (symbol, _tf, h) => liquidationModelName(symbol, h * minutes),
    history: 'the proxy label needs a day of bars before it',
  }
}

/** `armada train liquidation`: one stored series, the horizons in minutes. */
export interface LiquidationTrainingRequest {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly horizonsMinutes?: readonly number[]
  readonly seed?: number
  readonly from?: number
  readonly to?: number
  readonly codeVersion?: string
}

/** A horizon that could not be trained, and why. */
export interface LiquidationSkip {
  readonly horizonMinutes: number
  readonly reason: string
}

/**
 * Trains the DOMAIN.md §3 liquidation-risk models of one series, GBDT per horizon (purged walk-forward beside the
 * majority and label-of-t−H baselines), registered as `liquidation-<symbol>-h<H>m` with the proxy label named in the
 * card. A horizon whose label cannot be learned (base rate, too few rows) is skipped with the reason.
 */
export async function trainLiquidation(
  db: Db,
  clock: Clock,
  req: LiquidationTrainingRequest,
  opts: { onProgress?: TrainingProgress; signal?: AbortSignal } = {},
): Promise<{ models: ModelTrainingResult[]; skipped: LiquidationSkip[] }> {
  if (req.timeframe !== '1m' && req.timeframe !== '5m')
    throw new ModelTrainingError(`liquidation risk is trained on 1m or 5m bars, got ${req.timeframe}`)
  const minutes = TIMEFRAME_MS[req.timeframe] / 60_000
  const horizons = req.horizonsMinutes ?? LIQUIDATION_HORIZONS_MIN
  for (const h of horizons)
    if (!(Number.isInteger(h / minutes) && h / minutes >= 1))
      throw new ModelTrainingError(`horizon ${h} min is not a whole number of ${req.timeframe} bars`)
  const target = liquidationTarget(req.timeframe)
  const progress = opts.onProgress ?? (() => undefined)
  const models: ModelTrainingResult[] = []
  const skipped: LiquidationSkip[] = []
  for (const [k, h] of horizons.entries()) {
    const share = 1 / horizons.length
    try {
      models.push(
        await trainSeriesModel(
          db,
          clock,
          { ...req, algo: 'gbdt', horizon: h / minutes, params: { n_estimators: 100, seed: req.seed ?? 0 } },
          target,
          {
            ...(opts.signal ? { signal: opts.signal } : {}),
            onProgress: (f, m) => progress(k * share + f * share, `h${h}m: ${m}`),
          },
        ),
      )
    } catch (err) {
      if (!(err instanceof ModelTrainingError)) throw err
      skipped.push({ horizonMinutes: h, reason: err.message })
    }
  }
  return { models, skipped }
}
