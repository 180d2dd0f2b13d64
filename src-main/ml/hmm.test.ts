import { describe, expect, it } from 'vitest'
import { readTestText } from '../testing'
import {
  baumWelch,
  emissionLogDensities,
  filteredPosteriors,
  fitGaussianHmm,
  forwardLogLikelihood,
  HmmError,
  HmmFilter,
  hmmKernel,
  initialHmm,
  RegimeDebouncer,
  regimeOfStates,
  viterbi,
  type GaussianHmm,
} from './hmm'
import { hmmFromLists, hmmToLists, hmmToOnnx } from './hmm-onnx'
import { createQuietSession } from './ort-session'
import * as ort from 'onnxruntime-node'

/** Reference written once by bench/hmm-pomegranate.ts --write-reference (test-data/pomegranate-hmm/PROVENANCE.md). */
interface Reference {
  x: number[][]
  given: Parameters<typeof hmmFromLists>[0]
  init: Parameters<typeof hmmFromLists>[0]
  emIterations: number
  forwardLogLikelihood: number
  viterbiPath: number[]
  fittedLogLikelihood: number
}
const ref = JSON.parse(readTestText('pomegranate-hmm', 'btcusd-1h-600.json')) as Reference
const n = ref.x.length
const d = ref.x[0].length
const x = Float64Array.from(ref.x.flat())
const given = hmmFromLists(ref.given)

describe('Gaussian HMM against pomegranate 0.14.8 (real Coinbase BTC/USD 1h rows)', () => {
  it('forward log-likelihood of the same given parameters agrees to 1e-9 relative', () => {
    const ll = forwardLogLikelihood(hmmKernel(given), x, n)
    expect(Math.abs(ll - ref.forwardLogLikelihood) / Math.abs(ref.forwardLogLikelihood)).toBeLessThan(1e-9)
  })

  it('the Viterbi path of the same given parameters is identical', () => {
    const { path } = viterbi(hmmKernel(given), x, n)
    expect(Array.from(path)).toEqual(ref.viterbiPath)
    // Not a trivial path: the reference visits more than one state.
    expect(new Set(ref.viterbiPath).size).toBeGreaterThan(1)
  })

  it('EM from the same initial parameters reaches at least pomegranate’s log-likelihood (− 1e-6 relative)', () => {
    const init = hmmFromLists(ref.init)
    const fit = baumWelch(init, x, n, { maxIterations: ref.emIterations, tolerance: 0, covarianceFloor: 0 })
    const start = forwardLogLikelihood(hmmKernel(init), x, n)
    expect(fit.logLikelihood).toBeGreaterThan(start)
    expect((fit.logLikelihood - ref.fittedLogLikelihood) / Math.abs(ref.fittedLogLikelihood)).toBeGreaterThan(-1e-6)
  })
})

describe('Gaussian HMM', () => {
  it('EM never lowers the log-likelihood, iteration after iteration', () => {
    const init = initialHmm(x, n, d, 3, 2, 11)
    let prev = forwardLogLikelihood(hmmKernel(init), x, n)
    let model: GaussianHmm = init
    for (let i = 0; i < 8; i++) {
      const r = baumWelch(model, x, n, { maxIterations: 1, tolerance: 0, covarianceFloor: 0 })
      expect(r.logLikelihood).toBeGreaterThanOrEqual(prev - 1e-9 * Math.abs(prev))
      prev = r.logLikelihood
      model = r.model
    }
  })

  it('restarts keep the best log-likelihood, and the same seed gives the same fit', () => {
    const a = fitGaussianHmm(x, n, d, { states: 3, restarts: 4, seed: 3 })
    const b = fitGaussianHmm(x, n, d, { states: 3, restarts: 4, seed: 3 })
    expect(a.logLikelihood).toBe(Math.max(...a.restartLogLikelihoods))
    expect(a.restartLogLikelihoods[a.bestRestart]).toBe(a.logLikelihood)
    expect(Array.from(b.model.means)).toEqual(Array.from(a.model.means))
    const rowSums = hmmToLists(a.model).transitionMatrix.map((r) => r.reduce((s, v) => s + v, 0))
    for (const s of rowSums) expect(s).toBeCloseTo(1, 12)
  })

  it('live filtering on a truncated history equals the full history up to the cut (no smoothing)', () => {
    const h = hmmKernel(given)
    const full = filteredPosteriors(h, x, n)
    const cut = 250
    const part = filteredPosteriors(h, x.subarray(0, cut * d), cut)
    expect(Array.from(part)).toEqual(Array.from(full.subarray(0, cut * 3)))
    // The filter's per-step normalisers add up to the forward log-likelihood.
    const f = new HmmFilter(h)
    const s = f.initialState()
    for (let t = 0; t < n; t++) f.step(s, x, t * d)
    expect(s.t).toBe(n)
    expect(Math.abs(s.logLikelihood - ref.forwardLogLikelihood) / Math.abs(ref.forwardLogLikelihood)).toBeLessThan(1e-9)
  })

  it('maps states to regimes by mean return: highest bull, lowest bear, others range', () => {
    const m = { ...given, means: Float64Array.from([0.001, 5, -0.002, 6, 0.0001, 7]) }
    expect(regimeOfStates(m, 0)).toEqual(['bull', 'bear', 'range'])
  })

  it('accepts a new regime only after it lasted 5 bars', () => {
    const deb = new RegimeDebouncer<string>()
    const raw = ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'a', 'b', 'b', 'b', 'b', 'b']
    expect(raw.map((r) => deb.update(r))).toEqual([null, null, null, null, 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'b'])
  })

  it('refuses a covariance that is not positive definite, naming the state', () => {
    const bad = { ...given, covariances: Float64Array.from(given.covariances) }
    bad.covariances.set([1, 2, 2, 1], 4)
    expect(() => hmmKernel(bad)).toThrow(new HmmError('HMM covariance of state 1 is not positive definite'))
    expect(() => emissionLogDensities(hmmKernel(given), [NaN, 1], 1)).toThrow(/row 0 column 0/)
  })

  it('the ONNX artefact computes the same emission log-densities in onnxruntime (float32)', async () => {
    const card = {
      name: 'hmm-test',
      predictor: 'custom' as const,
      task: 'multiclass' as const,
      classes: ['s0', 's1', 's2'],
      features: ['log_return', 'log_volume'],
      inputShape: [null, 2],
    }
    const session = await createQuietSession(hmmToOnnx(given, card))
    const rows = 50
    const out = await session.run({
      input: new ort.Tensor('float32', Float32Array.from(x.subarray(0, rows * d)), [rows, d]),
    })
    const logE = out.logEmission.data as Float32Array
    const p = out.probabilities.data as Float32Array
    // Our float64 densities of the same float32-rounded rows.
    const want = emissionLogDensities(
      hmmKernel(given),
      Float64Array.from(Float32Array.from(x.subarray(0, rows * d))),
      rows,
    )
    for (let i = 0; i < rows * 3; i++)
      expect(Math.abs(logE[i] - want[i])).toBeLessThan(2e-3 * Math.max(1, Math.abs(want[i])))
    for (let t = 0; t < rows; t++) expect(p[t * 3] + p[t * 3 + 1] + p[t * 3 + 2]).toBeCloseTo(1, 5)
    await session.release()
  })
})
