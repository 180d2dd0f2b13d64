import { createStore, type StoreApi } from 'zustand/vanilla'
import {
  SWEEP_JOB_KIND,
  type JobInfo,
  type SweepDetail,
  type SweepRow,
  type SweepSummary,
  type WorkstationApi,
} from '../../src-shared'
import { errorLine } from '../api'

/** How the rows table is sorted: a parameter (`param:fast`) or a metric (`is:sharpe`, `oos:sharpe`), and direction. */
export interface SweepSort {
  readonly key: string
  readonly descending: boolean
}

/** Sweeps (`backtest.sweep` jobs): the stored list, the open sweep, its table order and heatmap axes. */
export interface SweepsState {
  readonly sweeps: readonly SweepSummary[]
  readonly selectedId?: number
  readonly detail?: SweepDetail
  /** Running sweep jobs by id: progress across every worker (rows stored / backtests). */
  readonly running: Readonly<Record<string, JobInfo>>
  readonly sort: SweepSort
  /** Parameters on the heatmap's x and y axes, and the metric coloured (in-sample or out-of-sample). */
  readonly heat: { readonly x?: string; readonly y?: string; readonly sample: 'is' | 'oos' }
  readonly error?: string
  load(): Promise<void>
  select(id: number): Promise<void>
  sortBy(key: string): void
  setHeat(change: Partial<SweepsState['heat']>): void
  /** Follows `job` events: a sweep's progress, and the list again when one ends. */
  applyJob(job: JobInfo): void
}

export type SweepsStore = StoreApi<SweepsState>

/** The value a sort key reads from a row (NaN where absent, sorted last). */
export function sweepValue(row: SweepRow, key: string): number {
  const [kind, name] = key.split(':') as [string, string]
  const v = kind === 'param' ? row.params[name] : kind === 'is' ? row.inSample[name] : row.outOfSample?.[name]
  return typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : NaN
}

/** Rows in `sort` order; rows without a value go last either way. */
export function sortedSweepRows(rows: readonly SweepRow[], sort: SweepSort): SweepRow[] {
  const sign = sort.descending ? -1 : 1
  return [...rows].sort((a, b) => {
    const x = sweepValue(a, sort.key)
    const y = sweepValue(b, sort.key)
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1
    return sign * (x - y)
  })
}

/** One heatmap cell: the mean of `metric` over the rows (all symbols) at (x, y); null where none is finite. */
export interface HeatCell {
  readonly x: number | boolean
  readonly y: number | boolean
  readonly value: number | null
}

/** The metric over two swept parameters, averaged over symbols and the other parameters, in grid order. */
export function sweepHeatmap(sweep: SweepDetail, x: string, y: string, key: string): HeatCell[] {
  const xs = sweep.grid[x] ?? []
  const ys = sweep.grid[y] ?? []
  return ys.flatMap((yv) =>
    xs.map((xv) => {
      const vs = sweep.rows
        .filter((r) => r.params[x] === xv && r.params[y] === yv)
        .map((r) => sweepValue(r, key))
        .filter(Number.isFinite)
      return { x: xv, y: yv, value: vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : null }
    }),
  )
}

/** The sweeps store over `listSweeps` and `getSweep`, fed with `job` events. */
export function createSweepsStore(api: Pick<WorkstationApi, 'listSweeps' | 'getSweep'>): SweepsStore {
  return createStore<SweepsState>()((set, get) => ({
    sweeps: [],
    running: {},
    sort: { key: 'is:sharpe', descending: true },
    heat: { sample: 'is' },
    load: async () => {
      try {
        const sweeps = await api.listSweeps()
        set({ sweeps, error: undefined })
        const open = get().selectedId ?? sweeps[0]?.id
        if (open !== undefined) await get().select(open)
      } catch (err) {
        set({ error: errorLine(err) })
      }
    },
    select: async (id) => {
      set({ selectedId: id })
      try {
        const detail = await api.getSweep({ id })
        if (get().selectedId !== id) return
        const names = Object.keys(detail.grid).filter((k) => detail.grid[k].length > 1)
        const heat = get().heat
        const keep = heat.x !== undefined && heat.y !== undefined && names.includes(heat.x) && names.includes(heat.y)
        set({
          detail,
          sort: { key: `is:${detail.metric}`, descending: true },
          heat: keep ? heat : { ...heat, x: names[0], y: names[1] ?? names[0] },
          error: undefined,
        })
      } catch (err) {
        set({ error: errorLine(err) })
      }
    },
    sortBy: (key) => {
      const s = get().sort
      set({ sort: { key, descending: s.key === key ? !s.descending : true } })
    },
    setHeat: (change) => set({ heat: { ...get().heat, ...change } }),
    applyJob: (job) => {
      if (job.kind !== SWEEP_JOB_KIND) return
      const running = { ...get().running }
      if (job.state === 'running' || job.state === 'queued') running[job.id] = job
      else delete running[job.id]
      set({ running })
      if (job.state === 'succeeded') {
        const id = (job.result as { id?: unknown } | undefined)?.id
        set({ selectedId: typeof id === 'number' ? id : get().selectedId })
        void get().load()
      }
    },
  }))
}
