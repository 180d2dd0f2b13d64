/**
 * Did ML help? A paired bootstrap of ML-on vs ML-off PnL over time blocks of the same backtest (the walk-forward
 * windows when the run had them, else equal blocks of the timeline): each block's PnL difference is one pair; the
 * confidence is the share of resamples whose mean difference is above zero (ties count half).
 */
import { Rng } from '../ml'

/** The bootstrap's answer, stored in the ML summary and read by `mlImpactText`. */
export interface MlImpact {
  /** Blocks compared (pairs). */
  readonly blocks: number
  /** Mean over blocks of PnL(ML on) − PnL(ML off), in account currency. */
  readonly meanDelta: number
  /** Share of resamples with a positive mean difference. */
  readonly confidence: number
  /** 2.5 % and 97.5 % quantiles of the resampled mean difference. */
  readonly interval: readonly [number, number]
  readonly resamples: number
  readonly seed: number
}

/** Confidence at or above which the text says ML helped. */
export const ML_HELPED_CONFIDENCE = 0.95

/** Equity at or before `t` (the last point not after it; the first point before the start). */
function equityAt(time: Float64Array, equity: Float64Array, t: number): number {
  let lo = 0
  let hi = time.length - 1
  if (hi < 0) return NaN
  if (t < time[0]) return equity[0]
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (time[mid] <= t) lo = mid
    else hi = mid - 1
  }
  return equity[lo]
}

/**
 * Paired bootstrap over `bounds` (block edges in time, ascending; block k = [bounds[k], bounds[k+1])). Both runs'
 * equity curves are sampled at each edge; a block's PnL is the change across it.
 */
export function mlImpact(
  off: { readonly time: Float64Array; readonly equity: Float64Array },
  on: { readonly time: Float64Array; readonly equity: Float64Array },
  bounds: readonly number[],
  resamples = 2000,
  seed = 11,
): MlImpact {
  const deltas: number[] = []
  for (let k = 0; k + 1 < bounds.length; k++) {
    const a = bounds[k]
    const b = bounds[k + 1]
    const dOff = equityAt(off.time, off.equity, b) - equityAt(off.time, off.equity, a)
    const dOn = equityAt(on.time, on.equity, b) - equityAt(on.time, on.equity, a)
    if (dOff === dOff && dOn === dOn) deltas.push(dOn - dOff)
  }
  const n = deltas.length
  const mean = n ? deltas.reduce((s, d) => s + d, 0) / n : NaN
  if (n === 0) return { blocks: 0, meanDelta: NaN, confidence: NaN, interval: [NaN, NaN], resamples, seed }
  const rng = new Rng(seed)
  const means = new Float64Array(resamples)
  let above = 0
  for (let r = 0; r < resamples; r++) {
    let s = 0
    for (let i = 0; i < n; i++) s += deltas[rng.int(n)]
    const m = s / n
    means[r] = m
    above += m > 0 ? 1 : m === 0 ? 0.5 : 0
  }
  means.sort()
  return {
    blocks: n,
    meanDelta: mean,
    confidence: above / resamples,
    interval: [means[Math.floor(0.025 * (resamples - 1))], means[Math.ceil(0.975 * (resamples - 1))]],
    resamples,
    seed,
  }
}

/** `blocks` equal time blocks over [first, last] (edges; the last edge just past `last`). */
export function equalBlocks(first: number, last: number, blocks: number): number[] {
  const span = last - first + 1
  return Array.from({ length: blocks + 1 }, (_, k) => first + (span * k) / blocks)
}
