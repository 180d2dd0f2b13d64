import { describe, expect, it } from 'vitest'
import { strategyMlSwitches } from './strategy-catalog'

describe('strategyMlSwitches', () => {
  it('is on where ML applies when nothing is stored, and a stored boolean wins', () => {
    expect(strategyMlSwitches(null)).toEqual({
      'battle-navale': true,
      'regime-following': true,
      'ma-crossover': true,
      switcher: true,
    })
    expect(strategyMlSwitches({ 'battle-navale': false, 'ma-crossover': 'no', other: true })).toEqual({
      'battle-navale': false,
      'regime-following': true,
      'ma-crossover': true,
      switcher: true,
    })
  })
})
