import { CallRefused, TRAIN_ALGOS, type RunBacktestRequest, type TrainAlgo } from './api'
import { ALERT_TYPES, isTimeframe, type AlertType, type JobInfo, type Timeframe } from './domain'
import { symbolKey, venueKey } from './ids'
import { STRATEGY_CATALOG } from './strategy-catalog'
import { validateStrategyParams } from './strategy-params'

/**
 * Every job kind, the request each one takes, and the one parser that turns any payload into that request. Dispatch
 * (transports), the API implementation (in-process callers such as the CLI) and the job runner all use it, so a job
 * request has one shape and one set of rules wherever it comes from.
 */

/** Integrity check and row counts of the database (`armada db check`). */
export const DB_CHECK_JOB_KIND = 'db.check'
/** Imports market-data files (`importFiles`, `armada import`). */
export const IMPORT_JOB_KIND = 'data.import'
/** Trains one regime model on a stored series (`trainModel`, `armada train model`). */
export const TRAIN_JOB_KIND = 'ml.train'
/** Trains a series' regime forecaster, an rf + gbdt ensemble per horizon (`retrainForecast`, `armada train regime`). */
export const REGIME_TRAIN_JOB_KIND = 'regime.train'
/** Trains the predictive-alert models of a basket (`armada train alerts`). */
export const ALERTS_TRAIN_JOB_KIND = 'alerts.train'
/** Backtests a strategy over stored bars and stores the run (`runBacktest`, `armada backtest`). */
export const BACKTEST_JOB_KIND = 'backtest.run'
/** Trains a strategy's DOMAIN.md §4 signal-quality model on one stored series (`trainSignalQuality`, `armada train signal-quality`). */
export const SIGNAL_QUALITY_TRAIN_JOB_KIND = 'signal-quality.train'
/** Fits and registers the DOMAIN.md §5 regime HMM of one stored series (`armada train hmm`). */
export const HMM_TRAIN_JOB_KIND = 'hmm.train'
/** Waits in steps: exercises progress and cancellation end to end (tests, UI smoke checks). */
export const WAIT_JOB_KIND = 'diagnostics.wait'

/** `db.check` takes no parameters. */
export type DbCheckJobRequest = Readonly<Record<string, never>>

/** Caps on how far a gzip/zip file may inflate; absent fields keep the importer's defaults. */
export interface InflateLimitsRequest {
  readonly maxInflatedBytes?: number
  readonly maxRatio?: number
}

/** `data.import`: files imported one by one, each its own transaction; anything absent is inferred from the file. */
export interface ImportJobRequest {
  readonly files: readonly string[]
  /** The name the user knows a path by (an upload's own name), per path. */
  readonly names?: Readonly<Record<string, string>>
  /** An importer format or `auto`; the importer owns the list and refuses names it does not know. */
  readonly format?: string
  readonly symbol?: string
  readonly venue?: string
  readonly timeframe?: Timeframe
  readonly inflateLimits?: InflateLimitsRequest
  /** Also return each file's whole report (every rejected row and gap): `armada import --json` prints them. */
  readonly fullReports?: boolean
}

/** `ml.train`: a regime model on one stored series (`venue` defaults to the only one storing it). */
export interface TrainJobRequest {
  readonly symbol: string
  readonly venue?: string
  readonly timeframe: Timeframe
  readonly algo: TrainAlgo
  /** Label horizon in bars (12). */
  readonly horizon?: number
  /** Threshold multiple k of DOMAIN.md §1 (0.5). */
  readonly k?: number
  readonly seed?: number
  /** Trainer parameters (LightGBM / scikit-learn names). */
  readonly params?: Readonly<Record<string, number | string | boolean>>
  readonly name?: string
}

/** `regime.train`: the DOMAIN.md §1 forecaster of one stored series, one ensemble per horizon. */
export interface RegimeTrainJobRequest {
  readonly symbol: string
  readonly venue?: string
  readonly timeframe: Timeframe
  /** Horizons in bars (default 12 and 48). */
  readonly horizons?: readonly number[]
  readonly k?: number
  readonly seed?: number
  /** Training window: open times of the first and last bar used (ms, inclusive). */
  readonly from?: number
  readonly to?: number
  /** Member trainer parameters. */
  readonly rf?: Readonly<Record<string, number>>
  readonly gbdt?: Readonly<Record<string, number>>
}

/** Timeframes the alert models are defined on (DOMAIN.md §2). */
export const ALERT_TIMEFRAMES = ['5m', '15m', '1h', '4h'] as const
export type AlertTimeframe = (typeof ALERT_TIMEFRAMES)[number]

/** One stored series of an alert basket. */
export interface BasketSeries {
  readonly symbol: string
  readonly venue: string
}

/** `alerts.train`: one model per (type, horizon) on a basket of stored series aligned by bar time (lead first). */
export interface AlertsTrainJobRequest {
  readonly assets: readonly BasketSeries[]
  readonly timeframe: AlertTimeframe
  /** Bars per year for annualised volatility. */
  readonly barsPerYear: number
  readonly types?: readonly AlertType[]
  readonly horizonsHours?: readonly number[]
  readonly seed?: number
  /** Training window: open times of the first and last aligned bar used (ms, inclusive). */
  readonly from?: number
  readonly to?: number
  /** Model name prefix (default `alerts`): a trader's basket keeps its own models, `<prefix>-<type>-h<H>h`. */
  readonly name?: string
}

/** `backtest.run`: the `runBacktest` request, plus what only the CLI sets. */
export interface BacktestJobRequest extends RunBacktestRequest {
  /** Slippage as a fraction of ATR14 (instead of `slippageBps`). */
  readonly slippageAtr?: number
  /** Regime model (name: its champion, or a version id) the regime-following strategy reads. */
  readonly regimeModel?: string
}

/** `signal-quality.train`: the strategy's own trades on one stored series (`venue` defaults to the only one storing it). */
export interface SignalQualityTrainJobRequest {
  readonly strategy: string
  readonly symbol: string
  readonly venue?: string
  readonly timeframe: Timeframe
  readonly algo?: 'logreg' | 'gbdt'
  /** Strategy parameters (absent ones take their defaults). */
  readonly strategyParams?: Readonly<Record<string, number | boolean>>
  /** Training window: open times of the first and last bar used (ms, inclusive). */
  readonly from?: number
  readonly to?: number
}

/** `hmm.train`: a Gaussian HMM on one stored series (`venue` defaults to the only one storing it). */
export interface HmmTrainJobRequest {
  readonly symbol: string
  readonly venue?: string
  readonly timeframe: Timeframe
  /** Hidden states (3; 1 to 10). */
  readonly states?: number
  /** EM runs from seeded starts, best log-likelihood kept (5; 1 to 100). */
  readonly restarts?: number
  readonly seed?: number
  readonly maxIterations?: number
  /** Training window: open times of the first and last bar used (ms, inclusive). */
  readonly from?: number
  readonly to?: number
  /** Also return the observation matrix fitted (`--observations`). */
  readonly observations?: boolean
}

/** `diagnostics.wait`: `steps` steps of `stepMs` each (clamped to [1, 10000] and [0, 10000]). */
export interface WaitJobRequest {
  readonly steps?: number
  readonly stepMs?: number
}

/** The request of each job kind. */
export interface JobRequests {
  [DB_CHECK_JOB_KIND]: DbCheckJobRequest
  [IMPORT_JOB_KIND]: ImportJobRequest
  [TRAIN_JOB_KIND]: TrainJobRequest
  [REGIME_TRAIN_JOB_KIND]: RegimeTrainJobRequest
  [ALERTS_TRAIN_JOB_KIND]: AlertsTrainJobRequest
  [BACKTEST_JOB_KIND]: BacktestJobRequest
  [SIGNAL_QUALITY_TRAIN_JOB_KIND]: SignalQualityTrainJobRequest
  [HMM_TRAIN_JOB_KIND]: HmmTrainJobRequest
  [WAIT_JOB_KIND]: WaitJobRequest
}

export type JobKind = keyof JobRequests

/** A job kind with its parsed request. */
export type ParsedJob = { [K in JobKind]: { readonly kind: K; readonly request: JobRequests[K] } }[JobKind]

/** A request that names a field wrongly: a `bad-request` refusal whose message names the field and the rule. */
export class JobRequestError extends CallRefused {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('bad-request', message)
    this.name = 'JobRequestError'
  }
}

type Fields = Readonly<Record<string, unknown>>

/** Reads one payload; `label` starts every message (the job kind, or the API method that carries the request). */
class RequestReader {
  constructor(
    private readonly label: string,
    readonly o: Fields,
  ) {}

  refuse(field: string, rule: string): never {
    throw new JobRequestError(field, `${this.label}: ${rule}`)
  }

  /** Refuses `field` with `rule` unless `ok`. */
  check(ok: boolean, field: string, rule: string): void {
    if (!ok) this.refuse(field, rule)
  }

  text(k: string): string | undefined {
    const v = this.o[k]
    if (v === undefined) return undefined
    if (typeof v !== 'string' || v.length === 0 || v.length > 256) this.refuse(k, `"${k}" must be a non-empty string`)
    return v
  }

  requiredText(k: string): string {
    return this.text(k) ?? this.refuse(k, `"${k}" must be a non-empty string`)
  }

  /** A symbol in the spelling series are stored under (`symbolKey`). */
  symbol(k: string): string | undefined {
    const v = this.text(k)?.trim()
    if (v === '') this.refuse(k, `"${k}" must be a non-empty string`)
    return v === undefined ? undefined : symbolKey(v)
  }

  /** A venue in the spelling series are stored under (`venueKey`). */
  venue(k: string): string | undefined {
    const v = this.text(k)?.trim()
    if (v === '') this.refuse(k, `"${k}" must be a non-empty string`)
    return v === undefined ? undefined : venueKey(v)
  }

  number(k: string): number | undefined {
    const v = this.o[k]
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'number' || !Number.isFinite(v)) this.refuse(k, `"${k}" must be a finite number`)
    return v
  }

  /** An optional number `≥ 0` (fees, times, fractions). */
  nonNegative(k: string): number | undefined {
    const v = this.number(k)
    if (v !== undefined && v < 0) this.refuse(k, `"${k}" must be ≥ 0`)
    return v
  }

  boolean(k: string): boolean | undefined {
    const v = this.o[k]
    if (v !== undefined && typeof v !== 'boolean') this.refuse(k, `"${k}" must be a boolean`)
    return v
  }

  timeframe(k: string): Timeframe {
    const v = this.requiredText(k)
    if (!isTimeframe(v)) this.refuse(k, `unknown timeframe "${v}"`)
    return v
  }

  oneOf<T extends string>(k: string, allowed: readonly T[]): T | undefined {
    const v = this.text(k)
    const known = v === undefined || (allowed as readonly string[]).includes(v)
    this.check(known, k, `"${k}" must be one of ${allowed.join(', ')}`)
    return v as T | undefined
  }

  object(k: string): Fields | undefined {
    const v = this.o[k]
    if (v === undefined) return undefined
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.refuse(k, `"${k}" must be an object`)
    return v as Fields
  }

  /** An optional list whose items all pass `item`, of `min` to `max` items; refused with `rule`. */
  list<T>(k: string, item: (x: unknown) => x is T, rule: string, min = 0, max = Infinity): T[] | undefined {
    const v = this.o[k]
    if (v === undefined) return undefined
    const ok = Array.isArray(v) && v.length >= min && v.length <= max && v.every(item)
    return ok ? [...(v as T[])] : this.refuse(k, rule)
  }
}

/** A payload as its fields: absent is empty; anything but a plain object is refused. */
function readerOf(label: string, raw: unknown): RequestReader {
  if (raw === undefined || raw === null) return new RequestReader(label, {})
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new JobRequestError('', `${label}: params must be an object`)
  return new RequestReader(label, raw as Fields)
}

/** Keeps the present entries: an optional field is absent, never `undefined`, in a parsed request. */
function present<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/
const TRAINER_PARAM = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/
const BACKTEST_SYMBOL = /^[A-Za-z0-9._/-]{1,64}$/
const STRATEGY_NAMES = STRATEGY_CATALOG.map((s) => s.name)

const isPath = (f: unknown): f is string => typeof f === 'string' && f.length > 0 && f.length <= 4096
const isHorizon = (h: unknown): h is number => Number.isInteger(h) && (h as number) >= 1 && (h as number) <= 10_000
const isPositiveInteger = (h: unknown): h is number => Number.isInteger(h) && (h as number) >= 1
const isAlertType = (t: unknown): t is AlertType => (ALERT_TYPES as readonly unknown[]).includes(t)
const isBacktestSymbol = (s: unknown): s is string => typeof s === 'string' && BACKTEST_SYMBOL.test(s)
const isName = (s: unknown): s is string => typeof s === 'string' && s !== ''
const isSeries = (a: unknown): a is BasketSeries =>
  typeof a === 'object' && a !== null && isName((a as BasketSeries).symbol) && isName((a as BasketSeries).venue)
const isTrainerValue = (v: unknown): boolean =>
  typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 64)

/** The two caps of a checked `inflateLimits` object (anything else in it is dropped). */
function inflateLimitsOf(limits: Fields): InflateLimitsRequest {
  const cap = (k: keyof InflateLimitsRequest): number | undefined => limits[k] as number | undefined
  return present({ maxInflatedBytes: cap('maxInflatedBytes'), maxRatio: cap('maxRatio') })
}

function parseImport(r: RequestReader): ImportJobRequest {
  const files = r.list('files', isPath, '"files" must be a list of paths') ?? []
  r.check(files.length > 0, 'files', 'no files to import')
  const names = r.object('names')
  r.check(!names || Object.values(names).every(isName), 'names', '"names" must map paths to names')
  const timeframe = r.text('timeframe')
  r.check(timeframe === undefined || isTimeframe(timeframe), 'timeframe', `unknown timeframe "${timeframe}"`)
  const limits = r.object('inflateLimits')
  for (const k of ['maxInflatedBytes', 'maxRatio']) {
    const v = limits?.[k]
    const rule = `inflateLimits.${k} must be a positive number`
    r.check(v === undefined || (typeof v === 'number' && v > 0), `inflateLimits.${k}`, rule)
  }
  return present({
    files,
    names: names as Record<string, string> | undefined,
    format: r.text('format'),
    symbol: r.text('symbol'),
    venue: r.text('venue'),
    timeframe: timeframe as Timeframe | undefined,
    inflateLimits: limits && inflateLimitsOf(limits),
    fullReports: r.boolean('fullReports'),
  })
}

/** Trainer parameters: at most 50, each a number, boolean or short string. */
function trainerParams(r: RequestReader): Record<string, number | string | boolean> | undefined {
  const raw = r.object('params')
  if (raw === undefined) return undefined
  const entries = Object.entries(raw)
  r.check(entries.length <= 50, 'params', 'at most 50 trainer params')
  for (const [key, v] of entries) {
    const rule = `param "${key}" must be a number, boolean or short string`
    r.check(TRAINER_PARAM.test(key) && isTrainerValue(v), `params.${key}`, rule)
  }
  return raw as Record<string, number | string | boolean>
}

/** Label threshold multiple k of DOMAIN.md §1, in (0, 10]. */
function labelK(r: RequestReader): number | undefined {
  const k = r.number('k')
  r.check(k === undefined || (k > 0 && k <= 10), 'k', '"k" must be in (0, 10]')
  return k
}

function parseTrain(r: RequestReader): TrainJobRequest {
  const timeframe = r.timeframe('timeframe')
  const horizon = r.number('horizon')
  r.check(horizon === undefined || isHorizon(horizon), 'horizon', '"horizon" must be an integer in [1, 10000] bars')
  const k = labelK(r)
  const params = trainerParams(r)
  const name = r.text('name')?.trim()
  const nameRule = '"name" may hold letters, digits, ".", "_" and "-" (at most 128)'
  r.check(name === undefined || MODEL_NAME.test(name), 'name', nameRule)
  return present({
    symbol: r.symbol('symbol') ?? r.refuse('symbol', '"symbol" must be a non-empty string'),
    timeframe,
    algo: r.oneOf('algo', TRAIN_ALGOS) ?? 'gbdt',
    venue: r.venue('venue'),
    horizon,
    k,
    seed: r.number('seed'),
    params,
    name,
  })
}

/** Member trainer parameters: numbers only. */
function memberParams(r: RequestReader, k: 'rf' | 'gbdt'): Record<string, number> | undefined {
  const raw = r.object(k)
  const numeric = ([key, v]: [string, unknown]): boolean =>
    TRAINER_PARAM.test(key) && typeof v === 'number' && Number.isFinite(v)
  r.check(!raw || Object.entries(raw).every(numeric), k, `"${k}" must map trainer parameters to numbers`)
  return raw as Record<string, number> | undefined
}

function parseRegimeTrain(r: RequestReader): RegimeTrainJobRequest {
  const timeframe = r.timeframe('timeframe')
  const venue = r.venue('venue')
  const symbol = r.symbol('symbol') ?? r.refuse('symbol', '"symbol" must be a non-empty string')
  return present({
    symbol,
    timeframe,
    venue,
    horizons: r.list('horizons', isHorizon, '"horizons" must be 1 to 8 integers in [1, 10000] bars', 1, 8),
    k: labelK(r),
    seed: r.number('seed'),
    from: r.number('from'),
    to: r.number('to'),
    rf: memberParams(r, 'rf'),
    gbdt: memberParams(r, 'gbdt'),
  })
}

function parseAlertsTrain(r: RequestReader): AlertsTrainJobRequest {
  const assetsRule = '"assets" must be at least 3 { symbol, venue } series, the lead first'
  const assets = r.list('assets', isSeries, assetsRule, 3) ?? r.refuse('assets', assetsRule)
  const timeframeRule = `"timeframe" must be one of ${ALERT_TIMEFRAMES.join(', ')}`
  const timeframe = r.oneOf('timeframe', ALERT_TIMEFRAMES) ?? r.refuse('timeframe', timeframeRule)
  const barsPerYear = r.number('barsPerYear') ?? 0
  r.check(barsPerYear > 0, 'barsPerYear', '"barsPerYear" must be a positive number')
  return present({
    assets: assets.map((a) => ({ symbol: symbolKey(a.symbol), venue: venueKey(a.venue) })),
    timeframe,
    barsPerYear,
    types: r.list('types', isAlertType, `"types" must be a list of ${ALERT_TYPES.join(', ')}`),
    horizonsHours: r.list('horizonsHours', isPositiveInteger, '"horizonsHours" must be positive integers', 1),
    seed: r.number('seed'),
    from: r.number('from'),
    to: r.number('to'),
    name: prefixOf(r),
  })
}

/** An alert model name prefix: lower-case letters, digits and "-", starting with "alerts" (absent: undefined). */
function prefixOf(r: RequestReader): string | undefined {
  const name = r.text('name')
  if (name !== undefined)
    r.check(
      /^alerts(-[a-z0-9]+)*$/.test(name),
      'name',
      `"name" must look like alerts or alerts-<basket>, got "${name}"`,
    )
  return name
}

/** The request's `strategyParams` checked against the strategy's catalog entry (absent: undefined). */
function strategyParamsOf(r: RequestReader, strategy: string): Readonly<Record<string, number | boolean>> | undefined {
  if (r.o.strategyParams === undefined) return undefined
  const check = validateStrategyParams(strategy, r.o.strategyParams)
  if (!check.ok) r.refuse('strategyParams', check.errors.map((e) => e.message).join('; '))
  return check.params
}

function parseBacktest(r: RequestReader): BacktestJobRequest {
  const strategy = r.requiredText('strategy')
  const known = (STRATEGY_NAMES as readonly string[]).includes(strategy)
  r.check(known, 'strategy', `unknown strategy "${strategy}" (one of ${STRATEGY_NAMES.join(', ')})`)
  const timeframe = r.timeframe('timeframe')
  const symbols = r.list('symbols', isBacktestSymbol, '"symbols" must be 1 to 20 symbols', 1, 20)
  const ml = r.boolean('ml')
  const venue = r.venue('venue')
  const costs = ['takerFeeBps', 'makerFeeBps', 'slippageBps', 'slippageAtr', 'riskFraction', 'threshold'] as const
  const [takerFeeBps, makerFeeBps, slippageBps, slippageAtr, riskFraction, threshold] = costs.map((k) =>
    r.nonNegative(k),
  )
  const [from, to] = [r.nonNegative('from'), r.nonNegative('to')]
  const risky = riskFraction !== undefined && !(riskFraction > 0 && riskFraction <= 1)
  r.check(!risky, 'riskFraction', '"riskFraction" must be in (0, 1]')
  const bothSlippages = slippageBps !== undefined && slippageAtr !== undefined
  r.check(!bothSlippages, 'slippageAtr', 'give "slippageBps" or "slippageAtr", not both')
  const strategyParams = strategyParamsOf(r, strategy)
  return present({
    strategy,
    symbols: (symbols ?? r.refuse('symbols', '"symbols" must be 1 to 20 symbols')).map(symbolKey),
    timeframe,
    ml: ml ?? r.refuse('ml', '"ml" must be a boolean'),
    venue,
    from,
    to,
    takerFeeBps,
    makerFeeBps,
    slippageBps,
    slippageAtr,
    riskFraction,
    threshold,
    regimeModel: r.text('regimeModel'),
    strategyParams,
  })
}

function parseSignalQualityTrain(r: RequestReader): SignalQualityTrainJobRequest {
  const strategy = r.requiredText('strategy')
  const info = STRATEGY_CATALOG.find((s) => s.name === strategy)
  r.check(info !== undefined, 'strategy', `unknown strategy "${strategy}" (one of ${STRATEGY_NAMES.join(', ')})`)
  r.check(info?.mlApplies === true, 'strategy', `ML does not apply to ${strategy}: it has no signal-quality model`)
  const algo = r.o.algo
  r.check(algo === undefined || algo === 'logreg' || algo === 'gbdt', 'algo', '"algo" must be logreg or gbdt')
  const strategyParams = strategyParamsOf(r, strategy)
  return present({
    strategy,
    symbol: r.symbol('symbol') ?? r.refuse('symbol', '"symbol" must be a non-empty string'),
    venue: r.venue('venue'),
    timeframe: r.timeframe('timeframe'),
    algo: algo as 'logreg' | 'gbdt' | undefined,
    strategyParams,
    from: r.nonNegative('from'),
    to: r.nonNegative('to'),
  })
}

function parseHmmTrain(r: RequestReader): HmmTrainJobRequest {
  const int = (k: string, lo: number, hi: number) => {
    const v = r.number(k)
    r.check(
      v === undefined || (Number.isInteger(v) && v >= lo && v <= hi),
      k,
      `"${k}" must be an integer in [${lo}, ${hi}]`,
    )
    return v
  }
  return present({
    symbol: r.symbol('symbol') ?? r.refuse('symbol', '"symbol" must be a non-empty string'),
    venue: r.venue('venue'),
    timeframe: r.timeframe('timeframe'),
    states: int('states', 1, 10),
    restarts: int('restarts', 1, 100),
    seed: r.number('seed'),
    maxIterations: int('maxIterations', 1, 10_000),
    from: r.nonNegative('from'),
    to: r.nonNegative('to'),
    observations: r.boolean('observations'),
  })
}

function parseWait(r: RequestReader): WaitJobRequest {
  return present({ steps: r.number('steps'), stepMs: r.number('stepMs') })
}

const PARSERS: { readonly [K in JobKind]: (r: RequestReader) => JobRequests[K] } = {
  [DB_CHECK_JOB_KIND]: () => ({}),
  [IMPORT_JOB_KIND]: parseImport,
  [TRAIN_JOB_KIND]: parseTrain,
  [REGIME_TRAIN_JOB_KIND]: parseRegimeTrain,
  [ALERTS_TRAIN_JOB_KIND]: parseAlertsTrain,
  [BACKTEST_JOB_KIND]: parseBacktest,
  [SIGNAL_QUALITY_TRAIN_JOB_KIND]: parseSignalQualityTrain,
  [HMM_TRAIN_JOB_KIND]: parseHmmTrain,
  [WAIT_JOB_KIND]: parseWait,
}

/** Every job kind, in the order they are listed to the user. */
export const JOB_KIND_NAMES: readonly JobKind[] = Object.keys(PARSERS) as JobKind[]

/** True when `kind` names a job kind. */
export function isJobKind(kind: unknown): kind is JobKind {
  return typeof kind === 'string' && Object.hasOwn(PARSERS, kind)
}

/**
 * Parses a payload into the request of `kind`: fields checked and normalised (symbols and venues upper-cased, absent
 * optional fields left out). Throws {@link JobRequestError} naming the field; messages start with `label` (default the
 * kind; transports pass their method name). Parsing a parsed request gives the same request.
 */
export function parseJobRequest<K extends JobKind>(kind: K, raw: unknown, label: string = kind): JobRequests[K] {
  return PARSERS[kind](readerOf(label, raw))
}

/** Parses a kind named at run time and its payload (`startJob`); an unknown kind is refused naming the known ones. */
export function parseJob(kind: unknown, raw: unknown, label?: string): ParsedJob {
  const known = JOB_KIND_NAMES.join(', ')
  if (!isJobKind(kind)) throw new JobRequestError('kind', `unknown job kind "${String(kind)}" (known: ${known})`)
  return { kind, request: parseJobRequest(kind, raw, label) } as ParsedJob
}

// ── What a job handler gets and how it fails (handlers live beside their area, the runner in src-main/core) ──

/** What a job handler gets besides its request. */
export interface JobContext {
  /** Reports progress in [0, 1] with a short message. */
  progress(fraction: number, message?: string): void
  /** Aborted when the user cancels. Handlers check it between units of work. */
  readonly signal: AbortSignal
  /** Database file of the core that started the job (a handler opens its own connection). */
  readonly dbPath: string
  /** Armada's version, recorded in the lineage of what the job registers. */
  readonly codeVersion?: string
}

/**
 * A unit of long work of one kind. Returns a JSON-serialisable result; a result with a string `summary` gives the
 * finished job its message (one line). Throw {@link JobFailed} to fail with a result, {@link JobRefused} for bad input.
 */
export type JobHandler<K extends JobKind> = (request: JobRequests[K], ctx: JobContext) => Promise<unknown>

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

/** The result a refused job keeps: its input could not be used (too few bars, a degenerate label, no such model). */
export interface RefusedJobResult {
  readonly refused: true
}

/** Thrown by a handler that refuses its input: the job fails with a {@link RefusedJobResult} (the CLI exits 2). */
export class JobRefused extends JobFailed {
  constructor(message: string) {
    super(message, { refused: true } satisfies RefusedJobResult)
    this.name = 'JobRefused'
  }
}

/** True for a job that failed because its input was refused ({@link JobRefused}). */
export function isRefusedJob(job: JobInfo): boolean {
  return job.state === 'failed' && (job.result as Partial<RefusedJobResult> | undefined)?.refused === true
}

/** Throws `cancelled` once the job was cancelled (handlers call it between units of work). */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new Error('cancelled')
}
