/**
 * How many bars before the first wanted bar an indicator must see for its value there to equal the value computed
 * over the whole history — what a chart needs to show a window of an indicator without loading every bar.
 * Windowed indicators need their window; recursive ones (EMA, Wilder averages) forget their start geometrically,
 * so they need the bars it takes the start's weight to fall below CONVERGENCE; cumulative ones (OBV, SAR) never
 * forget it and need the whole history (Infinity).
 */
import type { IndicatorSpec } from './indicator-spec'

/** Weight left on an exponential average's starting point after its warm-up: below double rounding of prices. */
export const CONVERGENCE = 1e-15

/** Steps after which an exponential average with smoothing `alpha` keeps under CONVERGENCE of its starting point. */
export function convergenceBars(alpha: number): number {
  if (!(alpha > 0)) throw new RangeError(`convergenceBars: alpha must be > 0, got ${alpha}`)
  if (alpha >= 1) return 0
  return Math.ceil(Math.log(CONVERGENCE) / Math.log(1 - alpha))
}

const emaAlpha = (n: number) => 2 / (n + 1)
/** EMA seeded with the SMA of its first n inputs (n − 1 inputs before the first value), or with the first input. */
const emaWarmup = (n: number, option: string | undefined) =>
  (option === 'first' ? 0 : n - 1) + convergenceBars(emaAlpha(n))
/** Wilder average of a one-bar difference (TR, gains/losses, DM): a bar before its first difference, n to seed. */
const wilderWarmup = (n: number) => n + convergenceBars(1 / n)

/**
 * Earlier bars `spec` needs so that its first value equals the full-history value (to floating-point rounding);
 * Infinity for cumulative indicators. `barMs` is the bar length (session VWAP restarts each UTC day).
 */
export function warmupBars(spec: IndicatorSpec, barMs: number): number {
  const p = spec.params
  const o = spec.option
  switch (spec.name) {
    case 'sma':
    case 'wma':
    case 'bb':
    case 'std':
    case 'zscore':
    case 'slope':
    case 'min':
    case 'max':
    case 'quantile':
    case 'parkinson':
    case 'gk':
    case 'willr':
    case 'cci':
      return p[0] - 1
    case 'donchian':
      return o === 'prev' ? p[0] : p[0] - 1
    case 'vwap':
      // Rolling: its window. Session: the bars since the UTC day began (at most a day of bars before this one).
      return p.length > 0 ? p[0] - 1 : Math.max(0, Math.ceil(86_400_000 / barMs) - 1)
    case 'mom':
    case 'roc':
    case 'rocp':
    case 'rocr':
    case 'logr':
    case 'mfi':
      return p[0]
    case 'tr':
      return 1
    case 'ema':
      return emaWarmup(p[0], o)
    case 'dema':
      return 2 * (p[0] - 1) + 3 * convergenceBars(emaAlpha(p[0]))
    case 'tema':
      return 3 * (p[0] - 1) + 4 * convergenceBars(emaAlpha(p[0]))
    case 'kama':
      // The slowest smoothing constant is (2/(SLOW+1))².
      return p[0] + convergenceBars(emaAlpha(p[2]) ** 2)
    case 'rsi':
      return wilderWarmup(p[0])
    case 'macd':
      return emaWarmup(p[1], o) + emaWarmup(p[2], o)
    case 'atr':
      return o === 'sma' ? p[0] : wilderWarmup(p[0]) + 1
    case 'keltner':
      return Math.max(emaWarmup(p[0], o), wilderWarmup(p[2]))
    case 'stoch':
      return p[0] - 1 + p[1] - 1 + p[2] - 1
    case 'stochrsi':
      return wilderWarmup(p[0]) + p[1] - 1 + p[2] - 1 + p[3] - 1
    case 'dx':
    case 'dm':
      return wilderWarmup(p[0]) + 1
    case 'adx':
      return 2 * wilderWarmup(p[0]) + 1
    case 'adxr':
      return 2 * wilderWarmup(p[0]) + p[0]
    case 'obv':
    case 'sar':
      return Infinity
    default:
      throw new Error(`warmupBars: no warm-up rule for indicator "${spec.name}"`)
  }
}
