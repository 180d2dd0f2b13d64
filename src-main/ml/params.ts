/** What one trainer parameter accepts: an integer or number in a range, a boolean, or one of some names. */
export type ParamRule =
  | { readonly kind: 'int'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'number'; readonly min: number; readonly max?: number; readonly minOpen?: boolean }
  | { readonly kind: 'bool' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** A name from `values` or a number > 0 (scikit-learn's `max_features`: a fraction below 1, a count from 1). */
  | { readonly kind: 'enum-or-positive'; readonly values: readonly string[] }

/** A parameter Armada does not know, or a value it cannot use; `param` names it (bad input, not a bug). */
export class TrainerParamError extends Error {
  constructor(
    readonly algo: string,
    readonly param: string,
    message: string,
  ) {
    super(message)
    this.name = 'TrainerParamError'
  }
}

function describe(r: ParamRule): string {
  switch (r.kind) {
    case 'int':
      return `an integer${r.min !== undefined ? ` ≥ ${r.min}` : ''}${r.max !== undefined ? ` and ≤ ${r.max}` : ''}`
    case 'number':
      return `a number ${r.minOpen ? '>' : '≥'} ${r.min}${r.max !== undefined ? ` and ≤ ${r.max}` : ''}`
    case 'bool':
      return 'true or false'
    case 'enum':
      return r.values.join(' or ')
    case 'enum-or-positive':
      return `${r.values.join(', ')} or a number > 0`
  }
}

function accepts(r: ParamRule, v: unknown): boolean {
  switch (r.kind) {
    case 'int':
      return (
        typeof v === 'number' &&
        Number.isInteger(v) &&
        (r.min === undefined || v >= r.min) &&
        (r.max === undefined || v <= r.max)
      )
    case 'number':
      return (
        typeof v === 'number' &&
        Number.isFinite(v) &&
        (r.minOpen ? v > r.min : v >= r.min) &&
        (r.max === undefined || v <= r.max)
      )
    case 'bool':
      return typeof v === 'boolean'
    case 'enum':
      return typeof v === 'string' && r.values.includes(v)
    case 'enum-or-positive':
      return (typeof v === 'string' && r.values.includes(v)) || (typeof v === 'number' && Number.isFinite(v) && v > 0)
  }
}

/**
 * Defaults overlaid with the given parameters, each checked against its rule (undefined = not given).
 * Throws `TrainerParamError` naming the first unknown parameter (with the known ones) or the first bad value.
 */
export function resolveParams<P extends object>(
  algo: string,
  defaults: P,
  rules: { readonly [K in keyof P]: ParamRule },
  given: object,
): P {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) }
  for (const [k, v] of Object.entries(given)) {
    if (v === undefined) continue
    const rule = (rules as Record<string, ParamRule | undefined>)[k]
    if (!rule)
      throw new TrainerParamError(algo, k, `unknown ${algo} parameter "${k}" (known: ${Object.keys(rules).join(', ')})`)
    if (!accepts(rule, v))
      throw new TrainerParamError(algo, k, `${algo} parameter ${k} must be ${describe(rule)}, got ${JSON.stringify(v)}`)
    out[k] = v
  }
  return out as P
}
