import { createStore, type StoreApi } from 'zustand/vanilla'
import {
  BACKFILL_JOB_KIND,
  TRAIN_JOB_KIND,
  TRAIN_ALGOS,
  type JobInfo,
  type ModelAlias,
  type ModelAliasEvent,
  type ModelDetail,
  type ModelListItem,
  type ModelMetricSummary,
  type ModelsEvent,
  type ModelVersionInfo,
  type ModelVersionMetrics,
  type SeriesSummary,
  type TrainAlgo,
  type TrainModelRequest,
  type WorkstationApi,
} from '../../src-shared'
import { errorLine } from '../api'

// The job kind its calls start (src-shared/job-requests.ts), for the views that follow the job.
export { BACKFILL_JOB_KIND, TRAIN_JOB_KIND }

/** The metrics the Models view compares with the baselines; `lower` marks lower-is-better. */
export const COMPARED_METRICS = [
  { key: 'f1', label: 'F1', lower: false },
  { key: 'rocAuc', label: 'AUC', lower: false },
  { key: 'logLoss', label: 'Log loss', lower: true },
  { key: 'accuracy', label: 'Accuracy', lower: false },
] as const satisfies readonly { key: keyof ModelMetricSummary; label: string; lower: boolean }[]

export type ComparedMetric = (typeof COMPARED_METRICS)[number]['key']

/** One metric of a version next to its baselines; `beats…` is null when either side is unknown. */
export interface MetricComparison {
  readonly key: ComparedMetric
  readonly label: string
  readonly model: number | null
  readonly majority: number | null
  readonly persistence: number | null
  readonly beatsMajority: boolean | null
  readonly beatsPersistence: boolean | null
}

const finite = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null)

/** Model vs majority and persistence baselines for each compared metric (honest ML: losing is shown, not hidden). */
export function compareToBaselines(metrics: ModelVersionMetrics | undefined): MetricComparison[] {
  return COMPARED_METRICS.map(({ key, label, lower }) => {
    const model = finite(metrics?.validation?.[key])
    const majority = finite(metrics?.baselines?.majority?.[key])
    const persistence = finite(metrics?.baselines?.persistence?.[key])
    const beats = (b: number | null) => (model === null || b === null ? null : lower ? model < b : model > b)
    return {
      key,
      label,
      model,
      majority,
      persistence,
      beatsMajority: beats(majority),
      beatsPersistence: beats(persistence),
    }
  })
}

/** One line on a version vs its baselines, on F1 (the metric the promotion gate uses). */
export function baselineVerdict(metrics: ModelVersionMetrics | undefined): {
  tone: 'good' | 'warn' | 'bad' | 'unknown'
  text: string
} {
  const f1 = compareToBaselines(metrics).find((m) => m.key === 'f1')!
  if (f1.beatsMajority === null && f1.beatsPersistence === null) return { tone: 'unknown', text: 'no baselines' }
  if (f1.beatsMajority && f1.beatsPersistence) return { tone: 'good', text: 'beats both baselines' }
  if (f1.beatsMajority === false && f1.beatsPersistence === false) return { tone: 'bad', text: 'below both baselines' }
  return { tone: 'warn', text: f1.beatsPersistence === false ? 'below persistence' : 'below majority' }
}

/** The version a rollback of `alias` would restore (the registry's stack order), or undefined when there is none. */
export function rollbackTarget(history: readonly ModelAliasEvent[], alias: ModelAlias): string | undefined {
  const stack: (string | null)[] = []
  for (const e of history) {
    if (e.alias !== alias) continue
    if (e.kind === 'rollback') stack.pop()
    else stack.push(e.from)
  }
  return stack[stack.length - 1] ?? undefined
}

/** The version the detail panel opens on: the champion, else the newest. */
export function defaultVersion(d: ModelDetail): string | undefined {
  return d.aliases.champion ?? d.versions[0]?.id
}

/** The algorithm recorded in a version's card (trainer name), if any. */
export function versionAlgo(v: ModelVersionInfo): string {
  const a = v.card.training?.algo
  return typeof a === 'string' ? a : '—'
}

/** Top `n` features by gain, with permutation importance beside it. */
export function topImportance(
  v: ModelVersionInfo | undefined,
  n = 15,
): { feature: string; gain: number; permutation: number }[] {
  const imp = v?.metrics.evaluation?.importance ?? []
  return [...imp].sort((a, b) => b.gain - a.gain || a.feature.localeCompare(b.feature)).slice(0, n)
}

/** Key of a stored series in the train form's picker. */
export function seriesKey(s: Pick<SeriesSummary, 'symbol' | 'venue' | 'timeframe'>): string {
  return `${s.symbol}|${s.venue}|${s.timeframe}`
}

/** The train form as typed. */
export interface TrainDraft {
  /** `seriesKey` of the stored series; empty = none chosen. */
  readonly series: string
  readonly algo: TrainAlgo
  readonly horizon: string
}

/** Turns the draft into a request, or a one-line reason why it cannot be one. */
export function trainRequest(d: TrainDraft, series: readonly SeriesSummary[]): TrainModelRequest | string {
  const s = series.find((x) => seriesKey(x) === d.series)
  if (!s) return 'choose a stored series to train on'
  if (!(TRAIN_ALGOS as readonly string[]).includes(d.algo)) return `unknown algorithm "${d.algo}"`
  const h = Number(d.horizon)
  if (!Number.isInteger(h) || h < 1 || h > 10_000) return 'horizon must be a whole number of bars (1–10000)'
  return { symbol: s.symbol, venue: s.venue, timeframe: s.timeframe, algo: d.algo, horizon: h }
}

/** The reason prompt for an alias move: promote a version to an alias, or roll an alias back. */
export interface AliasDialog {
  readonly kind: 'promote' | 'rollback'
  readonly name: string
  /** Version being promoted (promote only). */
  readonly versionId?: string
  readonly alias: ModelAlias
  readonly reason: string
  /** Champion without a passing gate or A/B win (promote only); still needs the reason. */
  readonly force: boolean
  readonly submitting: boolean
  readonly error?: string
}

export type LoadState = 'idle' | 'loading' | 'ready' | 'error'

/** The Models view: model names, one model's detail, the selected version, the train form and the alias dialog. */
export interface ModelsState {
  readonly models: readonly ModelListItem[]
  readonly listState: LoadState
  readonly listError?: string
  readonly selectedName?: string
  readonly detail?: ModelDetail
  readonly detailState: LoadState
  readonly detailError?: string
  readonly selectedVersion?: string
  readonly trainOpen: boolean
  readonly trainDraft: TrainDraft
  readonly trainSubmitting: boolean
  readonly trainError?: string
  /** The training job started from the form (progress comes from the jobs store). */
  readonly trainJob?: JobInfo
  readonly dialog?: AliasDialog
  /** `seriesKey` of the stored series the backfill scores (empty: the first listed). */
  readonly backfillSeries: string
  readonly backfillSubmitting: boolean
  readonly backfillError?: string
  /** The backfill job started from the open model (progress comes from `job` events). */
  readonly backfillJob?: JobInfo
  /** The model name `backfillJob` scores. */
  readonly backfillFor?: string
  /** Lists model names; selects the first when none is selected. */
  load(): Promise<void>
  /** Opens one model name (its detail), on its champion. */
  select(name: string): Promise<void>
  selectVersion(id: string): void
  /** Moves the version selection by `delta` rows in the versions table (keyboard). */
  moveVersion(delta: number): void
  /** A `models` event: reload the list, and the detail when it is about the open model (or none is open). */
  applyEvent(e: ModelsEvent): Promise<void>
  /** A `job` event: keeps the form's training job current. */
  applyJob(job: JobInfo): void
  toggleTrain(): void
  editTrain(change: Partial<TrainDraft>): void
  /** Starts `trainModel` with the draft on one of `series`. */
  submitTrain(series: readonly SeriesSummary[]): Promise<void>
  openPromote(versionId: string, alias?: ModelAlias): void
  openRollback(alias: ModelAlias): void
  editDialog(change: Partial<Pick<AliasDialog, 'alias' | 'reason' | 'force'>>): void
  closeDialog(): void
  /** Sends the dialog's promote or rollback; a refusal stays in the dialog as one line. */
  submitDialog(): Promise<void>
  editBackfill(series: string): void
  /** Starts the `predictions.backfill` job of the open model's champion over the chosen one of `series`. */
  submitBackfill(series: readonly SeriesSummary[]): Promise<void>
}

export type ModelsStore = StoreApi<ModelsState>

const EMPTY_DRAFT: TrainDraft = { series: '', algo: 'gbdt', horizon: '12' }

type ModelsApi = Pick<
  WorkstationApi,
  'listModels' | 'getModel' | 'trainModel' | 'promoteModel' | 'rollbackModel' | 'startJob'
>

/** The Models view's store over the Models API. */
export function createModelsStore(api: ModelsApi): ModelsStore {
  let detailSeq = 0
  const store = createStore<ModelsState>()((set, get) => {
    const loadDetail = async (name: string, keepVersion: boolean): Promise<void> => {
      const seq = ++detailSeq
      set({ detailState: 'loading' })
      try {
        const detail = await api.getModel({ name })
        if (seq !== detailSeq) return
        const current = get().selectedVersion
        const selectedVersion =
          keepVersion && current && detail.versions.some((v) => v.id === current) ? current : defaultVersion(detail)
        set({ detail, detailState: 'ready', detailError: undefined, selectedVersion })
      } catch (err) {
        if (seq === detailSeq) set({ detailState: 'error', detailError: errorLine(err) })
      }
    }
    return {
      models: [],
      listState: 'idle',
      detailState: 'idle',
      trainOpen: false,
      trainDraft: EMPTY_DRAFT,
      trainSubmitting: false,
      backfillSeries: '',
      backfillSubmitting: false,
      load: async () => {
        set({ listState: 'loading' })
        try {
          const models = await api.listModels()
          set({ models, listState: 'ready', listError: undefined })
          const sel = get().selectedName
          if (sel && models.some((m) => m.name === sel)) await loadDetail(sel, true)
          else if (models.length) await get().select(models[0].name)
          else set({ selectedName: undefined, detail: undefined, selectedVersion: undefined, detailState: 'idle' })
        } catch (err) {
          set({ listState: 'error', listError: errorLine(err) })
        }
      },
      select: async (name) => {
        set({
          selectedName: name,
          selectedVersion: get().selectedName === name ? get().selectedVersion : undefined,
          ...(get().detail?.name === name ? {} : { detail: undefined }),
        })
        await loadDetail(name, get().detail?.name === name)
      },
      selectVersion: (id) => set({ selectedVersion: id }),
      moveVersion: (delta) => {
        const versions = get().detail?.versions ?? []
        if (!versions.length) return
        const i = versions.findIndex((v) => v.id === get().selectedVersion)
        const next = Math.max(0, Math.min(versions.length - 1, (i < 0 ? 0 : i) + delta))
        set({ selectedVersion: versions[next].id })
      },
      applyEvent: async (e) => {
        // A model trained from the form opens in the view on its new version; other changes refresh in place.
        const fromForm = e.change === 'trained' && get().trainJob !== undefined
        if (fromForm || !get().selectedName) set({ selectedName: e.name })
        await get().load()
        if (fromForm && e.versionId && get().detail?.versions.some((v) => v.id === e.versionId))
          set({ selectedVersion: e.versionId })
      },
      applyJob: (job) => {
        const mine = get().trainJob
        if (mine && mine.id === job.id && job.updatedAt >= mine.updatedAt) set({ trainJob: job })
        const backfill = get().backfillJob
        if (backfill && backfill.id === job.id && job.updatedAt >= backfill.updatedAt) set({ backfillJob: job })
      },
      editBackfill: (series) => set({ backfillSeries: series, backfillError: undefined }),
      submitBackfill: async (series) => {
        const name = get().detail?.name
        const key = get().backfillSeries || (series[0] ? seriesKey(series[0]) : '')
        const s = series.find((x) => seriesKey(x) === key)
        if (!name) return
        if (!s) return set({ backfillError: 'choose a stored series to backfill' })
        set({ backfillSubmitting: true, backfillError: undefined })
        try {
          const params = { model: name, symbol: s.symbol, venue: s.venue, timeframe: s.timeframe }
          const job = await api.startJob({ kind: BACKFILL_JOB_KIND, params })
          set({ backfillSubmitting: false, backfillJob: job, backfillFor: name })
        } catch (err) {
          set({ backfillSubmitting: false, backfillError: errorLine(err) })
        }
      },
      toggleTrain: () => set({ trainOpen: !get().trainOpen, trainError: undefined }),
      editTrain: (change) => set({ trainDraft: { ...get().trainDraft, ...change }, trainError: undefined }),
      submitTrain: async (series) => {
        const req = trainRequest(get().trainDraft, series)
        if (typeof req === 'string') return set({ trainError: req })
        set({ trainSubmitting: true, trainError: undefined })
        try {
          const job = await api.trainModel(req)
          set({ trainSubmitting: false, trainJob: job })
        } catch (err) {
          set({ trainSubmitting: false, trainError: errorLine(err) })
        }
      },
      openPromote: (versionId, alias = 'champion') => {
        const name = get().detail?.name
        if (!name) return
        set({ dialog: { kind: 'promote', name, versionId, alias, reason: '', force: false, submitting: false } })
      },
      openRollback: (alias) => {
        const name = get().detail?.name
        if (!name) return
        set({ dialog: { kind: 'rollback', name, alias, reason: '', force: false, submitting: false } })
      },
      editDialog: (change) => {
        const d = get().dialog
        if (d) set({ dialog: { ...d, ...change, error: undefined } })
      },
      closeDialog: () => set({ dialog: undefined }),
      submitDialog: async () => {
        const d = get().dialog
        if (!d || d.submitting) return
        const reason = d.reason.trim()
        if (!reason)
          return set({
            dialog: { ...d, error: d.force ? 'a forced promotion needs a reason' : 'a reason is required' },
          })
        set({ dialog: { ...d, submitting: true, error: undefined } })
        try {
          if (d.kind === 'promote')
            await api.promoteModel({ id: d.versionId!, alias: d.alias, reason, ...(d.force ? { force: true } : {}) })
          else await api.rollbackModel({ name: d.name, alias: d.alias, reason })
          set({ dialog: undefined })
          // The `models` event refreshes too; refreshing here keeps the view right if the event is missed.
          await get().load()
        } catch (err) {
          const cur = get().dialog
          if (cur) set({ dialog: { ...cur, submitting: false, error: errorLine(err) } })
        }
      },
    }
  })
  return store
}
