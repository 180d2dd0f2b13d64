import {
  ALERTS_TRAIN_JOB_KIND,
  HMM_TRAIN_JOB_KIND,
  JobRefused,
  REGIME_TRAIN_JOB_KIND,
  SIGNAL_QUALITY_TRAIN_JOB_KIND,
  TRAIN_JOB_KIND,
  systemClock,
  venuesStoring,
  type AlertsTrainJobRequest,
  type AlertType,
  type Bar,
  type HmmTrainJobRequest,
  type JobContext,
  type JobInfo,
  type ModelEvaluation,
  type ModelMetricSummary,
  type RegimeTrainJobRequest,
  type Timeframe,
  type TrainJobRequest,
} from '../../src-shared'
import { alignBasket, barsToColumns } from '../features'
import { HmmError } from '../ml'
import { ModelRegistry } from '../registry'
import { openDatabase, SqliteBarStore, type Db } from '../store'
import { trainHmm, type HmmTrainingResult } from './hmm-regime'
import { AlertTrainingError, trainAlertModels, type AlertModelResult } from './alert-training'
import { ModelTrainingError, trainRegimeModel, type ModelTrainingResult } from './model-training'
import { RegimeTrainingError, trainRegimePredictor, type RegimeHorizonResult } from './regime-training'

/** One registered ensemble of a `regime.train` job, with the walk-forward record `armada train regime` prints. */
export interface RegimeTrainJobModel {
  readonly name: string
  readonly horizon: number
  readonly versionId: string
  readonly alias: RegimeHorizonResult['alias']
  readonly walkForward: ModelMetricSummary
  readonly baseline: RegimeHorizonResult['baseline']
  readonly created: boolean
  readonly bars: number
  readonly rows: number
  readonly members: RegimeHorizonResult['members']
  readonly folds: ModelEvaluation['folds']
  readonly purge: number
  readonly embargo: number
  readonly gap: number
  readonly overfitting: ModelEvaluation['overfitting']
  readonly confusion: ModelEvaluation['confusion']
}

/** What a `regime.train` job returns: the series and one entry per horizon. */
export interface RegimeTrainJobResult {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly models: readonly RegimeTrainJobModel[]
}

/** What an `alerts.train` job returns: the aligned bars it trained on, the registered models and the skipped ones. */
export interface AlertsTrainJobResult {
  readonly bars: number
  readonly models: readonly AlertModelResult[]
  readonly skipped: readonly { readonly type: AlertType; readonly horizonHours: number; readonly reason: string }[]
}

/** The only venue storing `symbol` at `timeframe`; refuses none or several. */
function storedVenue(db: Db, symbol: string, timeframe: Timeframe): string {
  const venues = venuesStoring(new SqliteBarStore(db).listSeries(), symbol, timeframe)
  if (venues.length === 0) throw new JobRefused(`no stored bars for ${symbol} ${timeframe}`)
  if (venues.length > 1) {
    throw new JobRefused(`${symbol} ${timeframe} is stored for several venues (${venues.join(', ')}); name one`)
  }
  return venues[0]
}

/** Runs `train` on its own connection; the predictor's refusal of its input becomes a refused job. */
async function withDatabase<T>(ctx: JobContext, train: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(ctx.dbPath)
  try {
    return await train(db)
  } catch (err) {
    const refusals = [ModelTrainingError, RegimeTrainingError, AlertTrainingError, HmmError]
    const refused = refusals.some((refusal) => err instanceof refusal)
    if (refused) throw new JobRefused((err as Error).message)
    throw err
  } finally {
    db.close()
  }
}

/**
 * The `ml.train` job: trains a regime model on one stored series, validates it walk-forward next to its baselines and
 * registers it (champion for a new name, else challenger). Returns the version id, alias and the evaluation.
 */
export function trainModelJob(request: TrainJobRequest, ctx: JobContext): Promise<ModelTrainingResult> {
  const { symbol, timeframe } = request
  return withDatabase(ctx, (db) =>
    trainRegimeModel(
      db,
      systemClock,
      {
        symbol,
        venue: request.venue ?? storedVenue(db, symbol, timeframe),
        timeframe,
        algo: request.algo,
        ...(ctx.codeVersion !== undefined ? { codeVersion: ctx.codeVersion } : {}),
        ...(request.horizon !== undefined ? { horizon: request.horizon } : {}),
        ...(request.k !== undefined ? { k: request.k } : {}),
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        ...(request.params ? { params: request.params } : {}),
        ...(request.name ? { name: request.name } : {}),
      },
      { signal: ctx.signal, onProgress: (f, message) => ctx.progress(f, message) },
    ),
  )
}

/**
 * The `regime.train` job: a series' regime forecaster (rf + gbdt per horizon, DOMAIN.md §1), registered; the live
 * loop picks it up.
 */
export function trainRegimeJob(request: RegimeTrainJobRequest, ctx: JobContext): Promise<RegimeTrainJobResult> {
  const { symbol, timeframe } = request
  return withDatabase(ctx, async (db) => {
    const venue = request.venue ?? storedVenue(db, symbol, timeframe)
    const results = await trainRegimePredictor(
      db,
      systemClock,
      { ...request, venue, ...(ctx.codeVersion !== undefined ? { codeVersion: ctx.codeVersion } : {}) },
      { signal: ctx.signal, onProgress: (f, message) => ctx.progress(f, message) },
    )
    return { symbol, venue, timeframe, models: results.map(regimeJobModel) }
  })
}

function regimeJobModel(r: RegimeHorizonResult): RegimeTrainJobModel {
  const e = r.evaluation
  return {
    name: r.name,
    horizon: r.horizon,
    versionId: r.versionId,
    alias: r.alias,
    walkForward: r.walkForward,
    baseline: r.baseline,
    created: r.created,
    bars: r.bars,
    rows: r.rows,
    members: r.members,
    folds: e.folds,
    purge: e.purge,
    embargo: e.embargo,
    gap: e.gap,
    overfitting: e.overfitting,
    confusion: e.confusion,
  }
}

/**
 * The `alerts.train` job: the DOMAIN.md §2 alert models of a basket of stored series aligned by bar time (lead first),
 * within the training window; a basket without aligned bars there is refused.
 */
export function trainAlertsJob(request: AlertsTrainJobRequest, ctx: JobContext): Promise<AlertsTrainJobResult> {
  const { timeframe, from = -Infinity, to = Infinity } = request
  const symbols = request.assets.map((a) => a.symbol)
  return withDatabase(ctx, async (db) => {
    const bars = new SqliteBarStore(db)
    const columns = request.assets.map(({ symbol, venue }) => {
      const rows: Bar[] = []
      for (const page of bars.pages({ symbol, venue, timeframe }))
        for (const b of page) if (b.time >= from && b.time <= to) rows.push(b)
      return barsToColumns(rows)
    })
    const basket = alignBasket(columns)
    const windowed = request.from !== undefined || request.to !== undefined
    const where = windowed ? ' in the training window' : ''
    const none = `the basket ${symbols.join(',')} ${timeframe} has no aligned bars${where}`
    if (basket[0].time.length === 0) throw new JobRefused(none)
    const out = await trainAlertModels(
      db,
      systemClock,
      {
        basket,
        assets: symbols,
        timeframe,
        barsPerYear: request.barsPerYear,
        ...(request.types ? { types: request.types } : {}),
        ...(request.horizonsHours ? { horizonsHours: request.horizonsHours } : {}),
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        ...(request.name !== undefined ? { name: request.name } : {}),
      },
      { signal: ctx.signal, onProgress: (f, message) => ctx.progress(f, message) },
    )
    return { bars: basket[0].time.length, models: out.results, skipped: out.skipped }
  })
}

/** What an `hmm.train` job returns: the fit and registration, plus the observation rows when asked for. */
export interface HmmTrainJobResult extends HmmTrainingResult {
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  /** The matrix fitted, one row per bar (`columns` order), with `--observations`. */
  readonly observations?: number[][]
}

/**
 * The `hmm.train` job: fits the DOMAIN.md §5 Gaussian HMM on one stored series (in the training window) and registers
 * it as `hmm-<symbol>-<tf>`; too few bars for the states asked is a refused job.
 */
export function trainHmmJob(request: HmmTrainJobRequest, ctx: JobContext): Promise<HmmTrainJobResult> {
  const { symbol, timeframe, from = -Infinity, to = Infinity } = request
  return withDatabase(ctx, async (db) => {
    const venue = request.venue ?? storedVenue(db, symbol, timeframe)
    const rows: Bar[] = []
    for (const page of new SqliteBarStore(db).pages({ symbol, venue, timeframe }))
      for (const b of page) if (b.time >= from && b.time <= to) rows.push(b)
    if (rows.length === 0) throw new JobRefused(`no stored bars for ${symbol}.${venue} ${timeframe} in the window`)
    const registry = new ModelRegistry(db, systemClock)
    try {
      const bars = barsToColumns(rows)
      const { result, observations: obs } = await trainHmm(
        bars,
        {
          symbol,
          venue,
          timeframe,
          ...(request.states !== undefined ? { states: request.states } : {}),
          ...(request.restarts !== undefined ? { restarts: request.restarts } : {}),
          ...(request.seed !== undefined ? { seed: request.seed } : {}),
          ...(request.maxIterations !== undefined ? { maxIterations: request.maxIterations } : {}),
          ...(ctx.codeVersion !== undefined ? { codeVersion: ctx.codeVersion } : {}),
        },
        registry,
        (f, message) => ctx.progress(f, message),
      )
      const observations = request.observations ? observationRows(obs.x, obs.columns.length) : undefined
      return { ...result, symbol, venue, timeframe, ...(observations ? { observations } : {}) }
    } finally {
      await registry.dispose()
    }
  })
}

function observationRows(x: Float64Array, d: number): number[][] {
  return Array.from({ length: x.length / d }, (_, t) => Array.from(x.subarray(t * d, (t + 1) * d)))
}

/** Model versions a finished training job registered (the Models view is told of each). */
export function trainedVersions(job: JobInfo): { readonly name: string; readonly versionId?: string }[] {
  if (job.state !== 'succeeded') return []
  type Registered = { name?: unknown; versionId?: unknown }
  const r = job.result as (Registered & { models?: Registered[] }) | undefined
  const one = (m: Registered) => {
    if (typeof m.name !== 'string') return []
    return [{ name: m.name, ...(typeof m.versionId === 'string' ? { versionId: m.versionId } : {}) }]
  }
  if (job.kind === TRAIN_JOB_KIND || job.kind === SIGNAL_QUALITY_TRAIN_JOB_KIND || job.kind === HMM_TRAIN_JOB_KIND)
    return r ? one(r) : []
  if (job.kind === REGIME_TRAIN_JOB_KIND || job.kind === ALERTS_TRAIN_JOB_KIND) return (r?.models ?? []).flatMap(one)
  return []
}
