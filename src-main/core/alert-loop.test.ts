import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ALERT_THRESHOLDS, systemClock, type AlertEvent, type Bar } from '../../src-shared'
import { HeadlessServer } from '../api'
import { datasetFrom, defaultBasketReplayFiles, DEMO_WINDOWS, loadReplayDataset } from '../data'
import { alignBasket, barsToColumns } from '../features'
import {
  ALERT_MUTE_SETTING,
  alertLabels,
  alertLabelSeries,
  AlertResolver,
  AlertService,
  NO_LABEL,
  type AlertResolution,
  type AlertsConfig,
  type DueAlert,
} from '../predictors'
import { ModelRegistry } from '../registry'
import { openDatabase, SqliteAlertStore, SqliteBarStore, SqliteSettingsStore } from '../store'
import { REPO_ROOT } from '../testing'
import { EventBus } from './event-bus'
import { createCore, EMBEDDED_ALERT_BASKET, type WorkstationCore } from './index'

/**
 * The bundled real US-equity hourly basket (resources/sample-data/lean: SPY, AAPL, IBM, VXX) from the window the shipped
 * default alert models (models/alerts-*.onnx) never saw: the first HISTORY aligned basket bars are stored before the
 * loop starts, LIVE more arrive as closed bars (stored, then published, as the live feed does).
 */
const HISTORY = 1500
const LIVE = 6
const MODELS = join(REPO_ROOT, 'models')
const venue = 'USA'
const HOUR = 3_600_000
const dataset = datasetFrom(loadReplayDataset(defaultBasketReplayFiles()), DEMO_WINDOWS.alerts.from)
const symbols = EMBEDDED_ALERT_BASKET.assets
const series = symbols.map((s) => dataset.bars.find((b) => b.symbol === s)!)
const aligned = alignBasket(series.map((s) => barsToColumns(s.bars)))
const times = Array.from(aligned[0].time)
const barAt = (a: number, i: number): Bar => ({
  time: aligned[a].time[i],
  open: aligned[a].open[i],
  high: aligned[a].high[i],
  low: aligned[a].low[i],
  close: aligned[a].close[i],
  volume: aligned[a].volume[i],
})

let dir: string

/** A fresh database with the first `n` aligned basket bars stored, and an AlertService over it. */
function setup(
  file: string,
  n: number,
  config: AlertsConfig,
  modelsDir: string | undefined,
  resolver?: (bars: SqliteBarStore) => AlertResolver,
) {
  const db = openDatabase(file)
  const bars = new SqliteBarStore(db)
  symbols.forEach((symbol, a) =>
    bars.upsert(
      { symbol, venue, timeframe: '1h' },
      Array.from({ length: n }, (_, i) => barAt(a, i)),
    ),
  )
  const events = new EventBus()
  const registry = new ModelRegistry(db, systemClock)
  const alerts = new SqliteAlertStore(db)
  // dbPath: due alerts are resolved by the worker thread, as in the core.
  const service = new AlertService({
    bars,
    alerts,
    registry,
    events,
    clock: systemClock,
    config,
    dbPath: file,
    ...(modelsDir ? { defaultModelsDir: modelsDir } : {}),
    ...(resolver ? { resolver: resolver(bars) } : {}),
  })
  const fired: AlertEvent[] = []
  events.subscribe('alert', (e) => fired.push(e))
  return { db, bars, events, registry, alerts, service, fired }
}

/** Stores then publishes basket bar i of every member (the live path). */
function liveBar(s: ReturnType<typeof setup>, i: number): void {
  symbols.forEach((symbol, a) => {
    const key = { symbol, venue, timeframe: '1h' as const }
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

describe('AlertService on the bundled US-equity basket with the shipped models', () => {
  // No anti-noise limits: every bar at or above S2 fires, so a live bar's alert is certain when its probability is.
  const open: AlertsConfig = {
    ...EMBEDDED_ALERT_BASKET,
    noise: { minIntervalMinutes: 0, maxPerTypePerDay: 1e6, maxPerHour: 1e6, dedupMinutes: 0, escalateWithinMinutes: 0 },
  }
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
    // A model with walk-forward skill that scores at or above S2 on the last live bar fires on it (no anti-noise limits here).
    const loud = st.models.find(
      (m) => !m.muted && m.versionId && m.lastProbability !== null && m.lastProbability >= ALERT_THRESHOLDS[m.type].s2,
    )!
    expect(loud).toBeDefined()
    const last = live.find((a) => a.time === times[HISTORY + LIVE - 1] && a.modelName === loud.modelName)!
    expect(last).toBeDefined()
    expect(last).toMatchObject({
      type: loud.type,
      horizonHours: loud.horizonHours,
      targetTime: last.time + loud.horizonHours * HOUR,
      basket: 'us-equities-1h',
      timeframe: '1h',
      assets: symbols,
      acknowledged: false,
      escalated: false,
      modelVersion: loud.versionId,
    })
    expect(last.muted).toBeUndefined()
    expect(last.severity).toBe(last.probability >= ALERT_THRESHOLDS[loud.type].s3 ? 'S3' : 'S2')
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
    const quiet = st.models.find(
      (m) => m.versionId && m.lastProbability !== null && m.lastProbability < ALERT_THRESHOLDS[m.type].s2,
    )!
    expect(quiet).toBeDefined()
    for (const a of s.alerts.list({ limit: 10_000, includeMuted: true }))
      expect(a.probability).toBeGreaterThanOrEqual(ALERT_THRESHOLDS[a.type].s2)
    expect(
      s.alerts
        .list({ limit: 10_000, includeMuted: true })
        .filter((a) => a.modelName === quiet.modelName && a.time === times[HISTORY + LIVE - 1]),
    ).toHaveLength(0)
  })

  it('mutes a model without walk-forward skill: its alerts are stored muted and resolved, never listed by default nor published', () => {
    const st = s.service.status()
    const muted = st.models.filter((m) => m.versionId && m.muted)
    const loud = st.models.filter((m) => m.versionId && !m.muted)
    expect(muted.length).toBeGreaterThan(0)
    expect(loud.length).toBeGreaterThan(0)
    // The verdict is the shared rule over the champion's walk-forward record: muted exactly when it has no skill.
    for (const m of [...muted, ...loud]) expect(m.skill!.skill).toBe(!m.muted)
    for (const m of muted) expect(m.skill!.detail).toMatch(/^log loss \d\.\d{3} [<≥] majority \d\.\d{3}; F1 /)
    const all = s.alerts.list({ limit: 10_000, includeMuted: true })
    const mutedAlerts = all.filter((a) => a.muted)
    expect(mutedAlerts.length).toBeGreaterThan(0)
    expect(new Set(mutedAlerts.map((a) => a.modelName))).toEqual(
      new Set(muted.filter((m) => m.fired > 0).map((m) => m.modelName)),
    )
    expect(s.alerts.list({ limit: 10_000 }).some((a) => a.muted)).toBe(false)
    const published = new Set(
      s.fired.filter((e) => e.kind === 'fired' || e.kind === 'escalated').map((e) => e.alert.id),
    )
    for (const a of mutedAlerts) expect(published.has(a.id)).toBe(false)
    // Their live record still grows: muted alerts are resolved like the others.
    expect(mutedAlerts.some((a) => a.outcome !== undefined)).toBe(true)
    // Each model's training window is on its card: every alert here is after it (out of sample).
    for (const m of [...muted, ...loud]) expect(m.trainingWindow!.to).toBeLessThanOrEqual(DEMO_WINDOWS.alerts.from)
  })

  it('resolves alerts whose target time has passed as hit or miss by the §2 label on the stored bars', () => {
    const all = s.alerts.list({ limit: 10_000, includeMuted: true })
    const resolved = all.filter((a) => a.resolvedAt !== undefined)
    // Settled in market time: at or after the target, never at the test machine's wall clock.
    for (const a of resolved) expect(a.resolvedAt!).toBeGreaterThanOrEqual(a.targetTime)
    for (const a of resolved) expect(a.resolvedAt!).toBeLessThan(Date.UTC(2022, 0, 1))
    const stillOpen = all.filter((a) => a.resolvedAt === undefined)
    expect(resolved.length).toBeGreaterThan(0)
    expect(stillOpen.length).toBeGreaterThan(0)
    const end = times[HISTORY + LIVE - 1]
    const at = new Map(times.map((t, i) => [t, i]))
    // Open: fewer than H bars have closed after it (the target time alone passes overnight, before H trading hours do).
    for (const a of stillOpen)
      expect(a.targetTime > end || at.get(a.time)! + a.horizonHours > HISTORY + LIVE - 1).toBe(true)
    for (const a of resolved) expect(a.targetTime).toBeLessThanOrEqual(end)
    // The label, computed independently over the whole stored basket.
    const n = HISTORY + LIVE
    const basket = aligned.map((c) => ({
      time: c.time.slice(0, n),
      open: c.open.slice(0, n),
      high: c.high.slice(0, n),
      low: c.low.slice(0, n),
      close: c.close.slice(0, n),
      volume: c.volume.slice(0, n),
      takerBuyVolume: c.takerBuyVolume.slice(0, n),
    }))
    const lab = alertLabelSeries({ basket, barsPerHour: 1 })
    let hits = 0
    const labels = new Map<string, Int32Array>()
    const index = new Map(times.map((t, i) => [t, i]))
    for (const a of resolved) {
      const key = `${a.type}:${a.horizonHours}`
      if (!labels.has(key)) labels.set(key, alertLabels(a.type, lab, a.horizonHours))
      const label = labels.get(key)![index.get(a.time)!]
      expect(a.outcome, `${a.type} h${a.horizonHours} at ${index.get(a.time)}`).toBe(
        label === NO_LABEL ? undefined : label === 1 ? 'hit' : 'miss',
      )
      if (a.outcome === 'hit') hits++
    }
    const st = s.service.status()
    const resolvedKnown = resolved.filter((a) => a.outcome)
    expect(st.models.reduce((k, m) => k + m.resolved, 0)).toBe(resolvedKnown.length)
    expect(st.models.reduce((k, m) => k + (m.hitRate ?? 0) * m.resolved, 0)).toBeCloseTo(hits, 6)
    expect(s.fired.filter((e) => e.kind === 'resolved').length).toBe(resolved.filter((a) => !a.muted).length)
  })

  it('lists the (type, horizon) models without a version with the reason the training gave', () => {
    const st = s.service.status()
    expect(st.models).toHaveLength(16)
    const rare = st.models.find((m) => m.modelName === 'alerts-correlation-breakdown-h4h')!
    expect(rare.versionId).toBeNull()
    expect(rare.reason).toMatch(
      /^not trained: base rate too low: "fires" fires on 0\.\d % of \d+ labelled rows \(below 0\.5 %\)/,
    )
    const always = st.models.find((m) => m.modelName === 'alerts-regime-change-pending-h48h')!
    expect(always.reason).toMatch(/^not trained: base rate too high: "fires" fires on 9\d\.\d % .*\(above 95\.0 %\)/)
    const withModel = st.models.filter((m) => m.versionId)
    expect(withModel.length).toBe(12)
    for (const m of withModel)
      expect(m.validation).toMatchObject({
        f1: expect.any(Number),
        baselineF1: expect.any(Number),
        logLoss: expect.any(Number),
        baselineLogLoss: expect.any(Number),
        baseRate: expect.any(Number),
      })
  })
})

/** The real resolver (worker thread, own connection), whose answers the test releases when it chooses. */
class HeldResolver extends AlertResolver {
  private release!: () => void
  private readonly held = new Promise<void>((r) => (this.release = r))
  requests = 0
  override async resolve(due: readonly DueAlert[], time: number): Promise<AlertResolution> {
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
    const open: AlertsConfig = {
      ...EMBEDDED_ALERT_BASKET,
      noise: {
        minIntervalMinutes: 0,
        maxPerTypePerDay: 1e6,
        maxPerHour: 1e6,
        dedupMinutes: 0,
        escalateWithinMinutes: 0,
      },
    }
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
    const gaps = Array.from({ length: n }, (_, k) => HISTORY + k).filter((i) => times[i] - times[i - 1] !== HOUR).length
    expect(gaps).toBeLessThan(n)
    expect(
      reads.mock.calls.filter(
        ([range]) =>
          range.from !== undefined &&
          range.from > times[HISTORY - 1] - 40 * 86_400_000 &&
          (range.to ?? 0) <= times[HISTORY + n - 1] &&
          range.from >= times[HISTORY - 1],
      ),
    ).toHaveLength(gaps * symbols.length)
    reads.mockRestore()
    await live.service.idle()
    // The same bars stored before the loop starts: scored as history, from the store.
    const stored = setup(join(dir, 'events-history.db'), HISTORY + n, open, MODELS)
    stored.service.start()
    await stored.service.idle()
    const pick = (x: ReturnType<typeof setup>) =>
      x.alerts
        .list({ from: times[HISTORY], limit: 10_000, includeMuted: true })
        .map((a) => ({
          id: a.id,
          modelName: a.modelName,
          time: a.time,
          severity: a.severity,
          probability: a.probability,
          pRf: a.pRf,
          pGbdt: a.pGbdt,
          confidence: a.confidence,
        }))
        .sort((a, b) => a.id.localeCompare(b.id))
    const fromEvents = pick(live)
    const fromStore = pick(stored)
    expect(fromEvents.length).toBeGreaterThan(0)
    // Same alerts; probabilities equal up to float32 summation order (one row per run live, all rows in one run as history).
    expect(fromEvents.map(({ id, modelName, time, severity }) => ({ id, modelName, time, severity }))).toEqual(
      fromStore.map(({ id, modelName, time, severity }) => ({ id, modelName, time, severity })),
    )
    fromEvents.forEach((a, k) => {
      for (const f of ['probability', 'pRf', 'pGbdt', 'confidence'] as const)
        expect(Math.abs(a[f] - fromStore[k][f])).toBeLessThan(1e-6)
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
    const open: AlertsConfig = {
      ...EMBEDDED_ALERT_BASKET,
      noise: {
        minIntervalMinutes: 0,
        maxPerTypePerDay: 1e6,
        maxPerHour: 1e6,
        dedupMinutes: 0,
        escalateWithinMinutes: 0,
      },
    }
    const file = join(dir, 'held.db')
    let resolver!: HeldResolver
    const s = setup(
      file,
      HISTORY,
      open,
      MODELS,
      (bars) => (resolver = new HeldResolver(bars, { assets: symbols, venue, timeframe: '1h' }, file)),
    )
    s.service.start()
    // The bar path only: the history is scored and its due alerts are sent to the resolver, whose answer is held.
    await s.service.idle({ resolutions: false })
    expect(resolver.requests).toBe(1)
    expect(s.service.pendingResolutions).toBe(1)
    const due = s.alerts.due('us-equities-1h', times[HISTORY - 1])
    expect(due.length).toBeGreaterThan(0)
    // A closed basket bar arrives meanwhile: it is handled (scored, stored, fired) without waiting for the resolution.
    liveBar(s, HISTORY)
    await s.service.idle({ resolutions: false })
    expect(s.service.status().lastScoredAt).toBe(times[HISTORY])
    expect(s.alerts.list({ from: times[HISTORY], to: times[HISTORY], includeMuted: true }).length).toBeGreaterThan(0)
    expect(s.fired.filter((e) => e.kind === 'resolved')).toHaveLength(0)
    for (const a of due) expect(s.alerts.get(a.id)!.resolvedAt).toBeUndefined()
    // Released: the held outcomes are stored and published (alerts already sent are not sent twice).
    resolver.let()
    await s.service.idle()
    expect(s.service.pendingResolutions).toBe(0)
    // Settled by the held answer: those whose H bars had closed by then (the rest stay open, asked again later).
    const index = new Map(times.map((t, i) => [t, i]))
    const settled = due.filter((a) => index.get(a.time)! + a.horizonHours <= HISTORY - 1)
    expect(settled.length).toBeGreaterThan(0)
    for (const a of settled) expect(s.alerts.get(a.id)!.resolvedAt).toBe(times[HISTORY - 1] + HOUR)
    const resolvedIds = s.fired.filter((e) => e.kind === 'resolved').map((e) => e.alert.id)
    expect(new Set(resolvedIds).size).toBe(resolvedIds.length)
    expect(resolvedIds).toEqual(
      expect.arrayContaining(settled.filter((a) => !s.alerts.get(a.id)!.muted).map((a) => a.id)),
    )
    await s.service.dispose()
    await s.registry.dispose()
    s.db.close()
  }, 120_000)
})

/** The real resolver, counting how often each alert is asked about. */
class CountingResolver extends AlertResolver {
  readonly asked = new Map<string, number>()
  override resolve(due: readonly DueAlert[], time: number): Promise<AlertResolution> {
    for (const a of due) this.asked.set(a.id, (this.asked.get(a.id) ?? 0) + 1)
    return super.resolve(due, time)
  }
}

describe('AlertService asks about an alert again only when its bars have closed', () => {
  it('on the gapped US-equity basket: each alert at most twice, resolved exactly when its H aligned bars closed', async () => {
    const open: AlertsConfig = {
      ...EMBEDDED_ALERT_BASKET,
      noise: {
        minIntervalMinutes: 0,
        maxPerTypePerDay: 1e6,
        maxPerHour: 1e6,
        dedupMinutes: 0,
        escalateWithinMinutes: 0,
      },
    }
    const file = join(dir, 'counting.db')
    let resolver!: CountingResolver
    const s = setup(
      file,
      HISTORY,
      open,
      MODELS,
      (bars) => (resolver = new CountingResolver(bars, { assets: symbols, venue, timeframe: '1h' }, file)),
    )
    s.service.start()
    await s.service.idle()
    const live = 30
    for (let i = HISTORY; i < HISTORY + live; i++) {
      liveBar(s, i)
      await s.service.idle()
    }
    const last = HISTORY + live - 1
    const index = new Map(times.map((t, i) => [t, i]))
    const all = s.alerts.list({ limit: 100_000, includeMuted: true })
    const open48 = all.filter((a) => index.get(a.time)! + a.horizonHours > last)
    expect(open48.length).toBeGreaterThan(0)
    for (const a of all) {
      const closed = index.get(a.time)! + a.horizonHours <= last
      expect(
        s.alerts.get(a.id)!.resolvedAt !== undefined,
        `${a.id} at bar ${index.get(a.time)} h${a.horizonHours}`,
      ).toBe(closed)
    }
    // Before, a due alert whose bars had not closed was asked about on every bar (30 times here for a 48 h alert).
    expect(Math.max(...resolver.asked.values())).toBeLessThanOrEqual(2)
    await s.service.dispose()
    await s.registry.dispose()
    s.db.close()
  }, 120_000)
})

describe('AlertService policy, acknowledgement and status', () => {
  it('applies the §2 anti-noise defaults to every severity: at most 4 alerts of a type per day, 360 min apart; an S3 inside the interval only raises the open S2', async () => {
    const s = setup(join(dir, 'policy.db'), HISTORY, EMBEDDED_ALERT_BASKET, MODELS)
    s.service.start()
    await s.service.idle()
    for (const shown of [true, false]) {
      const all = s.alerts.list({ limit: 10_000, includeMuted: true }).filter((a) => !a.muted === shown)
      expect(all.length).toBeGreaterThan(0)
      for (const a of all) {
        const sameType = all.filter((b) => b.type === a.type && b.id !== a.id)
        expect(sameType.filter((b) => b.time <= a.time && a.time - b.time < 86_400_000).length).toBeLessThan(4)
        // No two alerts of one type (S2 or S3) open within the 360 min interval: the four S3 fifteen minutes apart are gone.
        for (const b of sameType) expect(Math.abs(a.time - b.time)).toBeGreaterThanOrEqual(360 * 60_000)
      }
    }
    // Escalations: an S2 raised to S3 by a later candidate inside its interval, before its target time.
    for (const a of s.alerts.list({ limit: 10_000, includeMuted: true }).filter((x) => x.escalatedAt !== undefined)) {
      expect(a).toMatchObject({ severity: 'S3', escalated: true })
      expect(a.escalatedAt! - a.time).toBeLessThan(360 * 60_000)
      expect(a.escalatedAt!).toBeLessThan(a.targetTime)
      expect(a.escalatedProbability!).toBeGreaterThanOrEqual(ALERT_THRESHOLDS[a.type].s3)
    }
    await s.service.dispose()
    await s.registry.dispose()
    s.db.close()
  }, 120_000)

  it('unmuting a model (persisted) makes its next alerts shown and published; muting one with skill silences it', async () => {
    const file = join(dir, 'mute.db')
    const open: AlertsConfig = {
      ...EMBEDDED_ALERT_BASKET,
      noise: {
        minIntervalMinutes: 0,
        maxPerTypePerDay: 1e6,
        maxPerHour: 1e6,
        dedupMinutes: 0,
        escalateWithinMinutes: 0,
      },
    }
    const s = setup(file, HISTORY, open, undefined)
    const settings = new SqliteSettingsStore(s.db)
    const service = new AlertService({
      bars: s.bars,
      alerts: s.alerts,
      registry: s.registry,
      events: s.events,
      clock: systemClock,
      config: open,
      dbPath: file,
      defaultModelsDir: MODELS,
      settings,
    })
    service.start()
    await service.idle()
    const before = service.status()
    const target = before.models.find(
      (m) => m.muted && m.versionId && m.lastProbability !== null && m.lastProbability >= ALERT_THRESHOLDS[m.type].s2,
    )!
    const loud = before.models.find(
      (m) => !m.muted && m.versionId && m.lastProbability !== null && m.lastProbability >= ALERT_THRESHOLDS[m.type].s2,
    )!
    expect(target).toBeDefined()
    expect(loud).toBeDefined()
    expect(service.setMuted(target.modelName, false)).toMatchObject({
      modelName: target.modelName,
      muted: false,
      skill: { skill: false },
    })
    expect(service.setMuted(loud.modelName, true).muted).toBe(true)
    expect(settings.get(ALERT_MUTE_SETTING)).toEqual({ [target.modelName]: false, [loud.modelName]: true })
    expect(() => service.setMuted('alerts-nope-h1h', true)).toThrow(/no alert model "alerts-nope-h1h"/)
    for (let i = HISTORY; i < HISTORY + LIVE; i++) liveBar(s, i)
    await service.idle()
    const live = s.alerts.list({ from: times[HISTORY], limit: 10_000, includeMuted: true })
    const unmuted = live.filter((x) => x.modelName === target.modelName)
    const silenced = live.filter((x) => x.modelName === loud.modelName)
    expect(unmuted.length + silenced.length).toBeGreaterThan(0)
    for (const a of unmuted) expect(a.muted).toBeUndefined()
    for (const a of silenced) expect(a.muted).toBe(true)
    const published = new Set(s.fired.filter((e) => e.kind === 'fired').map((e) => e.alert.id))
    for (const a of unmuted) expect(published.has(a.id)).toBe(true)
    for (const a of silenced) expect(published.has(a.id)).toBe(false)
    // The choice survives a restart: a new service over the same settings starts with it.
    const again = new AlertService({
      bars: s.bars,
      alerts: s.alerts,
      registry: s.registry,
      events: new EventBus(),
      clock: systemClock,
      config: EMBEDDED_ALERT_BASKET,
      settings,
    })
    again.start()
    await again.idle()
    expect(again.status().models.find((m) => m.modelName === target.modelName)!.muted).toBe(false)
    expect(again.status().models.find((m) => m.modelName === loud.modelName)!.muted).toBe(true)
    for (const x of [again, service, s.service]) await x.dispose()
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
    expect(new SqliteAlertStore(db).get(a.id)).toMatchObject({
      acknowledged: true,
      acknowledgedAt: acked.acknowledgedAt,
    })
    db.close()
  }, 120_000)

  it('says why a basket without registered models is not scoring, and refuses a basket under 3 instruments', async () => {
    const s = setup(join(dir, 'none.db'), 600, EMBEDDED_ALERT_BASKET, undefined)
    s.service.start()
    await s.service.idle()
    const st = s.service.status()
    expect(st.state).toBe('waiting')
    expect(st.detail).toMatch(/no alert model is registered/)
    expect(
      st.models.every((m) => m.versionId === null && /no alerts-.* model is registered/.test(m.reason ?? '')),
    ).toBe(true)
    const bad = new AlertService({
      bars: s.bars,
      alerts: s.alerts,
      registry: s.registry,
      events: s.events,
      clock: systemClock,
      config: { assets: ['SPY', 'AAPL'], timeframe: '1h' },
    })
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
    core = createCore({
      dbPath: join(dir, 'embedded.db'),
      shell: 'headless',
      live: { kind: 'replay', barsPerSecond: 20 },
    })
    core.start()
    const first = new Promise<AlertEvent>((resolve) => core.subscribe('alert', (e) => e.kind === 'fired' && resolve(e)))
    await core.startLive()
    server = new HeadlessServer(core, { port: 0, token: 'alert-test-token-000001' })
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
    expect(alerts[0].basket).toBe('us-equities-1h')
    // Out of sample: every alert is on a bar after the shipped models' training window.
    for (const a of alerts) expect(a.time).toBeGreaterThanOrEqual(DEMO_WINDOWS.alerts.from)
    const st = await core.getAlertStatus()
    expect(st.assets).toEqual(EMBEDDED_ALERT_BASKET.assets)
  })

  it('marks the main feed series (BTC/USD 1h) as primary, not the basket, so the chart opens on it', async () => {
    const series = await core.listSeries()
    expect(series.filter((s) => s.primary).map((s) => `${s.symbol}.${s.venue} ${s.timeframe}`)).toEqual([
      'BTCUSD.COINBASE 1h',
    ])
    expect(series.some((s) => s.symbol === 'AAPL' && s.venue === 'USA' && !s.primary)).toBe(true)
  })

  it('GET /api/alerts needs no token; POST /api/alerts/:id/ack is refused without it and acknowledges with it', async () => {
    const list = (await (await fetch(`${base}/api/alerts?limit=3&symbol=aapl`)).json()) as {
      id: string
      assets: string[]
    }[]
    expect(list.length).toBeGreaterThan(0)
    expect(list.length).toBeLessThanOrEqual(3)
    for (const a of list) expect(a.assets).toContain('AAPL')
    expect((await fetch(`${base}/api/alerts?minSeverity=S9`)).status).toBe(400)
    const id = list[0].id
    const refused = await fetch(`${base}/api/alerts/${id}/ack`, { method: 'POST' })
    expect(refused.status).toBe(401)
    expect((await core.listAlerts({ acknowledged: true })).map((a) => a.id)).not.toContain(id)
    const ok = await fetch(`${base}/api/alerts/${id}/ack`, {
      method: 'POST',
      headers: { Authorization: 'Bearer alert-test-token-000001' },
    })
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as { acknowledged: boolean }).acknowledged).toBe(true)
    expect(
      (
        await fetch(`${base}/api/alerts/unknown-id/ack`, {
          method: 'POST',
          headers: { Authorization: 'Bearer alert-test-token-000001' },
        })
      ).status,
    ).toBe(404)
    const status = (await (await fetch(`${base}/api/ml/models/status`)).json()) as { alerts: { models: unknown[] } }
    expect(status.alerts.models).toHaveLength(16)
  })
})
