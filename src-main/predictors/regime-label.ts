/** Window of the σ in the regime label: 1-bar log returns over 100 bars (DOMAIN.md §1). */
export const LABEL_SIGMA_WINDOW = 100

/** Regime classes in model output order (src-shared REGIMES): bearish 0, neutral 1, bullish 2. */
export const NO_LABEL = -1

/**
 * DOMAIN.md §1 regime label at every bar t: r = ln(C[t+H]/C[t]); bullish (2) if r > k·σ·√H, bearish (0) if
 * r < −k·σ·√H, else neutral (1); σ = population std of the 100 1-bar log returns ending at t. `NO_LABEL` (−1)
 * where σ is not yet defined (t < 100), where t+H is beyond the data, or where a price is not positive.
 */
export function regimeLabels(close: Float64Array, horizon: number, k: number): Int32Array {
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new RangeError(`horizon must be a positive integer, got ${horizon}`)
  if (!(k >= 0)) throw new RangeError(`k must be ≥ 0, got ${k}`)
  const n = close.length
  const out = new Int32Array(n).fill(NO_LABEL)
  const w = LABEL_SIGMA_WINDOW
  const r1 = new Float64Array(n).fill(NaN)
  for (let i = 1; i < n; i++) if (close[i] > 0 && close[i - 1] > 0) r1[i] = Math.log(close[i] / close[i - 1])
  const root = Math.sqrt(horizon)
  // Returns r1[t−w+1 … t]: recomputed per bar (w = 100) so one bad price only spoils its own windows.
  for (let t = w; t + horizon < n; t++) {
    let s = 0
    let s2 = 0
    let ok = true
    for (let j = t - w + 1; j <= t; j++) {
      const v = r1[j]
      if (v !== v) {
        ok = false
        break
      }
      s += v
      s2 += v * v
    }
    if (!ok || !(close[t] > 0) || !(close[t + horizon] > 0)) continue
    const m = s / w
    const sigma = Math.sqrt(Math.max(0, s2 / w - m * m))
    const r = Math.log(close[t + horizon] / close[t])
    const band = k * sigma * root
    out[t] = r > band ? 2 : r < -band ? 0 : 1
  }
  return out
}
