import { createStore, type StoreApi } from 'zustand/vanilla'
import {
  parseStrategyParam,
  strategyInfo,
  validateStrategyParams,
  type Disposable,
  type JobInfo,
  type LiveStrategySpec,
  type PaperAccount,
  type StoredBar,
  type WorkstationApi,
} from '../../src-shared'
import { errorLine } from '../api'
import type { LoadState, SeriesSelection } from './chart-store'
import type { StrategiesStore } from './strategies-store'

/** One strategy on one series: what the strategy menu, the Strategies view and the paper accounts are keyed by. */
export interface LiveTarget extends SeriesSelection {
  readonly strategy: string
}

/** Stable key of a target, spelt like the core's node key: `strategy@SYMBOL.VENUE:tf`. */
export function liveKey(t: Pick<LiveTarget, 'strategy' | 'symbol' | 'venue' | 'timeframe'>): string {
  return `${t.strategy}@${t.symbol}.${t.venue}:${t.timeframe}`
}

/** The parameters typed for a target, checked: the values to send (only those typed), or the refusals by parameter. */
export type ParamsCheck =
  | { readonly ok: true; readonly params: Readonly<Record<string, number | boolean>> }
  | { readonly ok: false; readonly errors: Readonly<Record<string, string>> }

/**
 * Checks typed parameters of a strategy (`draft`: text per parameter, empty = the default) with the catalog's rules
 * (`parseStrategyParam`, then `validateStrategyParams` for ranges and `below` rules between parameters).
 */
export function checkParams(strategy: string, draft: Readonly<Record<string, string>>): ParamsCheck {
  const info = strategyInfo(strategy)
  if (!info) return { ok: false, errors: { '': `unknown strategy "${strategy}"` } }
  const errors: Record<string, string> = {}
  const given: Record<string, number | boolean> = {}
  for (const p of info.parameters) {
    const v = parseStrategyParam(p, draft[p.name] ?? '')
    if (v === undefined) continue
    if (typeof v === 'object') errors[p.name] = v.error
    else given[p.name] = v
  }
  if (Object.keys(errors).length === 0) {
    const check = validateStrategyParams(strategy, given)
    if (check.ok) return { ok: true, params: given }
    for (const e of check.errors) errors[e.param] ??= e.message
  }
  return { ok: false, errors }
}

/** A stored spec's parameters as the text the fields show (absent ones empty: the default applies). */
export function paramsDraft(spec: Pick<LiveStrategySpec, 'params'> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(spec?.params ?? {}).map(([k, v]) => [k, String(v)]))
}

/** The paper account of a target, if the strategy runs there. */
export function accountOf(accounts: readonly PaperAccount[], t: LiveTarget): PaperAccount | undefined {
  const key = liveKey(t)
  return accounts.find((a) => liveKey(a) === key)
}

/**
 * A finished signal-quality training job in one line, from its result (the registered version, the alias it took, the
 * DOMAIN.md §4 checks it failed); the job's own message when the result does not have that shape.
 */
export function trainingOutcome(job: Pick<JobInfo, 'result' | 'message'>): string {
  const r = job.result as
    | {
        name?: unknown
        versionId?: unknown
        alias?: unknown
        trades?: unknown
        verdict?: {
          promote?: unknown
          checks?: readonly { name?: unknown; value?: unknown; rule?: unknown; passed?: unknown }[]
        }
      }
    | undefined
  if (!r || typeof r.name !== 'string' || typeof r.versionId !== 'string')
    return job.message || 'trained and registered'
  const trades = typeof r.trades === 'number' ? ` on ${r.trades} trades` : ''
  const head = `${r.name} ${r.versionId.slice(0, 12)}${trades}`
  if (r.alias === 'champion' || r.alias === 'challenger') return `${head}: ${r.alias} (passed DOMAIN.md §4)`
  const failed = (r.verdict?.checks ?? []).filter((c) => c.passed === false && typeof c.name === 'string')
  const why = failed.map(
    (c) =>
      `${String(c.name)} ${typeof c.value === 'number' && Number.isFinite(c.value) ? c.value.toFixed(3) : '—'} (${String(c.rule)})`,
  )
  return `${head}: no alias, failed DOMAIN.md §4${why.length ? ` — ${why.join(', ')}` : ''}`
}

/** Live strategies (setting `strategies.live`), their paper accounts, the parameter drafts and signal-quality training. */
export interface LiveStrategiesState {
  /** Enabled strategies with their stored parameters. */
  readonly specs: readonly LiveStrategySpec[]
  /** One paper account per running node. */
  readonly accounts: readonly PaperAccount[]
  readonly state: LoadState
  readonly error?: string
  /** Targets (`liveKey`) with an enable, disable or parameter change on the way. */
  readonly busy: readonly string[]
  /** Why the last change of a target was refused, one line per key. */
  readonly errors: Readonly<Record<string, string>>
  /** Parameters as typed per target (text per parameter; missing = as stored). */
  readonly drafts: Readonly<Record<string, Readonly<Record<string, string>>>>
  /** The newest signal-quality training job started here per target, kept current by job events. */
  readonly jobs: Readonly<Record<string, JobInfo>>
  /** Why a training start was refused, per target. */
  readonly trainErrors: Readonly<Record<string, string>>
  /** Reads the enabled specs and the paper accounts. */
  load(): Promise<void>
  /** Re-reads the paper accounts (one call at a time; a request meanwhile reads once more after it). */
  refreshAccounts(): Promise<void>
  /** Enables (with the typed parameters, refused while one is invalid) or disables a strategy on a series. */
  setEnabled(t: LiveTarget, enabled: boolean): Promise<void>
  /** Types a parameter of a target (empty text = the default). */
  editParam(t: LiveTarget, param: string, text: string): void
  /** Puts the fields back to the stored parameters. */
  resetParams(t: LiveTarget): void
  /** Stores the typed parameters of a running strategy (it restarts with them, warmed up again). */
  saveParams(t: LiveTarget): Promise<void>
  /** Starts the target's `signal-quality.train` job; one at a time per target. */
  train(t: LiveTarget, algo?: 'logreg' | 'gbdt'): Promise<void>
  /** Applies a `job` event to the training job it belongs to (others are ignored). */
  applyJob(job: JobInfo): void
}

export type LiveStrategiesStore = StoreApi<LiveStrategiesState>

const running = (j: JobInfo | undefined): boolean => j !== undefined && (j.state === 'queued' || j.state === 'running')

/** The typed parameters of a target: its draft over its stored spec's parameters. */
export function draftOf(
  s: Pick<LiveStrategiesState, 'drafts' | 'specs'>,
  t: LiveTarget,
): Readonly<Record<string, string>> {
  const key = liveKey(t)
  return s.drafts[key] ?? paramsDraft(s.specs.find((x) => liveKey(x) === key))
}

/** True when the typed parameters differ from the stored ones. */
export function paramsChanged(s: Pick<LiveStrategiesState, 'drafts' | 'specs'>, t: LiveTarget): boolean {
  const key = liveKey(t)
  if (!s.drafts[key]) return false
  const stored = paramsDraft(s.specs.find((x) => liveKey(x) === key))
  const typed = s.drafts[key]
  const names = new Set([...Object.keys(stored), ...Object.keys(typed)])
  return [...names].some((n) => (stored[n] ?? '').trim() !== (typed[n] ?? '').trim())
}

/** The live-strategies store over `listLiveStrategies`, `listPaperAccounts`, `setLiveStrategy` and `trainSignalQuality`. */
export function createLiveStrategiesStore(
  api: Pick<WorkstationApi, 'listLiveStrategies' | 'listPaperAccounts' | 'setLiveStrategy' | 'trainSignalQuality'>,
): LiveStrategiesStore {
  let reading: Promise<void> | undefined
  let again = false
  // Job events can overtake the answer of `trainSignalQuality` (a job that fails at once): the newest few are kept.
  const recent = new Map<string, JobInfo>()
  return createStore<LiveStrategiesState>()((set, get) => {
    const without = <T>(o: Readonly<Record<string, T>>, key: string): Record<string, T> => {
      const { [key]: _dropped, ...rest } = o
      return rest
    }
    const upsertAccount = (a: PaperAccount) => {
      const key = liveKey(a)
      const others = get().accounts.filter((x) => liveKey(x) !== key)
      set({ accounts: [...others, a] })
    }
    const change = async (t: LiveTarget, enabled: boolean, params?: Readonly<Record<string, number | boolean>>) => {
      const key = liveKey(t)
      if (get().busy.includes(key)) return
      set({ busy: [...get().busy, key], errors: without(get().errors, key) })
      const spec: LiveStrategySpec = {
        strategy: t.strategy,
        symbol: t.symbol,
        venue: t.venue,
        timeframe: t.timeframe,
        ...(params && Object.keys(params).length ? { params } : {}),
      }
      try {
        const account = await api.setLiveStrategy({ spec, enabled })
        const specs = get().specs.filter((x) => liveKey(x) !== key)
        if (enabled) {
          set({ specs: [...specs, spec], drafts: without(get().drafts, key) })
          if (account) upsertAccount(account)
        } else set({ specs, accounts: get().accounts.filter((a) => liveKey(a) !== key) })
      } catch (err) {
        set({ errors: { ...get().errors, [key]: errorLine(err) } })
      } finally {
        set({ busy: get().busy.filter((k) => k !== key) })
      }
    }
    const readAccounts = async () => {
      try {
        set({ accounts: await api.listPaperAccounts(), error: undefined })
      } catch (err) {
        set({ error: errorLine(err) })
      }
    }
    return {
      specs: [],
      accounts: [],
      state: 'idle',
      busy: [],
      errors: {},
      drafts: {},
      jobs: {},
      trainErrors: {},

      load: async () => {
        set({ state: 'loading', error: undefined })
        try {
          const [specs, accounts] = await Promise.all([api.listLiveStrategies(), api.listPaperAccounts()])
          set({ specs, accounts, state: 'ready' })
        } catch (err) {
          set({ state: 'error', error: errorLine(err) })
        }
      },

      refreshAccounts: async () => {
        if (reading) {
          again = true
          return reading
        }
        reading = (async () => {
          do {
            again = false
            await readAccounts()
          } while (again)
        })()
        try {
          await reading
        } finally {
          reading = undefined
        }
      },

      setEnabled: async (t, enabled) => {
        if (!enabled) return change(t, false)
        const check = checkParams(t.strategy, draftOf(get(), t))
        if (!check.ok) {
          set({ errors: { ...get().errors, [liveKey(t)]: `parameters: ${Object.values(check.errors).join('; ')}` } })
          return
        }
        return change(t, true, check.params)
      },

      editParam: (t, param, text) => {
        const key = liveKey(t)
        set({
          drafts: { ...get().drafts, [key]: { ...draftOf(get(), t), [param]: text } },
          errors: without(get().errors, key),
        })
      },

      resetParams: (t) => {
        const key = liveKey(t)
        set({ drafts: without(get().drafts, key), errors: without(get().errors, key) })
      },

      saveParams: async (t) => {
        const check = checkParams(t.strategy, draftOf(get(), t))
        if (!check.ok) return
        return change(t, true, check.params)
      },

      train: async (t, algo) => {
        const key = liveKey(t)
        if (running(get().jobs[key])) return
        set({ trainErrors: without(get().trainErrors, key) })
        try {
          const job = await api.trainSignalQuality({
            strategy: t.strategy,
            symbol: t.symbol,
            venue: t.venue,
            timeframe: t.timeframe,
            ...(algo ? { algo } : {}),
          })
          const seen = recent.get(job.id)
          set({ jobs: { ...get().jobs, [key]: seen && seen.updatedAt >= job.updatedAt ? seen : job } })
        } catch (err) {
          set({ trainErrors: { ...get().trainErrors, [key]: errorLine(err) } })
        }
      },

      applyJob: (job) => {
        recent.delete(job.id)
        recent.set(job.id, job)
        if (recent.size > 50) recent.delete(recent.keys().next().value!)
        const entry = Object.entries(get().jobs).find(([, j]) => j.id === job.id)
        if (!entry || entry[1].updatedAt > job.updatedAt) return
        set({ jobs: { ...get().jobs, [entry[0]]: job } })
      },
    }
  })
}

/** True when a live strategy runs on the bar's series. */
function runsOn(specs: readonly LiveStrategySpec[], bar: StoredBar): boolean {
  return specs.some((s) => s.symbol === bar.symbol && s.venue === bar.venue && s.timeframe === bar.timeframe)
}

/**
 * Wires the store: paper accounts are re-read after `signal` events and closed bars of a series a strategy runs on
 * (`delayMs` later, so a burst — a warm-up's signals, a replay — is one read and the node has handled the bar), after
 * model events (a new champion changes what scores), after an ML switch of `strategies` changed (the account says what
 * scores now) and when a training job of it ends; job events follow training.
 */
export function startLiveStrategiesStore(
  store: LiveStrategiesStore,
  api: Pick<WorkstationApi, 'subscribe'>,
  strategies?: StrategiesStore,
  delayMs = 250,
): Disposable {
  let timer: ReturnType<typeof setTimeout> | undefined
  const schedule = () => {
    if (timer !== undefined) return
    timer = setTimeout(() => {
      timer = undefined
      void store.getState().refreshAccounts()
    }, delayMs)
  }
  const subs = [
    api.subscribe('signal', schedule),
    api.subscribe('bar', (bar) => {
      if (!bar.partial && runsOn(store.getState().specs, bar)) schedule()
    }),
    api.subscribe('models', schedule),
    api.subscribe('job', (job) => {
      const before = Object.values(store.getState().jobs).find((j) => j.id === job.id)
      store.getState().applyJob(job)
      if (before && running(before) && !running(job)) schedule()
    }),
  ]
  if (strategies) subs.push({ dispose: strategies.subscribe((s, prev) => s.ml !== prev.ml && schedule()) })
  return {
    dispose: () => {
      subs.forEach((s) => s.dispose())
      if (timer !== undefined) clearTimeout(timer)
    },
  }
}
