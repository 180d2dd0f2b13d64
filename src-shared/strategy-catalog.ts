/**
 * The shipped strategies as the trader sees them: name, label, what each trades on, whether ML enhancement
 * applies, and its parameters with their defaults. src-main/strategies checks its `*_DEFAULTS` against this
 * (strategy-catalog.test.ts); the renderer builds the Strategies view and the backtest form from it.
 */

/**
 * One tunable parameter of a strategy, with its shipped default and, for numbers, the range it is accepted in
 * (`min`/`max` inclusive, `minExclusive` for a strict lower bound, `integer`, and `below`: must be less than that
 * other parameter). `validateStrategyParams` (strategy-params.ts) applies them for the UI, the API and the CLI.
 */
export interface StrategyParameter {
  readonly name: string
  readonly default: number | boolean
  readonly meaning: string
  readonly min?: number
  readonly minExclusive?: boolean
  readonly max?: number
  readonly integer?: boolean
  readonly below?: string
}

/** A shipped strategy. `mlNote` says how ML enhancement acts on it, or why it does not apply. */
export interface StrategyInfo {
  readonly name: string
  readonly label: string
  readonly description: string
  readonly mlApplies: boolean
  readonly mlNote: string
  readonly parameters: readonly StrategyParameter[]
}

const ML_GATE = 'signal-quality model (DOMAIN.md §4): confidence (base + p)/2, sized by tier'

/** The shipped strategies, in the order the UI lists them. */
export const STRATEGY_CATALOG = [
  {
    name: 'battle-navale',
    label: 'Battle Navale',
    description:
      'Vikings vs Défenseurs, bases and the golden rule give a signal s ∈ [−1, 1]: LONG above the threshold, SHORT below its negative; two-bar patterns confirmed on the next close.',
    mlApplies: true,
    mlNote: `Each signal's 12 features are scored by the ${ML_GATE}.`,
    parameters: [
      {
        name: 'signalThreshold',
        default: 0.25,
        meaning: '|s| above this opens a trade',
        min: 0,
        minExclusive: true,
        max: 1,
      },
      {
        name: 'stopAtr',
        default: 1.5,
        meaning: 'stop distance R in ATR14 multiples',
        min: 0,
        minExclusive: true,
        max: 50,
      },
      { name: 'targetR', default: 2, meaning: 'target at this many R', min: 0, minExclusive: true, max: 100 },
      {
        name: 'maxHoldBars',
        default: 48,
        meaning: 'time exit after this many bars (0 = none)',
        min: 0,
        max: 1_000_000,
        integer: true,
      },
    ],
  },
  {
    name: 'regime-following',
    label: 'Regime following',
    description:
      'Long while the regime forecast says bullish, short while bearish, flat on neutral; needs a trained regime model.',
    mlApplies: true,
    mlNote: `Signals carry the 12 Battle Navale features, scored by the ${ML_GATE}.`,
    parameters: [
      {
        name: 'minProbability',
        default: 0.5,
        meaning: 'minimum bullish/bearish probability to hold that side',
        min: 0,
        max: 1,
      },
      {
        name: 'stopAtr',
        default: 2,
        meaning: 'stop distance R in ATR14 multiples',
        min: 0,
        minExclusive: true,
        max: 50,
      },
      { name: 'targetR', default: 3, meaning: 'target at this many R', min: 0, minExclusive: true, max: 100 },
      { name: 'signalFeatures', default: true, meaning: 'carry the 12 Battle Navale features (needed for ML)' },
    ],
  },
  {
    name: 'ma-crossover',
    label: 'MA crossover (baseline)',
    description: 'Long when the fast SMA crosses above the slow one, short on the cross below; constant confidence.',
    mlApplies: true,
    mlNote: `Signals carry the 12 Battle Navale features, scored by the ${ML_GATE}.`,
    parameters: [
      {
        name: 'fast',
        default: 20,
        meaning: 'fast SMA length (bars)',
        min: 1,
        max: 10_000,
        integer: true,
        below: 'slow',
      },
      { name: 'slow', default: 50, meaning: 'slow SMA length (bars), above fast', min: 2, max: 10_000, integer: true },
      {
        name: 'stopAtr',
        default: 2,
        meaning: 'stop distance R in ATR14 multiples',
        min: 0,
        minExclusive: true,
        max: 50,
      },
      { name: 'targetR', default: 3, meaning: 'target at this many R', min: 0, minExclusive: true, max: 100 },
      { name: 'confidence', default: 0.75, meaning: 'base confidence of every crossover signal', min: 0, max: 1 },
      { name: 'signalFeatures', default: true, meaning: 'carry the 12 Battle Navale features (needed for ML)' },
    ],
  },
  {
    name: 'switcher',
    label: 'Strategy switcher (Bayesian)',
    description:
      'Votes between Battle Navale, MA crossover (and regime following with a regime model) by each one’s resolved hit rate: Beta posteriors, per HMM regime when one is given, weights floored at 0.05 (DOMAIN.md §5).',
    mlApplies: true,
    mlNote: `Signals carry the 12 Battle Navale features, scored by the ${ML_GATE}.`,
    parameters: [
      {
        name: 'threshold',
        default: 0.3,
        meaning: '|decision| at or above this opens that side',
        min: 0,
        minExclusive: true,
        max: 10,
      },
      {
        name: 'horizon',
        default: 12,
        meaning: 'bars after which a member signal is resolved hit or miss',
        min: 1,
        max: 10_000,
        integer: true,
      },
      {
        name: 'stopAtr',
        default: 2,
        meaning: 'stop distance R in ATR14 multiples',
        min: 0,
        minExclusive: true,
        max: 50,
      },
      { name: 'targetR', default: 3, meaning: 'target at this many R', min: 0, minExclusive: true, max: 100 },
      { name: 'signalFeatures', default: true, meaning: 'carry the 12 Battle Navale features (needed for ML)' },
    ],
  },
] as const satisfies readonly StrategyInfo[]

/** Name of a shipped strategy. */
export type CatalogStrategyName = (typeof STRATEGY_CATALOG)[number]['name']

/** The catalog entry of `name`, or undefined for an unknown name. */
export function strategyInfo(name: string): StrategyInfo | undefined {
  return STRATEGY_CATALOG.find((s) => s.name === name)
}

/** The catalog's parameter defaults of one strategy as a plain object (what its `*_DEFAULTS` must equal). */
export function strategyDefaults(name: CatalogStrategyName): Readonly<Record<string, number | boolean>> {
  return Object.fromEntries(strategyInfo(name)!.parameters.map((p) => [p.name, p.default]))
}

/** Setting key (`getSetting`/`setSetting`) of the per-strategy ML switches: `{ [name]: boolean }`. */
export const STRATEGY_ML_SETTING = 'strategies.ml'

/**
 * The ML switch of every shipped strategy from the stored setting (any shape): a stored boolean wins; otherwise on
 * where ML applies. Never on where it does not apply.
 */
export function strategyMlSwitches(stored: unknown): Readonly<Record<string, boolean>> {
  const o = stored !== null && typeof stored === 'object' ? (stored as Record<string, unknown>) : {}
  return Object.fromEntries(
    STRATEGY_CATALOG.map((s) => [
      s.name,
      s.mlApplies && (typeof o[s.name] === 'boolean' ? (o[s.name] as boolean) : true),
    ]),
  )
}
