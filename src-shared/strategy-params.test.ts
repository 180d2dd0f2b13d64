import { describe, expect, it } from 'vitest'
import { STRATEGY_CATALOG, strategyDefaults } from './strategy-catalog'
import { parameterRange, parseStrategyParam, validateStrategyParams } from './strategy-params'

const param = (strategy: string, name: string) =>
  STRATEGY_CATALOG.find((s) => s.name === strategy)!.parameters.find((p) => p.name === name)!

describe('validateStrategyParams', () => {
  it('fills every default, and every shipped default passes its own range', () => {
    for (const s of STRATEGY_CATALOG)
      expect(validateStrategyParams(s.name, undefined)).toEqual({ ok: true, params: strategyDefaults(s.name) })
    expect(validateStrategyParams('battle-navale', { stopAtr: 2.5 })).toEqual({
      ok: true,
      params: { ...strategyDefaults('battle-navale'), stopAtr: 2.5 },
    })
  })

  it('refuses each bad parameter with one line naming it and its range', () => {
    expect(
      validateStrategyParams('battle-navale', { stopAtr: 0, maxHoldBars: 1.5, signalThreshold: '0.3', extra: 1 }),
    ).toEqual({
      ok: false,
      errors: [
        {
          param: 'extra',
          message: 'battle-navale has no parameter "extra" (it has signalThreshold, stopAtr, targetR, maxHoldBars)',
        },
        { param: 'signalThreshold', message: 'signalThreshold must be a number > 0 and ≤ 1' },
        { param: 'stopAtr', message: 'stopAtr must be a number > 0 and ≤ 50, got 0' },
        { param: 'maxHoldBars', message: 'maxHoldBars must be an integer from 0 to 1000000, got 1.5' },
      ],
    })
    expect(validateStrategyParams('ma-crossover', { fast: 50 })).toEqual({
      ok: false,
      errors: [{ param: 'fast', message: 'fast (50) must be below slow (50)' }],
    })
    expect(validateStrategyParams('regime-following', { signalFeatures: 1 })).toEqual({
      ok: false,
      errors: [{ param: 'signalFeatures', message: 'signalFeatures must be true or false' }],
    })
    expect(validateStrategyParams('nope', {})).toEqual({
      ok: false,
      errors: [{ param: '', message: 'unknown strategy "nope"' }],
    })
    expect(validateStrategyParams('ma-crossover', [1])).toMatchObject({ ok: false })
  })

  it('reads typed text: numbers, true/false for switches, empty for the default', () => {
    expect(parseStrategyParam(param('battle-navale', 'stopAtr'), ' 2.5 ')).toBe(2.5)
    expect(parseStrategyParam(param('battle-navale', 'stopAtr'), '')).toBeUndefined()
    expect(parseStrategyParam(param('battle-navale', 'stopAtr'), 'x')).toEqual({
      error: 'stopAtr must be a number > 0 and ≤ 50, got "x"',
    })
    expect(parseStrategyParam(param('ma-crossover', 'signalFeatures'), 'false')).toBe(false)
    expect(parameterRange(param('ma-crossover', 'fast'))).toBe('an integer from 1 to 10000')
  })
})
