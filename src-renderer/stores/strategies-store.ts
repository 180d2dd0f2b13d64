import { createStore, type StoreApi } from 'zustand/vanilla'
import { STRATEGY_ML_SETTING, strategyInfo, strategyMlSwitches, type WorkstationApi } from '../../src-shared'
import { errorLine } from '../api'

/** The per-strategy ML switches (setting `strategies.ml`), as stored in the core's SQLite settings. */
export interface StrategiesState {
  /** ML on/off by strategy name; the catalog's defaults until `load` has read the setting. */
  readonly ml: Readonly<Record<string, boolean>>
  readonly loaded: boolean
  /** A failed read or write, one line. */
  readonly error?: string
  load(): Promise<void>
  /** Switches ML for one strategy and stores all switches; reverts when the write fails. Ignored where ML does not apply. */
  setMl(name: string, on: boolean): Promise<void>
}

export type StrategiesStore = StoreApi<StrategiesState>

/** Strategies over `getSetting`/`setSetting` (`setSetting` carries the session token like every mutating call). */
export function createStrategiesStore(api: Pick<WorkstationApi, 'getSetting' | 'setSetting'>): StrategiesStore {
  return createStore<StrategiesState>()((set, get) => ({
    ml: strategyMlSwitches(null),
    loaded: false,
    load: async () => {
      try {
        set({
          ml: strategyMlSwitches(await api.getSetting({ key: STRATEGY_ML_SETTING })),
          loaded: true,
          error: undefined,
        })
      } catch (err) {
        set({ error: errorLine(err) })
      }
    },
    setMl: async (name, on) => {
      if (!strategyInfo(name)?.mlApplies) return
      const before = get().ml
      const ml = { ...before, [name]: on }
      set({ ml, error: undefined })
      try {
        await api.setSetting({ key: STRATEGY_ML_SETTING, value: ml })
      } catch (err) {
        set({ ml: before, error: errorLine(err) })
      }
    },
  }))
}

/** The newest stored run of `strategy` (`runs` come newest first from `listBacktests`), or undefined. */
export function latestBacktest<R extends { readonly strategy: string }>(
  runs: readonly R[],
  strategy: string,
): R | undefined {
  return runs.find((r) => r.strategy === strategy)
}
