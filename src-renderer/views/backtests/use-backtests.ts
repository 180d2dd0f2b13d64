import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import { useStores } from '../../store-hooks'
import type { AppStores } from '../../stores'
import type { BacktestsState, BacktestsStore } from '../../stores/backtests-store'

/**
 * The page's backtests store when the composition root built one (`AppStores.backtests` =
 * `createBacktestsStore(api)`, fed with `job` events), else undefined.
 */
export function useWiredBacktestsStore(): BacktestsStore | undefined {
  return (useStores() as AppStores).backtests
}

/** The store the Backtests workspace below `BacktestsView` works on. */
export const BacktestsStoreContext = createContext<BacktestsStore | null>(null)

/** The backtests store (inside the Backtests workspace). */
export function useBacktestsStore(): BacktestsStore {
  const s = useContext(BacktestsStoreContext)
  if (!s) throw new Error('useBacktestsStore outside the Backtests workspace')
  return s
}

/** Selects a slice of the backtests store. */
export function useBacktests<T>(select: (s: BacktestsState) => T): T {
  return useStore(useBacktestsStore(), select)
}
