import { describe, expect, it } from 'vitest'
import { SWEEP_JOB_KIND, type JobInfo, type SweepDetail, type SweepRow } from '../../src-shared'
import { createSweepsStore, sortedSweepRows, sweepHeatmap } from './sweeps-store'

const row = (
  cell: number,
  symbol: string,
  fast: number,
  slow: number,
  is: number | null,
  oos: number | null,
): SweepRow => ({
  cell,
  symbol,
  params: { fast, slow, stopAtr: 2 },
  inSample: { sharpe: is },
  outOfSample: { sharpe: oos },
})

const SWEEP: SweepDetail = {
  id: 7,
  createdAt: 0,
  strategy: 'ma-crossover',
  symbols: ['A', 'B'],
  venue: 'X',
  timeframe: '1h',
  ml: false,
  grid: { fast: [5, 10], slow: [30, 60] },
  split: 0.7,
  metric: 'sharpe',
  total: 8,
  done: 8,
  state: 'done',
  rows: [
    row(0, 'A', 5, 30, 1, 0.5),
    row(1, 'B', 5, 30, 3, -1),
    row(2, 'A', 5, 60, null, 0.1),
    row(3, 'B', 5, 60, 0.5, 0.2),
    row(4, 'A', 10, 30, 2, 0.3),
    row(5, 'B', 10, 30, 2, 0.3),
    row(6, 'A', 10, 60, -1, 0),
    row(7, 'B', 10, 60, -3, 0),
  ],
  best: [],
}

describe('sweeps store', () => {
  it('sorts rows by a metric either way, rows without a value last', () => {
    const down = sortedSweepRows(SWEEP.rows, { key: 'is:sharpe', descending: true }).map((r) => r.cell)
    expect(down).toEqual([1, 4, 5, 0, 3, 6, 7, 2])
    const up = sortedSweepRows(SWEEP.rows, { key: 'is:sharpe', descending: false }).map((r) => r.cell)
    expect(up).toEqual([7, 6, 3, 0, 4, 5, 1, 2])
  })

  it('averages a metric over symbols into a grid-ordered heatmap of two parameters', () => {
    expect(sweepHeatmap(SWEEP, 'fast', 'slow', 'is:sharpe')).toEqual([
      { x: 5, y: 30, value: 2 },
      { x: 10, y: 30, value: 2 },
      { x: 5, y: 60, value: 0.5 },
      { x: 10, y: 60, value: -2 },
    ])
  })

  it('opens the newest sweep with its two swept parameters on the heatmap, and reloads when a sweep job ends', async () => {
    const calls: string[] = []
    const store = createSweepsStore({
      listSweeps: async () => (calls.push('list'), [SWEEP]),
      getSweep: async ({ id }) => (calls.push(`get ${id}`), SWEEP),
    })
    await store.getState().load()
    expect(store.getState().detail?.id).toBe(7)
    expect(store.getState().heat).toEqual({ sample: 'is', x: 'fast', y: 'slow' })
    store.getState().sortBy('oos:sharpe')
    expect(store.getState().sort).toEqual({ key: 'oos:sharpe', descending: true })
    store.getState().sortBy('oos:sharpe')
    expect(store.getState().sort.descending).toBe(false)

    const job = { id: 'j', kind: SWEEP_JOB_KIND, state: 'running', progress: 0.5, message: '4/8 backtests' } as JobInfo
    store.getState().applyJob(job)
    expect(store.getState().running.j?.progress).toBe(0.5)
    store.getState().applyJob({ ...job, state: 'succeeded', progress: 1, result: { id: 7 } })
    expect(store.getState().running).toEqual({})
    await new Promise((r) => setTimeout(r, 0))
    expect(calls.filter((c) => c === 'list')).toHaveLength(2)
  })
})
