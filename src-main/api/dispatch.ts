import {
  ALERT_TYPES,
  API_METHOD_NAMES,
  BACKTEST_JOB_KIND,
  CallRefused,
  isTimeframe,
  MODEL_ALIASES,
  parseJob,
  symbolKey,
  venueKey,
  parseJobRequest,
  REGIME_TRAIN_JOB_KIND,
  SIGNAL_QUALITY_TRAIN_JOB_KIND,
  strategyInfo,
  TRAIN_JOB_KIND,
  validateStrategyParams,
  type AlertsQuery,
  type LiveStrategySpec,
  type SignalsQuery,
  type StartAbTestRequest,
  type AlertType,
  type ApiErrorPayload,
  type ForecastQuery,
  type PredictionsQuery,
  type ApiMethod,
  type WorkstationApi,
} from '../../src-shared'
import { FEATURE_SET_NAMES, isFeatureSetName } from '../features'
import { RegistryError } from '../registry'
import { parseIndicatorSpecs } from './indicator-window'
import { isUploadId } from './upload-inbox'

/** An error that crosses a transport as `{ code, message }`. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorPayload['code'],
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

type Validator = (p: unknown) => unknown
/** A validated request under construction. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const obj = (p: unknown, method: string): Record<string, unknown> => {
  if (p === undefined || p === null) return {}
  if (typeof p !== 'object' || Array.isArray(p))
    throw new ApiError('bad-request', `${method}: params must be an object`)
  return p as Record<string, unknown>
}
const str = (o: Record<string, unknown>, k: string, method: string, optional = false): string | undefined => {
  const v = o[k]
  if (v === undefined && optional) return undefined
  if (typeof v !== 'string' || v.length === 0 || v.length > 256)
    throw new ApiError('bad-request', `${method}: "${k}" must be a non-empty string`)
  return v
}
const num = (o: Record<string, unknown>, k: string, method: string): number | undefined => {
  const v = o[k]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ApiError('bad-request', `${method}: "${k}" must be a finite number`)
  return v
}

const oneOf = <T extends string>(
  o: Record<string, unknown>,
  k: string,
  method: string,
  allowed: readonly T[],
  optional = false,
): T | undefined => {
  const v = str(o, k, method, optional)
  if (v === undefined) return undefined
  if (!(allowed as readonly string[]).includes(v))
    throw new ApiError('bad-request', `${method}: "${k}" must be one of ${allowed.join(', ')}`)
  return v as T
}
/** A reason for an alias move: required, one line, at most 500 characters. */
const reason = (o: Record<string, unknown>, method: string): string => {
  const v = o.reason
  if (typeof v !== 'string' || !v.trim()) throw new ApiError('bad-request', `${method}: "reason" is required`)
  if (v.length > 500 || /[\r\n]/.test(v))
    throw new ApiError('bad-request', `${method}: "reason" must be one line of at most 500 characters`)
  return v.trim()
}
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/
/** A series of `getForecast`/`getPredictions`/`retrainForecast`: symbol (upper-cased), optional venue, timeframe. */
const forecastQuery = (o: Record<string, unknown>, m: string): ForecastQuery => {
  const timeframe = str(o, 'timeframe', m)!
  if (!isTimeframe(timeframe)) throw new ApiError('bad-request', `${m}: unknown timeframe "${timeframe}"`)
  const venue = str(o, 'venue', m, true)
  return {
    symbol: symbolKey(str(o, 'symbol', m)!),
    timeframe,
    ...(venue !== undefined ? { venue: venueKey(venue) } : {}),
  }
}
const VERSION_REF = /^[0-9a-fA-F]{12,64}$/
/** A required `name` that is a model name. */
const modelName = (o: Record<string, unknown>, m: string): string => {
  const name = str(o, 'name', m)!
  if (!MODEL_NAME.test(name)) throw new ApiError('bad-request', `${m}: "${name}" is not a model name`)
  return name
}

/** Every payload is validated before the core sees it (STYLE.md rule 18). */
const VALIDATORS: Record<ApiMethod, Validator> = {
  health: () => undefined,
  listInstruments: () => undefined,
  getFeedStatus: () => undefined,
  getForecastStatus: () => undefined,
  getForecast: (p) => forecastQuery(obj(p, 'getForecast'), 'getForecast'),
  getPredictions(p) {
    const m = 'getPredictions'
    const o = obj(p, m)
    const out: Mutable<PredictionsQuery> = { ...forecastQuery(o, m) }
    for (const k of ['from', 'to', 'horizon', 'limit'] as const) {
      const v = num(o, k, m)
      if (v !== undefined) out[k] = v
    }
    return out
  },
  // The job requests (src-shared/job-requests.ts): the one parser, its messages starting with the method name.
  retrainForecast: (p) => parseJobRequest(REGIME_TRAIN_JOB_KIND, p, 'retrainForecast'),
  listSeries: () => undefined,
  getBars(p) {
    const o = obj(p, 'getBars')
    const timeframe = str(o, 'timeframe', 'getBars')!
    if (!isTimeframe(timeframe)) throw new ApiError('bad-request', `getBars: unknown timeframe "${timeframe}"`)
    return {
      symbol: str(o, 'symbol', 'getBars'),
      venue: str(o, 'venue', 'getBars', true),
      timeframe,
      from: num(o, 'from', 'getBars'),
      to: num(o, 'to', 'getBars'),
      limit: num(o, 'limit', 'getBars'),
    }
  },
  getIndicators(p) {
    const m = 'getIndicators'
    const o = obj(p, m)
    const timeframe = str(o, 'timeframe', m)!
    if (!isTimeframe(timeframe)) throw new ApiError('bad-request', `${m}: unknown timeframe "${timeframe}"`)
    const specs = typeof o.specs === 'string' ? o.specs.split(',').map((s) => s.trim()) : o.specs
    if (
      !Array.isArray(specs) ||
      specs.length === 0 ||
      specs.length > 16 ||
      !specs.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 64)
    )
      throw new ApiError('bad-request', `${m}: "specs" must be 1 to 16 indicator specs such as "ema:20"`)
    try {
      parseIndicatorSpecs(specs as string[])
    } catch (err) {
      throw new ApiError('bad-request', `${m}: ${(err as Error).message}`)
    }
    const limit = num(o, 'limit', m)
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 100_000))
      throw new ApiError('bad-request', `${m}: "limit" must be an integer in [1, 100000]`)
    const venue = str(o, 'venue', m, true)
    return {
      symbol: symbolKey(str(o, 'symbol', m)!),
      ...(venue !== undefined ? { venue: venueKey(venue) } : {}),
      timeframe,
      specs,
      from: num(o, 'from', m),
      to: num(o, 'to', m),
      limit,
    }
  },
  getFeatures(p) {
    const o = obj(p, 'getFeatures')
    const timeframe = str(o, 'timeframe', 'getFeatures')!
    if (!isTimeframe(timeframe)) throw new ApiError('bad-request', `getFeatures: unknown timeframe "${timeframe}"`)
    const set = str(o, 'set', 'getFeatures')!
    if (!isFeatureSetName(set))
      throw new ApiError(
        'bad-request',
        `getFeatures: unknown feature set "${set}" (one of ${FEATURE_SET_NAMES.join(', ')})`,
      )
    return {
      symbol: str(o, 'symbol', 'getFeatures'),
      venue: str(o, 'venue', 'getFeatures', true),
      timeframe,
      set,
      limit: num(o, 'limit', 'getFeatures'),
    }
  },
  listJobs(p) {
    const o = obj(p, 'listJobs')
    return { limit: num(o, 'limit', 'listJobs') }
  },
  startJob(p) {
    const o = obj(p, 'startJob')
    const job = parseJob(str(o, 'kind', 'startJob'), o.params)
    return { kind: job.kind, params: job.request }
  },
  cancelJob(p) {
    return { id: str(obj(p, 'cancelJob'), 'id', 'cancelJob') }
  },
  getSetting(p) {
    return { key: str(obj(p, 'getSetting'), 'key', 'getSetting') }
  },
  importFiles(p) {
    const o = obj(p, 'importFiles')
    const files = o.files ?? []
    const uploads = o.uploads ?? []
    if (!Array.isArray(files) || files.some((f) => typeof f !== 'string' || f.length === 0 || f.length > 4096))
      throw new ApiError('bad-request', 'importFiles: "files" must be a list of paths')
    if (!Array.isArray(uploads) || uploads.length > 1000 || !uploads.every(isUploadId))
      throw new ApiError('bad-request', 'importFiles: "uploads" must be a list of upload ids')
    if (files.length + uploads.length === 0)
      throw new ApiError('bad-request', 'importFiles: name at least one file (a path) or upload')
    const timeframe = str(o, 'timeframe', 'importFiles', true)
    if (timeframe !== undefined && !isTimeframe(timeframe))
      throw new ApiError('bad-request', `importFiles: unknown timeframe "${timeframe}"`)
    return {
      files,
      ...(uploads.length ? { uploads } : {}),
      format: str(o, 'format', 'importFiles', true),
      symbol: str(o, 'symbol', 'importFiles', true),
      venue: str(o, 'venue', 'importFiles', true),
      timeframe,
    }
  },
  listModels: () => undefined,
  getModel(p) {
    const name = str(obj(p, 'getModel'), 'name', 'getModel')!
    if (!MODEL_NAME.test(name)) throw new ApiError('bad-request', `getModel: "${name}" is not a model name`)
    return { name }
  },
  trainModel: (p) => parseJobRequest(TRAIN_JOB_KIND, p, 'trainModel'),
  promoteModel(p) {
    const m = 'promoteModel'
    const o = obj(p, m)
    const id = str(o, 'id', m)!
    if (!VERSION_REF.test(id))
      throw new ApiError('bad-request', `${m}: "id" must be a version id (at least 12 hex characters)`)
    if (o.force !== undefined && typeof o.force !== 'boolean')
      throw new ApiError('bad-request', `${m}: "force" must be a boolean`)
    return { id, alias: oneOf(o, 'alias', m, MODEL_ALIASES), reason: reason(o, m), force: o.force === true }
  },
  rollbackModel(p) {
    const m = 'rollbackModel'
    const o = obj(p, m)
    const name = str(o, 'name', m)!
    if (!MODEL_NAME.test(name)) throw new ApiError('bad-request', `${m}: "${name}" is not a model name`)
    return { name, alias: oneOf(o, 'alias', m, MODEL_ALIASES), reason: reason(o, m) }
  },
  listAbTests(p) {
    const m = 'listAbTests'
    const name = str(obj(p, m), 'name', m, true)
    if (name === undefined) return {}
    if (!MODEL_NAME.test(name)) throw new ApiError('bad-request', `${m}: "${name}" is not a model name`)
    return { name }
  },
  startAbTest(p) {
    const m = 'startAbTest'
    const o = obj(p, m)
    const name = modelName(o, m)
    const out: { -readonly [K in keyof StartAbTestRequest]: StartAbTestRequest[K] } = { name }
    for (const k of ['champion', 'challenger'] as const) {
      const v = str(o, k, m, true)
      if (v === undefined) continue
      if (!VERSION_REF.test(v))
        throw new ApiError('bad-request', `${m}: "${k}" must be a version id (at least 12 hex characters)`)
      out[k] = v
    }
    if (o.autoPromote !== undefined && typeof o.autoPromote !== 'boolean')
      throw new ApiError('bad-request', `${m}: "autoPromote" must be a boolean`)
    if (o.autoPromote !== undefined) out.autoPromote = o.autoPromote
    const horizonMs = num(o, 'horizonMs', m)
    if (horizonMs !== undefined && !(horizonMs > 0))
      throw new ApiError('bad-request', `${m}: "horizonMs" must be > 0 (ms from a bar's close to its outcome)`)
    if (horizonMs !== undefined) out.horizonMs = horizonMs
    return out
  },
  stopAbTest(p) {
    const m = 'stopAbTest'
    const o = obj(p, m)
    return { name: modelName(o, m), reason: reason(o, m) }
  },
  runBacktest: (p) => parseJobRequest(BACKTEST_JOB_KIND, p, 'runBacktest'),
  listBacktests: () => undefined,
  getBacktest(p) {
    const id = num(obj(p, 'getBacktest'), 'id', 'getBacktest')
    if (id === undefined || !Number.isInteger(id) || id < 1)
      throw new ApiError('bad-request', 'getBacktest: "id" must be a positive integer')
    return { id }
  },
  listSweeps: () => undefined,
  getSweep(p) {
    const id = num(obj(p, 'getSweep'), 'id', 'getSweep')
    if (id === undefined || !Number.isInteger(id) || id < 1)
      throw new ApiError('bad-request', 'getSweep: "id" must be a positive integer')
    return { id }
  },
  listSignals(p) {
    const m = 'listSignals'
    const o = p === undefined || p === null ? {} : obj(p, m)
    const out: Mutable<SignalsQuery> = {}
    for (const k of ['from', 'to', 'limit'] as const) {
      const v = num(o, k, m)
      if (v !== undefined) out[k] = v
    }
    if (out.limit !== undefined && !(Number.isInteger(out.limit) && out.limit >= 1 && out.limit <= 10_000))
      throw new ApiError('bad-request', `${m}: "limit" must be an integer in [1, 10000]`)
    const symbol = str(o, 'symbol', m, true)
    if (symbol !== undefined) out.symbol = symbolKey(symbol)
    const venue = str(o, 'venue', m, true)
    if (venue !== undefined) out.venue = venueKey(venue)
    const timeframe = str(o, 'timeframe', m, true)
    if (timeframe !== undefined) {
      if (!isTimeframe(timeframe)) throw new ApiError('bad-request', `${m}: unknown timeframe "${timeframe}"`)
      out.timeframe = timeframe
    }
    const strategy = str(o, 'strategy', m, true)
    if (strategy !== undefined) {
      if (!strategyInfo(strategy)) throw new ApiError('bad-request', `${m}: unknown strategy "${strategy}"`)
      out.strategy = strategy
    }
    return out
  },
  listLiveStrategies: () => undefined,
  listPaperAccounts: () => undefined,
  setLiveStrategy(p) {
    const m = 'setLiveStrategy'
    const o = obj(p, m)
    if (typeof o.enabled !== 'boolean') throw new ApiError('bad-request', `${m}: "enabled" must be a boolean`)
    const s = obj(o.spec, `${m}.spec`)
    const strategy = str(s, 'strategy', m)!
    if (!strategyInfo(strategy)) throw new ApiError('bad-request', `${m}: unknown strategy "${strategy}"`)
    const timeframe = str(s, 'timeframe', m)!
    if (!isTimeframe(timeframe)) throw new ApiError('bad-request', `${m}: unknown timeframe "${timeframe}"`)
    const venue = str(s, 'venue', m, true)
    const spec: Mutable<LiveStrategySpec> = {
      strategy,
      symbol: symbolKey(str(s, 'symbol', m)!),
      venue: venue === undefined ? '' : venueKey(venue),
      timeframe,
    }
    if (s.params !== undefined) {
      const check = validateStrategyParams(strategy, s.params)
      if (!check.ok)
        throw new ApiError(
          'bad-request',
          `${m}: ${check.errors.map((e) => (e.param ? `${e.param}: ${e.message}` : e.message)).join('; ')}`,
        )
      spec.params = s.params as Record<string, number | boolean>
    }
    return { spec, enabled: o.enabled }
  },
  trainSignalQuality: (p) => parseJobRequest(SIGNAL_QUALITY_TRAIN_JOB_KIND, p, 'trainSignalQuality'),
  listAlerts(p) {
    const m = 'listAlerts'
    const o = obj(p, m)
    const out: Mutable<AlertsQuery> = {}
    for (const k of ['from', 'to', 'limit'] as const) {
      const v = num(o, k, m)
      if (v !== undefined) out[k] = v
    }
    if (out.limit !== undefined && !(Number.isInteger(out.limit) && out.limit >= 1 && out.limit <= 10_000))
      throw new ApiError('bad-request', `${m}: "limit" must be an integer in [1, 10000]`)
    if (o.types !== undefined) {
      const types = typeof o.types === 'string' ? o.types.split(',') : o.types
      if (
        !Array.isArray(types) ||
        !types.every(
          (t) => typeof t === 'string' && (ALERT_TYPES as readonly string[]).includes(t.trim().toUpperCase()),
        )
      )
        throw new ApiError('bad-request', `${m}: "types" must be a list of ${ALERT_TYPES.join(', ')}`)
      out.types = (types as string[]).map((t) => t.trim().toUpperCase() as AlertType)
    }
    const sev = oneOf(o, 'minSeverity', m, ['S2', 'S3'] as const, true)
    if (sev !== undefined) out.minSeverity = sev
    const status = oneOf(o, 'status', m, ['open', 'resolved', 'all'] as const, true)
    if (status !== undefined) out.status = status
    if (o.acknowledged !== undefined) {
      if (typeof o.acknowledged !== 'boolean')
        throw new ApiError('bad-request', `${m}: "acknowledged" must be a boolean`)
      out.acknowledged = o.acknowledged
    }
    const symbol = str(o, 'symbol', m, true)
    if (symbol !== undefined) out.symbol = symbolKey(symbol)
    if (o.includeMuted !== undefined) {
      if (typeof o.includeMuted !== 'boolean')
        throw new ApiError('bad-request', `${m}: "includeMuted" must be a boolean`)
      out.includeMuted = o.includeMuted
    }
    return out
  },
  acknowledgeAlert(p) {
    const m = 'acknowledgeAlert'
    const id = str(obj(p, m), 'id', m)!
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new ApiError('bad-request', `${m}: "id" is not an alert id`)
    return { id }
  },
  getAlertStatus: () => undefined,
  setAlertModelMuted(p) {
    const m = 'setAlertModelMuted'
    const o = obj(p, m)
    const modelName = str(o, 'modelName', m)!
    if (typeof o.muted !== 'boolean') throw new ApiError('bad-request', `${m}: "muted" must be a boolean`)
    return { modelName, muted: o.muted }
  },
  listFollowedSeries: () => undefined,
  getHmmRegimes(p) {
    const m = 'getHmmRegimes'
    const o = obj(p, m)
    const limit = num(o, 'limit', m)
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 100_000))
      throw new ApiError('bad-request', `${m}: "limit" must be an integer in [1, 100000]`)
    return { ...forecastQuery(o, m), ...(limit !== undefined ? { limit } : {}) }
  },
  followSeries(p) {
    const m = 'followSeries'
    const o = obj(p, m)
    const timeframe = str(o, 'timeframe', m)!
    if (!isTimeframe(timeframe)) throw new ApiError('bad-request', `${m}: unknown timeframe "${timeframe}"`)
    const venue = str(o, 'venue', m, true)
    const source = oneOf(o, 'source', m, ['feed', 'stored'] as const, true)
    if (o.forecast !== undefined && typeof o.forecast !== 'boolean')
      throw new ApiError('bad-request', `${m}: "forecast" must be a boolean`)
    return {
      symbol: symbolKey(str(o, 'symbol', m)!),
      timeframe,
      ...(venue !== undefined ? { venue: venueKey(venue) } : {}),
      ...(source !== undefined ? { source } : {}),
      ...(o.forecast !== undefined ? { forecast: o.forecast } : {}),
    }
  },
  unfollowSeries(p) {
    const m = 'unfollowSeries'
    const o = obj(p, m)
    const timeframe = str(o, 'timeframe', m)!
    if (!isTimeframe(timeframe)) throw new ApiError('bad-request', `${m}: unknown timeframe "${timeframe}"`)
    return { symbol: symbolKey(str(o, 'symbol', m)!), venue: venueKey(str(o, 'venue', m)!), timeframe }
  },
  setAlertBasket(p) {
    const m = 'setAlertBasket'
    const o = obj(p, m)
    if (o.basket === null) return { basket: null }
    const b = obj(o.basket, `${m}.basket`)
    if (!Array.isArray(b.assets) || b.assets.some((a) => typeof a !== 'string' || !a.trim()))
      throw new ApiError('bad-request', `${m}: "assets" must be a list of symbols, the lead first`)
    const timeframe = str(b, 'timeframe', m)!
    if (!isTimeframe(timeframe)) throw new ApiError('bad-request', `${m}: unknown timeframe "${timeframe}"`)
    const name = str(b, 'name', m, true)
    const barsPerYear = num(b, 'barsPerYear', m)
    return {
      basket: {
        assets: (b.assets as string[]).map((a) => symbolKey(a)),
        venue: venueKey(str(b, 'venue', m)!),
        timeframe,
        ...(name !== undefined ? { name } : {}),
        ...(barsPerYear !== undefined ? { barsPerYear } : {}),
      },
    }
  },
  trainAlertBasket(p) {
    const m = 'trainAlertBasket'
    const o = p === undefined || p === null ? {} : obj(p, m)
    const out: { types?: AlertType[]; horizonsHours?: number[] } = {}
    if (o.types !== undefined) {
      if (!Array.isArray(o.types) || o.types.some((t) => !(ALERT_TYPES as readonly unknown[]).includes(t)))
        throw new ApiError('bad-request', `${m}: "types" must be a list of ${ALERT_TYPES.join(', ')}`)
      out.types = o.types as AlertType[]
    }
    if (o.horizonsHours !== undefined) {
      if (!Array.isArray(o.horizonsHours) || o.horizonsHours.some((h) => !(Number.isInteger(h) && h > 0)))
        throw new ApiError('bad-request', `${m}: "horizonsHours" must be positive integers`)
      out.horizonsHours = o.horizonsHours as number[]
    }
    return out
  },
  setSetting(p) {
    const o = obj(p, 'setSetting')
    return { key: str(o, 'key', 'setSetting'), value: o.value }
  },
}

/** True when `name` is a method of the contract. */
export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && (API_METHOD_NAMES as readonly string[]).includes(name)
}

/**
 * Validates and runs one call against the api. Unknown methods and bad params throw `ApiError('bad-request')`; the
 * core's refusals (`CallRefused`) keep their code; other failures inside the core become `ApiError('failed')` with
 * their one-line message.
 */
export async function dispatch(api: WorkstationApi, method: string, params: unknown): Promise<unknown> {
  if (!isApiMethod(method)) throw new ApiError('bad-request', `unknown method "${method}"`)
  let valid: unknown
  try {
    valid = VALIDATORS[method](params)
  } catch (err) {
    // A job request's parser refuses with CallRefused (src-shared); the transports want ApiError.
    if (err instanceof CallRefused) throw new ApiError(err.code, err.message)
    throw err
  }
  try {
    return await (api[method] as (p: unknown) => Promise<unknown>)(valid)
  } catch (err) {
    if (err instanceof ApiError) throw err
    if (err instanceof CallRefused) throw new ApiError(err.code, err.message)
    if (err instanceof RegistryError)
      throw new ApiError(
        err.code === 'not-found' ? 'not-found' : err.code === 'invalid' ? 'bad-request' : 'failed',
        err.message,
      )
    const message = ((err as Error)?.message ?? String(err)).split('\n')[0]
    throw new ApiError('failed', message)
  }
}

/** Serialises any thrown value for a transport. */
export function toErrorPayload(err: unknown): ApiErrorPayload {
  if (err instanceof ApiError) return { code: err.code, message: err.message }
  return { code: 'failed', message: ((err as Error)?.message ?? String(err)).split('\n')[0] }
}

/**
 * True for an error of an in-process call that names bad input rather than a refusal or a failure: a refused call
 * (`CallRefused`, a job request's parser included), or a registry lookup or value it could not use (anything but a
 * refused promotion). The CLI exits 2 for it.
 */
export function isBadInput(err: unknown): boolean {
  if (err instanceof CallRefused || err instanceof ApiError)
    return err.code === 'bad-request' || err.code === 'not-found'
  return err instanceof RegistryError && err.code !== 'refused'
}
