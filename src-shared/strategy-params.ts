/**
 * Strategy parameters as a user gives them (the backtest form, `runBacktest`, `armada backtest --param k=v`), checked
 * against the shared catalog's names, types and ranges. One rule set for the UI, the API and the CLI.
 */
import { strategyInfo, type StrategyParameter } from './strategy-catalog'

/** A refused parameter: its name and why, in one line (`stopAtr must be > 0`). */
export interface StrategyParamError {
  readonly param: string
  readonly message: string
}

/** Every parameter of a strategy with its value (the default where none was given), or the refusals. */
export type StrategyParamsCheck =
  | { readonly ok: true; readonly params: Readonly<Record<string, number | boolean>> }
  | { readonly ok: false; readonly errors: readonly StrategyParamError[] }

/** The accepted range of a numeric parameter in words: `a number > 0 and ≤ 50`, `an integer from 1 to 10000`. */
export function parameterRange(p: StrategyParameter): string {
  if (typeof p.default === 'boolean') return 'true or false'
  const kind = p.integer ? 'an integer' : 'a number'
  if (p.min !== undefined && p.max !== undefined && !p.minExclusive) return `${kind} from ${p.min} to ${p.max}`
  const parts = [
    p.min !== undefined ? `${p.minExclusive ? '>' : '≥'} ${p.min}` : '',
    p.max !== undefined ? `≤ ${p.max}` : '',
  ].filter(Boolean)
  return parts.length ? `${kind} ${parts.join(' and ')}` : kind
}

function checkOne(p: StrategyParameter, v: unknown): string | undefined {
  if (typeof p.default === 'boolean') return typeof v === 'boolean' ? undefined : `${p.name} must be true or false`
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${p.name} must be ${parameterRange(p)}`
  const low = p.min !== undefined && (p.minExclusive ? v <= p.min : v < p.min)
  const high = p.max !== undefined && v > p.max
  if (low || high || (p.integer && !Number.isInteger(v))) return `${p.name} must be ${parameterRange(p)}, got ${v}`
  return undefined
}

/**
 * Checks `given` (any JSON; undefined or null = all defaults) against strategy `name`: only its parameters, each of
 * the right type and in range, `below` rules between parameters. Unknown strategies and names are refused naming the
 * known ones.
 */
export function validateStrategyParams(name: string, given: unknown): StrategyParamsCheck {
  const info = strategyInfo(name)
  if (!info) return { ok: false, errors: [{ param: '', message: `unknown strategy "${name}"` }] }
  if (given !== undefined && given !== null && (typeof given !== 'object' || Array.isArray(given)))
    return { ok: false, errors: [{ param: '', message: 'strategy parameters must be an object' }] }
  const raw = (given ?? {}) as Record<string, unknown>
  const errors: StrategyParamError[] = []
  const known = info.parameters.map((p) => p.name)
  for (const k of Object.keys(raw))
    if (!known.includes(k))
      errors.push({ param: k, message: `${info.name} has no parameter "${k}" (it has ${known.join(', ')})` })
  const params: Record<string, number | boolean> = {}
  for (const p of info.parameters) {
    const v = raw[p.name] === undefined ? p.default : raw[p.name]
    const bad = checkOne(p, v)
    if (bad) errors.push({ param: p.name, message: bad })
    else params[p.name] = v as number | boolean
  }
  for (const p of info.parameters) {
    const other = p.below
    if (!other || typeof params[p.name] !== 'number' || typeof params[other] !== 'number') continue
    if (!((params[p.name] as number) < (params[other] as number)))
      errors.push({ param: p.name, message: `${p.name} (${params[p.name]}) must be below ${other} (${params[other]})` })
  }
  return errors.length ? { ok: false, errors } : { ok: true, params }
}

/**
 * Reads one parameter typed as text (a form field, `--param k=v`): `true`/`false` for switches, a number otherwise.
 * Returns the value, or a one-line reason naming the parameter; empty text means "the default" (undefined).
 */
export function parseStrategyParam(
  p: StrategyParameter,
  text: string,
): number | boolean | undefined | { readonly error: string } {
  const t = text.trim()
  if (t === '') return undefined
  if (typeof p.default === 'boolean') {
    if (t === 'true' || t === 'false') return t === 'true'
    return { error: `${p.name} must be true or false, got "${t}"` }
  }
  const n = Number(t)
  return Number.isFinite(n) ? n : { error: `${p.name} must be ${parameterRange(p)}, got "${t}"` }
}
