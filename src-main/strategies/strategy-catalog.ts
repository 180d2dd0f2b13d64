/** The shipped strategies by name, built from plain JSON parameters (CLI, API, jobs). */
import { BattleNavaleStrategy } from './battle-navale-strategy'
import { MaCrossoverStrategy } from './ma-crossover-strategy'
import { RegimeFollowingStrategy, type RegimeForecastProvider } from './regime-following-strategy'
import type { Strategy } from './strategy'
import { SwitcherStrategy } from './switcher-strategy'
import { STRATEGY_CATALOG, type CatalogStrategyName } from '../../src-shared'

/** Name of a shipped strategy (the shared catalog's names: the UI lists the same ones). */
export type StrategyName = CatalogStrategyName
export const STRATEGY_NAMES: readonly StrategyName[] = STRATEGY_CATALOG.map((s) => s.name)

/** True when `s` names a shipped strategy. */
export function isStrategyName(s: string): s is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(s)
}

/**
 * Builds a strategy; `regime` is the forecast provider the regime-following strategy needs (null: none). The switcher
 * votes between Battle Navale and MA crossover at their defaults, plus regime following when `regime` is given (its
 * posteriors are then per regime).
 */
export function createStrategy(
  name: StrategyName,
  params: Record<string, unknown> = {},
  regime: RegimeForecastProvider | null = null,
): Strategy {
  if (name === 'battle-navale') return new BattleNavaleStrategy(params)
  if (name === 'ma-crossover') return new MaCrossoverStrategy(params)
  if (name === 'switcher')
    return new SwitcherStrategy(
      (r) => [new BattleNavaleStrategy(), new MaCrossoverStrategy(), ...(r ? [new RegimeFollowingStrategy(r)] : [])],
      regime,
      params,
    )
  return new RegimeFollowingStrategy(regime, params)
}
