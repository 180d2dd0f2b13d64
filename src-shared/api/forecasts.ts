import type { JobInfo, Regime, Timeframe } from '../domain'
import type { SkillVerdict } from '../skill'
import type { FeedStatusEvent } from './market'

// ── Regime forecasts (DOMAIN.md §1): the live loop's output for the chart, the forecast card and REST ──────

/** A series whose forecast is asked for; `venue` defaults to the one stored for the symbol. */
export interface ForecastQuery {
  readonly symbol: string
  readonly venue?: string
  readonly timeframe: Timeframe
}

/** The newest forecast of one horizon. Probabilities are bearish, neutral, bullish. */
export interface HorizonForecast {
  readonly horizon: number
  readonly modelName: string
  readonly modelVersion: string
  /** Open time of the bar whose close produced it (ms). */
  readonly time: number
  readonly probabilities: readonly number[]
  readonly regime: Regime
  /** p_max·(1 − H(p)/ln 3). */
  readonly confidence: number
  /** 0.6·p_max + 0.4·share of non-missing features. */
  readonly quality: number
  /** Argmax differs from the realised regime with p_max ≥ 0.7. */
  readonly transition: boolean
  /** Realised regime of the last H bars (the §1 label at t − H), null while unknown. */
  readonly currentRegime: Regime | null
  /** clip((p_max − mean p)/std p, 0, 1)·confidence. */
  readonly sizeMultiplier: number
  /** Bars the model version was trained on: a forecast after `to` is out of sample (absent when the card does not say). */
  readonly trainingWindow?: { readonly from: number; readonly to: number }
  /** The version's walk-forward skill against its baselines (absent without a walk-forward record). */
  readonly skill?: SkillVerdict
}

/** `getForecast`: the latest forecast per horizon and whether it is still current. */
export interface ForecastResult {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly horizons: readonly HorizonForecast[]
  /** Regime models (a champion per horizon) the live loop scores for this series; 0: none is registered yet. */
  readonly modelCount?: number
  /** Open time of the newest forecast bar, null when there is none. */
  readonly time: number | null
  /** How old the newest forecast is (ms; wall time since its bar arrived for a replay, since its bar closed otherwise). */
  readonly ageMs: number | null
  /** True when the feed is down or the last bar is older than 2 bar lengths. */
  readonly stale: boolean
  readonly staleReason?: string
  readonly feed: FeedStatusEvent['feed']
  /** A training job for this series' regime models that has not finished (the embedded default trains on first start). */
  readonly training?: JobInfo
}

/** Stored forecasts of a series for the chart: `time` in [from, to] (ms), optionally one horizon. */
export interface PredictionsQuery extends ForecastQuery {
  readonly from?: number
  readonly to?: number
  readonly horizon?: number
  readonly limit?: number
}

/** One stored forecast; `outcome`/`hit` are null until its horizon has passed. */
export interface PredictionPoint {
  readonly id: number
  readonly modelName: string
  readonly modelVersion: string
  readonly time: number
  readonly horizon: number
  readonly probabilities: readonly number[]
  readonly regime: Regime
  readonly confidence: number
  readonly quality: number
  readonly transition: boolean
  readonly sizeMultiplier: number
  readonly outcome: Regime | null
  readonly hit: boolean | null
}

/** The `prediction` topic: a forecast just stored for a closed bar. */
export interface PredictionEvent extends PredictionPoint {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly currentRegime: Regime | null
}

/** `getForecastStatus` (REST `GET /api/ml/models/status`): models the live loop scores, per series, and their record. */
export interface ForecastStatus {
  readonly series: readonly {
    readonly symbol: string
    readonly venue: string
    readonly timeframe: Timeframe
    readonly models: readonly {
      readonly name: string
      readonly horizon: number
      readonly versionId: string
      readonly members: readonly string[]
    }[]
    readonly predictions: number
    readonly resolved: number
    /** Share of resolved forecasts whose argmax was the realised regime; null before any is resolved. */
    readonly hitRate: number | null
    readonly lastPredictionAt: number | null
  }[]
  readonly training: readonly JobInfo[]
}

/** `retrainForecast` (REST `POST /api/ml/models/retrain`): trains the series' regime ensembles as a job. */
export interface RetrainForecastRequest extends ForecastQuery {
  readonly horizons?: readonly number[]
}

/** `getHmmRegimes`: a series' regimes by its regime HMM (DOMAIN.md §5), for the chart's second shading option. */
export interface HmmRegimesQuery {
  readonly symbol: string
  readonly venue?: string
  readonly timeframe: Timeframe
  /** Newest points returned (default 5000). */
  readonly limit?: number
}

/** One bar's HMM regime: the accepted regime (≥ 5 bars) and the filtered probability mass behind it. */
export interface HmmRegimePoint {
  readonly time: number
  readonly regime: Regime
  readonly confidence: number
}

/** The HMM's regimes over the stored bars, filtered bar by bar as live (never smoothed), or why there are none. */
export interface HmmRegimesResult {
  readonly model: string
  readonly versionId: string | null
  /** Why there are no points (no HMM fitted for the series). */
  readonly reason?: string
  readonly points: readonly HmmRegimePoint[]
}
