import {
  baseRateRefusal,
  REGIMES,
  TIMEFRAME_MS,
  type Bar,
  type CalibrationBin,
  type Clock,
  type ModelEvaluation,
  type ModelMetricSummary,
  type Timeframe,
  type WalkForwardFold,
} from '../../src-shared'
import { barsToColumns, computeFeatures } from '../features'
import {
  metricSummary,
  classificationMetrics,
  evaluationReport,
  ForestTrainer,
  GbdtTrainer,
  mergeEnsembleOnnx,
  overfittingLevel,
  permutationImportance,
  takeRows,
  TrainingCancelled,
  walkForwardSplits,
  type Dataset,
  type TrainedModel,
} from '../ml'
import { ModelRegistry, versionId } from '../registry'
import { SqliteBarStore, type Db } from '../store'
import { walkForwardFold } from './model-training'
import { NO_LABEL, regimeLabels } from './regime-label'
import { REGIME_MEMBER_WEIGHTS } from './regime-outputs'

/** Default horizons of the regime forecaster, in bars. */
export const REGIME_DEFAULT_HORIZONS: readonly number[] = [12, 48]

/** Member parameters used unless overridden: shallow and regularised (deeper trees overfit 5m BTC bars: train–test AUC gap > 0.3). */
export const REGIME_RF_DEFAULTS = { n_estimators: 60, max_depth: 6, min_samples_leaf: 50 } as const
export const REGIME_GBDT_DEFAULTS = {
  n_estimators: 80,
  learning_rate: 0.03,
  num_leaves: 7,
  min_data_in_leaf: 100,
  feature_fraction: 0.7,
} as const

/** What to train: one stored series, one ensemble (random forest + GBDT) per horizon. */
export interface RegimeTrainingRequest {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  /** Horizons H in bars (default 12 and 48). */
  readonly horizons?: readonly number[]
  /** Label threshold multiple k (default 0.5). */
  readonly k?: number
  readonly seed?: number
  readonly rf?: Readonly<Record<string, unknown>>
  readonly gbdt?: Readonly<Record<string, unknown>>
  /** Walk-forward folds (default 4, fewer when the data is short). */
  readonly folds?: number
  /** Training window: open times of the first and last bar used (inclusive; default every stored bar). Labels never look past `to`. */
  readonly from?: number
  readonly to?: number
  /** Name prefix (default `regime-<symbol>-<timeframe>`, lower case); the horizon is appended as `-h<H>`. */
  readonly name?: string
  readonly codeVersion?: string
}

/** One registered ensemble: its version, the pooled walk-forward metrics, and both baselines on the same rows. */
export interface RegimeHorizonResult {
  readonly name: string
  readonly horizon: number
  readonly versionId: string
  readonly created: boolean
  readonly alias: 'champion' | 'challenger' | null
  readonly members: readonly {
    readonly algo: 'rf' | 'gbdt'
    readonly weight: number
    readonly walkForward: ModelMetricSummary
  }[]
  readonly bars: number
  readonly rows: number
  /** The ensemble's pooled out-of-fold metrics. */
  readonly walkForward: ModelMetricSummary
  /**
   * `persistence` repeats the previous row's label (the §6 baseline; that label needs H bars after t − 1, so it sees
   * the future). `knownPersistence` repeats the label of t − H, the newest one known at t: the honest naive forecast.
   */
  readonly baseline: {
    readonly majority: ModelMetricSummary
    readonly persistence: ModelMetricSummary
    readonly knownPersistence: ModelMetricSummary
  }
  readonly evaluation: ModelEvaluation
}

/** Unusable input (no bars, too little data): one line for the UI/CLI. */
export class RegimeTrainingError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RegimeTrainingError'
  }
}

/** The model name of a series' regime ensemble at one horizon. */
export function regimeModelName(symbol: string, timeframe: Timeframe, horizon: number): string {
  return `regime-${symbol}-${timeframe}-h${horizon}`.toLowerCase()
}

const MIN_TEST_ROWS = 20
const MIN_TRAIN_ROWS = 60

function concat(parts: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new TrainingCancelled()
}

/** Weighted mean of the RF and GBDT probabilities (weights of REGIME_MEMBER_WEIGHTS, renormalised over the two). */
function blend(rf: Float32Array, gbdt: Float32Array): Float32Array {
  const w = REGIME_MEMBER_WEIGHTS.rf / (REGIME_MEMBER_WEIGHTS.rf + REGIME_MEMBER_WEIGHTS.gbdt)
  const out = new Float32Array(rf.length)
  for (let i = 0; i < rf.length; i++) out[i] = w * rf[i] + (1 - w) * gbdt[i]
  return out
}

/**
 * Trains the DOMAIN.md §1 regime forecaster of one stored series: per horizon, a random forest and a GBDT on the
 * 43 regime features, validated walk-forward (expanding, purge = H, embargo = max(H, 1 day of bars)) as their
 * weighted ensemble next to the majority and persistence baselines, then both fitted on every labelled row, merged
 * into one ONNX graph and registered as `regime-<symbol>-<tf>-h<H>` (champion for a new name, else challenger).
 * Same data + seed ⇒ same version ids. Throws RegimeTrainingError for unusable input, TrainingCancelled when aborted.
 */
export async function trainRegimePredictor(
  db: Db,
  clock: Clock,
  req: RegimeTrainingRequest,
  opts: { onProgress?: (fraction: number, message: string) => void; signal?: AbortSignal } = {},
): Promise<RegimeHorizonResult[]> {
  const progress = opts.onProgress ?? (() => undefined)
  const horizons = [...(req.horizons ?? REGIME_DEFAULT_HORIZONS)]
  for (const h of horizons)
    if (!Number.isInteger(h) || h < 1 || h > 10_000)
      throw new RegimeTrainingError(`horizons must be integers in [1, 10000] bars, got ${h}`)
  const k = req.k ?? 0.5
  if (!(k > 0) || k > 10) throw new RegimeTrainingError(`k must be in (0, 10], got ${k}`)
  const series = `${req.symbol}.${req.venue}-${req.timeframe}`
  const all: Bar[] = []
  const from = req.from ?? -Infinity
  const to = req.to ?? Infinity
  for (const page of new SqliteBarStore(db).pages({ symbol: req.symbol, venue: req.venue, timeframe: req.timeframe }))
    for (const b of page) if (b.time >= from && b.time <= to) all.push(b)
  if (all.length === 0)
    throw new RegimeTrainingError(
      `no stored bars for ${series}${req.from !== undefined || req.to !== undefined ? ' in the training window' : ''}`,
    )
  const bars = barsToColumns(all)
  progress(0.02, `computing the regime feature set on ${all.length} bars`)
  const features = computeFeatures({ symbol: req.symbol, timeframe: req.timeframe, set: 'regime', bars })
  const out: RegimeHorizonResult[] = []
  const registry = new ModelRegistry(db, clock)
  try {
    for (const [q, horizon] of horizons.entries()) {
      const span = 0.95 / horizons.length
      const base = 0.05 + q * span
      out.push(
        await trainHorizon(
          registry,
          req,
          { bars, features, horizon, k, series },
          (f, m) => progress(base + f * span, `h${horizon}: ${m}`),
          opts.signal,
        ),
      )
    }
  } finally {
    await registry.dispose()
  }
  progress(1, `registered ${out.map((r) => r.name).join(', ')}`)
  return out
}

async function trainHorizon(
  registry: ModelRegistry,
  req: RegimeTrainingRequest,
  d: {
    bars: ReturnType<typeof barsToColumns>
    features: ReturnType<typeof computeFeatures>
    horizon: number
    k: number
    series: string
  },
  progress: (fraction: number, message: string) => void,
  signal?: AbortSignal,
): Promise<RegimeHorizonResult> {
  const { bars, features, horizon, k, series } = d
  const name = req.name ? `${req.name}-h${horizon}` : regimeModelName(req.symbol, req.timeframe, horizon)
  const nBars = bars.close.length
  const f = features.names.length
  const c = REGIMES.length
  const labels = regimeLabels(bars.close, horizon, k)
  const keep: number[] = []
  for (let i = 0; i < nBars; i++) if (labels[i] !== NO_LABEL) keep.push(i)
  const n = keep.length
  const x = new Float32Array(n * f)
  const y = new Int32Array(n)
  const rowTime = new Float64Array(n)
  const classCounts = new Array<number>(c).fill(0)
  for (let r = 0; r < n; r++) {
    const i = keep[r]
    for (let j = 0; j < f; j++) x[r * f + j] = features.data[i * f + j]
    y[r] = labels[i]
    rowTime[r] = bars.time[i]
    classCounts[y[r]]++
  }
  const barsPerDay = Math.max(1, Math.round(TIMEFRAME_MS['1d'] / TIMEFRAME_MS[req.timeframe]))
  const embargo = Math.max(horizon, barsPerDay)
  let folds = Math.max(1, Math.min(20, Math.floor(req.folds ?? 4)))
  let testSize = Math.floor(n / (folds + 2))
  while (folds > 1 && (testSize < MIN_TEST_ROWS || n - folds * testSize - horizon < MIN_TRAIN_ROWS)) {
    folds--
    testSize = Math.floor(n / (folds + 2))
  }
  if (testSize < MIN_TEST_ROWS || n - folds * testSize - horizon < MIN_TRAIN_ROWS)
    throw new RegimeTrainingError(
      `${series}: ${n} labelled rows from ${nBars} bars are too few for walk-forward validation at H = ${horizon} (need about ${3 * MIN_TEST_ROWS + MIN_TRAIN_ROWS + horizon})`,
    )
  const refusal = baseRateRefusal(classCounts, REGIMES)
  if (refusal) throw new RegimeTrainingError(`${series} at H = ${horizon}, k = ${k}: ${refusal}`)
  const splits = walkForwardSplits(n, { nSplits: folds, testSize, mode: 'expanding', horizon, embargo })

  const seed = req.seed ?? 0
  const rfParams = { ...REGIME_RF_DEFAULTS, ...(req.rf ?? {}), seed }
  const gbdtParams = { ...REGIME_GBDT_DEFAULTS, ...(req.gbdt ?? {}), seed }
  const card = {
    predictor: 'regime' as const,
    horizon: { bars: horizon, timeframe: req.timeframe },
    featureSpecHash: features.specHash,
    label: `regime (DOMAIN.md §1): r = ln(C[t+${horizon}]/C[t]) against ±${k}·σ·√${horizon}, σ = std of 1-bar log returns over 100 bars at t`,
  }
  const dataset = (rows: Int32Array | null, member: string): Dataset => ({
    x: rows ? takeRows(x, f, rows) : x,
    y: rows ? Int32Array.from(rows, (i) => y[i]) : y,
    n: rows ? rows.length : n,
    features: features.names,
    classes: REGIMES,
    card: { ...card, name: `${name}-${member}` },
  })
  const rfTrainer = new ForestTrainer()
  const gbdtTrainer = new GbdtTrainer()
  const foldReports: WalkForwardFold[] = []
  const pooled = {
    y: [] as Int32Array[],
    ens: [] as Float32Array[],
    rf: [] as Float32Array[],
    gbdt: [] as Float32Array[],
    majority: [] as Float64Array[],
    persistence: [] as Float64Array[],
    known: [] as Float64Array[],
  }
  let last: { rf: TrainedModel; gbdt: TrainedModel; test: Dataset } | undefined
  for (const [q, s] of splits.entries()) {
    throwIfAborted(signal)
    progress((q / (folds + 1)) * 0.85, `fold ${q + 1}/${folds}: fitting rf + gbdt on ${s.train.length} rows`)
    const train = dataset(s.train, 'rf')
    const test = dataset(s.test, 'rf')
    const rf = await rfTrainer.fit(train, rfParams, undefined, signal)
    const gbdt = await gbdtTrainer.fit(
      { ...train, card: { ...card, name: `${name}-gbdt` } },
      gbdtParams,
      undefined,
      signal,
    )
    const trainP = blend(rf.predict(train.x, train.n), gbdt.predict(train.x, train.n))
    const rfTest = rf.predict(test.x, test.n)
    const gbdtTest = gbdt.predict(test.x, test.n)
    const testP = blend(rfTest, gbdtTest)
    const r = evaluationReport(train.y, trainP, test.y, testP, c)
    foldReports.push(walkForwardFold(q + 1, train.n, test.n, rowTime[s.test[0]], rowTime[s.test[s.test.length - 1]], r))
    pooled.y.push(test.y)
    pooled.ens.push(testP)
    pooled.rf.push(rfTest)
    pooled.gbdt.push(gbdtTest)
    const freq = new Float64Array(c)
    for (let i = 0; i < train.n; i++) freq[train.y[i]] += 1 / train.n
    const maj = new Float64Array(test.n * c)
    for (let i = 0; i < test.n; i++) maj.set(freq, i * c)
    pooled.majority.push(maj)
    // Persistence: the previous row's label; the first test row takes the last training label.
    const pers = new Float64Array(test.n * c)
    for (let i = 0; i < test.n; i++) pers[i * c + (i === 0 ? train.y[train.n - 1] : test.y[i - 1])] = 1
    pooled.persistence.push(pers)
    const known = new Float64Array(test.n * c)
    let trainMajority = 0
    for (let k2 = 1; k2 < c; k2++) if (freq[k2] > freq[trainMajority]) trainMajority = k2
    for (let i = 0; i < test.n; i++) {
      const past = keep[s.test[i]] - horizon
      known[i * c + (past >= 0 && labels[past] !== NO_LABEL ? labels[past] : trainMajority)] = 1
    }
    pooled.known.push(known)
    last = { rf, gbdt, test }
  }
  const yAll = Int32Array.from(concat(pooled.y))
  const nTest = yAll.length
  const metric = (p: readonly ArrayLike<number>[]) => classificationMetrics(yAll, concat(p), nTest, c)
  const ensMetrics = metric(pooled.ens)
  const walkForward = metricSummary(ensMetrics)
  const baseline = {
    majority: metricSummary(metric(pooled.majority)),
    persistence: metricSummary(metric(pooled.persistence)),
    knownPersistence: metricSummary(metric(pooled.known)),
  }
  const gap = foldReports.reduce((a, r) => a + r.gap, 0) / foldReports.length

  throwIfAborted(signal)
  progress(0.85, 'permutation importance on the last test block')
  const lf = last!
  const permutation = permutationImportance(
    (rows, m) => blend(lf.rf.predict(rows, m), lf.gbdt.predict(rows, m)),
    lf.test.x,
    lf.test.y,
    lf.test.n,
    f,
    c,
    { repeats: 2, seed, metric: 'rocAuc' },
  )
  progress(0.88, `final fit on ${n} rows`)
  const rf = await rfTrainer.fit(dataset(null, 'rf'), rfParams, undefined, signal)
  const gbdt = await gbdtTrainer.fit(dataset(null, 'gbdt'), gbdtParams, undefined, signal)
  throwIfAborted(signal)
  const wRf = REGIME_MEMBER_WEIGHTS.rf
  const wGbdt = REGIME_MEMBER_WEIGHTS.gbdt
  const merged = mergeEnsembleOnnx(
    [
      { id: versionId(rf.onnx), onnx: rf.onnx, card: rf.card, weight: wRf },
      { id: versionId(gbdt.onnx), onnx: gbdt.onnx, card: gbdt.card, weight: wGbdt },
    ],
    name,
  )
  const wSum = wRf + wGbdt
  const importance = features.names.map((feature, j) => ({
    feature,
    gain: (wRf * rf.importance.gain[j] + wGbdt * gbdt.importance.gain[j]) / wSum,
    permutation: permutation[j],
  }))
  const calibration: CalibrationBin[] = ensMetrics.calibration.map((b) => ({
    lo: b.lo,
    hi: b.hi,
    count: b.count,
    meanPredicted: Number.isFinite(b.meanPredicted) ? b.meanPredicted : null,
    observed: Number.isFinite(b.observed) ? b.observed : null,
  }))
  const evaluation: ModelEvaluation = {
    scheme: 'walk-forward',
    mode: 'expanding',
    folds: foldReports,
    purge: horizon,
    embargo,
    pooled: { model: walkForward, majority: baseline.majority, persistence: baseline.persistence },
    gap,
    overfitting: overfittingLevel(gap),
    calibration,
    confusion: ensMetrics.confusion,
    importance,
    classCounts,
  }
  const members = [
    { algo: 'rf' as const, weight: wRf / wSum, walkForward: metricSummary(metric(pooled.rf)) },
    { algo: 'gbdt' as const, weight: wGbdt / wSum, walkForward: metricSummary(metric(pooled.gbdt)) },
  ]
  progress(0.95, `registering ${name}`)
  const window = { from: bars.time[0], to: bars.time[nBars - 1] + TIMEFRAME_MS[req.timeframe] }
  const { version, created, alias } = await registry.registerTrained(
    name,
    {
      onnx: merged.onnx,
      card: {
        ...merged.card,
        name,
        predictor: 'regime',
        task: 'multiclass',
        horizon: card.horizon,
        featureSpecHash: features.specHash,
        label: card.label,
        training: {
          ...(merged.card.training ?? {}),
          members: members.map((m) => ({ algo: m.algo, weight: m.weight })),
          window,
        },
      },
      lineage: {
        trainingWindow: window,
        symbols: [`${req.symbol}.${req.venue}`],
        featureSpecHash: features.specHash,
        params: { rf: rfParams, gbdt: gbdtParams, k },
        seed,
        ...(req.codeVersion ? { codeVersion: req.codeVersion } : {}),
      },
      metrics: { validation: walkForward, baselines: baseline, evaluation, members },
      tags: ['ensemble', 'rf', 'gbdt', `${req.symbol}.${req.venue}`, req.timeframe, `h${horizon}`],
      trainingData: { x, n, y },
    },
    {
      challenger: `retrained the rf + gbdt ensemble on ${series}; the champion stays until promoted`,
      champion: `first regime ensemble "${name}" (rf + gbdt on ${series})`,
    },
  )
  progress(1, `registered ${version.id.slice(0, 12)}`)
  return {
    name,
    horizon,
    versionId: version.id,
    created,
    alias,
    members,
    bars: nBars,
    rows: n,
    walkForward,
    baseline,
    evaluation,
  }
}
