import { describe, expect, it } from 'vitest'
import { makeSignal } from './fake-api.test-support'
import {
  createNotificationsStore,
  MAX_NOTIFICATIONS,
  NOTIFICATION_TTL_MS,
  signalNotification,
} from './notifications-store'

describe('notifications store', () => {
  it('shows a message until its time is up or it is dismissed, at most three at once', () => {
    const timers: { run: () => void; ms: number }[] = []
    const store = createNotificationsStore((run, ms) => timers.push({ run, ms }))
    for (let i = 0; i < 5; i++) store.getState().push({ title: `m${i}`, detail: '', tone: 'info' })
    expect(store.getState().items.map((n) => n.title)).toEqual(['m2', 'm3', 'm4'])
    expect(store.getState().items).toHaveLength(MAX_NOTIFICATIONS)
    expect(timers.every((t) => t.ms === NOTIFICATION_TTL_MS)).toBe(true)
    store.getState().dismiss(store.getState().items[0].id)
    expect(store.getState().items.map((n) => n.title)).toEqual(['m3', 'm4'])
    timers[3].run()
    expect(store.getState().items.map((n) => n.title)).toEqual(['m4'])
  })

  it('keeps one message per key: the newest replaces the shown one and counts it, with its own time', () => {
    const timers: { run: () => void; ms: number }[] = []
    const store = createNotificationsStore((run, ms) => timers.push({ run, ms }))
    store.getState().push({ title: 'a1', detail: '', tone: 'up', key: 'bn@BTC' })
    store.getState().push({ title: 'b1', detail: '', tone: 'up', key: 'ma@BTC' })
    store.getState().push({ title: 'a2', detail: '', tone: 'down', key: 'bn@BTC' })
    expect(store.getState().items.map((n) => [n.title, n.count])).toEqual([
      ['b1', 1],
      ['a2', 2],
    ])
    timers[0].run()
    expect(store.getState().items.map((n) => n.title)).toEqual(['b1', 'a2'])
  })

  it('words a taken signal with strategy, side, series, confidence, size and the ML part', () => {
    expect(signalNotification(makeSignal(1))).toMatchObject({
      title: 'Battle Navale LONG taken · BTCUSDT 1m',
      detail: 'confidence 0.68 · size ×0.5 · ML off · bullish battle',
      tone: 'up',
      key: 'battle-navale@BTCUSDT.BINANCE:1m',
    })
    expect(signalNotification(makeSignal(2, { side: 'short', ml: true, reason: '' })).detail).toBe(
      'confidence 0.68 · size ×0.5 · ML on, no model',
    )
    expect(
      signalNotification(
        makeSignal(3, { ml: true, mlProbability: 0.714, enhancedConfidence: 0.7, tier: 1, modelVersion: 'm@v1' }),
      ).detail,
    ).toBe('confidence 0.70 · size ×1 · ML p 0.71 · bullish battle')
  })
})
