import { describe, expect, it } from 'vitest'
import type { ConnectionStatus } from '../api'
import { createAppStores, SIGNAL_BATCH_MS, startAppStores } from './app-stores'
import { FakeApi, makeBars, makeJob, makeSignal } from './fake-api.test-support'
import { VIEWS } from './navigation-store'

const flush = () => new Promise((r) => setTimeout(r, 0))

function fakeLink(initial: ConnectionStatus) {
  const listeners = new Set<(s: ConnectionStatus) => void>()
  const link = {
    status: initial,
    onStatus: (l: (s: ConnectionStatus) => void) => (listeners.add(l), { dispose: () => listeners.delete(l) }),
    emit: (s: ConnectionStatus) => {
      link.status = s
      listeners.forEach((l) => l(s))
    },
  }
  return link
}

describe('app stores', () => {
  it('refresh health, series and jobs on connect and again after a reconnect', async () => {
    const fake = new FakeApi()
    fake.addSeries(makeBars('BTCUSDT', 'BINANCE', '1m', 5))
    const link = fakeLink({ state: 'connecting', attempt: 0 })
    const ws = {
      api: fake.api,
      shell: 'web' as const,
      ...link,
      get status() {
        return link.status
      },
    }
    const stores = createAppStores(ws)
    const running = startAppStores(stores, ws)
    await flush()
    expect(fake.calls).toHaveLength(0)
    link.emit({ state: 'connected', attempt: 0 })
    await flush()
    expect(stores.connection.getState().health?.database).toBe('/tmp/a.db')
    expect(stores.connection.getState().feed).toEqual({ feed: 'off', detail: 'no feed configured' })
    expect(stores.chart.getState().bars).toHaveLength(5)
    const healthCalls = () => fake.calls.filter((c) => c.method === 'health').length
    expect(healthCalls()).toBe(1)
    link.emit({ state: 'disconnected', attempt: 1, retryInMs: 250 })
    expect(stores.connection.getState().link.state).toBe('disconnected')
    link.emit({ state: 'connected', attempt: 0 })
    await flush()
    expect(healthCalls()).toBe(2)
    running.dispose()
    expect(fake.listenerCount()).toBe(0)
  })

  it("the backtest form's ML checkbox follows the picked strategy's switch when the switch is read or changed", async () => {
    const fake = new FakeApi()
    const ws = {
      api: fake.api,
      shell: 'electron' as const,
      status: { state: 'connected' as const, attempt: 0 },
      onStatus: () => ({ dispose() {} }),
    }
    const stores = createAppStores(ws)
    const running = startAppStores(stores, ws)
    await flush()
    const draft = () => stores.backtests.getState().draft
    expect(draft().strategy).toBe('battle-navale')
    stores.strategies.setState({ ml: { ...stores.strategies.getState().ml, 'battle-navale': false } })
    expect(draft().ml).toBe(false)
    // A per-run override stays while the switch does not change; another strategy's switch leaves it alone.
    stores.backtests.getState().edit({ ml: true })
    stores.strategies.setState({ ml: { ...stores.strategies.getState().ml, 'ma-crossover': false } })
    expect(draft().ml).toBe(true)
    stores.strategies.setState({ ml: { ...stores.strategies.getState().ml, 'battle-navale': true } })
    stores.strategies.setState({ ml: { ...stores.strategies.getState().ml, 'battle-navale': false } })
    expect(draft().ml).toBe(false)
    running.dispose()
    stores.strategies.setState({ ml: { ...stores.strategies.getState().ml, 'battle-navale': true } })
    expect(draft().ml).toBe(false)
  })

  it('routes status, job and bar events to their stores', async () => {
    const fake = new FakeApi()
    const bars = makeBars('BTCUSDT', 'BINANCE', '1m', 5)
    fake.addSeries(bars)
    const ws = {
      api: fake.api,
      shell: 'electron' as const,
      status: { state: 'connected' as const, attempt: 0 },
      onStatus: () => ({ dispose() {} }),
    }
    const stores = createAppStores(ws)
    startAppStores(stores, ws)
    await flush()
    fake.publish('status', { feed: 'replay', detail: 'x1' })
    fake.publish('job', makeJob({ id: 'j' }))
    fake.publish('bar', { ...bars[4], time: bars[4].time + 60_000 })
    expect(stores.connection.getState().feed).toEqual({ feed: 'replay', detail: 'x1' })
    expect(stores.jobs.getState().jobs).toHaveLength(1)
    expect(stores.chart.getState().bars).toHaveLength(6)
  })

  it('lists the series again when an import job succeeds', async () => {
    const fake = new FakeApi()
    const ws = {
      api: fake.api,
      shell: 'electron' as const,
      status: { state: 'connected' as const, attempt: 0 },
      onStatus: () => ({ dispose() {} }),
    }
    const stores = createAppStores(ws)
    startAppStores(stores, ws)
    await flush()
    expect(stores.chart.getState().series).toHaveLength(0)
    fake.addSeries(makeBars('BTCUSDT', 'BINANCE', '1m', 5))
    fake.publish('job', makeJob({ id: 'i', kind: 'data.import', state: 'running' }))
    await flush()
    expect(stores.chart.getState().series).toHaveLength(0)
    fake.publish('job', makeJob({ id: 'i', kind: 'data.import', state: 'succeeded', updatedAt: 2 }))
    await flush()
    expect(stores.chart.getState().series).toHaveLength(1)
  })

  it('loads live strategies and the charted series’ signals; a signal taken live is a notification, a warm-up one is not', async () => {
    const fake = new FakeApi()
    fake.addSeries(makeBars('BTCUSDT', 'BINANCE', '1m', 5))
    fake.signals = [makeSignal(1)]
    fake.liveSpecs = [{ strategy: 'battle-navale', symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1m' }]
    const ws = {
      api: fake.api,
      shell: 'electron' as const,
      status: { state: 'connected' as const, attempt: 0 },
      onStatus: () => ({ dispose() {} }),
    }
    const stores = createAppStores(ws)
    const running = startAppStores(stores, ws)
    await flush()
    await flush()
    expect(stores.liveStrategies.getState().specs).toHaveLength(1)
    expect(stores.signals.getState().chartSignals.map((s) => s.id)).toEqual([1])
    fake.publish('signal', { signal: makeSignal(2), warmUp: true })
    fake.publish('signal', { signal: makeSignal(3, { outcome: 'skipped' }), warmUp: false })
    expect(stores.notifications.getState().items).toHaveLength(0)
    fake.publish('signal', { signal: makeSignal(4, { side: 'short' }), warmUp: false })
    expect(stores.notifications.getState().items.map((n) => n.title)).toEqual([
      'Battle Navale SHORT taken · BTCUSDT 1m',
    ])
    // Signal events reach the chart together, a batch at a time.
    expect(stores.signals.getState().chartSignals.map((s) => s.id)).toEqual([1])
    await new Promise((r) => setTimeout(r, SIGNAL_BATCH_MS + 20))
    expect(stores.signals.getState().chartSignals.map((s) => s.id)).toEqual([1, 2, 3, 4])
    running.dispose()
    expect(fake.listenerCount()).toBe(0)
  })

  it('shows one side panel beside the chart at a time: opening Signals closes Features and the other way round', async () => {
    const fake = new FakeApi()
    const ws = {
      api: fake.api,
      shell: 'electron' as const,
      status: { state: 'connected' as const, attempt: 0 },
      onStatus: () => ({ dispose() {} }),
    }
    const stores = createAppStores(ws)
    startAppStores(stores, ws)
    await stores.features.getState().setOpen(true)
    stores.signals.getState().setOpen(true)
    expect([stores.features.getState().open, stores.signals.getState().open]).toEqual([false, true])
    await stores.features.getState().setOpen(true)
    expect([stores.features.getState().open, stores.signals.getState().open]).toEqual([true, false])
  })

  it('navigates by shortcut number and ignores numbers without a view', () => {
    const { navigation } = createAppStores({
      api: new FakeApi().api,
      shell: 'web',
      status: { state: 'connecting', attempt: 0 },
    })
    navigation.getState().showByShortcut(6)
    expect(navigation.getState().view).toBe('data')
    navigation.getState().showByShortcut(7)
    expect(navigation.getState().view).toBe('data')
    expect(VIEWS.map((v) => v.label)).toEqual(['Chart', 'Alerts', 'Models', 'Strategies', 'Backtests', 'Data'])
  })
})
