import { createStore, type StoreApi } from 'zustand/vanilla'
import { followedKey, type FollowedSeries, type FollowSeriesRequest, type WorkstationApi } from '../../src-shared'
import { errorLine } from '../api'
import type { LoadState } from './chart-store'

/** The followed series (setting `live.followed`) and the Data view's follow / unfollow actions. */
export interface FollowedState {
  readonly list: readonly FollowedSeries[]
  readonly state: LoadState
  /** Keys of series being changed right now (their buttons disabled). */
  readonly busy: readonly string[]
  /** The last refusal or failure, as one line. */
  readonly error?: string
  load(): Promise<void>
  /** Follows a series (or changes how it is followed); false with `error` set when refused. */
  follow(request: FollowSeriesRequest): Promise<boolean>
  unfollow(s: FollowedSeries): Promise<void>
}

export type FollowedStore = StoreApi<FollowedState>

/** The followed-series store over `listFollowedSeries`, `followSeries` and `unfollowSeries`. */
export function createFollowedStore(
  api: Pick<WorkstationApi, 'listFollowedSeries' | 'followSeries' | 'unfollowSeries'>,
): FollowedStore {
  return createStore<FollowedState>()((set, get) => {
    const change = async (key: string, call: () => Promise<FollowedSeries[]>): Promise<boolean> => {
      set({ busy: [...get().busy, key], error: undefined })
      try {
        set({ list: await call(), state: 'ready' })
        return true
      } catch (err) {
        set({ error: errorLine(err) })
        return false
      } finally {
        set({ busy: get().busy.filter((k) => k !== key) })
      }
    }
    return {
      list: [],
      state: 'idle',
      busy: [],
      load: async () => {
        set({ state: 'loading' })
        try {
          set({ list: await api.listFollowedSeries(), state: 'ready' })
        } catch (err) {
          set({ state: 'error', error: errorLine(err) })
        }
      },
      follow: (r) =>
        change(followedKey({ symbol: r.symbol.toUpperCase(), venue: r.venue ?? '', timeframe: r.timeframe }), () =>
          api.followSeries(r),
        ),
      unfollow: async (s) => {
        await change(followedKey(s), () =>
          api.unfollowSeries({ symbol: s.symbol, venue: s.venue, timeframe: s.timeframe }),
        )
      },
    }
  })
}
