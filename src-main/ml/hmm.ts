/**
 * Gaussian hidden Markov model with full covariances (DOMAIN.md §5 regime HMM): parameters, the forward
 * log-likelihood, Viterbi, the streaming forward filter (no smoothing: it would see the future) and Baum-Welch EM
 * with seeded restarts. Float64 throughout; observations are row-major `[n, d]`.
 */
import { Rng } from './types'

/** The parameters of a K-state Gaussian HMM on d-dimensional observations (row-major arrays). */
export interface GaussianHmm {
  readonly states: number
  readonly dims: number
  /** `[K]`, sums to 1. */
  readonly startProbabilities: Float64Array
  /** `[K, K]` row-major, row i = P(next state | state i); rows sum to 1. */
  readonly transitionMatrix: Float64Array
  /** `[K, d]`. */
  readonly means: Float64Array
  /** `[K, d, d]`, each symmetric positive definite. */
  readonly covariances: Float64Array
}

/** Parameters that are not a usable HMM, or observations that do not fit it; the message names what and where. */
export class HmmError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'HmmError'
  }
}

const LOG_2PI = Math.log(2 * Math.PI)

/** Lower Cholesky factor of the d×d matrix at `a[off…]`, or null when it is not positive definite. */
function cholesky(a: Float64Array, off: number, d: number): Float64Array | null {
  const l = new Float64Array(d * d)
  for (let i = 0; i < d; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[off + i * d + j]
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k]
      if (i === j) {
        if (!(s > 0)) return null
        l[i * d + i] = Math.sqrt(s)
      } else l[i * d + j] = s / l[j * d + j]
    }
  return l
}

/** What the recursions need, computed once per parameter set: log π, log A, Cholesky factors and normalisers. */
export interface HmmKernel {
  readonly model: GaussianHmm
  readonly logStart: Float64Array
  readonly logTrans: Float64Array
  /** `[K, d, d]` lower Cholesky factors of the covariances. */
  readonly chol: Float64Array
  /** `[K]`: −(d·ln 2π + ln det Σ_k)/2. */
  readonly logNorm: Float64Array
}

/** Checks the parameters (shapes, stochastic rows, positive definite covariances) and prepares them. Throws `HmmError`. */
export function hmmKernel(m: GaussianHmm): HmmKernel {
  const { states: k, dims: d } = m
  if (!(Number.isInteger(k) && k >= 1 && Number.isInteger(d) && d >= 1))
    throw new HmmError(`HMM needs integer states ≥ 1 and dims ≥ 1 (got ${k}, ${d})`)
  const sizes: [string, ArrayLike<number>, number][] = [
    ['startProbabilities', m.startProbabilities, k],
    ['transitionMatrix', m.transitionMatrix, k * k],
    ['means', m.means, k * d],
    ['covariances', m.covariances, k * d * d],
  ]
  for (const [name, a, n] of sizes) {
    if (a.length !== n) throw new HmmError(`HMM ${name} has ${a.length} values, expected ${n}`)
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(a[i])) throw new HmmError(`HMM ${name}[${i}] is not a finite number (${a[i]})`)
  }
  const stochastic = (name: string, a: ArrayLike<number>, off: number) => {
    let s = 0
    for (let j = 0; j < k; j++) {
      if (a[off + j] < 0) throw new HmmError(`HMM ${name} has a negative probability at ${off + j}`)
      s += a[off + j]
    }
    if (Math.abs(s - 1) > 1e-6) throw new HmmError(`HMM ${name} sums to ${s}, not 1`)
  }
  stochastic('startProbabilities', m.startProbabilities, 0)
  for (let i = 0; i < k; i++) stochastic(`transitionMatrix row ${i}`, m.transitionMatrix, i * k)
  const chol = new Float64Array(k * d * d)
  const logNorm = new Float64Array(k)
  for (let s = 0; s < k; s++) {
    const l = cholesky(m.covariances, s * d * d, d)
    if (!l) throw new HmmError(`HMM covariance of state ${s} is not positive definite`)
    chol.set(l, s * d * d)
    let logDet = 0
    for (let i = 0; i < d; i++) logDet += 2 * Math.log(l[i * d + i])
    logNorm[s] = -0.5 * (d * LOG_2PI + logDet)
  }
  return {
    model: m,
    logStart: Float64Array.from(m.startProbabilities, Math.log),
    logTrans: Float64Array.from(m.transitionMatrix, Math.log),
    chol,
    logNorm,
  }
}

/** Fills `out[K]` with ln N(x; μ_k, Σ_k) of the row at `x[off…]`; `z` is scratch of length d. */
function emissionRow(h: HmmKernel, x: ArrayLike<number>, off: number, out: Float64Array, z: Float64Array): void {
  const { states: k, dims: d, means } = h.model
  for (let s = 0; s < k; s++) {
    const lo = s * d * d
    let q = 0
    for (let i = 0; i < d; i++) {
      let v = x[off + i] - means[s * d + i]
      for (let j = 0; j < i; j++) v -= h.chol[lo + i * d + j] * z[j]
      v /= h.chol[lo + i * d + i]
      z[i] = v
      q += v * v
    }
    out[s] = h.logNorm[s] - 0.5 * q
  }
}

/** `[n, K]` log emission densities of every row. Throws `HmmError` on a non-finite observation. */
export function emissionLogDensities(h: HmmKernel, x: ArrayLike<number>, n: number): Float64Array {
  const { states: k, dims: d } = h.model
  if (x.length < n * d) throw new HmmError(`observations hold ${x.length} values, expected ${n}×${d}`)
  const out = new Float64Array(n * k)
  const row = new Float64Array(k)
  const z = new Float64Array(d)
  for (let t = 0; t < n; t++) {
    for (let i = 0; i < d; i++)
      if (!Number.isFinite(x[t * d + i]))
        throw new HmmError(`observation row ${t} column ${i} is not a finite number (${x[t * d + i]})`)
    emissionRow(h, x, t * d, row, z)
    out.set(row, t * k)
  }
  return out
}

function logSumExp(a: Float64Array): number {
  let m = -Infinity
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i]
  if (m === -Infinity) return m
  let s = 0
  for (let i = 0; i < a.length; i++) s += Math.exp(a[i] - m)
  return m + Math.log(s)
}

/** ln P(x_1..x_n) by the forward recursion in log space. */
export function forwardLogLikelihood(h: HmmKernel, x: ArrayLike<number>, n: number): number {
  if (n === 0) return 0
  const k = h.model.states
  const logB = emissionLogDensities(h, x, n)
  let alpha = new Float64Array(k)
  let next = new Float64Array(k)
  const terms = new Float64Array(k)
  for (let j = 0; j < k; j++) alpha[j] = h.logStart[j] + logB[j]
  for (let t = 1; t < n; t++) {
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < k; i++) terms[i] = alpha[i] + h.logTrans[i * k + j]
      next[j] = logSumExp(terms) + logB[t * k + j]
    }
    ;[alpha, next] = [next, alpha]
  }
  return logSumExp(alpha)
}

/** The most likely state path (Viterbi) and its joint log-probability. Ties go to the lower state index. */
export function viterbi(h: HmmKernel, x: ArrayLike<number>, n: number): { path: Int32Array; logProbability: number } {
  const k = h.model.states
  const path = new Int32Array(n)
  if (n === 0) return { path, logProbability: 0 }
  const logB = emissionLogDensities(h, x, n)
  const back = new Int32Array(n * k)
  let delta = new Float64Array(k)
  let next = new Float64Array(k)
  for (let j = 0; j < k; j++) delta[j] = h.logStart[j] + logB[j]
  for (let t = 1; t < n; t++) {
    for (let j = 0; j < k; j++) {
      let best = -Infinity
      let arg = 0
      for (let i = 0; i < k; i++) {
        const v = delta[i] + h.logTrans[i * k + j]
        if (v > best) [best, arg] = [v, i]
      }
      next[j] = best + logB[t * k + j]
      back[t * k + j] = arg
    }
    ;[delta, next] = [next, delta]
  }
  let last = 0
  for (let j = 1; j < k; j++) if (delta[j] > delta[last]) last = j
  const logProbability = delta[last]
  path[n - 1] = last
  for (let t = n - 1; t > 0; t--) path[t - 1] = back[t * k + path[t]]
  return { path, logProbability }
}

/** Streaming forward-filter state: the normalised log posterior of the current state given the rows so far. */
export interface HmmFilterState {
  logAlpha: Float64Array
  /** Rows seen. */
  t: number
  /** ln P(x_1..x_t): the sum of the per-step normalisers (equals the forward log-likelihood). */
  logLikelihood: number
}

/**
 * The live path: P(state_t | x_1..x_t) one row at a time (forward filtering, never smoothed). `step` returns the
 * filtered posterior `[K]` (a fresh array); running it over rows in a loop is the batch `filteredPosteriors`.
 */
export class HmmFilter {
  private readonly row: Float64Array
  private readonly z: Float64Array
  private readonly terms: Float64Array

  constructor(readonly kernel: HmmKernel) {
    this.row = new Float64Array(kernel.model.states)
    this.z = new Float64Array(kernel.model.dims)
    this.terms = new Float64Array(kernel.model.states)
  }

  initialState(): HmmFilterState {
    return { logAlpha: new Float64Array(this.kernel.model.states), t: 0, logLikelihood: 0 }
  }

  /** Advances the state by the observation at `x[off…off+d)` (all finite); returns the filtered posterior. */
  step(s: HmmFilterState, x: ArrayLike<number>, off = 0): Float64Array {
    const h = this.kernel
    const k = h.model.states
    emissionRow(h, x, off, this.row, this.z)
    const next = new Float64Array(k)
    for (let j = 0; j < k; j++) {
      if (s.t === 0) next[j] = h.logStart[j] + this.row[j]
      else {
        for (let i = 0; i < k; i++) this.terms[i] = s.logAlpha[i] + h.logTrans[i * k + j]
        next[j] = logSumExp(this.terms) + this.row[j]
      }
    }
    const z = logSumExp(next)
    const p = new Float64Array(k)
    for (let j = 0; j < k; j++) {
      next[j] -= z
      p[j] = Math.exp(next[j])
    }
    s.logAlpha = next
    s.logLikelihood += z
    s.t++
    return p
  }
}

/** `[n, K]` filtered posteriors of every row: the streaming filter run in a loop. */
export function filteredPosteriors(h: HmmKernel, x: ArrayLike<number>, n: number): Float64Array {
  const f = new HmmFilter(h)
  const s = f.initialState()
  const k = h.model.states
  const out = new Float64Array(n * k)
  for (let t = 0; t < n; t++) out.set(f.step(s, x, t * h.model.dims), t * k)
  return out
}

/** Market regime a state stands for (DOMAIN.md §5). */
export type HmmRegime = 'bull' | 'bear' | 'range'

/**
 * States mapped to regimes by the mean of observation column `returnColumn` (the 1-bar return): the highest mean
 * is bull, the lowest bear, every other state range (DOMAIN.md §5). One state is range.
 */
export function regimeOfStates(m: GaussianHmm, returnColumn = 0): HmmRegime[] {
  const k = m.states
  const r = (s: number) => m.means[s * m.dims + returnColumn]
  const out: HmmRegime[] = Array.from({ length: k }, () => 'range')
  if (k < 2) return out
  let hi = 0
  let lo = 0
  for (let s = 1; s < k; s++) {
    if (r(s) > r(hi)) hi = s
    if (r(s) < r(lo)) lo = s
  }
  out[hi] = 'bull'
  if (lo !== hi) out[lo] = 'bear'
  return out
}

/** Bars a new regime must last before it is accepted (DOMAIN.md §5). */
export const MIN_REGIME_BARS = 5

/**
 * Accepts a new regime only after it has lasted `minBars` consecutive bars (DOMAIN.md §5); until the first regime
 * has lasted that long the accepted regime is null. Streaming: `update` per bar.
 */
export class RegimeDebouncer<T> {
  private accepted: T | null = null
  private candidate: T | null = null
  private run = 0

  constructor(private readonly minBars = MIN_REGIME_BARS) {}

  update(raw: T): T | null {
    if (raw === this.candidate) this.run++
    else [this.candidate, this.run] = [raw, 1]
    if (raw !== this.accepted && this.run >= this.minBars) this.accepted = raw
    return this.accepted
  }
}

/** Options of Baum-Welch EM. */
export interface BaumWelchOptions {
  /** Most EM iterations (default 500). */
  readonly maxIterations?: number
  /** Stops when the log-likelihood gains less than this, relative (default 1e-10). */
  readonly tolerance?: number
  /**
   * Added to each covariance diagonal after the M-step, as a share of that column's overall variance (default 1e-6):
   * keeps a state from collapsing onto a few identical rows. 0 is the plain maximum-likelihood step.
   */
  readonly covarianceFloor?: number
}

/** An EM run: the fitted parameters, their log-likelihood and the trace. */
export interface BaumWelchResult {
  readonly model: GaussianHmm
  readonly logLikelihood: number
  readonly iterations: number
  readonly converged: boolean
}

function columnVariances(x: ArrayLike<number>, n: number, d: number): Float64Array {
  const mean = new Float64Array(d)
  const v = new Float64Array(d)
  for (let t = 0; t < n; t++) for (let i = 0; i < d; i++) mean[i] += x[t * d + i] / n
  for (let t = 0; t < n; t++)
    for (let i = 0; i < d; i++) {
      const e = x[t * d + i] - mean[i]
      v[i] += (e * e) / n
    }
  return v
}

/**
 * Baum-Welch from the given parameters: scaled forward-backward E-step, closed-form M-step (start, transitions,
 * means, full covariances). The log-likelihood never decreases (floor 0); the result holds the last parameters and
 * their forward log-likelihood.
 */
export function baumWelch(
  init: GaussianHmm,
  x: ArrayLike<number>,
  n: number,
  opts: BaumWelchOptions = {},
): BaumWelchResult {
  const { states: k, dims: d } = init
  if (n < 2) throw new HmmError(`EM needs at least 2 observation rows (got ${n})`)
  const maxIterations = opts.maxIterations ?? 500
  const tolerance = opts.tolerance ?? 1e-10
  const floor = opts.covarianceFloor ?? 1e-6
  const ridge = Float64Array.from(columnVariances(x, n, d), (v) => v * floor)
  let model: GaussianHmm = init
  let prev = -Infinity
  const alpha = new Float64Array(n * k)
  const beta = new Float64Array(n * k)
  const b = new Float64Array(n * k)
  const c = new Float64Array(n)
  const gamma = new Float64Array(k)
  let iterations = 0
  let converged = false
  for (; iterations < maxIterations; iterations++) {
    const h = hmmKernel(model)
    const A = model.transitionMatrix
    const logB = emissionLogDensities(h, x, n)
    let ll = 0
    for (let t = 0; t < n; t++) {
      let m = -Infinity
      for (let j = 0; j < k; j++) if (logB[t * k + j] > m) m = logB[t * k + j]
      for (let j = 0; j < k; j++) b[t * k + j] = Math.exp(logB[t * k + j] - m)
      let s = 0
      for (let j = 0; j < k; j++) {
        let a = 0
        if (t === 0) a = model.startProbabilities[j]
        else for (let i = 0; i < k; i++) a += alpha[(t - 1) * k + i] * A[i * k + j]
        a *= b[t * k + j]
        alpha[t * k + j] = a
        s += a
      }
      c[t] = s
      for (let j = 0; j < k; j++) alpha[t * k + j] /= s
      ll += Math.log(s) + m
    }
    if (iterations > 0 && ll - prev < tolerance * Math.abs(prev)) {
      converged = true
      break
    }
    prev = ll
    for (let j = 0; j < k; j++) beta[(n - 1) * k + j] = 1
    for (let t = n - 2; t >= 0; t--)
      for (let i = 0; i < k; i++) {
        let s = 0
        for (let j = 0; j < k; j++) s += A[i * k + j] * b[(t + 1) * k + j] * beta[(t + 1) * k + j]
        beta[t * k + i] = s / c[t + 1]
      }
    const start = new Float64Array(k)
    const xi = new Float64Array(k * k)
    const w = new Float64Array(k)
    const sx = new Float64Array(k * d)
    for (let t = 0; t < n; t++) {
      for (let j = 0; j < k; j++) gamma[j] = alpha[t * k + j] * beta[t * k + j]
      if (t === 0) start.set(gamma)
      for (let j = 0; j < k; j++) {
        w[j] += gamma[j]
        for (let i = 0; i < d; i++) sx[j * d + i] += gamma[j] * x[t * d + i]
      }
      if (t < n - 1)
        for (let i = 0; i < k; i++)
          for (let j = 0; j < k; j++)
            xi[i * k + j] += (alpha[t * k + i] * A[i * k + j] * b[(t + 1) * k + j] * beta[(t + 1) * k + j]) / c[t + 1]
    }
    const means = new Float64Array(k * d)
    const covariances = new Float64Array(k * d * d)
    for (let j = 0; j < k; j++) for (let i = 0; i < d; i++) means[j * d + i] = sx[j * d + i] / w[j]
    for (let t = 0; t < n; t++)
      for (let j = 0; j < k; j++) {
        const g = (alpha[t * k + j] * beta[t * k + j]) / w[j]
        for (let p = 0; p < d; p++) {
          const ep = x[t * d + p] - means[j * d + p]
          for (let q = 0; q <= p; q++) covariances[j * d * d + p * d + q] += g * ep * (x[t * d + q] - means[j * d + q])
        }
      }
    const transitionMatrix = new Float64Array(k * k)
    for (let j = 0; j < k; j++) {
      for (let p = 0; p < d; p++) {
        for (let q = 0; q < p; q++) covariances[j * d * d + q * d + p] = covariances[j * d * d + p * d + q]
        covariances[j * d * d + p * d + p] += ridge[p]
      }
      let row = 0
      for (let i = 0; i < k; i++) row += xi[j * k + i]
      for (let i = 0; i < k; i++) transitionMatrix[j * k + i] = row > 0 ? xi[j * k + i] / row : 1 / k
    }
    // A state that lost every row (or collapsed to a singular covariance) keeps its previous emission.
    for (let j = 0; j < k; j++)
      if (!(w[j] > 1e-9 * n) || !cholesky(covariances, j * d * d, d)) {
        means.set(model.means.subarray(j * d, (j + 1) * d), j * d)
        covariances.set(model.covariances.subarray(j * d * d, (j + 1) * d * d), j * d * d)
      }
    let s0 = 0
    for (let j = 0; j < k; j++) s0 += start[j]
    for (let j = 0; j < k; j++) start[j] /= s0
    model = { states: k, dims: d, startProbabilities: start, transitionMatrix, means, covariances }
  }
  return { model, logLikelihood: forwardLogLikelihood(hmmKernel(model), x, n), iterations, converged }
}

/** Options of `fitGaussianHmm`. */
export interface HmmFitOptions extends BaumWelchOptions {
  /** Number of hidden states (default 3). */
  readonly states?: number
  /** EM runs from different seeded starts; the best log-likelihood is kept (default 5). */
  readonly restarts?: number
  readonly seed?: number
}

/** A fit with restarts: the best run and every run's log-likelihood. */
export interface HmmFit extends BaumWelchResult {
  /** Log-likelihood each restart reached, in restart order. */
  readonly restartLogLikelihoods: readonly number[]
  readonly bestRestart: number
}

/**
 * Seeded starting parameters: restart 0 splits the rows into K quantile groups of column 0 (the return), later
 * restarts draw K distinct rows as means; every start uses the overall covariance, uniform start probabilities and a
 * sticky, randomly perturbed transition matrix.
 */
export function initialHmm(x: ArrayLike<number>, n: number, d: number, k: number, restart: number, seed: number) {
  const rng = new Rng(seed + 7919 * restart)
  const mean = new Float64Array(d)
  for (let t = 0; t < n; t++) for (let i = 0; i < d; i++) mean[i] += x[t * d + i] / n
  const cov = new Float64Array(d * d)
  for (let t = 0; t < n; t++)
    for (let p = 0; p < d; p++)
      for (let q = 0; q < d; q++) cov[p * d + q] += ((x[t * d + p] - mean[p]) * (x[t * d + q] - mean[q])) / n
  const means = new Float64Array(k * d)
  if (restart === 0) {
    const order = Array.from({ length: n }, (_, t) => t).sort((a, b) => x[a * d] - x[b * d])
    for (let s = 0; s < k; s++) {
      const lo = Math.floor((s * n) / k)
      const hi = Math.floor(((s + 1) * n) / k)
      for (let r = lo; r < hi; r++) for (let i = 0; i < d; i++) means[s * d + i] += x[order[r] * d + i] / (hi - lo)
    }
  } else {
    const rows = rng.sample(n, k)
    for (let s = 0; s < k; s++) for (let i = 0; i < d; i++) means[s * d + i] = x[rows[s] * d + i]
  }
  const covariances = new Float64Array(k * d * d)
  for (let s = 0; s < k; s++) covariances.set(cov, s * d * d)
  const transitionMatrix = new Float64Array(k * k)
  for (let i = 0; i < k; i++) {
    let row = 0
    for (let j = 0; j < k; j++) row += transitionMatrix[i * k + j] = (i === j ? 8 * k : 1) * (0.5 + rng.next())
    for (let j = 0; j < k; j++) transitionMatrix[i * k + j] /= row
  }
  const startProbabilities = new Float64Array(k).fill(1 / k)
  return { states: k, dims: d, startProbabilities, transitionMatrix, means, covariances }
}

/** Fits a Gaussian HMM by Baum-Welch from several seeded starts and keeps the best log-likelihood. */
export function fitGaussianHmm(x: ArrayLike<number>, n: number, d: number, opts: HmmFitOptions = {}): HmmFit {
  const k = opts.states ?? 3
  const restarts = opts.restarts ?? 5
  const seed = opts.seed ?? 7
  if (!(Number.isInteger(k) && k >= 1 && k <= 10)) throw new HmmError(`states must be an integer in [1, 10] (got ${k})`)
  if (!(Number.isInteger(restarts) && restarts >= 1 && restarts <= 100))
    throw new HmmError(`restarts must be an integer in [1, 100] (got ${restarts})`)
  const minRows = Math.max(10 * k * (d + 1), 2)
  if (n < minRows) throw new HmmError(`a ${k}-state HMM on ${d} columns needs at least ${minRows} rows (got ${n})`)
  for (let i = 0; i < n * d; i++)
    if (!Number.isFinite(x[i]))
      throw new HmmError(`observation row ${Math.floor(i / d)} column ${i % d} is not a finite number (${x[i]})`)
  const lls: number[] = []
  let best: BaumWelchResult | null = null
  let bestRestart = 0
  for (let r = 0; r < restarts; r++) {
    const run = baumWelch(initialHmm(x, n, d, k, r, seed), x, n, opts)
    lls.push(run.logLikelihood)
    if (!best || run.logLikelihood > best.logLikelihood) [best, bestRestart] = [run, r]
  }
  return { ...best!, restartLogLikelihoods: lls, bestRestart }
}
