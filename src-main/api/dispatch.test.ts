import { describe, expect, it } from 'vitest'
import { dispatch } from './dispatch'

describe('dispatch: job requests are parsed before the core sees them', () => {
  it('validates runBacktest and getBacktest payloads before the core sees them', async () => {
    const api = { runBacktest: async (p: unknown) => p, getBacktest: async (p: unknown) => p } as never
    await expect(
      dispatch(api, 'runBacktest', { strategy: 'battle-navale', symbols: [], timeframe: '1h', ml: true }),
    ).rejects.toThrow(/symbols/)
    await expect(
      dispatch(api, 'runBacktest', { strategy: 'battle-navale', symbols: ['btcusd'], timeframe: '7m', ml: true }),
    ).rejects.toThrow(/timeframe/)
    expect(
      await dispatch(api, 'runBacktest', {
        strategy: 'battle-navale',
        symbols: ['btcusd'],
        timeframe: '1h',
        ml: false,
        takerFeeBps: 4,
      }),
    ).toEqual({ strategy: 'battle-navale', symbols: ['BTCUSD'], timeframe: '1h', ml: false, takerFeeBps: 4 })
    await expect(dispatch(api, 'getBacktest', { id: 0 })).rejects.toThrow(/positive integer/)
    await expect(
      dispatch(api, 'runBacktest', {
        strategy: 'ma-crossover',
        symbols: ['BTCUSD'],
        timeframe: '1h',
        ml: false,
        strategyParams: { fast: 80 },
      }),
    ).rejects.toThrow('runBacktest: fast (80) must be below slow (50)')
    expect(
      await dispatch(api, 'runBacktest', {
        strategy: 'ma-crossover',
        symbols: ['BTCUSD'],
        timeframe: '1h',
        ml: false,
        strategyParams: { fast: 10 },
      }),
    ).toMatchObject({
      strategyParams: { fast: 10, slow: 50, stopAtr: 2, targetR: 3, confidence: 0.75, signalFeatures: true },
    })
  })
})
