import { createStore, type StoreApi } from 'zustand/vanilla'
import {
  ALERT_THRESHOLDS,
  ALERT_TYPES,
  symbolKey,
  type Alert,
  type AlertEvent,
  type AlertModelStatus,
  type AlertSeverity,
  type AlertStatus,
  type AlertBasketSpec,
  type AlertType,
  type Disposable,
  type JobInfo,
  type WorkstationApi,
} from '../../src-shared'
import { errorLine } from '../api'
import type { ChartStore, LoadState } from './chart-store'
import type { NavigationStore } from './navigation-store'

/** Short trader-facing names of the alert types. */
export const ALERT_TYPE_LABELS: Readonly<Record<AlertType, string>> = {
  VOLATILITY_SPIKE_IMMINENT: 'Vol spike',
  SPIKE_LIKELY: 'Corr spike',
  CORRELATION_BREAKDOWN: 'Corr breakdown',
  REGIME_CHANGE_PENDING: 'Regime change',
}

/** Newest alerts loaded (alerts are rate limited: at most 20 per hour, 4 per type and day). */
export const ALERT_LIST_LIMIT = 2000

/** What the Alerts view shows; every field narrows, `'all'`/`''` keeps everything. */
export interface AlertFilters {
  readonly type: AlertType | 'all'
  readonly severity: AlertSeverity | 'all'
  readonly status: 'all' | 'open' | 'resolved'
  readonly acknowledged: 'all' | 'yes' | 'no'
  /** Case-insensitive prefix of one of the alert's assets. */
  readonly symbol: string
}

export const NO_ALERT_FILTERS: AlertFilters = {
  type: 'all',
  severity: 'all',
  status: 'all',
  acknowledged: 'all',
  symbol: '',
}

/** Alerts (newest first), the Alerts view's filters and selection, and the live loop's model status. */
export interface AlertsState {
  readonly alerts: readonly Alert[]
  readonly state: LoadState
  readonly error?: string
  readonly filters: AlertFilters
  readonly selectedId?: string
  /** Ids being acknowledged right now (button disabled). */
  readonly acknowledging: readonly string[]
  /** The last acknowledgement that failed, as one line. */
  readonly ackError?: string
  readonly status?: AlertStatus
  readonly statusError?: string
  /** Model names whose mute switch is being changed (button disabled), and the last failure as one line. */
  readonly muting: readonly string[]
  readonly muteError?: string
  /** The alert the chart should scroll to (set by `showAlertOnChart`); `seq` tells repeated requests apart. */
  readonly chartFocus?: ChartFocus
  /** A basket change on its way to the core, and why the last one was refused (one line). */
  readonly basketSaving: boolean
  readonly basketError?: string
  /** The newest basket training job started here, kept current by job events; why starting one was refused. */
  readonly trainJob?: JobInfo
  readonly trainError?: string
  /** Loads the newest alerts (keeps the selection when it is still listed). */
  load(): Promise<void>
  /** Re-reads the live loop's basket, models and probabilities. */
  loadStatus(): Promise<void>
  /** Applies an `alert` event: a fired alert is inserted, an acknowledged or resolved one replaced. */
  applyEvent(e: AlertEvent): void
  setFilters(change: Partial<AlertFilters>): void
  select(id: string | undefined): void
  /** Moves the selection by `delta` rows within the filtered list (first row when nothing is selected). */
  move(delta: number): void
  /** Acknowledges an alert (token-protected call); the answer replaces it in the list. */
  acknowledge(id: string): Promise<void>
  /** Mutes or unmutes one alert model (persisted by the core); the status is re-read. Failures land in `muteError`. */
  setMuted(modelName: string, muted: boolean): Promise<void>
  /** Asks the chart to show `time` on `symbol`'s bars. */
  focusChart(symbol: string, time: number): void
  /** Chooses the basket the live loop scores (null: back to the default); the answer is the new status. */
  setBasket(basket: AlertBasketSpec | null): Promise<boolean>
  /** Trains the basket's (type, horizon) models as one job (`alerts.train`); one at a time. */
  trainBasket(): Promise<void>
  /** Applies a `job` event to the basket training job (others are ignored); the status is re-read when it ends. */
  applyJob(job: JobInfo): void
}

/** A request to scroll the chart to an alert's bar. */
export interface ChartFocus {
  readonly symbol: string
  readonly time: number
  readonly seq: number
}

export type AlertsStore = StoreApi<AlertsState>

/** Newest first: by time, then by id so equal times keep one order. */
function newestFirst(a: Alert, b: Alert): number {
  return b.time - a.time || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
}

/** True when the alert's horizon has not been resolved yet. */
export function isOpen(a: Alert): boolean {
  return a.outcome === undefined
}

/** The alerts the filters keep, in their order. */
export function filterAlerts(alerts: readonly Alert[], f: AlertFilters): Alert[] {
  const symbol = symbolKey(f.symbol)
  return alerts.filter(
    (a) =>
      (f.type === 'all' || a.type === f.type) &&
      (f.severity === 'all' || a.severity === f.severity) &&
      (f.status === 'all' || (f.status === 'open') === isOpen(a)) &&
      (f.acknowledged === 'all' || (f.acknowledged === 'yes') === a.acknowledged) &&
      (symbol === '' || a.assets.some((s) => symbolKey(s).startsWith(symbol))),
  )
}

/** Alerts that concern one symbol (chart markers), oldest first. */
export function alertsForSymbol(alerts: readonly Alert[], symbol: string | undefined): Alert[] {
  if (!symbol) return []
  return alerts.filter((a) => a.assets.includes(symbol)).sort((a, b) => a.time - b.time)
}

/** The severity a probability of this type would raise, or null below S2 (DOMAIN.md §2). */
export function severityOf(type: AlertType, p: number | null): AlertSeverity | null {
  if (p === null) return null
  const th = ALERT_THRESHOLDS[type]
  return p >= th.s3 ? 'S3' : p >= th.s2 ? 'S2' : null
}

/** Per alert type: the highest newest probability over its horizons (and which), and its open alerts. */
export interface AlertTypeSummary {
  readonly type: AlertType
  readonly probability: number | null
  readonly horizonHours: number | null
  readonly open: number
  /** Models of the type with a registered version, and how many of them are muted (the probability is of the others). */
  readonly models: number
  readonly muted: number
}

/** One line per alert type for the forecast card, from the status (probabilities) and the alerts (open counts). */
export function summarizeAlertTypes(status: AlertStatus | undefined, alerts: readonly Alert[]): AlertTypeSummary[] {
  return ALERT_TYPES.map((type) => {
    const ms: AlertModelStatus[] = (status?.models ?? []).filter((m) => m.type === type)
    // Muted models (no walk-forward skill) fire nothing: their probabilities are not what the type is signalling.
    let best: AlertModelStatus | undefined
    for (const m of ms)
      if (!m.muted && m.lastProbability !== null && (best === undefined || m.lastProbability > best.lastProbability!))
        best = m
    return {
      type,
      probability: best?.lastProbability ?? null,
      horizonHours: best?.horizonHours ?? null,
      open: alerts.reduce((n, a) => n + (a.type === type && isOpen(a) ? 1 : 0), 0),
      models: ms.filter((m) => m.versionId !== null).length,
      muted: ms.filter((m) => m.versionId !== null && m.muted).length,
    }
  })
}

/** Inserts or replaces one alert, keeping newest first. */
export function upsertAlert(alerts: readonly Alert[], alert: Alert): Alert[] {
  const i = alerts.findIndex((a) => a.id === alert.id)
  if (i >= 0) {
    const next = [...alerts]
    next[i] = alert
    return next
  }
  return [alert, ...alerts].sort(newestFirst).slice(0, ALERT_LIST_LIMIT)
}

/** The alerts store over `listAlerts`, `acknowledgeAlert` and `getAlertStatus`; stale list answers are dropped. */
export function createAlertsStore(
  api: Pick<
    WorkstationApi,
    'listAlerts' | 'acknowledgeAlert' | 'getAlertStatus' | 'setAlertModelMuted' | 'setAlertBasket' | 'trainAlertBasket'
  >,
): AlertsStore {
  let request = 0
  // Job events can overtake the answer of `trainAlertBasket`: the newest few are kept.
  const recent = new Map<string, JobInfo>()
  return createStore<AlertsState>()((set, get) => ({
    alerts: [],
    state: 'idle',
    filters: NO_ALERT_FILTERS,
    acknowledging: [],
    muting: [],
    basketSaving: false,

    setBasket: async (basket) => {
      if (get().basketSaving) return false
      set({ basketSaving: true, basketError: undefined })
      try {
        set({ status: await api.setAlertBasket({ basket }), statusError: undefined })
        void get().load()
        return true
      } catch (err) {
        set({ basketError: errorLine(err) })
        return false
      } finally {
        set({ basketSaving: false })
      }
    },

    trainBasket: async () => {
      const j = get().trainJob
      if (j && (j.state === 'queued' || j.state === 'running')) return
      set({ trainError: undefined })
      try {
        const job = await api.trainAlertBasket()
        const seen = recent.get(job.id)
        set({ trainJob: seen && seen.updatedAt >= job.updatedAt ? seen : job })
      } catch (err) {
        set({ trainError: errorLine(err) })
      }
    },

    applyJob: (job) => {
      recent.delete(job.id)
      recent.set(job.id, job)
      if (recent.size > 50) recent.delete(recent.keys().next().value!)
      const mine = get().trainJob
      if (!mine || mine.id !== job.id || mine.updatedAt > job.updatedAt) return
      set({ trainJob: job })
      if (job.state === 'succeeded' || job.state === 'failed' || job.state === 'cancelled') void get().loadStatus()
    },

    load: async () => {
      const r = ++request
      set({ state: 'loading', error: undefined })
      try {
        const listed = await api.listAlerts({ limit: ALERT_LIST_LIMIT })
        if (r !== request) return
        const alerts = [...listed].sort(newestFirst)
        const selectedId = alerts.some((a) => a.id === get().selectedId) ? get().selectedId : undefined
        set({ alerts, state: 'ready', selectedId })
      } catch (err) {
        if (r === request) set({ state: 'error', error: errorLine(err) })
      }
    },

    loadStatus: async () => {
      try {
        set({ status: await api.getAlertStatus(), statusError: undefined })
      } catch (err) {
        set({ statusError: errorLine(err) })
      }
    },

    applyEvent: (e) => set({ alerts: upsertAlert(get().alerts, e.alert) }),

    setFilters: (change) => {
      const filters = { ...get().filters, ...change }
      const shown = filterAlerts(get().alerts, filters)
      set({ filters, selectedId: shown.some((a) => a.id === get().selectedId) ? get().selectedId : undefined })
    },

    select: (selectedId) => set({ selectedId }),

    move: (delta) => {
      const shown = filterAlerts(get().alerts, get().filters)
      if (shown.length === 0) return
      const at = shown.findIndex((a) => a.id === get().selectedId)
      const next = at < 0 ? 0 : Math.min(shown.length - 1, Math.max(0, at + delta))
      set({ selectedId: shown[next].id })
    },

    focusChart: (symbol, time) => set({ chartFocus: { symbol, time, seq: (get().chartFocus?.seq ?? 0) + 1 } }),

    setMuted: async (modelName, muted) => {
      if (get().muting.includes(modelName)) return
      set({ muting: [...get().muting, modelName], muteError: undefined })
      try {
        const m = await api.setAlertModelMuted({ modelName, muted })
        const status = get().status
        if (status)
          set({ status: { ...status, models: status.models.map((x) => (x.modelName === m.modelName ? m : x)) } })
      } catch (err) {
        set({ muteError: errorLine(err) })
      } finally {
        set({ muting: get().muting.filter((x) => x !== modelName) })
      }
    },

    acknowledge: async (id) => {
      const a = get().alerts.find((x) => x.id === id)
      if (!a || a.acknowledged || get().acknowledging.includes(id)) return
      set({ acknowledging: [...get().acknowledging, id], ackError: undefined })
      try {
        const updated = await api.acknowledgeAlert({ id })
        set({ alerts: upsertAlert(get().alerts, updated) })
      } catch (err) {
        set({ ackError: errorLine(err) })
      } finally {
        set({ acknowledging: get().acknowledging.filter((x) => x !== id) })
      }
    },
  }))
}

/**
 * Shows an alert on the chart: the charted symbol when the alert concerns it, else its first asset with stored bars
 * (at the alert's timeframe when stored); switches to the Chart view scrolled to the alert's bar. False when none of
 * its assets has stored bars.
 */
export function showAlertOnChart(
  stores: { alerts: AlertsStore; chart: ChartStore; navigation: NavigationStore },
  alert: Alert,
): boolean {
  const { series, selection } = stores.chart.getState()
  const stored = (symbol: string) => series.filter((s) => s.symbol === symbol)
  const symbol =
    selection && alert.assets.includes(selection.symbol)
      ? selection.symbol
      : alert.assets.find((a) => stored(a).length > 0)
  if (!symbol) return false
  const choices = stored(symbol)
  const same =
    selection?.symbol === symbol
      ? choices.find((s) => s.venue === selection.venue && s.timeframe === selection.timeframe)
      : undefined
  const pick = same ?? choices.find((s) => s.timeframe === alert.timeframe) ?? choices[0]
  stores.alerts.getState().focusChart(symbol, alert.time)
  void stores.chart.getState().select({ symbol: pick.symbol, venue: pick.venue, timeframe: pick.timeframe })
  stores.navigation.getState().show('chart')
  return true
}

/**
 * Wires the alerts store: applies `alert` events (a fired or resolved alert also re-reads the status: counts and
 * hit rates) and re-reads the status every `refreshMs` (probabilities move with every scored bar). Dispose to detach.
 */
export function startAlertsStore(
  store: AlertsStore,
  api: Pick<WorkstationApi, 'subscribe'>,
  refreshMs = 5000,
): Disposable {
  const sub = api.subscribe('alert', (e) => {
    store.getState().applyEvent(e)
    if (e.kind !== 'acknowledged') void store.getState().loadStatus()
  })
  const jobs = api.subscribe('job', (job) => store.getState().applyJob(job))
  const timer = setInterval(() => void store.getState().loadStatus(), refreshMs)
  return {
    dispose: () => {
      sub.dispose()
      jobs.dispose()
      clearInterval(timer)
    },
  }
}
