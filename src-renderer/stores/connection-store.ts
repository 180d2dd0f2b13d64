import { createStore, type StoreApi } from 'zustand/vanilla'
import type { ApiEvents, Health, WorkstationApi } from '../../src-shared'
import { errorLine, type ConnectionStatus } from '../api'

/** Feed status as last pushed on the `status` topic. */
export type FeedStatus = ApiEvents['status']

/** The link to the core and what the core says about itself. */
export interface ConnectionStoreState {
  readonly shell: 'electron' | 'web'
  readonly link: ConnectionStatus
  /** From `health()`, refreshed on every (re)connect. */
  readonly health?: Health
  readonly healthError?: string
  readonly feed?: FeedStatus
  setLink(link: ConnectionStatus): void
  setFeed(feed: FeedStatus): void
  /** Fetches `health()` and the current feed status (events only bring changes). */
  refreshHealth(): Promise<void>
}

export type ConnectionStore = StoreApi<ConnectionStoreState>

/** Connection state; `link` comes from the transport, `health` from the core. */
export function createConnectionStore(
  api: Pick<WorkstationApi, 'health' | 'getFeedStatus'>,
  shell: 'electron' | 'web',
  link: ConnectionStatus,
): ConnectionStore {
  return createStore<ConnectionStoreState>()((set) => ({
    shell,
    link,
    setLink: (next) => set({ link: next }),
    setFeed: (feed) => set({ feed }),
    refreshHealth: async () => {
      const [health, feed] = await Promise.allSettled([api.health(), api.getFeedStatus()])
      if (health.status === 'fulfilled') set({ health: health.value, healthError: undefined })
      else set({ healthError: errorLine(health.reason) })
      if (feed.status === 'fulfilled') set({ feed: feed.value })
    },
  }))
}
