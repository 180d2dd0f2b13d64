/**
 * Price overlays a trader can put on the candles, as the indicator picker lists them: which indicator spec each is
 * (DESIGN.md "Indicator specs"), its parameters with defaults and limits, and which outputs are drawn as lines. The
 * values always come from the core's kernels (`getIndicators`); this file only names and validates the parameters.
 * src-main/features checks every entry against its spec parser (chart-overlays.test.ts).
 */

/** Kinds of price overlay, one per entry of the indicator picker. */
export const OVERLAY_KINDS = ['sma', 'ema', 'bb', 'vwap', 'vwap-rolling', 'donchian', 'keltner'] as const
/** One kind of price overlay. */
export type OverlayKind = (typeof OVERLAY_KINDS)[number]

/** One parameter of an overlay: its place in the spec, label, default and accepted range (inclusive). */
export interface OverlayParam {
  readonly label: string
  readonly default: number
  /** True for bar counts (whole numbers). */
  readonly integer: boolean
  readonly min: number
  readonly max: number
  /** True when `min` itself is refused (a multiplier must be above 0). */
  readonly minExclusive?: boolean
}

/** An overlay kind as the picker lists it. */
export interface OverlayDefinition {
  readonly kind: OverlayKind
  /** Name in the picker: "Bollinger Bands". */
  readonly name: string
  /** Short name in legends: "BB". */
  readonly short: string
  /** Extra words the picker's search matches ("bands", "channel"…). */
  readonly keywords: readonly string[]
  /** Indicator name of the spec (`bb` in `bb:20:2`). */
  readonly indicator: string
  readonly params: readonly OverlayParam[]
  /** Outputs drawn as lines, by kernel output name (`''` for single-output indicators). */
  readonly lines: readonly string[]
}

const PERIOD = (label: string, d: number): OverlayParam => ({ label, default: d, integer: true, min: 1, max: 1000 })
const MULTIPLIER = (d: number): OverlayParam => ({
  label: 'Multiplier',
  default: d,
  integer: false,
  min: 0,
  max: 10,
  minExclusive: true,
})
const BANDS = ['upper', 'middle', 'lower'] as const

/** Every overlay kind in picker order. */
export const OVERLAY_DEFINITIONS: readonly OverlayDefinition[] = [
  {
    kind: 'sma',
    name: 'Simple moving average',
    short: 'SMA',
    keywords: ['ma', 'average', 'mean'],
    indicator: 'sma',
    params: [PERIOD('Period', 20)],
    lines: [''],
  },
  {
    kind: 'ema',
    name: 'Exponential moving average',
    short: 'EMA',
    keywords: ['ma', 'average', 'exponential'],
    indicator: 'ema',
    params: [PERIOD('Period', 20)],
    lines: [''],
  },
  {
    kind: 'bb',
    name: 'Bollinger Bands',
    short: 'BB',
    keywords: ['bands', 'volatility', 'std'],
    indicator: 'bb',
    params: [PERIOD('Period', 20), MULTIPLIER(2)],
    lines: BANDS,
  },
  {
    kind: 'vwap',
    name: 'VWAP (session, UTC day)',
    short: 'VWAP',
    keywords: ['volume', 'weighted', 'session'],
    indicator: 'vwap',
    params: [],
    lines: [''],
  },
  {
    kind: 'vwap-rolling',
    name: 'VWAP (rolling)',
    short: 'VWAP',
    keywords: ['volume', 'weighted', 'rolling'],
    indicator: 'vwap',
    params: [PERIOD('Bars', 50)],
    lines: [''],
  },
  {
    kind: 'donchian',
    name: 'Donchian channel',
    short: 'DC',
    keywords: ['channel', 'breakout', 'high', 'low'],
    indicator: 'donchian',
    params: [PERIOD('Period', 20)],
    lines: BANDS,
  },
  {
    kind: 'keltner',
    name: 'Keltner channel',
    short: 'KC',
    keywords: ['channel', 'atr', 'bands'],
    indicator: 'keltner',
    params: [PERIOD('EMA period', 20), MULTIPLIER(2), PERIOD('ATR period', 10)],
    lines: BANDS,
  },
]

/** True for a known overlay kind. */
export function isOverlayKind(s: unknown): s is OverlayKind {
  return typeof s === 'string' && (OVERLAY_KINDS as readonly string[]).includes(s)
}

/** The definition of a kind. */
export function overlayDefinition(kind: OverlayKind): OverlayDefinition {
  return OVERLAY_DEFINITIONS.find((d) => d.kind === kind)!
}

/** Default parameter values of a kind, in spec order. */
export function overlayDefaults(kind: OverlayKind): number[] {
  return overlayDefinition(kind).params.map((p) => p.default)
}

/** The indicator spec of an overlay: `bb:20:2`, `vwap`, `vwap:50`, `keltner:20:2:10`. */
export function overlaySpec(kind: OverlayKind, params: readonly number[]): string {
  return [overlayDefinition(kind).indicator, ...params.map(String)].join(':')
}

/** Legend title of an overlay: `BB 20 2`, `VWAP`. */
export function overlayTitle(kind: OverlayKind, params: readonly number[]): string {
  return [overlayDefinition(kind).short, ...params.map(String)].join(' ')
}

/** Why a typed parameter value is refused (one line naming the parameter), or undefined when it is valid. */
export function overlayParamError(param: OverlayParam, raw: string): string | undefined {
  const text = raw.trim()
  const v = Number(text)
  const range = param.minExclusive ? `above ${param.min} and at most ${param.max}` : `from ${param.min} to ${param.max}`
  const what = param.integer ? 'a whole number' : 'a number'
  if (text === '' || !Number.isFinite(v)) return `${param.label} must be ${what} ${range}`
  if (param.integer && !Number.isInteger(v)) return `${param.label} must be ${what} ${range}`
  if (v > param.max || v < param.min || (param.minExclusive && v === param.min))
    return `${param.label} must be ${what} ${range}`
  return undefined
}

/** Checks a full parameter list (e.g. one read back from settings); the first problem, or undefined. */
export function overlayParamsError(kind: OverlayKind, params: readonly unknown[]): string | undefined {
  const defs = overlayDefinition(kind).params
  if (params.length !== defs.length)
    return `${overlayDefinition(kind).short} takes ${defs.length} parameter(s), got ${params.length}`
  for (let i = 0; i < defs.length; i++) {
    const v = params[i]
    const err = typeof v === 'number' ? overlayParamError(defs[i], String(v)) : `${defs[i].label} must be a number`
    if (err) return err
  }
  return undefined
}

/**
 * Picker search: kinds whose name, short name, spec indicator or keywords contain every typed word
 * (case-insensitive), in picker order.
 */
export function searchOverlays(query: string): OverlayDefinition[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  return OVERLAY_DEFINITIONS.filter((d) => {
    const hay = [d.name, d.short, d.indicator, ...d.keywords].join(' ').toLowerCase()
    return words.every((w) => hay.includes(w))
  })
}
