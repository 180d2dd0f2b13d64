import {
  importSummaryLine,
  isTimeframe,
  SHOWN_REJECTED_ROWS,
  symbolKey,
  systemClock,
  TRAIN_ALGOS,
  validateStrategyParams,
  venueKey,
  venuesStoring,
  type FailedImportFile,
  type ImportedFileSummary,
  type ImportJobResult,
  type TrainAlgo,
} from '../../src-shared'
import { isStrategyName, STRATEGY_NAMES } from '../strategies'
import { runStoredBacktest } from '../backtest'
import { ImportError, isImportFormat, MarketDataImporter, type FileImportReport, type InflateLimits } from '../data'
import { trainRegimeModel, trainRegimePredictor } from '../predictors'
import { openDatabase, SqliteBarStore } from '../store'
import { ARMADA_VERSION } from './version'

/** What a job handler gets besides its parameters. */
export interface JobContext {
  /** Reports progress in [0, 1] with a short message; throttled by the runner. */
  progress(fraction: number, message?: string): void
  /** Aborted when the user cancels. Handlers check it between units of work. */
  readonly signal: AbortSignal
  /** Database file of the core that started the job (workers open their own handle). */
  readonly dbPath: string
}

/**
 * A unit of long work that runs inside a worker thread. Returns a JSON-serialisable result; a result with a string
 * `summary` gives the finished job its message (one line). Throw {@link JobFailed} to fail with a result.
 */
export type JobHandler = (params: Record<string, unknown>, ctx: JobContext) => Promise<unknown>

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new Error('cancelled')
}

/**
 * Thrown by a handler whose job failed but has a result worth keeping (an import whose every file failed carries
 * each file's reason): the job ends as failed with `message` as its error and `result` stored beside it.
 */
export class JobFailed extends Error {
  constructor(
    message: string,
    readonly result: unknown,
  ) {
    super(message)
    this.name = 'JobFailed'
  }
}

/** The job's view of one file's report: counts, the first rejected rows, gap totals; `file` as the user knows it. */
export function importedFileSummary(r: FileImportReport, file: string): ImportedFileSummary {
  return {
    file,
    format: r.format,
    kind: r.kind,
    symbol: r.symbol,
    venue: r.venue,
    ...(r.timeframe ? { timeframe: r.timeframe } : {}),
    imported: r.imported,
    duplicates: r.duplicates,
    rejected: r.rejected.length,
    rejectedRows: r.rejected.slice(0, SHOWN_REJECTED_ROWS).map((x) => ({ line: x.line, reason: x.reason })),
    gaps: r.gaps.length,
    missingBars: r.gaps.reduce((n, g) => n + g.missingBars, 0),
    ...(r.first !== undefined ? { first: r.first } : {}),
    ...(r.last !== undefined ? { last: r.last } : {}),
  }
}

/** The `inflateLimits` job param: positive numbers only (absent fields keep the importer's defaults). */
function inflateLimitsParam(v: unknown): Partial<InflateLimits> {
  if (v === undefined) return {}
  if (typeof v !== 'object' || v === null) throw new Error('inflateLimits must be an object')
  const { maxInflatedBytes, maxRatio } = v as Record<string, unknown>
  for (const [k, x] of Object.entries({ maxInflatedBytes, maxRatio }))
    if (x !== undefined && !(typeof x === 'number' && x > 0)) throw new Error(`inflateLimits.${k} must be a positive number`)
  return { ...(maxInflatedBytes !== undefined ? { maxInflatedBytes: maxInflatedBytes as number } : {}), ...(maxRatio !== undefined ? { maxRatio: maxRatio as number } : {}) }
}

/**
 * Registered job kinds. Each capability adds its long work here (imports, training, backtests, feature batches).
 */
export const JOB_KINDS: Record<string, JobHandler> = {
  /** Integrity check of the database plus a row count per table, table by table. */
  async 'db.check'(_params, ctx) {
    const db = openDatabase(ctx.dbPath, { readonly: true })
    try {
      const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name)
      const counts: Record<string, number> = {}
      ctx.progress(0, 'integrity check')
      const integrity = db.pragma('quick_check', { simple: true }) as string
      for (const [i, t] of tables.entries()) {
        throwIfCancelled(ctx.signal)
        counts[t] = (db.prepare(`SELECT count(*) AS n FROM "${t.replaceAll('"', '""')}"`).get() as { n: number }).n
        ctx.progress((i + 1) / tables.length, `counted ${t}`)
      }
      return { integrity, counts }
    } finally {
      db.close()
    }
  },

  /**
   * Imports files one by one (each its own transaction). A file that cannot be read, inflates past a limit, or whose
   * every row is rejected (nothing of it is stored) is reported with its reason and the rest go on; when no file imports
   * at all, the job fails with the reasons (and still carries the per-file result). Cancelling stops between files,
   * keeping what was already imported. Params: files, names? ({ [path]: the name the user knows, for uploads }),
   * format?, symbol?, venue?, timeframe?, inflateLimits? ({ maxInflatedBytes?, maxRatio? }).
   */
  async 'data.import'(params, ctx) {
    const files = Array.isArray(params.files) ? params.files.map(String) : []
    if (files.length === 0) throw new Error('no files to import')
    const format = params.format === undefined ? undefined : String(params.format)
    if (format !== undefined && format !== 'auto' && !isImportFormat(format)) throw new Error(`unknown format "${format}"`)
    const timeframe = params.timeframe === undefined ? undefined : String(params.timeframe)
    if (timeframe !== undefined && !isTimeframe(timeframe)) throw new Error(`unknown timeframe "${timeframe}"`)
    const inflateLimits = inflateLimitsParam(params.inflateLimits)
    const names = typeof params.names === 'object' && params.names !== null ? (params.names as Record<string, unknown>) : {}
    const shown = (file: string): string => (typeof names[file] === 'string' ? (names[file] as string) : file)
    const db = openDatabase(ctx.dbPath)
    try {
      const importer = new MarketDataImporter(db)
      const reports: ImportedFileSummary[] = []
      const failed: FailedImportFile[] = []
      for (const [i, file] of files.entries()) {
        throwIfCancelled(ctx.signal)
        ctx.progress(i / files.length, `importing ${shown(file)}`)
        // Rows stored so far in this file (a big file is one long synchronous import): the first at once, then ≥ 200 ms apart.
        let shownAt = -Infinity
        const onProgress = (rows: number): void => {
          const now = systemClock.now()
          if (now - shownAt < 200) return
          shownAt = now
          ctx.progress(i / files.length, `importing ${shown(file)}: ${rows.toLocaleString('en-US')} rows stored`)
        }
        try {
          const report = importer.importFile(file, {
            onProgress,
            inflateLimits,
            ...(format && isImportFormat(format) ? { format } : {}),
            ...(typeof params.symbol === 'string' ? { symbol: params.symbol } : {}),
            ...(typeof params.venue === 'string' ? { venue: params.venue } : {}),
            ...(timeframe && isTimeframe(timeframe) ? { timeframe } : {}),
          })
          reports.push(importedFileSummary(report, shown(file)))
        } catch (err) {
          if (!(err instanceof ImportError)) throw err
          failed.push({ file: shown(file), ...(err.line !== undefined ? { line: err.line } : {}), reason: err.reason })
        }
      }
      ctx.progress(1, `imported ${reports.length} of ${files.length} files`)
      const result: ImportJobResult = { reports, failed, summary: importSummaryLine({ reports, failed }) }
      if (reports.length === 0) throw new JobFailed(result.summary, result)
      return result
    } finally {
      db.close()
    }
  },

  /**
   * Trains a regime model on one stored series, validates it walk-forward next to its baselines and registers
   * it (champion for a new name, else challenger). Params: symbol, venue?, timeframe, algo (gbdt|rf|logreg),
   * horizon? (12), k? (0.5), params?, seed?, name?. Returns the version id, alias and the evaluation.
   */
  async 'ml.train'(params, ctx) {
    const symbol = typeof params.symbol === 'string' ? symbolKey(params.symbol) || undefined : undefined
    if (!symbol) throw new Error('symbol is required')
    const timeframe = String(params.timeframe ?? '')
    if (!isTimeframe(timeframe)) throw new Error(`unknown timeframe "${timeframe}"`)
    const algo = String(params.algo ?? 'gbdt')
    if (!(TRAIN_ALGOS as readonly string[]).includes(algo)) throw new Error(`unknown algorithm "${algo}" (${TRAIN_ALGOS.join(', ')})`)
    const num = (k: string): number | undefined => {
      const v = params[k]
      if (v === undefined || v === null) return undefined
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${k} must be a number`)
      return v
    }
    const trainerParams = params.params === undefined ? undefined : (params.params as Record<string, unknown>)
    if (trainerParams !== undefined && (typeof trainerParams !== 'object' || trainerParams === null || Array.isArray(trainerParams))) throw new Error('params must be an object')
    const db = openDatabase(ctx.dbPath)
    try {
      let venue = typeof params.venue === 'string' ? venueKey(params.venue) || undefined : undefined
      if (!venue) {
        const venues = venuesStoring(new SqliteBarStore(db).listSeries(), symbol, timeframe)
        if (venues.length === 0) throw new Error(`no stored bars for ${symbol} ${timeframe}`)
        if (venues.length > 1) throw new Error(`${symbol} ${timeframe} is stored for several venues (${venues.join(', ')}); name one`)
        venue = venues[0]
      }
      const horizon = num('horizon')
      const k = num('k')
      const seed = num('seed')
      const result = await trainRegimeModel(
        db,
        systemClock,
        {
          symbol,
          venue,
          timeframe,
          algo: algo as TrainAlgo,
          codeVersion: ARMADA_VERSION,
          ...(horizon !== undefined ? { horizon } : {}),
          ...(k !== undefined ? { k } : {}),
          ...(seed !== undefined ? { seed } : {}),
          ...(trainerParams ? { params: trainerParams } : {}),
          ...(typeof params.name === 'string' && params.name.trim() ? { name: params.name.trim() } : {}),
        },
        { signal: ctx.signal, onProgress: (f, message) => ctx.progress(f, message) },
      )
      return result
    } finally {
      db.close()
    }
  },

  /** Trains a series' regime forecaster (rf + gbdt per horizon, DOMAIN.md §1) and registers it; the live loop picks it up. */
  async 'regime.train'(params, ctx) {
    const symbol = typeof params.symbol === 'string' ? symbolKey(params.symbol) || undefined : undefined
    const timeframe = String(params.timeframe ?? '')
    if (!symbol || !isTimeframe(timeframe)) throw new Error('symbol and a known timeframe are required')
    const horizons = Array.isArray(params.horizons) ? params.horizons.map(Number) : undefined
    const db = openDatabase(ctx.dbPath)
    try {
      let venue = typeof params.venue === 'string' ? venueKey(params.venue) || undefined : undefined
      if (!venue) {
        const venues = venuesStoring(new SqliteBarStore(db).listSeries(), symbol, timeframe)
        if (venues.length !== 1) throw new Error(venues.length ? `${symbol} ${timeframe} is stored for several venues (${venues.join(', ')}); name one` : `no stored bars for ${symbol} ${timeframe}`)
        venue = venues[0]
      }
      const results = await trainRegimePredictor(db, systemClock, { symbol, venue, timeframe, codeVersion: ARMADA_VERSION, ...(horizons ? { horizons } : {}) }, { signal: ctx.signal, onProgress: (f, message) => ctx.progress(f, message) })
      return { symbol, venue, timeframe, models: results.map((r) => ({ name: r.name, horizon: r.horizon, versionId: r.versionId, alias: r.alias, walkForward: r.walkForward, baseline: r.baseline })) }
    } finally {
      db.close()
    }
  },

  /**
   * Backtests a strategy over stored bars and stores the run (ML on: also the ML-off run, the walk-forward
   * signal-quality models and the promotion verdict). Params: RunBacktestRequest (strategy parameters checked against
   * the catalog; the run stores all of them). Returns the run id and metrics.
   */
  async 'backtest.run'(params, ctx) {
    const strategy = String(params.strategy ?? '')
    if (!isStrategyName(strategy)) throw new Error(`unknown strategy "${strategy}" (${STRATEGY_NAMES.join(', ')})`)
    const timeframe = String(params.timeframe ?? '')
    if (!isTimeframe(timeframe)) throw new Error(`unknown timeframe "${timeframe}"`)
    const symbols = Array.isArray(params.symbols) ? params.symbols.map(String) : []
    if (symbols.length === 0) throw new Error('no symbols to backtest')
    const strategyParams = validateStrategyParams(strategy, params.strategyParams)
    if (!strategyParams.ok) throw new Error(strategyParams.errors.map((e) => e.message).join('; '))
    const n = (k: string): number | undefined => (typeof params[k] === 'number' && Number.isFinite(params[k]) ? (params[k] as number) : undefined)
    const [from, to, taker, maker, slip, risk, threshold] = ['from', 'to', 'takerFeeBps', 'makerFeeBps', 'slippageBps', 'riskFraction', 'threshold'].map(n)
    const db = openDatabase(ctx.dbPath)
    try {
      const { id, report } = await runStoredBacktest(
        db,
        systemClock,
        {
          strategy,
          // Every parameter with its value, defaults included: the stored run says exactly what it ran with.
          strategyParams: { ...strategyParams.params },
          symbols,
          timeframe,
          ml: params.ml === true,
          ...(typeof params.venue === 'string' ? { venue: params.venue } : {}),
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          engine: {
            ...(taker !== undefined ? { takerFeeBps: taker } : {}),
            ...(maker !== undefined ? { makerFeeBps: maker } : {}),
            ...(slip !== undefined ? { slippage: { kind: 'bps' as const, bps: slip } } : {}),
            ...(risk !== undefined ? { riskFraction: risk } : {}),
            ...(threshold !== undefined ? { threshold } : {}),
          },
        },
        { signal: ctx.signal, onProgress: (f, m) => ctx.progress(f, m) },
      )
      return { id, metrics: report.base.metrics, mlMetrics: report.enhanced?.metrics ?? null, promotion: report.ml?.promotion ?? null }
    } finally {
      db.close()
    }
  },

  /** Waits in steps; used to exercise progress and cancellation end to end (tests, UI smoke checks). */
  async 'diagnostics.wait'(params, ctx) {
    const steps = Math.max(1, Math.min(10_000, Number(params.steps ?? 10)))
    const stepMs = Math.max(0, Math.min(10_000, Number(params.stepMs ?? 50)))
    for (let i = 0; i < steps; i++) {
      throwIfCancelled(ctx.signal)
      await new Promise((r) => setTimeout(r, stepMs))
      ctx.progress((i + 1) / steps, `step ${i + 1}/${steps}`)
    }
    return { steps }
  },
}
