import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ALERT_THRESHOLDS, systemClock, type AlertEvent, type Bar } from '../../src-shared'
import { HeadlessServer } from '../api'
import { defaultBasketReplayFiles, loadReplayDataset } from '../data'
import { alignBasket, barsToColumns } from '../features'
import { alertLabels, alertLabelSeries, NO_LABEL } from '../predictors'
import { ModelRegistry } from '../registry'
import { openDatabase, SqliteAlertStore, SqliteBarStore } from '../store'
import { REPO_ROOT } from '../testing'
import type { AlertOutcome, DueAlert } from './alert-resolution'
import { AlertResolver } from './alert-resolver'
import { AlertService, type AlertsConfig } from './alert-service'
import { EventBus } from './event-bus'
import { createCore, EMBEDDED_ALERT_BASKET, type WorkstationCore } from './index'

/**
 * The bundled real Bittrex alt/BTC 5m basket (resources/sample-data), scored by the shipped default alert models
 * (models/alerts-*.onnx): the first HISTORY aligned basket bars are stored before the loop starts, LIVE more arrive
 * as closed bars (stored, then published, as the live feed does).
 */
const HISTORY = 3000
const LIVE = 6
const MODELS = join(REPO_ROOT, 'models')
const venue = 'BINANCE'
const dataset = loadReplayDataset(defaultBasketReplayFiles())
const symbols = EMBEDDED_ALERT_BASKET.assets
const series = symbols.map((s) => dataset.bars.find((b) => b.symbol === s)!)
const aligned = alignBasket(series.map((s) => barsToColumns(s.bars)))
const times = Array.from(aligned[0].time)
const barAt = (a: number, i: number): Bar => ({ time: aligned[a].time[i], open: aligned[a].open[i], high: aligned[a].high[i], low: aligned[a].low[i], close: aligned[a].close[i], volume: aligned[a].volume[i] })

let dir: string

/** A fresh database with the first `n` aligned basket bars stored, and an AlertService over it. */
function setup(file: string, n: number, config: AlertsConfig, modelsDir: string | undefined, resolver?: (bars: SqliteBarStore) => AlertResolver) {
  const db = openDatabase(file)
  const bars = new SqliteBarStore(db)
  symbols.forEach((symbol, a) => bars.upsert({ symbol, venue, timeframe: '5m' }, Array.from({ length: n }, (_, i) => barAt(a, i))))
  const events = new EventBus()
  const registry = new ModelRegistry(db, systemClock)
  const alerts = new SqliteAlertStore(db)
  // dbPath: due alerts are resolved by the worker thread, as in the core.
  const service = new AlertService({ bars, alerts, registry, events, clock: systemClock, config, dbPath: file, ...(modelsDir ? { defaultModelsDir: modelsDir } : {}), ...(resolver ? { resolver: resolver(bars) } : {}) })
  const fired: AlertEvent[] = []
  events.subscribe('alert', (e) => fired.push(e))
  return { db, bars, events, registry, alerts, service, fired }
}

/** Stores then publishes basket bar i of every member (the live path). */
function liveBar(s: ReturnType<typeof setup>, i: number): void {
  symbols.forEach((symbol, a) => {
    const key = { symbol, venue, timeframe: '5m' as const }
    s.bars.upsert(key, [barAt(a, i)])
    s.events.publish('bar', { ...barAt(a, i), ...key })
  })
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-alerts-'))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('AlertService on the bundled alt/BTC basket with the shipped models', () => {
  // No anti-noise limits: every bar at or above S2 fires, so a live bar's alert is certain when its probability is.
  const open: AlertsConfig = { ...EMBEDDED_ALERT_BASKET, noise: { minIntervalMinutes: 0, maxPerTypePerDay: 1e6, maxPerHour: 1e6, dedupMinutes: 0, escalateWithinMinutes: 0 } }
  let s: ReturnType<typeof setup>
  let historyCount = 0

  beforeAll(async () => {
    s = setup(join(dir, 'live.db'), HISTORY, open, MODELS)
    s.service.start()
    await s.service.idle()
    historyCount = s.alerts.list({ limit: 10_000 }).length
    for (let i = HISTORY; i < HISTORY + LIVE; i++) liveBar(s, i)
    await s.service.idle()
  }, 120_000)
  afterAll(async () => {
    await s.service.dispose()
    await s.registry.dispose()
    s.db.close()
  })

  it('stores an alert with every field and publishes it as fired when a basket bar closes', () => {
    const st = s.service.status()
    expect(st.state).toBe('scoring')
    expect(st.lastScoredAt).toBe(times[HISTORY + LIVE - 1])
    const live = s.alerts.list({ from: times[HISTORY], limit: 10_000 })
    // The REGIME_CHANGE_PENDING h4h model scores ≥ 0.65 on these bars (its status says so), so each live bar fires it.
    const regime = st.models.find((m) => m.modelName === 'alerts-regime-change-pending-h4h')!
    expect(regime.lastProbability).toBeGreaterThanOrEqual(ALERT_THRESHOLDS.REGIME_CHANGE_PENDING.s2)
    const last = live.find((a) => a.time === times[HISTORY + LIVE - 1] && a.modelName === 'alerts-regime-change-pending-h4h')!
    expect(last).toBeDefined()
    expect(last).toMatchObject({
      type: 'REGIME_CHANGE_PENDING',
      horizonHours: 4,
      targetTime: last.time + 48 * 300_000,
      basket: 'alt-btc-5m',
      timeframe: '5m',
      assets: symbols,
      acknowledged: false,
      escalated: false,
      modelVersion: regime.versionId,
    })
    expect(last.severity).toBe(last.probability >= ALERT_THRESHOLDS.REGIME_CHANGE_PENDING.s3 ? 'S3' : 'S2')
    // p = 0.6·p_rf + 0.4·p_gbdt from the merged graph's member outputs; confidence = 1 − |p_rf − p_gbdt|.
    expect(last.probability).toBeCloseTo(0.6 * last.pRf + 0.4 * last.pGbdt, 5)
    expect(last.confidence).toBeCloseTo(1 - Math.abs(last.pRf - last.pGbdt), 6)
    expect(last.outcome).toBeUndefined()
    const firedLive = s.fired.filter((e) => e.kind === 'fired' && e.alert.time >= times[HISTORY])
    expect(firedLive.map((e) => e.alert.id).sort()).toEqual(live.map((a) => a.id).sort())
    expect(firedLive.find((e) => e.alert.id === last.id)!.alert).toEqual(last)
    expect(historyCount).toBeGreaterThan(0)
  })

  it('fires nothing below S2: a model scoring under its threshold stores no alert, and its probability is still reported', () => {
    const st = s.service.status()
    const quiet = st.models.find((m) => m.modelName === 'alerts-spike-likely-h4h')!
    expect(quiet.versionId).not.toBeNull()
    expect(quiet.lastProbability).not.toBeNull()
    expect(quiet.lastProbability!).toBeLessThan(ALERT_THRESHOLDS.SPIKE_LIKELY.s2)
    for (const a of s.alerts.list({ limit: 10_000 })) expect(a.probability).toBeGreaterThanOrEqual(ALERT_THRESHOLDS[a.type].s2)
    expect(s.alerts.list({ limit: 10_000 }).filter((a) => a.modelName === quiet.modelName && a.time >= times[HISTORY])).toHaveLength(0)
  })

  it('resolves alerts whose target time has passed as hit or miss by the §2 label on the stored bars', () => {
    const all = s.alerts.list({ limit: 10_000 })
    const resolved = all.filter((a) => a.resolvedAt !== undefined)
    // Settled in market time: at or after the target, never at the test machine's wall clock.
    for (const a of resolved) expect(a.resolvedAt!).toBeGreaterThanOrEqual(a.targetTime)
    for (const a of resolved) expect(a.resolvedAt!).toBeLessThan(Date.UTC(2019, 0, 1))
    const stillOpen = all.filter((a) => a.resolvedAt === undefined)
    expect(resolved.length).toBeGreaterThan(0)
    expect(stillOpen.length).toBeGreaterThan(0)
    const end = times[HISTORY + LIVE - 1]
    for (const a of stillOpen) expect(a.targetTime).toBeGreaterThan(end)
    for (const a of resolved) expect(a.targetTime).toBeLessThanOrEqual(end)
    // The label, computed independently over the whole stored basket.
    const n = HISTORY + LIVE
    const basket = aligned.map((c) => ({ time: c.time.slice(0, n), open: c.open.slice(0, n), high: c.high.slice(0, n), low: c.low.slice(0, n), close: c.close.slice(0, n), volume: c.volume.slice(0, n), takerBuyVolume: c.takerBuyVolume.slice(0, n) }))
    const lab = alertLabelSeries({ basket, barsPerHour: 12 })
    let hits = 0
    const labels = new Map<string, Int32Array>()
    const index = new Map(times.map((t, i) => [t, i]))
    for (const a of resolved) {
      const key = `${a.type}:${a.horizonHours}`
      if (!labels.has(key)) labels.set(key, alertLabels(a.type, lab, a.horizonHours * 12))
      const label = labels.get(key)![index.get(a.time)!]
      expect(a.outcome).toBe(label === NO_LABEL ? undefined : label === 1 ? 'hit' : 'miss')
      if (a.outcome === 'hit') hits++
    }
    const st = s.service.status()
    const resolvedKnown = resolved.filter((a) => a.outcome)
    expect(st.models.reduce((k, m) => k + m.resolved, 0)).toBe(resolvedKnown.length)
    expect(st.models.reduce((k, m) => k + (m.hitRate ?? 0) * m.resolved, 0)).toBeCloseTo(hits, 6)
    expect(s.fired.filter((e) => e.kind === 'resolved').length).toBe(resolved.length)
  })

  it('lists the (type, horizon) models without a version with the reason the training gave', () => {
    const st = s.service.status()
    expect(st.models).toHaveLength(16)
    const vol = st.models.find((m) => m.modelName === 'alerts-volatility-spike-imminent-h4h')!
    expect(vol.versionId).toBeNull()
    expect(vol.reason).toMatch(/not trained: .*too few of one class/)
    const withModel = st.models.filter((m) => m.versionId)
    expect(withModel.length).toBe(5)
    for (const m of withModel) expect(m.validation).toMatchObject({ f1: expect.any(Number), baselineF1: expect.any(Number), baseRate: expect.any(Number) })
  })
})

/** The real resolver (worker thread, own connection), whose answers the test releases when it chooses. */
class HeldResolver extends AlertResolver {
  private release!: () => void
  private readonly held = new Promise<void>((r) => (this.release = r))
  requests = 0
  override async resolve(due: readonly DueAlert[], time: number): Promise<AlertOutcome[]> {
    this.requests++
    const outcomes = await super.resolve(due, time)
    await this.held
    return outcomes
  }
  let(): void {
    this.release()
  }
}

describe('AlertService live bars from events', () => {
  it('scores a live bar from the bar events without reading the store, exactly as the stored history is scored', async () => {
    const open: AlertsConfig = { ...EMBEDDED_ALERT_BASKET, noise: { minIntervalMinutes: 0, maxPerTypePerDay: 1e6, maxPerHour: 1e6, dedupMinutes: 0, escalateWithinMinutes: 0 } }
    const n = 24
    const live = setup(join(dir, 'events.db'), HISTORY, open, MODELS)
    live.service.start()
    await live.service.idle()
    const reads = vi.spyOn(live.bars, 'pages')
    for (let i = HISTORY; i < HISTORY + n; i++) {
      liveBar(live, i)
      await live.service.idle({ resolutions: false })
    }
    // One read per member only where the next basket bar is not the one right after the last (a gap in the basket).
    const gaps = Array.from({ length: n }, (_, k) => HISTORY + k).filter((i) => times[i] - times[i - 1] !== 300_000).length
    expect(gaps).toBeLessThan(n)
    expect(reads.mock.calls.filter(([range]) => range.from !== undefined && range.from > times[HISTORY - 1] - 40 * 86_400_000 && (range.to ?? 0) <= times[HISTORY + n - 1] && range.from >= times[HISTORY - 1])).toHaveLength(gaps * symbols.length)
    reads.mockRestore()
    await live.service.idle()
    // The same bars stored before the loop starts: scored as history, from the store.
    const stored = setup(join(dir, 'events-history.db'), HISTORY + n, open, MODELS)
    stored.service.start()
    await stored.service.idle()
    const pick = (x: ReturnType<typeof setup>) =>
      x.alerts
        .list({ from: times[HISTORY], limit: 10_000 })
        .map((a) => ({ id: a.id, modelName: a.modelName, time: a.time, severity: a.severity, probability: a.probability, pRf: a.pRf, pGbdt: a.pGbdt, confidence: a.confidence }))
        .sort((a, b) => a.id.localeCompare(b.id))
    const fromEvents = pick(live)
    const fromStore = pick(stored)
    expect(fromEvents.length).toBeGreaterThan(0)
    // Same alerts; probabilities equal up to float32 summation order (one row per run live, all rows in one run as history).
    expect(fromEvents.map(({ id, modelName, time, severity }) => ({ id, modelName, time, severity }))).toEqual(fromStore.map(({ id, modelName, time, severity }) => ({ id, modelName, time, severity })))
    fromEvents.forEach((a, k) => {
      for (const f of ['probability', 'pRf', 'pGbdt', 'confidence'] as const) expect(Math.abs(a[f] - fromStore[k][f])).toBeLessThan(1e-6)
    })
    for (const x of [live, stored]) {
      await x.service.dispose()
      await x.registry.dispose()
      x.db.close()
    }
  }, 120_000)
})

describe('AlertService resolution off the bar path', () => {
  it('scores, stores and publishes a closed basket bar while a resolution of due alerts is still pending', async () => {
    const open: AlertsConfig = { ...EMBEDDED_ALERT_BASKET, noise: { minIntervalMinutes: 0, maxPerTypePerDay: 1e6, maxPerHour: 1e6, dedupMinutes: 0, escalateWithinMinutes: 0 } }
    const file = join(dir, 'held.db')
    let resolver!: HeldResolver
    const s = setup(file, HISTORY, open, MODELS, (bars) => (resolver = new HeldResolver(bars, { assets: symbols, venue, timeframe: '5m' }, file)))
    s.service.start()
    // The bar path only: the history is scored and its due alerts are sent to the resolver, whose answer is held.
    await s.service.idle({ resolutions: false })
    expect(resolver.requests).toBe(1)
    expect(s.service.pendingResolutions).toBe(1)
    const due = s.alerts.due('alt-btc-5m', times[HISTORY - 1])
    expect(due.length).toBeGreaterThan(0)
    // A closed basket bar arrives meanwhile: it is handled (scored, stored, fired) without waiting for the resolution.
    liveBar(s, HISTORY)
    await s.service.idle({ resolutions: false })
    expect(s.service.status().lastScoredAt).toBe(times[HISTORY])
    const fired = s.fired.filter((e) => e.kind === 'fired' && e.alert.time === times[HISTORY])
    expect(fired.length).toBeGreaterThan(0)
    expect(s.fired.filter((e) => e.kind === 'resolved')).toHaveLength(0)
    for (const a of due) expect(s.alerts.get(a.id)!.resolvedAt).toBeUndefined()
    // Released: the held outcomes are stored and published (alerts already sent are not sent twice).
    resolver.let()
    await s.service.idle()
    expect(s.service.pendingResolutions).toBe(0)
    for (const a of due) expect(s.alerts.get(a.id)!.resolvedAt).toBe(times[HISTORY - 1] + 300_000)
    const resolvedIds = s.fired.filter((e) => e.kind === 'resolved').map((e) => e.alert.id)
    expect(new Set(resolvedIds).size).toBe(resolvedIds.length)
    expect(resolvedIds).toEqual(expect.arrayContaining(due.map((a) => a.id)))
    await s.service.dispose()
    await s.registry.dispose()
    s.db.close()
  }, 120_000)
})

describe('AlertService policy, acknowledgement and status', () => {
  it('applies the §2 anti-noise defaults: at most 4 alerts of a type per day', async () => {
    const s = setup(join(dir, 'policy.db'), HISTORY, EMBEDDED_ALERT_BASKET, MODELS)
    s.service.start()
    await s.service.idle()
    const all = s.alerts.list({ limit: 10_000 })
    expect(all.length).toBeGreaterThan(0)
    for (const a of all) {
      const sameDay = all.filter((b) => b.type === a.type && b.time <= a.time && a.time - b.time < 86_400_000)
      expect(sameDay.length).toBeLessThanOrEqual(4)
    }
    await s.service.dispose()
    await s.registry.dispose()
    s.db.close()
  }, 120_000)

  it('persists an acknowledgement across a reopen of the database file and publishes it', async () => {
    const file = join(dir, 'ack.db')
    const s = setup(file, HISTORY, EMBEDDED_ALERT_BASKET, MODELS)
    s.service.start()
    await s.service.idle()
    const [a] = s.service.list({ limit: 1 })
    const acked = s.service.acknowledge(a.id)
    expect(acked.acknowledged).toBe(true)
    expect(s.fired.filter((e) => e.kind === 'acknowledged').map((e) => e.alert.id)).toEqual([a.id])
    expect(() => s.service.acknowledge('nope')).toThrow(/no alert "nope"/)
    await s.service.dispose()
    await s.registry.dispose()
    s.db.close()
    const db = openDatabase(file)
    expect(new SqliteAlertStore(db).get(a.id)).toMatchObject({ acknowledged: true, acknowledgedAt: acked.acknowledgedAt })
    db.close()
  }, 120_000)

  it('says why a basket without registered models is not scoring, and refuses a basket under 3 instruments', async () => {
    const s = setup(join(dir, 'none.db'), 600, EMBEDDED_ALERT_BASKET, undefined)
    s.service.start()
    await s.service.idle()
    const st = s.service.status()
    expect(st.state).toBe('waiting')
    expect(st.detail).toMatch(/no alert model is registered/)
    expect(st.models.every((m) => m.versionId === null && /no alerts-.* model is registered/.test(m.reason ?? ''))).toBe(true)
    const bad = new AlertService({ bars: s.bars, alerts: s.alerts, registry: s.registry, events: s.events, clock: systemClock, config: { assets: ['ETHBTC', 'ADABTC'], timeframe: '5m' } })
    expect(() => bad.start()).toThrow(/needs ≥ 3 instruments, got 2/)
    await bad.dispose()
    await s.service.dispose()
    await s.registry.dispose()
    s.db.close()
  })
})

describe('alerts over REST and in the embedded default', () => {
  let core: WorkstationCore
  let server: HeadlessServer
  let base = ''
  beforeAll(async () => {
    core = createCore({ dbPath: join(dir, 'embedded.db'), shell: 'headless', live: { kind: 'replay', barsPerSecond: 20 } })
    core.start()
    const first = new Promise<AlertEvent>((resolve) => core.subscribe('alert', (e) => e.kind === 'fired' && resolve(e)))
    await core.startLive()
    server = new HeadlessServer(core, { port: 0, token: 'secret' })
    base = `http://127.0.0.1:${(await server.start()).port}`
    // The replay servers start streaming once a client connects; the basket history is backfilled, then scored.
    await first
  }, 180_000)
  afterAll(async () => {
    await server.dispose()
    await core.dispose()
  })

  it('the embedded default fires alerts on the replayed basket with the shipped models', async () => {
    const alerts = await core.listAlerts({})
    expect(alerts.length).toBeGreaterThanOrEqual(1)
    expect(alerts[0].basket).toBe('alt-btc-5m')
    const st = await core.getAlertStatus()
    expect(st.assets).toEqual(EMBEDDED_ALERT_BASKET.assets)
  })

  it('marks the main feed series (BTC/USDT 5m) as primary, not the basket, so the chart opens on it', async () => {
    const series = await core.listSeries()
    expect(series.filter((s) => s.primary).map((s) => `${s.symbol} ${s.timeframe}`)).toEqual(['BTCUSDT 5m'])
    expect(series.some((s) => s.symbol === 'ADABTC' && !s.primary)).toBe(true)
  })

  it('GET /api/alerts needs no token; POST /api/alerts/:id/ack is refused without it and acknowledges with it', async () => {
    const list = (await (await fetch(`${base}/api/alerts?limit=3&symbol=adabtc`)).json()) as { id: string; assets: string[] }[]
    expect(list.length).toBeGreaterThan(0)
    expect(list.length).toBeLessThanOrEqual(3)
    for (const a of list) expect(a.assets).toContain('ADABTC')
    expect((await fetch(`${base}/api/alerts?minSeverity=S9`)).status).toBe(400)
    const id = list[0].id
    const refused = await fetch(`${base}/api/alerts/${id}/ack`, { method: 'POST' })
    expect(refused.status).toBe(401)
    expect((await core.listAlerts({ acknowledged: true })).map((a) => a.id)).not.toContain(id)
    const ok = await fetch(`${base}/api/alerts/${id}/ack`, { method: 'POST', headers: { Authorization: 'Bearer secret' } })
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { acknowledged: boolean }).acknowledged).toBe(true)
    expect((await fetch(`${base}/api/alerts/unknown-id/ack`, { method: 'POST', headers: { Authorization: 'Bearer secret' } })).status).toBe(404)
    const status = (await (await fetch(`${base}/api/ml/models/status`)).json()) as { alerts: { models: unknown[] } }
    expect(status.alerts.models).toHaveLength(16)
  })
})
