import { createStore, type StoreApi } from 'zustand/vanilla'
import { strategyInfo, type SignalView } from '../../src-shared'

/** A short-lived message in the corner of the workstation (a strategy signal taken live). */
export interface Notification {
  readonly id: number
  readonly title: string
  readonly detail: string
  /** Colour of the message: long (up), short (down) or neutral. */
  readonly tone: 'up' | 'down' | 'info'
  /** The signal it tells of (the message can show it on the chart). */
  readonly signal?: SignalView
  /** Messages with one key replace each other (one per strategy and series): the newest stays, counting the others. */
  readonly key?: string
  /** How many messages of its key this one stands for (1 unless replaced). */
  readonly count: number
}

/** Messages shown at once; older ones give way. */
export const MAX_NOTIFICATIONS = 3

/** How long a message stays (ms) unless dismissed or replaced. */
export const NOTIFICATION_TTL_MS = 10_000

/** Messages on screen, oldest first. */
export interface NotificationsState {
  readonly items: readonly Notification[]
  /** Shows a message for {@link NOTIFICATION_TTL_MS}; one with the key of a shown message replaces it. */
  push(n: Omit<Notification, 'id' | 'count'>): void
  dismiss(id: number): void
}

export type NotificationsStore = StoreApi<NotificationsState>

/** What a taken signal's message says: strategy, side and series; confidence, tier and the ML part. */
export function signalNotification(s: SignalView): Omit<Notification, 'id' | 'count'> {
  const label = strategyInfo(s.strategy)?.label ?? s.strategy
  const ml = !s.ml ? 'ML off' : s.mlProbability === null ? 'ML on, no model' : `ML p ${s.mlProbability.toFixed(2)}`
  return {
    title: `${label} ${s.side.toUpperCase()} taken · ${s.symbol} ${s.timeframe}`,
    detail: `confidence ${s.enhancedConfidence.toFixed(2)} · size ×${s.tier} · ${ml}${s.reason ? ` · ${s.reason}` : ''}`,
    tone: s.side === 'long' ? 'up' : 'down',
    signal: s,
    key: `${s.strategy}@${s.symbol}.${s.venue}:${s.timeframe}`,
  }
}

/** The notifications store; `schedule` removes a message later (a timer; tests pass their own). */
export function createNotificationsStore(
  schedule: (run: () => void, ms: number) => void = (run, ms) => void setTimeout(run, ms),
): NotificationsStore {
  let seq = 0
  return createStore<NotificationsState>()((set, get) => ({
    items: [],
    push: (n) => {
      const id = ++seq
      const same = n.key === undefined ? undefined : get().items.find((x) => x.key === n.key)
      const others = same ? get().items.filter((x) => x !== same) : get().items
      set({ items: [...others, { ...n, id, count: (same?.count ?? 0) + 1 }].slice(-MAX_NOTIFICATIONS) })
      schedule(() => get().dismiss(id), NOTIFICATION_TTL_MS)
    },
    dismiss: (id) => set({ items: get().items.filter((n) => n.id !== id) }),
  }))
}
