/**
 * Performance metrics of a run from its per-bar equity curve and its closed trades. Returns are per bar;
 * annualisation uses bars per year of the timeframe (365 days: crypto trades every day).
 */
import type { ClosedTrade } from './simulated-broker'

/** Every metric the CLI, the store and the UI show. Fractions, not percent; NaN where undefined. */
export interface BacktestMetrics {
  readonly totalReturn: number
  readonly annualReturn: number
  readonly sharpe: number
  readonly sortino: number
  readonly calmar: number
  /** Largest peak-to-trough fall as a positive fraction. */
  readonly maxDrawdown: number
  /** Longest time below a previous peak, in bars and in ms. */
  readonly maxDrawdownBars: number
  readonly maxDrawdownMs: number
  readonly winRate: number
  readonly profitFactor: number
  /** Mean net PnL per trade (account currency). */
  readonly expectancy: number
  /** Share of bars with a position open. */
  readonly exposure: number
  readonly trades: number
  readonly averageR: number
  readonly finalEquity: number
  readonly fees: number
  readonly bars: number
}

/**
 * Metrics from equity sampled at each bar close (`equity[i]`), `inPosition[i]` = 1 when a position was open
 * after bar i, bar duration `barMs`.
 */
export function backtestMetrics(
  equity: Float64Array,
  inPosition: Uint8Array,
  trades: readonly ClosedTrade[],
  initialEquity: number,
  barMs: number,
): BacktestMetrics {
  const n = equity.length
  const last = n ? equity[n - 1] : initialEquity
  const totalReturn = last / initialEquity - 1
  const barsPerYear = (365 * 86_400_000) / barMs
  const years = n / barsPerYear
  const annualReturn = years > 0 && last > 0 ? (last / initialEquity) ** (1 / years) - 1 : NaN
  let sum = 0
  let sum2 = 0
  let down2 = 0
  let prev = initialEquity
  let peak = initialEquity
  let maxDd = 0
  let ddStart = -1
  let longest = 0
  let exposed = 0
  for (let i = 0; i < n; i++) {
    const e = equity[i]
    const r = e / prev - 1
    prev = e
    sum += r
    sum2 += r * r
    if (r < 0) down2 += r * r
    if (e >= peak) {
      if (ddStart >= 0 && i - ddStart > longest) longest = i - ddStart
      peak = e
      ddStart = -1
    } else {
      if (ddStart < 0) ddStart = i
      const dd = 1 - e / peak
      if (dd > maxDd) maxDd = dd
    }
    exposed += inPosition[i]
  }
  if (ddStart >= 0 && n - ddStart > longest) longest = n - ddStart
  const mean = n ? sum / n : NaN
  const sd = n > 1 ? Math.sqrt(Math.max(0, (sum2 - n * mean * mean) / (n - 1))) : NaN
  const dsd = n ? Math.sqrt(down2 / n) : NaN
  let wins = 0
  let grossWin = 0
  let grossLoss = 0
  let pnl = 0
  let rSum = 0
  let rCount = 0
  let fees = 0
  for (const t of trades) {
    if (t.pnl > 0) {
      wins++
      grossWin += t.pnl
    } else grossLoss -= t.pnl
    pnl += t.pnl
    fees += t.fees
    if (t.r === t.r) {
      rSum += t.r
      rCount++
    }
  }
  const k = trades.length
  return {
    totalReturn,
    annualReturn,
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(barsPerYear) : NaN,
    sortino: dsd > 0 ? (mean / dsd) * Math.sqrt(barsPerYear) : NaN,
    calmar: maxDd > 0 ? annualReturn / maxDd : NaN,
    maxDrawdown: maxDd,
    maxDrawdownBars: longest,
    maxDrawdownMs: longest * barMs,
    winRate: k ? wins / k : NaN,
    profitFactor: grossLoss > 0 ? grossWin / grossLoss : grossWin > 0 ? Infinity : NaN,
    expectancy: k ? pnl / k : NaN,
    exposure: n ? exposed / n : NaN,
    trades: k,
    averageR: rCount ? rSum / rCount : NaN,
    finalEquity: last,
    fees,
    bars: n,
  }
}

/** Drawdown curve (≤ 0 fractions below the running peak) of an equity curve. */
export function drawdownCurve(equity: Float64Array, initialEquity: number): Float64Array {
  const out = new Float64Array(equity.length)
  let peak = initialEquity
  for (let i = 0; i < equity.length; i++) {
    if (equity[i] > peak) peak = equity[i]
    out[i] = equity[i] / peak - 1
  }
  return out
}
