import { describe, expect, it } from 'vitest'
import type { Alert, AlertBasketSpec, AlertStatus, JobInfo } from '../../src-shared'
import {
  alertsForSymbol,
  createAlertsStore,
  filterAlerts,
  NO_ALERT_FILTERS,
  severityOf,
  showAlertOnChart,
  startAlertsStore,
  summarizeAlertTypes,
  upsertAlert,
} from './alerts-store'
import { createChartStore } from './chart-store'
import { FakeApi, makeBars } from './fake-api.test-support'
import { createNavigationStore } from './navigation-store'

const H = 3_600_000
const T0 = Date.UTC(2024, 2, 1)

function alert(id: string, hour: number, over: Partial<Alert> = {}): Alert {
  return {
    id,
    type: 'VOLATILITY_SPIKE_IMMINENT',
    severity: 'S2',
    time: T0 + hour * H,
    targetTime: T0 + (hour + 4) * H,
    horizonHours: 4,
    probability: 0.82,
    pRf: 0.8,
    pGbdt: 0.85,
    confidence: 0.95,
    escalated: false,
    modelName: 'alerts-volatility_spike_imminent-h4h',
    modelVersion: 'b'.repeat(64),
    basket: 'alt-btc-5m',
    timeframe: '5m',
    assets: ['ETHBTC', 'ADABTC', 'XRPBTC'],
    acknowledged: false,
    ...over,
  }
}

const listed = [
  alert('a1', 1, { outcome: 'hit', resolvedAt: T0 + 5 * H }),
  alert('a3', 3, { type: 'CORRELATION_BREAKDOWN', severity: 'S3', probability: 0.93, assets: ['ETHBTC', 'LTCBTC'] }),
  alert('a2', 2, { acknowledged: true, acknowledgedAt: T0 + 2.5 * H, outcome: 'miss', resolvedAt: T0 + 6 * H }),
]

function fakeAlertsApi(alerts: Alert[] = listed) {
  const calls: { method: string; params: unknown }[] = []
  let failAck = false
  return {
    calls,
    failAckOnce: () => (failAck = true),
    api: {
      listAlerts: async (q: unknown) => (calls.push({ method: 'listAlerts', params: q }), [...alerts]),
      acknowledgeAlert: async ({ id }: { id: string }) => {
        calls.push({ method: 'acknowledgeAlert', params: { id } })
        if (failAck) {
          failAck = false
          throw new Error('acknowledgeAlert: invalid token')
        }
        return { ...alerts.find((a) => a.id === id)!, acknowledged: true, acknowledgedAt: T0 + 10 * H }
      },
      getAlertStatus: async (): Promise<AlertStatus> => (
        calls.push({ method: 'getAlertStatus', params: undefined }),
        status
      ),
      setAlertModelMuted: async ({ modelName, muted }: { modelName: string; muted: boolean }) => {
        calls.push({ method: 'setAlertModelMuted', params: { modelName, muted } })
        const m = status.models.find((x) => x.modelName === modelName)
        if (!m) throw new Error(`setAlertModelMuted: no alert model "${modelName}"`)
        return { ...m, muted }
      },
      setAlertBasket: async ({ basket }: { basket: AlertBasketSpec | null }): Promise<AlertStatus> => {
        calls.push({ method: 'setAlertBasket', params: basket })
        if (basket && basket.assets.length < 3)
          throw new Error('setAlertBasket: a basket needs at least 3 instruments (the lead first), got 2')
        return basket
          ? {
              ...status,
              basket: basket.name ?? 'x',
              assets: [...basket.assets],
              modelPrefix: 'alerts-x',
              source: 'trader',
            }
          : status
      },
      trainAlertBasket: async (): Promise<JobInfo> => {
        calls.push({ method: 'trainAlertBasket', params: undefined })
        return job('queued', 0)
      },
    },
  }
}

const job = (state: JobInfo['state'], progress: number, updatedAt = T0 + progress): JobInfo => ({
  id: 'job-1',
  kind: 'alerts.train',
  state,
  progress,
  message: state,
  createdAt: T0,
  updatedAt,
})

const model = (
  type: AlertStatus['models'][number]['type'],
  horizonHours: number,
  lastProbability: number | null,
  versionId: string | null = 'c'.repeat(64),
) => ({
  type,
  horizonHours,
  modelName: `alerts-${type.toLowerCase()}-h${horizonHours}h`,
  versionId,
  lastProbability,
  lastScoredAt: lastProbability === null ? null : T0,
  fired: 0,
  resolved: 0,
  hitRate: null,
  muted: false,
  ...(versionId === null ? { reason: 'too few positive labels (3 < 20)' } : {}),
})

const status: AlertStatus = {
  basket: 'alt-btc-5m',
  assets: ['ETHBTC', 'ADABTC'],
  timeframe: '5m',
  venue: 'BINANCE',
  modelPrefix: 'alerts',
  source: 'config',
  state: 'scoring',
  models: [
    model('VOLATILITY_SPIKE_IMMINENT', 4, 0.31),
    model('VOLATILITY_SPIKE_IMMINENT', 12, 0.52),
    model('SPIKE_LIKELY', 4, null, null),
  ],
  open: 1,
  lastScoredAt: T0,
}

describe('alerts store', () => {
  it('lists alerts newest first and keeps only what every filter allows', async () => {
    const { api, calls } = fakeAlertsApi()
    const store = createAlertsStore(api)
    await store.getState().load()
    expect(calls[0]).toEqual({ method: 'listAlerts', params: { limit: 2000 } })
    const all = store.getState().alerts
    expect(all.map((a) => a.id)).toEqual(['a3', 'a2', 'a1'])
    const ids = (f: Partial<typeof NO_ALERT_FILTERS>) =>
      filterAlerts(all, { ...NO_ALERT_FILTERS, ...f }).map((a) => a.id)
    expect(ids({})).toEqual(['a3', 'a2', 'a1'])
    expect(ids({ severity: 'S3' })).toEqual(['a3'])
    expect(ids({ type: 'VOLATILITY_SPIKE_IMMINENT' })).toEqual(['a2', 'a1'])
    expect(ids({ status: 'open' })).toEqual(['a3'])
    expect(ids({ status: 'resolved' })).toEqual(['a2', 'a1'])
    expect(ids({ acknowledged: 'yes' })).toEqual(['a2'])
    expect(ids({ acknowledged: 'no', status: 'resolved' })).toEqual(['a1'])
    expect(ids({ symbol: 'ltc' })).toEqual(['a3'])
    expect(ids({ symbol: ' ada ' })).toEqual(['a2', 'a1'])
    expect(ids({ symbol: 'DOGE' })).toEqual([])
  })

  it('inserts a fired alert at its place by time and replaces a resolved one in place', async () => {
    const fake = new FakeApi()
    const { api } = fakeAlertsApi()
    const store = createAlertsStore(api)
    await store.getState().load()
    const running = startAlertsStore(store, fake.api, 60_000)
    fake.publish('alert', { kind: 'fired', alert: alert('a4', 4) })
    fake.publish('alert', { kind: 'fired', alert: alert('a0', 0) })
    expect(store.getState().alerts.map((a) => a.id)).toEqual(['a4', 'a3', 'a2', 'a1', 'a0'])
    fake.publish('alert', {
      kind: 'resolved',
      alert: { ...store.getState().alerts[1], outcome: 'hit', resolvedAt: T0 + 9 * H },
    })
    expect(store.getState().alerts.map((a) => a.id)).toEqual(['a4', 'a3', 'a2', 'a1', 'a0'])
    expect(store.getState().alerts[1].outcome).toBe('hit')
    running.dispose()
    expect(fake.listenerCount()).toBe(0)
  })

  it('the same fired alert twice is listed once', () => {
    const once = upsertAlert([], alert('x', 1))
    expect(upsertAlert(once, alert('x', 1))).toHaveLength(1)
  })

  it('moves the selection within the filtered rows and clears it when a filter hides the row', async () => {
    const { api } = fakeAlertsApi()
    const store = createAlertsStore(api)
    await store.getState().load()
    store.getState().move(1)
    expect(store.getState().selectedId).toBe('a3')
    store.getState().move(1)
    store.getState().move(1)
    store.getState().move(1)
    expect(store.getState().selectedId).toBe('a1')
    store.getState().move(-1)
    expect(store.getState().selectedId).toBe('a2')
    store.getState().setFilters({ severity: 'S3' })
    expect(store.getState().selectedId).toBeUndefined()
    store.getState().move(-1)
    expect(store.getState().selectedId).toBe('a3')
  })

  it('acknowledges through the api, replaces the alert with the answer and reports a failure as one line', async () => {
    const { api, calls, failAckOnce } = fakeAlertsApi()
    const store = createAlertsStore(api)
    await store.getState().load()
    failAckOnce()
    await store.getState().acknowledge('a3')
    expect(store.getState().ackError).toBe('acknowledgeAlert: invalid token')
    expect(store.getState().alerts[0].acknowledged).toBe(false)
    expect(store.getState().acknowledging).toEqual([])
    await store.getState().acknowledge('a3')
    expect(store.getState().ackError).toBeUndefined()
    expect(store.getState().alerts[0]).toMatchObject({ id: 'a3', acknowledged: true, acknowledgedAt: T0 + 10 * H })
    // Already acknowledged: no second call.
    await store.getState().acknowledge('a3')
    await store.getState().acknowledge('a2')
    expect(calls.filter((c) => c.method === 'acknowledgeAlert')).toHaveLength(2)
  })

  it('unmutes a model: the status row is replaced by the answer, a failure is one line and changes nothing', async () => {
    const { api, calls } = fakeAlertsApi()
    const store = createAlertsStore(api)
    await store.getState().loadStatus()
    const name = status.models[0].modelName
    await store.getState().setMuted(name, true)
    expect(calls.at(-1)).toEqual({ method: 'setAlertModelMuted', params: { modelName: name, muted: true } })
    expect(store.getState().status!.models[0].muted).toBe(true)
    expect(store.getState().status!.models[1].muted).toBe(false)
    expect(store.getState().muting).toEqual([])
    await store.getState().setMuted('alerts-nope-h1h', false)
    expect(store.getState().muteError).toBe('setAlertModelMuted: no alert model "alerts-nope-h1h"')
    expect(store.getState().status!.models[0].muted).toBe(true)
  })

  it('a failed load is an error line, not an empty list', async () => {
    const store = createAlertsStore({
      listAlerts: async () => {
        throw new Error('listAlerts: no such table: alerts')
      },
      acknowledgeAlert: async () => listed[0],
      getAlertStatus: async () => status,
      setAlertModelMuted: async () => status.models[0],
      setAlertBasket: async () => status,
      trainAlertBasket: async () => job('queued', 0),
    })
    await store.getState().load()
    expect(store.getState()).toMatchObject({ state: 'error', error: 'listAlerts: no such table: alerts' })
  })
})

describe('alert helpers', () => {
  it('severity follows the per-type S2/S3 thresholds of DOMAIN §2', () => {
    expect(severityOf('VOLATILITY_SPIKE_IMMINENT', 0.79)).toBeNull()
    expect(severityOf('VOLATILITY_SPIKE_IMMINENT', 0.8)).toBe('S2')
    expect(severityOf('VOLATILITY_SPIKE_IMMINENT', 0.95)).toBe('S3')
    expect(severityOf('REGIME_CHANGE_PENDING', 0.66)).toBe('S2')
    expect(severityOf('REGIME_CHANGE_PENDING', 0.8)).toBe('S3')
    expect(severityOf('SPIKE_LIKELY', null)).toBeNull()
  })

  it('chart alerts are the ones whose assets include the symbol, oldest first', () => {
    expect(alertsForSymbol(listed, 'LTCBTC').map((a) => a.id)).toEqual(['a3'])
    expect(alertsForSymbol(listed, 'ETHBTC').map((a) => a.id)).toEqual(['a1', 'a2', 'a3'])
    expect(alertsForSymbol(listed, 'BTCUSDT')).toEqual([])
    expect(alertsForSymbol(listed, undefined)).toEqual([])
  })

  it('the per-type summary takes the highest newest probability over horizons and counts open alerts', () => {
    const rows = summarizeAlertTypes(status, listed)
    expect(rows.map((r) => r.type)).toEqual([
      'VOLATILITY_SPIKE_IMMINENT',
      'SPIKE_LIKELY',
      'CORRELATION_BREAKDOWN',
      'REGIME_CHANGE_PENDING',
    ])
    expect(rows[0]).toEqual({
      type: 'VOLATILITY_SPIKE_IMMINENT',
      probability: 0.52,
      horizonHours: 12,
      open: 0,
      models: 2,
      muted: 0,
    })
    expect(rows[1]).toEqual({
      type: 'SPIKE_LIKELY',
      probability: null,
      horizonHours: null,
      open: 0,
      models: 0,
      muted: 0,
    })
    expect(rows[2]).toMatchObject({ type: 'CORRELATION_BREAKDOWN', open: 1, models: 0 })
    expect(summarizeAlertTypes(undefined, [])[3]).toMatchObject({ probability: null, open: 0 })
  })

  it('the per-type summary leaves muted models out of the probability (they fire nothing)', () => {
    const quietest = {
      ...status,
      models: status.models.map((m) => (m.horizonHours === 12 ? { ...m, muted: true } : m)),
    }
    expect(summarizeAlertTypes(quietest, listed)[0]).toEqual({
      type: 'VOLATILITY_SPIKE_IMMINENT',
      probability: 0.31,
      horizonHours: 4,
      open: 0,
      models: 2,
      muted: 1,
    })
    const allMuted = { ...status, models: status.models.map((m) => ({ ...m, muted: true })) }
    expect(summarizeAlertTypes(allMuted, listed)[0]).toMatchObject({ probability: null, models: 2, muted: 2 })
  })
})

describe('show an alert on the chart', () => {
  async function setup() {
    const fake = new FakeApi()
    fake.addSeries(makeBars('BTCUSDT', 'BINANCE', '5m', 5))
    fake.addSeries(makeBars('ADABTC', 'BINANCE', '1h', 5))
    fake.addSeries(makeBars('ADABTC', 'BINANCE', '5m', 5))
    fake.addSeries(makeBars('LTCBTC', 'BINANCE', '5m', 5))
    const stores = {
      alerts: createAlertsStore(fakeAlertsApi().api),
      chart: createChartStore(fake.api),
      navigation: createNavigationStore('alerts'),
    }
    await stores.chart.getState().loadSeries()
    return stores
  }

  it('charts the first asset with stored bars at the alert timeframe and asks the chart to scroll to it', async () => {
    const stores = await setup()
    expect(stores.chart.getState().selection?.symbol).toBe('BTCUSDT')
    expect(showAlertOnChart(stores, listed[0])).toBe(true)
    expect(stores.chart.getState().selection).toEqual({ symbol: 'ADABTC', venue: 'BINANCE', timeframe: '5m' })
    expect(stores.navigation.getState().view).toBe('chart')
    expect(stores.alerts.getState().chartFocus).toEqual({ symbol: 'ADABTC', time: listed[0].time, seq: 1 })
  })

  it('keeps the charted series when the alert concerns it, and refuses an alert none of whose assets is stored', async () => {
    const stores = await setup()
    await stores.chart.getState().select({ symbol: 'LTCBTC' })
    expect(showAlertOnChart(stores, listed[1])).toBe(true)
    expect(stores.chart.getState().selection?.symbol).toBe('LTCBTC')
    expect(stores.alerts.getState().chartFocus?.seq).toBe(1)
    stores.navigation.getState().show('alerts')
    expect(showAlertOnChart(stores, { ...listed[1], assets: ['DOGEBTC'] })).toBe(false)
    expect(stores.navigation.getState().view).toBe('alerts')
  })
})

describe('alerts store: the basket and its training', () => {
  it('keeps a refusal as one line and the status of an accepted basket; follows its training job to the end', async () => {
    const fake = fakeAlertsApi()
    const store = createAlertsStore(fake.api)
    expect(await store.getState().setBasket({ assets: ['A', 'B'], venue: 'V', timeframe: '1h' })).toBe(false)
    expect(store.getState().basketError).toBe(
      'setAlertBasket: a basket needs at least 3 instruments (the lead first), got 2',
    )
    expect(await store.getState().setBasket({ name: 'x', assets: ['A', 'B', 'C'], venue: 'V', timeframe: '1h' })).toBe(
      true,
    )
    expect(store.getState().basketError).toBeUndefined()
    expect(store.getState().status).toMatchObject({ basket: 'x', assets: ['A', 'B', 'C'], source: 'trader' })

    await store.getState().trainBasket()
    expect(store.getState().trainJob?.state).toBe('queued')
    // A second click while it runs starts nothing.
    await store.getState().trainBasket()
    expect(fake.calls.filter((c) => c.method === 'trainAlertBasket')).toHaveLength(1)
    store.getState().applyJob({ ...job('running', 0.5), id: 'another' })
    expect(store.getState().trainJob?.progress).toBe(0)
    store.getState().applyJob(job('running', 0.5))
    expect(store.getState().trainJob).toMatchObject({ state: 'running', progress: 0.5 })
    const reads = fake.calls.filter((c) => c.method === 'getAlertStatus').length
    store.getState().applyJob(job('succeeded', 1))
    expect(store.getState().trainJob?.state).toBe('succeeded')
    // The end of the job re-reads the status: the new champions are scored.
    expect(fake.calls.filter((c) => c.method === 'getAlertStatus').length).toBe(reads + 1)
  })
})
