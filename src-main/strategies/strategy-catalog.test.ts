import { describe, expect, it } from 'vitest'
import { STRATEGY_CATALOG, strategyDefaults } from '../../src-shared'
import { BATTLE_NAVALE_DEFAULTS } from './battle-navale-strategy'
import { MA_CROSSOVER_DEFAULTS } from './ma-crossover-strategy'
import { REGIME_FOLLOWING_DEFAULTS } from './regime-following-strategy'
import { STRATEGY_NAMES } from './strategy-catalog'
import { SWITCHER_DEFAULTS } from './switcher-strategy'

describe('the shared strategy catalog', () => {
  it('lists exactly the shipped strategies, in the same order', () => {
    expect(STRATEGY_CATALOG.map((s) => s.name)).toEqual([...STRATEGY_NAMES])
  })

  it('states every strategy default the code uses, with the same value', () => {
    expect(strategyDefaults('battle-navale')).toEqual(BATTLE_NAVALE_DEFAULTS)
    expect(strategyDefaults('regime-following')).toEqual(REGIME_FOLLOWING_DEFAULTS)
    expect(strategyDefaults('ma-crossover')).toEqual(MA_CROSSOVER_DEFAULTS)
    expect(strategyDefaults('switcher')).toEqual(SWITCHER_DEFAULTS)
  })
})
