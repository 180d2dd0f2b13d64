import { API_METHOD_NAMES, isTimeframe, type ApiErrorPayload, type ApiMethod, type WorkstationApi } from '../../src-shared'

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

const obj = (p: unknown, method: string): Record<string, unknown> => {
  if (p === undefined || p === null) return {}
  if (typeof p !== 'object' || Array.isArray(p)) throw new ApiError('bad-request', `${method}: params must be an object`)
  return p as Record<string, unknown>
}
const str = (o: Record<string, unknown>, k: string, method: string, optional = false): string | undefined => {
  const v = o[k]
  if (v === undefined && optional) return undefined
  if (typeof v !== 'string' || v.length === 0 || v.length > 256) throw new ApiError('bad-request', `${method}: "${k}" must be a non-empty string`)
  return v
}
const num = (o: Record<string, unknown>, k: string, method: string): number | undefined => {
  const v = o[k]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ApiError('bad-request', `${method}: "${k}" must be a finite number`)
  return v
}

/** Every payload is validated before the core sees it (STYLE.md rule 18). */
const VALIDATORS: Record<ApiMethod, Validator> = {
  health: () => undefined,
  listInstruments: () => undefined,
  getFeedStatus: () => undefined,
  listSeries: () => undefined,
  getBars(p) {
    const o = obj(p, 'getBars')
    const timeframe = str(o, 'timeframe', 'getBars')!
    if (!isTimeframe(timeframe)) throw new ApiError('bad-request', `getBars: unknown timeframe "${timeframe}"`)
    return { symbol: str(o, 'symbol', 'getBars'), venue: str(o, 'venue', 'getBars', true), timeframe, from: num(o, 'from', 'getBars'), to: num(o, 'to', 'getBars'), limit: num(o, 'limit', 'getBars') }
  },
  listJobs(p) {
    const o = obj(p, 'listJobs')
    return { limit: num(o, 'limit', 'listJobs') }
  },
  startJob(p) {
    const o = obj(p, 'startJob')
    const params = o.params === undefined ? {} : obj(o.params, 'startJob.params')
    return { kind: str(o, 'kind', 'startJob'), params }
  },
  cancelJob(p) {
    return { id: str(obj(p, 'cancelJob'), 'id', 'cancelJob') }
  },
  getSetting(p) {
    return { key: str(obj(p, 'getSetting'), 'key', 'getSetting') }
  },
  importFiles(p) {
    const o = obj(p, 'importFiles')
    if (!Array.isArray(o.files) || o.files.length === 0 || o.files.some((f) => typeof f !== 'string' || f.length === 0))
      throw new ApiError('bad-request', 'importFiles: "files" must be a non-empty list of paths')
    const timeframe = str(o, 'timeframe', 'importFiles', true)
    if (timeframe !== undefined && !isTimeframe(timeframe)) throw new ApiError('bad-request', `importFiles: unknown timeframe "${timeframe}"`)
    return { files: o.files, format: str(o, 'format', 'importFiles', true), symbol: str(o, 'symbol', 'importFiles', true), venue: str(o, 'venue', 'importFiles', true), timeframe }
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
 * Validates and runs one call against the api. Unknown methods and bad params throw `ApiError('bad-request')`;
 * failures inside the core become `ApiError('failed')` with their one-line message.
 */
export async function dispatch(api: WorkstationApi, method: string, params: unknown): Promise<unknown> {
  if (!isApiMethod(method)) throw new ApiError('bad-request', `unknown method "${method}"`)
  const valid = VALIDATORS[method](params)
  try {
    return await (api[method] as (p: unknown) => Promise<unknown>)(valid)
  } catch (err) {
    if (err instanceof ApiError) throw err
    throw new ApiError('failed', ((err as Error)?.message ?? String(err)).split('\n')[0])
  }
}

/** Serialises any thrown value for a transport. */
export function toErrorPayload(err: unknown): ApiErrorPayload {
  if (err instanceof ApiError) return { code: err.code, message: err.message }
  return { code: 'failed', message: ((err as Error)?.message ?? String(err)).split('\n')[0] }
}
