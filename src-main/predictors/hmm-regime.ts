/**
 * The DOMAIN.md §5 regime HMM as a predictor: observation rows from the microstructure feature set (1-bar log return,
 * log volume, order-flow imbalance where the series has taker volume), a Gaussian HMM fitted by EM with restarts,
 * states mapped to bull/bear/range by mean return, registered as `hmm-<symbol>-<tf>` (an ONNX emission graph with the
 * float64 parameters in its card). The streaming `HmmRegimeTracker` is the live path: forward filter, no smoothing,
 * a new regime accepted after ≥ 5 bars.
 */
import type { Bar, BarColumns, ModelCard, Timeframe } from '../../src-shared'
import { computeFeatures, featureStream, MICROSTRUCTURE_FEATURES, type FeatureStream } from '../features'
import {
  fitGaussianHmm,
  hmmFromCard,
  HmmError,
  HmmFilter,
  hmmKernel,
  hmmToLists,
  hmmToOnnx,
  RegimeDebouncer,
  regimeOfStates,
  viterbi,
  type GaussianHmm,
  type HmmFilterState,
  type HmmFitOptions,
  type HmmRegime,
} from '../ml'
import type { ModelRegistry } from '../registry'

/** Observation columns in order (DOMAIN.md §5); the imbalance only where every row has taker volume. */
export const HMM_COLUMNS = ['log_return', 'log_volume', 'orderflow_imbalance'] as const
export type HmmColumn = (typeof HMM_COLUMNS)[number]

const PICK: Record<HmmColumn, number> = {
  log_return: MICROSTRUCTURE_FEATURES.indexOf('log_return'),
  log_volume: MICROSTRUCTURE_FEATURES.indexOf('log_volume'),
  orderflow_imbalance: MICROSTRUCTURE_FEATURES.indexOf('orderflow_imbalance'),
}

/** Observation rows of a series: `[n, columns.length]`, row r is the bar at `time[r]` (warm-up bars dropped). */
export interface HmmObservations {
  readonly columns: readonly HmmColumn[]
  readonly x: Float64Array
  readonly n: number
  readonly time: Float64Array
  readonly featureSpecHash: string
}

/**
 * The HMM's observation rows from the microstructure set. `columns` fixes them (a trained model's); otherwise the
 * imbalance is used when every bar after the first has taker volume, else (return, log volume) alone. Rows with a
 * missing value (the first bar has no return) are dropped.
 */
export function hmmObservations(
  bars: BarColumns,
  timeframe: Timeframe,
  columns?: readonly HmmColumn[],
): HmmObservations {
  const f = computeFeatures({ symbol: '', timeframe, set: 'microstructure', bars })
  const width = f.names.length
  const taker = f.names.indexOf('taker_missing')
  let withTaker = f.rows > 1
  for (let t = 1; t < f.rows && withTaker; t++) if (f.data[t * width + taker] !== 0) withTaker = false
  const cols: readonly HmmColumn[] =
    columns ?? (withTaker ? HMM_COLUMNS : (['log_return', 'log_volume'] as const satisfies readonly HmmColumn[]))
  const d = cols.length
  const x = new Float64Array(f.rows * d)
  const time = new Float64Array(f.rows)
  let n = 0
  for (let t = 0; t < f.rows; t++) {
    let ok = true
    for (let j = 0; j < d; j++) {
      const v = f.data[t * width + PICK[cols[j]]]
      if (!Number.isFinite(v)) ok = false
      x[n * d + j] = v
    }
    if (!ok) continue
    time[n++] = f.time[t]
  }
  return { columns: cols, x: x.slice(0, n * d), n, time: time.slice(0, n), featureSpecHash: f.specHash }
}

/** The registry name of a series' regime HMM. */
export function hmmModelName(symbol: string, timeframe: Timeframe): string {
  return `hmm-${symbol}-${timeframe}`.toLowerCase()
}

/** What to fit. */
export interface HmmTrainingRequest extends HmmFitOptions {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly codeVersion?: string
}

/** What `armada train hmm` prints: the fitted parameters (nested lists), the regimes and the registered version. */
export interface HmmTrainingResult {
  readonly name: string
  readonly versionId: string
  readonly alias: 'champion' | 'challenger' | null
  readonly created: boolean
  readonly bars: number
  readonly rows: number
  readonly columns: readonly HmmColumn[]
  readonly startProbabilities: number[]
  readonly transitionMatrix: number[][]
  readonly means: number[][]
  readonly covariances: number[][][]
  /** Regime of each state (by mean return: highest bull, lowest bear). */
  readonly states: HmmRegime[]
  readonly logLikelihood: number
  readonly iterations: number
  readonly converged: boolean
  readonly restartLogLikelihoods: readonly number[]
  /** Share of rows in each regime along the Viterbi path, after the ≥ 5 bar rule. */
  readonly regimeShares: Readonly<Record<HmmRegime, number>>
  readonly summary: string
}

/** The card of a fitted HMM: classes are the states (`s0`…), its parameters and regimes in `training.hmm`. */
export function hmmCard(
  name: string,
  model: GaussianHmm,
  obs: Pick<HmmObservations, 'columns' | 'featureSpecHash'>,
  training: Record<string, unknown>,
): ModelCard {
  const states = regimeOfStates(model, 0)
  return {
    name,
    predictor: 'custom',
    task: 'multiclass',
    classes: Array.from({ length: model.states }, (_, s) => `s${s}`),
    features: [...obs.columns],
    featureSpecHash: obs.featureSpecHash,
    inputShape: [null, obs.columns.length],
    label:
      'unsupervised: hidden state of a Gaussian HMM (DOMAIN.md §5); probabilities = state posterior of the row alone under ' +
      'the stationary prior; the live filter combines rows with training.hmm.transitionMatrix (forward filtering)',
    training: {
      algo: 'gaussian-hmm',
      artefact:
        'ONNX emission graph (logEmission [N, K]); the exact float64 parameters are in training.hmm and drive the filter',
      ...training,
      hmm: { ...hmmToLists(model), states, returnColumn: 0 },
    },
  }
}

/** Regimes along a path of states, after the ≥ 5 bar acceptance rule (null before the first accepted regime). */
export function acceptedRegimes(path: ArrayLike<number>, states: readonly HmmRegime[]): (HmmRegime | null)[] {
  const d = new RegimeDebouncer<HmmRegime>()
  return Array.from(path, (s) => d.update(states[s]))
}

/**
 * Fits the HMM on a series' bars and registers it (champion for a new name, else challenger); returns what the CLI
 * prints and the observation rows fitted. Throws `HmmError` (too few rows for the states asked).
 */
export async function trainHmm(
  bars: BarColumns,
  req: HmmTrainingRequest,
  registry: ModelRegistry,
  onProgress: (fraction: number, message: string) => void = () => {},
): Promise<{ readonly result: HmmTrainingResult; readonly observations: HmmObservations }> {
  const obs = hmmObservations(bars, req.timeframe)
  const d = obs.columns.length
  const k = req.states ?? 3
  const restarts = req.restarts ?? 5
  const seed = req.seed ?? 7
  onProgress(0.05, `fitting a ${k}-state HMM on ${obs.n} rows × ${d} columns (${restarts} restarts)`)
  const fit = fitGaussianHmm(obs.x, obs.n, d, { ...req, states: k, restarts, seed })
  const name = hmmModelName(req.symbol, req.timeframe)
  const window = { from: obs.time[0], to: obs.time[obs.n - 1] }
  const card = hmmCard(name, fit.model, obs, {
    params: { states: k, restarts, seed, maxIterations: req.maxIterations ?? 500, tolerance: req.tolerance ?? 1e-10 },
    window,
    rows: obs.n,
    logLikelihood: fit.logLikelihood,
    restartLogLikelihoods: fit.restartLogLikelihoods,
  })
  const states = regimeOfStates(fit.model, 0)
  const path = viterbi(hmmKernel(fit.model), obs.x, obs.n).path
  const accepted = acceptedRegimes(path, states)
  const shares = { bull: 0, bear: 0, range: 0 }
  for (const r of accepted) if (r) shares[r] += 1 / obs.n
  onProgress(0.9, `registering ${name}`)
  const f32 = Float32Array.from(obs.x)
  const registered = await registry.registerTrained(
    name,
    {
      onnx: hmmToOnnx(fit.model, card),
      card,
      lineage: {
        trainingWindow: window,
        symbols: [`${req.symbol}.${req.venue}`],
        params: { states: k, restarts, seed },
        seed,
        ...(req.codeVersion !== undefined ? { codeVersion: req.codeVersion } : {}),
      },
      metrics: { logLikelihood: fit.logLikelihood, rows: obs.n, regimeShares: shares },
      tags: ['hmm', `${req.symbol}.${req.venue}`, req.timeframe],
      trainingData: { x: f32, n: obs.n },
    },
    {
      challenger: `refitted on ${req.symbol} ${req.timeframe}; the champion stays until promoted`,
      champion: `first regime HMM on ${req.symbol} ${req.timeframe}`,
    },
  )
  onProgress(1, `registered ${registered.version.id.slice(0, 12)}`)
  const lists = hmmToLists(fit.model)
  const result: HmmTrainingResult = {
    name,
    versionId: registered.version.id,
    alias: registered.alias,
    created: registered.created,
    bars: bars.time.length,
    rows: obs.n,
    columns: obs.columns,
    ...lists,
    states,
    logLikelihood: fit.logLikelihood,
    iterations: fit.iterations,
    converged: fit.converged,
    restartLogLikelihoods: fit.restartLogLikelihoods,
    regimeShares: shares,
    summary: `${name} ${registered.version.id.slice(0, 12)} ${registered.alias ? `as ${registered.alias}` : '(already registered)'}; ${k} states on ${obs.columns.join(', ')}, log-likelihood ${fit.logLikelihood.toFixed(2)}`,
  }
  return { result, observations: obs }
}

/** One bar's reading of the live HMM: the filtered posterior, its regime mix, the raw and the accepted regime. */
export interface HmmReading {
  /** P(state | rows so far), `[K]`. */
  readonly posterior: Float64Array
  /** Posterior mass per regime. */
  readonly bear: number
  readonly range: number
  readonly bull: number
  /** Regime of the most probable state at this bar. */
  readonly raw: HmmRegime
  /** Regime after the ≥ 5 bar rule; null until a first regime lasted that long. */
  readonly accepted: HmmRegime | null
}

/**
 * The live path of a fitted HMM on one series: features streamed bar by bar (the same microstructure step as the
 * fit), the forward filter (no smoothing) and the ≥ 5 bar rule. `update` returns null during warm-up.
 */
export class HmmRegimeTracker {
  private readonly stream: FeatureStream<unknown>
  private readonly filter: HmmFilter
  private readonly state: HmmFilterState
  private readonly debouncer = new RegimeDebouncer<HmmRegime>()
  private readonly out: Float64Array
  private readonly row: Float64Array
  private readonly pick: Int32Array

  constructor(
    private readonly hmm: { readonly model: GaussianHmm; readonly states: readonly HmmRegime[] },
    columns: readonly string[],
    timeframe: Timeframe,
  ) {
    this.stream = featureStream('microstructure', timeframe)
    this.out = new Float64Array(this.stream.names.length)
    this.pick = Int32Array.from(columns, (c) => {
      const j = (HMM_COLUMNS as readonly string[]).includes(c) ? PICK[c as HmmColumn] : -1
      if (j < 0) throw new HmmError(`HMM observation column "${c}" is not one of ${HMM_COLUMNS.join(', ')}`)
      return j
    })
    this.row = new Float64Array(columns.length)
    this.filter = new HmmFilter(hmmKernel(hmm.model))
    this.state = this.filter.initialState()
  }

  /** A tracker for a registered HMM from its card. Throws `HmmError` for a card that holds no HMM. */
  static fromCard(card: ModelCard, timeframe: Timeframe): HmmRegimeTracker {
    return new HmmRegimeTracker(hmmFromCard(card), card.features, timeframe)
  }

  update(bar: Bar): HmmReading | null {
    this.stream.update(bar, undefined, this.out)
    for (let j = 0; j < this.pick.length; j++) {
      const v = this.out[this.pick[j]]
      if (!Number.isFinite(v)) return null
      this.row[j] = v
    }
    const posterior = this.filter.step(this.state, this.row)
    const mix = { bear: 0, range: 0, bull: 0 }
    let best = 0
    for (let s = 0; s < posterior.length; s++) {
      mix[this.hmm.states[s]] += posterior[s]
      if (posterior[s] > posterior[best]) best = s
    }
    const raw = this.hmm.states[best]
    return { posterior, ...mix, raw, accepted: this.debouncer.update(raw) }
  }
}
