import { describe, expect, it } from 'vitest'
import { createBacktestsStore } from './backtests-store'
import { createStrategiesStore, latestBacktest } from './strategies-store'

function settingsApi(fail = false) {
  const saved = new Map<string, unknown>()
  return {
    saved,
    api: {
      getSetting: async ({ key }: { key: string }) => saved.get(key) ?? null,
      setSetting: async ({ key, value }: { key: string; value: unknown }) => {
        if (fail) throw new Error('setSetting: token required')
        saved.set(key, value)
      },
    },
  }
}

describe('strategies store', () => {
  it('starts with ML on where it applies and stores every switch under strategies.ml', async () => {
    const { api, saved } = settingsApi()
    const store = createStrategiesStore(api)
    await store.getState().load()
    expect(store.getState().ml['battle-navale']).toBe(true)
    await store.getState().setMl('battle-navale', false)
    expect(saved.get('strategies.ml')).toEqual({
      'battle-navale': false,
      'regime-following': true,
      'ma-crossover': true,
      switcher: true,
    })
    const reloaded = createStrategiesStore(api)
    await reloaded.getState().load()
    expect(reloaded.getState().ml['battle-navale']).toBe(false)
  })

  it('reverts the switch and says why when the write fails', async () => {
    const store = createStrategiesStore(settingsApi(true).api)
    await store.getState().setMl('ma-crossover', false)
    expect(store.getState().ml['ma-crossover']).toBe(true)
    expect(store.getState().error).toMatch(/token required/)
  })

  it('gives the backtest form the picked strategy with its ML switch', async () => {
    const strategies = createStrategiesStore(settingsApi().api)
    await strategies.getState().setMl('regime-following', false)
    const none = async () => []
    const backtests = createBacktestsStore(
      { runBacktest: none as never, listBacktests: none, getBacktest: none as never, getBars: none },
      (n) => strategies.getState().ml[n] ?? true,
    )
    backtests.getState().pickStrategy('regime-following')
    expect(backtests.getState().draft).toMatchObject({ strategy: 'regime-following', ml: false })
    backtests.getState().pickStrategy('battle-navale')
    expect(backtests.getState().draft).toMatchObject({ strategy: 'battle-navale', ml: true })
  })

  it('finds the newest run of a strategy in a newest-first list', () => {
    const runs = [
      { id: 3, strategy: 'ma-crossover' },
      { id: 2, strategy: 'battle-navale' },
      { id: 1, strategy: 'battle-navale' },
    ]
    expect(latestBacktest(runs, 'battle-navale')?.id).toBe(2)
    expect(latestBacktest(runs, 'regime-following')).toBeUndefined()
  })
})
