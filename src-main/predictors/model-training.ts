import {
  setBarRow,
  baseRateRefusal,
  REGIMES,
  TIMEFRAME_MS,
  type BarColumns,
  type CalibrationBin,
  type Clock,
  type FeatureImportanceEntry,
  type ModelEvaluation,
  type ModelMetricSummary,
  type Timeframe,
  type TrainAlgo,
  type WalkForwardFold,
} from '../../src-shared'
import { computeFeatures, type ContextColumns } from '../features'
import {
  metricSummary,
  classificationMetrics,
  evaluationReport,
  majorityBaseline,
  overfittingLevel,
  permutationImportance,
  persistenceBaseline,
  takeRows,
  trainerFor,
  TrainingCancelled,
  walkForwardSplits,
  type Dataset,
  type TrainedModel,
  type EvaluationReport,
} from '../ml'
import { ModelRegistry } from '../registry'
import { SqliteBarStore, type Db } from '../store'
import { NO_LABEL, regimeLabels } from './regime-label'

/** What to train: one stored series, one algorithm, the DOMAIN.md §1 label. */
export interface ModelTrainingRequest {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly algo: TrainAlgo
  /** Label horizon H in bars (default 12). */
  readonly horizon?: number
  /** Label threshold multiple k (default 0.5). */
  readonly k?: number
  /** Trainer parameters; `seed` here overrides `seed` below. */
  readonly params?: Readonly<Record<string, unknown>>
  /** Seed of every fit and of the permutation shuffles (default 0): same data + seed ⇒ same ONNX bytes. */
  readonly seed?: number
  /** Model name (default `regime-<symbol>-<timeframe>-h<H>`, lower case). */
  readonly name?: string
  /** Walk-forward folds (default 4; fewer when the data is short). */
  readonly folds?: number
  /** Bars with open time in [from, to] only (ms, inclusive). */
  readonly from?: number
  readonly to?: number
  /** Armada version recorded in the lineage. */
  readonly codeVersion?: string
}

/** What a training run did: the registered version, its alias, and the walk-forward evaluation. */
export interface ModelTrainingResult {
  readonly name: string
  readonly versionId: string
  /** False when identical bytes were already registered (same data, params and seed). */
  readonly created: boolean
  /** Alias the run gave the version (`champion` for a new name, else `challenger`); null when none moved. */
  readonly alias: 'champion' | 'challenger' | null
  readonly algo: TrainAlgo
  readonly horizon: number
  readonly k: number
  readonly bars: number
  /** Labelled rows (the final model's training set). */
  readonly rows: number
  readonly featureSpecHash: string
  /** Open time of the first bar and end of the last bar (ms, exclusive). */
  readonly window: { readonly from: number; readonly to: number }
  readonly evaluation: ModelEvaluation
}

/** An expected failure (no bars, too little data, unknown series): one line for the UI/CLI. */
export class ModelTrainingError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ModelTrainingError'
  }
}

/** Progress callback: fraction in [0, 1] and what is happening. */
export type TrainingProgress = (fraction: number, message: string) => void

const DEFAULT_HORIZON = 12
const DEFAULT_K = 0.5
const DEFAULT_FOLDS = 4
/**
 * What a series model learns (a DOMAIN.md predictor): its feature set, classes, forward-looking label (NO_LABEL where
 * undefined), the card's label text and the default model name. `trainSeriesModel` does the rest alike for each.
 */
export interface TrainingTarget {
  readonly predictor: 'regime' | 'liquidation'
  readonly set: 'regime' | 'liquidation'
  readonly classes: readonly string[]
  labels(bars: BarColumns, horizon: number): Int32Array
  definition(horizon: number): string
  name(symbol: string, timeframe: Timeframe, horizon: number): string
  /** Why the first rows have no label (for the too-few-rows message). */
  readonly history: string
  /** Market context (funding, marks, book, trades, liquidations) of the bars, when the set reads it. */
  context?(bars: BarColumns): ContextColumns | undefined
}

/** The DOMAIN.md §1 regime target at threshold k. */
export function regimeTarget(k: number): TrainingTarget {
  return {
    predictor: 'regime',
    set: 'regime',
    classes: REGIMES,
    labels: (bars, horizon) => regimeLabels(bars.close, horizon, k),
    definition: (horizon) => labelDefinition(horizon, k),
    name: defaultModelName,
    history: 'the label needs 100 bars of history',
  }
}

/** Fewest labelled rows per test block and in the first training window. */
const MIN_TEST_ROWS = 20
const MIN_TRAIN_ROWS = 60

/** The default model name of a series and horizon. */
export function defaultModelName(symbol: string, timeframe: Timeframe, horizon: number): string {
  return `regime-${symbol}-${timeframe}-h${horizon}`.toLowerCase()
}

/** The label definition written to the model card. */
export function labelDefinition(horizon: number, k: number): string {
  return `regime (DOMAIN.md §1): r = ln(C[t+${horizon}]/C[t]); bullish if r > ${k}·σ·√${horizon}, bearish if r < −${k}·σ·√${horizon}, else neutral; σ = std of 1-bar log returns over 100 bars at t`
}

/** One walk-forward fold's record: its rows and test span, the model's train/test metrics beside both baselines, the gap. */
export function walkForwardFold(
  fold: number,
  trainRows: number,
  testRows: number,
  testFrom: number,
  testTo: number,
  r: EvaluationReport,
): WalkForwardFold {
  return {
    fold,
    trainRows,
    testRows,
    testFrom,
    testTo,
    train: metricSummary(r.train),
    test: metricSummary(r.test),
    majority: metricSummary(r.majority),
    persistence: metricSummary(r.persistence),
    gap: r.gap,
    gapMetric: r.gapMetric,
    overfitting: r.overfitting,
  }
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TrainingCancelled()
}

/** Reads a series through `pages` into columns sized by one count query (never the rows as objects all at once). */
function loadColumns(store: SqliteBarStore, req: ModelTrainingRequest, signal?: AbortSignal): BarColumns {
  const range = { symbol: req.symbol, venue: req.venue, timeframe: req.timeframe, from: req.from, to: req.to }
  const n = store.count(range)
  const cols = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    takerBuyVolume: new Float64Array(n),
  }
  let i = 0
  for (const page of store.pages(range)) {
    throwIfAborted(signal)
    for (const b of page) {
      if (i >= n) break
      setBarRow(cols, i, b)
      i++
    }
  }
  // Bars appended by a live feed between the count and the last page are left for the next run.
  return i === n
    ? cols
    : {
        time: cols.time.subarray(0, i),
        open: cols.open.subarray(0, i),
        high: cols.high.subarray(0, i),
        low: cols.low.subarray(0, i),
        close: cols.close.subarray(0, i),
        volume: cols.volume.subarray(0, i),
        takerBuyVolume: cols.takerBuyVolume.subarray(0, i),
      }
}

/** Pools per-fold `[n, C]` probability blocks into one array. */
function concat(parts: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** Per-row class frequencies of a training fold (the majority baseline's probabilities). */
function frequencies(y: Int32Array, c: number, rows: number): Float64Array {
  const freq = new Float64Array(c)
  for (let i = 0; i < y.length; i++) freq[y[i]]++
  for (let k = 0; k < c; k++) freq[k] /= y.length || 1
  const out = new Float64Array(rows * c)
  for (let i = 0; i < rows; i++) out.set(freq, i * c)
  return out
}

/**
 * Trains a regime model on one symbol's stored bars and registers it (DOMAIN.md §1 and §6): reads the bars
 * through the store, computes the `regime` feature set, builds the forward-looking label, validates walk-forward
 * (expanding, purge = H, embargo = max(H, 1 day of bars)) next to the majority and persistence baselines, then fits
 * the final model on every labelled row and registers it with its card, lineage and evaluation. The version becomes
 * champion when the name has none, else challenger. Deterministic for a seed; cancellable through `signal`.
 * Throws `ModelTrainingError` for unusable input, `TrainingCancelled` when aborted.
 */
export async function trainRegimeModel(
  db: Db,
  clock: Clock,
  req: ModelTrainingRequest,
  opts: { onProgress?: TrainingProgress; signal?: AbortSignal } = {},
): Promise<ModelTrainingResult> {
  return trainSeriesModel(db, clock, req, regimeTarget(req.k ?? DEFAULT_K), opts)
}

/** {@link trainRegimeModel} for any target: features, label, walk-forward vs baselines, final fit, registration. */
export async function trainSeriesModel(
  db: Db,
  clock: Clock,
  req: ModelTrainingRequest,
  target: TrainingTarget,
  opts: { onProgress?: TrainingProgress; signal?: AbortSignal } = {},
): Promise<ModelTrainingResult> {
  const { signal } = opts
  const progress = opts.onProgress ?? (() => undefined)
  const horizon = req.horizon ?? DEFAULT_HORIZON
  const k = req.k ?? DEFAULT_K
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 10_000)
    throw new ModelTrainingError(`horizon must be an integer in [1, 10000] bars, got ${horizon}`)
  if (!(k > 0) || k > 10) throw new ModelTrainingError(`k must be in (0, 10], got ${k}`)
  let trainer
  try {
    trainer = trainerFor(req.algo)
  } catch (e) {
    throw new ModelTrainingError((e as Error).message)
  }
  const seed = typeof req.params?.seed === 'number' ? req.params.seed : (req.seed ?? 0)
  const params: Record<string, unknown> = { ...(req.params ?? {}), seed }
  const name = req.name ?? target.name(req.symbol, req.timeframe, horizon)
  const series = `${req.symbol}.${req.venue}-${req.timeframe}`

  progress(0, `reading ${series}`)
  const bars = loadColumns(new SqliteBarStore(db), req, signal)
  const nBars = bars.close.length
  if (nBars === 0) throw new ModelTrainingError(`no stored bars for ${series}`)

  progress(0.05, `computing the ${target.set} feature set on ${nBars} bars`)
  const context = target.context?.(bars)
  const features = computeFeatures({
    symbol: req.symbol,
    timeframe: req.timeframe,
    set: target.set,
    bars,
    ...(context ? { context } : {}),
  })
  const f = features.names.length
  const labels = target.labels(bars, horizon)
  const keep: number[] = []
  for (let i = 0; i < nBars; i++) if (labels[i] !== NO_LABEL) keep.push(i)
  const n = keep.length
  const c = target.classes.length
  const x = new Float32Array(n * f)
  const y = new Int32Array(n)
  const rowTime = new Float64Array(n)
  for (let r = 0; r < n; r++) {
    const i = keep[r]
    for (let j = 0; j < f; j++) {
      const v = features.data[i * f + j]
      x[r * f + j] = Number.isFinite(v) ? v : NaN
    }
    y[r] = labels[i]
    rowTime[r] = bars.time[i]
  }
  const classCounts = new Array<number>(c).fill(0)
  for (let r = 0; r < n; r++) classCounts[y[r]]++

  // Walk-forward: each test block follows an expanding train window, purged by H; at most `folds` blocks, each ≥ 20 rows.
  const barsPerDay = Math.max(1, Math.round(TIMEFRAME_MS['1d'] / TIMEFRAME_MS[req.timeframe]))
  const embargo = Math.max(horizon, barsPerDay)
  let folds = Math.max(1, Math.min(20, Math.floor(req.folds ?? DEFAULT_FOLDS)))
  let testSize = Math.floor(n / (folds + 2))
  while (folds > 1 && (testSize < MIN_TEST_ROWS || n - folds * testSize - horizon < MIN_TRAIN_ROWS)) {
    folds--
    testSize = Math.floor(n / (folds + 2))
  }
  if (testSize < MIN_TEST_ROWS || n - folds * testSize - horizon < MIN_TRAIN_ROWS)
    throw new ModelTrainingError(
      `${series}: ${n} labelled rows from ${nBars} bars are too few for walk-forward validation (need about ${3 * MIN_TEST_ROWS + MIN_TRAIN_ROWS + horizon}; ${target.history} and ${horizon} ahead)`,
    )
  const refusal = baseRateRefusal(classCounts, target.classes)
  if (refusal)
    throw new ModelTrainingError(
      `${series} at H = ${horizon}${target.predictor === 'regime' ? `, k = ${k}` : ''}: ${refusal}`,
    )
  const splits = walkForwardSplits(n, { nSplits: folds, testSize, mode: 'expanding', horizon, embargo })

  const card = {
    name,
    predictor: target.predictor,
    horizon: { bars: horizon, timeframe: req.timeframe },
    featureSpecHash: features.specHash,
    label: target.definition(horizon),
  }
  const dataset = (rows: Int32Array | null): Dataset => {
    const xs = rows ? takeRows(x, f, rows) : x
    const ys = rows ? Int32Array.from(rows, (i) => y[i]) : y
    return { x: xs, y: ys, n: ys.length, features: features.names, classes: target.classes, card }
  }
  // Progress: 10 % reading + features, 65 % folds, 5 % importance, 15 % final fit, 5 % registration.
  const fitShare = 0.65 / folds
  const foldReports: WalkForwardFold[] = []
  const pooledY: Int32Array[] = []
  const pooledModel: Float32Array[] = []
  const pooledMajority: Float64Array[] = []
  const pooledPersistence: Float64Array[] = []
  let last: { model: TrainedModel; test: Dataset } | undefined
  for (const [q, s] of splits.entries()) {
    throwIfAborted(signal)
    const base = 0.1 + q * fitShare
    progress(base, `fold ${q + 1}/${folds}: fitting ${req.algo} on ${s.train.length} rows`)
    const train = dataset(s.train)
    const test = dataset(s.test)
    const model = await trainer.fit(
      train,
      params,
      (p) => progress(base + p * fitShare * 0.9, `fold ${q + 1}/${folds}: fitting ${req.algo}`),
      signal,
    )
    const trainP = model.predict(train.x, train.n)
    const testP = model.predict(test.x, test.n)
    const r = evaluationReport(train.y, trainP, test.y, testP, c, horizon)
    foldReports.push(walkForwardFold(q + 1, train.n, test.n, rowTime[s.test[0]], rowTime[s.test[s.test.length - 1]], r))
    pooledY.push(test.y)
    pooledModel.push(testP)
    pooledMajority.push(frequencies(train.y, c, test.n))
    // Persistence: the latest label already known at t is the one of row t−H (labels look H bars ahead);
    // rows before that take the last training label.
    const pers = new Float64Array(test.n * c)
    for (let i = 0; i < test.n; i++) pers[i * c + (i < horizon ? train.y[train.n - 1] : test.y[i - horizon])] = 1
    pooledPersistence.push(pers)
    last = { model, test }
  }

  const yAll = Int32Array.from(concat(pooledY))
  const nTest = yAll.length
  const pooledMetrics = classificationMetrics(yAll, concat(pooledModel), nTest, c)
  const pooled = {
    model: metricSummary(pooledMetrics),
    majority: metricSummary(classificationMetrics(yAll, concat(pooledMajority), nTest, c)),
    persistence: metricSummary(classificationMetrics(yAll, concat(pooledPersistence), nTest, c)),
  }
  const gap = foldReports.reduce((a, r) => a + r.gap, 0) / foldReports.length

  throwIfAborted(signal)
  progress(0.75, 'permutation importance on the last test block')
  const lastFold = last!
  const permutation = permutationImportance(
    (rows, m) => lastFold.model.predict(rows, m),
    lastFold.test.x,
    lastFold.test.y,
    lastFold.test.n,
    f,
    c,
    { repeats: 3, seed, metric: 'rocAuc' },
  )

  throwIfAborted(signal)
  progress(0.8, `final fit on ${n} rows`)
  const final = await trainer.fit(
    dataset(null),
    params,
    (p) => progress(0.8 + 0.15 * p, `final fit on ${n} rows`),
    signal,
  )
  const importance: FeatureImportanceEntry[] = features.names.map((feature, j) => ({
    feature,
    gain: final.importance.gain[j],
    permutation: permutation[j],
  }))

  const calibration: CalibrationBin[] = pooledMetrics.calibration.map((b) => ({
    lo: b.lo,
    hi: b.hi,
    count: b.count,
    meanPredicted: finiteOrNull(b.meanPredicted),
    observed: finiteOrNull(b.observed),
  }))
  const evaluation: ModelEvaluation = {
    scheme: 'walk-forward',
    mode: 'expanding',
    folds: foldReports,
    purge: horizon,
    embargo,
    pooled,
    gap,
    overfitting: overfittingLevel(gap),
    calibration,
    confusion: pooledMetrics.confusion,
    importance,
    classCounts,
  }

  throwIfAborted(signal)
  progress(0.95, `registering ${name}`)
  const window = { from: bars.time[0], to: bars.time[nBars - 1] + TIMEFRAME_MS[req.timeframe] }
  const registry = new ModelRegistry(db, clock)
  try {
    const { version, created, alias } = await registry.registerTrained(
      name,
      {
        onnx: final.onnx,
        lineage: {
          trainingWindow: window,
          symbols: [`${req.symbol}.${req.venue}`],
          featureSpecHash: features.specHash,
          params,
          seed,
          ...(req.codeVersion ? { codeVersion: req.codeVersion } : {}),
        },
        metrics: {
          validation: pooled.model,
          baselines: { majority: pooled.majority, persistence: pooled.persistence },
          evaluation,
        },
        tags: [req.algo, `${req.symbol}.${req.venue}`, req.timeframe, `h${horizon}`],
        trainingData: { x, n, y },
      },
      {
        challenger: `trained ${req.algo} on ${series}; the champion stays until promoted`,
        champion: `first version of "${name}" (trained ${req.algo} on ${series})`,
      },
    )
    if (created) {
      // The first health point: the version on its own training window against the reference built from it, so PSI is 0
      // and anything flagged is real (identical predictions, missing features). The last few hundred rows alone were
      // checked before: a slice of autocorrelated features (50-bar volatility) against the whole window reads as
      // "failed, PSI 6" right after training although nothing drifted.
      const checked = {
        from: rowTime[0],
        to: rowTime[n - 1],
        label: `its training window (all ${n.toLocaleString('en-US')} labelled rows)`,
      }
      await registry.checkDrift(name, { x, n, window: checked }, { version: version.id })
    }
    progress(1, `registered ${version.id.slice(0, 12)} as ${alias ?? 'an existing version'}`)
    return {
      name,
      versionId: version.id,
      created,
      alias,
      algo: req.algo,
      horizon,
      k,
      bars: nBars,
      rows: n,
      featureSpecHash: features.specHash,
      window,
      evaluation,
    }
  } finally {
    await registry.dispose()
  }
}
