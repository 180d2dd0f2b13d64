import { REGIMES, type Regime } from '../../src-shared'
import { LABEL_SIGMA_WINDOW } from './regime-label'

/** Ensemble member kinds of the regime forecaster and their DOMAIN.md §1 weights (renormalised over those present). */
export const REGIME_MEMBER_WEIGHTS = { rf: 0.2, gbdt: 0.4, lstm: 0.4, transformer: 0.4 } as const
export type RegimeMemberKind = keyof typeof REGIME_MEMBER_WEIGHTS

/** Sequence members join the tabular ensemble when a champion exists under `<name>-<kind>` (DOMAIN.md §1). */
export const REGIME_SEQUENCE_KINDS: readonly RegimeMemberKind[] = ['lstm', 'transformer']

/** p_max at or above which a change of argmax is a transition signal (DOMAIN.md §1). */
export const TRANSITION_MIN_PROBABILITY = 0.7

/** What a regime forecast says besides its probabilities (DOMAIN.md §1). */
export interface RegimeReading {
  /** Index of the most likely class (0 bearish, 1 neutral, 2 bullish). */
  readonly argmax: number
  readonly regime: Regime
  readonly pMax: number
  /** p_max·(1 − H(p)/ln 3), in [0, 1]. */
  readonly confidence: number
  /** 0.6·p_max + 0.4·share of non-missing features. */
  readonly quality: number
  /** True when the argmax differs from `current` and p_max ≥ 0.7. */
  readonly transition: boolean
  /** clip((p_max − mean p)/std p, 0, 1)·confidence. */
  readonly sizeMultiplier: number
}

/**
 * Reads class probabilities (bearish, neutral, bullish) as DOMAIN.md §1 defines: confidence, quality, transition
 * against the current regime (−1 = unknown: never a transition), and the position-size multiplier.
 * `presentShare` is the share of non-missing features in the scored row, in [0, 1].
 */
export function readRegime(p: ArrayLike<number>, current: number, presentShare: number): RegimeReading {
  const c = REGIMES.length
  let argmax = 0
  let entropy = 0
  let mean = 0
  for (let k = 0; k < c; k++) {
    const v = p[k]
    if (v > p[argmax]) argmax = k
    if (v > 0) entropy -= v * Math.log(v)
    mean += v / c
  }
  let variance = 0
  for (let k = 0; k < c; k++) variance += (p[k] - mean) ** 2 / c
  const pMax = p[argmax]
  const confidence = Math.max(0, pMax * (1 - entropy / Math.log(c)))
  const std = Math.sqrt(variance)
  const z = std > 0 ? (pMax - mean) / std : 0
  return {
    argmax,
    regime: REGIMES[argmax],
    pMax,
    confidence,
    quality: 0.6 * pMax + 0.4 * presentShare,
    transition: current >= 0 && argmax !== current && pMax >= TRANSITION_MIN_PROBABILITY,
    sizeMultiplier: Math.min(1, Math.max(0, z)) * confidence,
  }
}

/** Weighted mean of member probabilities with weights renormalised over the members given (DOMAIN.md §1). */
export function combineMembers(
  members: readonly { readonly weight: number; readonly probabilities: ArrayLike<number> }[],
  c = REGIMES.length,
): Float64Array {
  const total = members.reduce((a, m) => a + (m.weight > 0 ? m.weight : 0), 0)
  if (!(total > 0)) throw new RangeError('an ensemble needs at least one member with a positive weight')
  const out = new Float64Array(c)
  for (const m of members)
    if (m.weight > 0) for (let k = 0; k < c; k++) out[k] += (m.weight / total) * m.probabilities[k]
  return out
}

/**
 * The realised regime of the bar `H` bars back, the newest label that is known now (DOMAIN.md §1 applied at t − H):
 * `closes` ends at the current bar; −1 when fewer than 100 + H + 1 closes are given or a price is not positive.
 * This is the "current regime" a transition is measured against.
 */
export function currentRegime(closes: ArrayLike<number>, horizon: number, k: number): number {
  const n = closes.length
  const t = n - 1 - horizon
  if (t < LABEL_SIGMA_WINDOW) return -1
  const sigma = returnSigma(closes, t)
  if (!(sigma === sigma) || !(closes[t] > 0) || !(closes[n - 1] > 0)) return -1
  return labelOf(Math.log(closes[n - 1] / closes[t]), sigma, horizon, k)
}

/** σ of DOMAIN.md §1 at index t: population std of the 100 1-bar log returns ending at t (NaN if any is undefined). */
export function returnSigma(closes: ArrayLike<number>, t: number): number {
  const w = LABEL_SIGMA_WINDOW
  if (t < w) return NaN
  let s = 0
  let s2 = 0
  for (let j = t - w + 1; j <= t; j++) {
    if (!(closes[j] > 0) || !(closes[j - 1] > 0)) return NaN
    const v = Math.log(closes[j] / closes[j - 1])
    s += v
    s2 += v * v
  }
  const m = s / w
  return Math.sqrt(Math.max(0, s2 / w - m * m))
}

/** The §1 class of a log return r over H bars given σ at its start: 2 bullish, 0 bearish, 1 neutral. */
export function labelOf(r: number, sigma: number, horizon: number, k: number): number {
  const band = k * sigma * Math.sqrt(horizon)
  return r > band ? 2 : r < -band ? 0 : 1
}
