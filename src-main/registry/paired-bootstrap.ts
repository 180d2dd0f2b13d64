import { Rng } from '../ml'

/** F1 and log loss of two models on the same resolved samples, with paired-bootstrap confidences. */
export interface PairedComparison {
  readonly n: number
  readonly f1A: number
  readonly f1B: number
  readonly logLossA: number
  readonly logLossB: number
  /** Share of resamples where B's F1 beats A's (ties count half). */
  readonly confidenceBBetterF1: number
  /** Share of resamples where B's log loss is lower than A's (ties count half). */
  readonly confidenceBBetterLogLoss: number
  /** 2.5 % and 97.5 % quantiles of F1(B) − F1(A) over the resamples. */
  readonly deltaF1Interval: readonly [number, number]
  readonly resamples: number
  readonly seed: number
}

const EPS = 1e-15

/** F1 as DOMAIN.md §6 reports it: class 1 for binary, macro over classes otherwise; from counted predictions. */
function f1FromCounts(tp: Float64Array, pp: Float64Array, ap: Float64Array, c: number): number {
  const f = (k: number) => {
    const precision = pp[k] ? tp[k] / pp[k] : 0
    const recall = ap[k] ? tp[k] / ap[k] : 0
    return precision + recall ? (2 * precision * recall) / (precision + recall) : 0
  }
  if (c === 2) return f(1)
  let s = 0
  for (let k = 0; k < c; k++) s += f(k) / c
  return s
}

function argmax(p: ArrayLike<number>, o: number, c: number): number {
  let b = 0
  for (let k = 1; k < c; k++) if (p[o + k] > p[o + b]) b = k
  return b
}

/** Sums over one resample (`weights[i]` = times row i was drawn). */
function scores(
  y: ArrayLike<number>,
  p: ArrayLike<number>,
  c: number,
  weights: Float64Array,
): { f1: number; logLoss: number } {
  const tp = new Float64Array(c)
  const pp = new Float64Array(c)
  const ap = new Float64Array(c)
  let ll = 0
  let total = 0
  for (let i = 0; i < y.length; i++) {
    const w = weights[i]
    if (!w) continue
    const pred = argmax(p, i * c, c)
    pp[pred] += w
    ap[y[i]] += w
    if (pred === y[i]) tp[pred] += w
    ll -= w * Math.log(Math.min(1 - EPS, Math.max(EPS, p[i * c + y[i]])))
    total += w
  }
  return { f1: f1FromCounts(tp, pp, ap, c), logLoss: total ? ll / total : NaN }
}

/**
 * Paired bootstrap of model A vs model B on the same rows: each resample draws row indices with replacement
 * (seeded, so the same inputs give the same answer) and scores both models on those rows.
 */
export function pairedBootstrap(
  y: ArrayLike<number>,
  pA: ArrayLike<number>,
  pB: ArrayLike<number>,
  c: number,
  opts: { resamples?: number; seed?: number } = {},
): PairedComparison {
  const n = y.length
  const resamples = opts.resamples ?? 1000
  const seed = opts.seed ?? 1
  if (pA.length !== n * c || pB.length !== n * c) throw new Error(`pairedBootstrap: probabilities must be ${n} × ${c}`)
  const ones = new Float64Array(n).fill(1)
  const a = scores(y, pA, c, ones)
  const b = scores(y, pB, c, ones)
  const rng = new Rng(seed)
  const w = new Float64Array(n)
  let winsF1 = 0
  let winsLl = 0
  const deltas = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) {
    w.fill(0)
    for (let i = 0; i < n; i++) w[rng.int(n)]++
    const ra = scores(y, pA, c, w)
    const rb = scores(y, pB, c, w)
    winsF1 += rb.f1 > ra.f1 ? 1 : rb.f1 === ra.f1 ? 0.5 : 0
    winsLl += rb.logLoss < ra.logLoss ? 1 : rb.logLoss === ra.logLoss ? 0.5 : 0
    deltas[r] = rb.f1 - ra.f1
  }
  deltas.sort()
  const q = (p: number) => (resamples ? deltas[Math.min(resamples - 1, Math.floor(p * resamples))] : NaN)
  return {
    n,
    f1A: a.f1,
    f1B: b.f1,
    logLossA: a.logLoss,
    logLossB: b.logLoss,
    confidenceBBetterF1: resamples ? winsF1 / resamples : NaN,
    confidenceBBetterLogLoss: resamples ? winsLl / resamples : NaN,
    deltaF1Interval: [q(0.025), q(0.975)],
    resamples,
    seed,
  }
}
