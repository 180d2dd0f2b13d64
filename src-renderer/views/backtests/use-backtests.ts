import { useStore } from 'zustand'
import { useStores } from '../../store-hooks'
import type { AppStores } from '../../stores'
import type { BacktestsState, BacktestsStore } from '../../stores/backtests-store'

/** The page's backtests store (`AppStores.backtests`, built by `createBacktestsStore(api)` in the composition root). */
export function useBacktestsStore(): BacktestsStore {
  const stores = useStores() as AppStores & { readonly backtests?: BacktestsStore }
  if (!stores.backtests) throw new Error('the backtests store is not wired into AppStores (createAppStores)')
  return stores.backtests
}

/** Selects a slice of the backtests store. */
export function useBacktests<T>(select: (s: BacktestsState) => T): T {
  return useStore(useBacktestsStore(), select)
}
