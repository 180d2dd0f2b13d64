/**
 * Domain types shared by every layer. Small, immutable, validated at the door (STYLE.md rule 11).
 * Time is always UTC epoch milliseconds; a bar is identified by its open time.
 */

/** Bar timeframes Armada understands, shortest first. */
export const TIMEFRAMES = [
  '1s',
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
] as const
export type Timeframe = (typeof TIMEFRAMES)[number]

/** Length of each timeframe in milliseconds. */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = Object.freeze({
  '1s': 1_000,
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
  '3d': 259_200_000,
  '1w': 604_800_000,
})

/** True when `s` names a known timeframe. */
export function isTimeframe(s: string): s is Timeframe {
  return (TIMEFRAMES as readonly string[]).includes(s)
}

/** One OHLCV bar keyed by open time (ms). Optional fields are absent when the source does not carry them. */
export interface Bar {
  readonly time: number
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  readonly volume: number
  readonly quoteVolume?: number
  readonly trades?: number
  readonly takerBuyVolume?: number
}

/** A bar as stored: bar plus where it belongs. `partial` marks a forming or incomplete resampled bar. */
export interface StoredBar extends Bar {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly partial?: boolean
  /** Set on bars built from a finer stored timeframe (the timeframe itself is not stored): that source timeframe. */
  readonly resampledFrom?: Timeframe
}

/** Columnar bars for batch kernels: parallel typed arrays of equal length. */
export interface BarColumns {
  readonly time: Float64Array
  readonly open: Float64Array
  readonly high: Float64Array
  readonly low: Float64Array
  readonly close: Float64Array
  readonly volume: Float64Array
  /** NaN where unknown. */
  readonly takerBuyVolume: Float64Array
}

/** {@link BarColumns} with what storage also keeps: the row count, quote volume and trade count (NaN where unknown). */
export interface StoredBarColumns extends BarColumns {
  readonly length: number
  readonly quoteVolume: Float64Array
  readonly trades: Float64Array
}

/** Writes bar `b` into row `i` (absent optional fields as NaN; quote volume and trades only where `c` has them). */
export function setBarRow(
  c: BarColumns & { readonly quoteVolume?: Float64Array; readonly trades?: Float64Array },
  i: number,
  b: Bar,
): void {
  c.time[i] = b.time
  c.open[i] = b.open
  c.high[i] = b.high
  c.low[i] = b.low
  c.close[i] = b.close
  c.volume[i] = b.volume
  c.takerBuyVolume[i] = b.takerBuyVolume ?? NaN
  if (c.quoteVolume) c.quoteVolume[i] = b.quoteVolume ?? NaN
  if (c.trades) c.trades[i] = b.trades ?? NaN
}

/** Zeroed columns for `n` bars. */
export function allocBarColumns(n: number): StoredBarColumns {
  const col = () => new Float64Array(n)
  return {
    length: n,
    time: col(),
    open: col(),
    high: col(),
    low: col(),
    close: col(),
    volume: col(),
    quoteVolume: col(),
    trades: col(),
    takerBuyVolume: col(),
  }
}

/** Columns of `bars`. */
export function barColumns(bars: readonly Bar[]): StoredBarColumns {
  const c = allocBarColumns(bars.length)
  for (let i = 0; i < bars.length; i++) setBarRow(c, i, bars[i])
  return c
}

/** Aggressor side of a trade. */
export type TakerSide = 'buy' | 'sell'

/** One executed trade. */
export interface Trade {
  readonly time: number
  readonly price: number
  readonly qty: number
  /** Side of the taker (aggressor); absent when the source does not say. */
  readonly side?: TakerSide
  readonly id?: string
}

/** A funding-rate observation (rate per funding interval, 0.0001 = 0.01 %). */
export interface Funding {
  readonly time: number
  readonly rate: number
  readonly markPrice?: number
}

/** A forced liquidation order. `side` is the side of the liquidation order (sell = longs liquidated). */
export interface Liquidation {
  readonly time: number
  readonly side: TakerSide
  readonly price: number
  readonly qty: number
}

/** Best bid/ask at a moment. */
export interface BookTop {
  readonly time: number
  readonly bidPrice: number
  readonly bidQty: number
  readonly askPrice: number
  readonly askQty: number
}

/** A tradable instrument. `id` is canonical `SYMBOL.VENUE`. */
export interface Instrument {
  readonly id: string
  readonly symbol: string
  readonly venue: string
  readonly kind: 'spot' | 'perp' | 'future' | 'equity' | 'forex' | 'index' | 'cfd' | 'other'
  readonly tickSize?: number
}

/** Regime classes of DOMAIN.md §1, in model output order. */
export const REGIMES = ['bearish', 'neutral', 'bullish'] as const
export type Regime = (typeof REGIMES)[number]

/** A model's forecast for one symbol at one bar close. */
export interface Prediction {
  readonly modelVersion: string
  readonly modelName: string
  readonly symbol: string
  readonly timeframe: Timeframe
  /** Close time of the bar whose data produced it. */
  readonly time: number
  readonly horizonBars: number
  readonly classes: readonly string[]
  readonly probabilities: readonly number[]
  readonly confidence: number
  readonly outcome?: string
}

/** Alert types of DOMAIN.md §2. */
export const ALERT_TYPES = [
  'VOLATILITY_SPIKE_IMMINENT',
  'SPIKE_LIKELY',
  'CORRELATION_BREAKDOWN',
  'REGIME_CHANGE_PENDING',
] as const
export type AlertType = (typeof ALERT_TYPES)[number]

/** Per-type S2 / S3 probability thresholds (DOMAIN.md §2); below S2 there is no alert. */
export const ALERT_THRESHOLDS: Readonly<Record<AlertType, { readonly s2: number; readonly s3: number }>> = {
  SPIKE_LIKELY: { s2: 0.7, s3: 0.85 },
  REGIME_CHANGE_PENDING: { s2: 0.65, s3: 0.8 },
  CORRELATION_BREAKDOWN: { s2: 0.75, s3: 0.9 },
  VOLATILITY_SPIKE_IMMINENT: { s2: 0.8, s3: 0.95 },
}

/** Alert severities of DOMAIN.md §2 (below S2 there is no alert). */
export type AlertSeverity = 'S2' | 'S3'

/**
 * A predictive alert of DOMAIN.md §2 fired by the live loop for a basket; `outcome` is set once `targetTime`
 * has passed (hit: the rule fired within (time, targetTime]).
 */
export interface Alert {
  readonly id: string
  readonly type: AlertType
  readonly severity: AlertSeverity
  /** Open time of the basket bar whose close produced it (ms). */
  readonly time: number
  /** time + horizon (ms): when it is resolved. */
  readonly targetTime: number
  readonly horizonHours: number
  /** Ensemble probability 0.6·p_rf + 0.4·p_gbdt. */
  readonly probability: number
  readonly pRf: number
  readonly pGbdt: number
  /** 1 − |p_rf − p_gbdt|. */
  readonly confidence: number
  /** True when it became S3 by escalation: two S2 of the type within 30 min, or an S3 inside the type's interval raising it. */
  readonly escalated: boolean
  /** When an S3 candidate inside the interval raised this S2 alert to S3, and that candidate's probability. */
  readonly escalatedAt?: number
  readonly escalatedProbability?: number
  /** Scored by a model without walk-forward skill (DOMAIN.md §2): stored and resolved for its live record, not shown by default. */
  readonly muted?: boolean
  readonly modelName: string
  readonly modelVersion: string
  /** Basket name (configuration) and timeframe it was scored on. */
  readonly basket: string
  readonly timeframe: Timeframe
  /** Instruments (symbols) it concerns: the whole basket, or the pair for SPIKE_LIKELY when known. */
  readonly assets: readonly string[]
  readonly acknowledged: boolean
  readonly acknowledgedAt?: number
  readonly outcome?: 'hit' | 'miss'
  /** Close time (ms, market time) of the basket bar that settled it; set with no outcome when no label could be computed. */
  readonly resolvedAt?: number
}

/** Model card stored in the ONNX metadata under `armada.card` (DESIGN.md "Models"). */
export interface ModelCard {
  readonly name: string
  readonly predictor: 'regime' | 'alerts' | 'liquidation' | 'signal-quality' | 'custom'
  readonly task: 'binary' | 'multiclass'
  readonly classes: readonly string[]
  readonly horizon?: { readonly bars: number; readonly timeframe?: Timeframe }
  readonly features: readonly string[]
  readonly featureSpecHash?: string
  readonly inputShape: readonly (number | null)[]
  readonly label?: string
  readonly training?: Readonly<Record<string, unknown>>
  readonly metrics?: Readonly<Record<string, unknown>>
  readonly reference?: Readonly<Record<string, unknown>>
}

/** Lifecycle state of a background job. */
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'

/** A background job as seen by the UI: progress in [0, 1]. */
export interface JobInfo {
  readonly id: string
  readonly kind: string
  readonly state: JobState
  readonly progress: number
  readonly message: string
  readonly createdAt: number
  readonly updatedAt: number
  readonly result?: unknown
  readonly error?: string
}
