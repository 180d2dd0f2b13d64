/**
 * Parameter sweeps: a grid of strategy parameters (`fast=5,10;slow=20..40:10`) expanded into one backtest per
 * combination and symbol, each run in-sample and out-of-sample (the range split in time). One grammar and one
 * expansion for the CLI, the job parser, the workers and the UI.
 */
import { strategyInfo } from './strategy-catalog'
import { parseStrategyParam, validateStrategyParams } from './strategy-params'

/** Values of each swept parameter, in the order given. */
export type SweepGrid = Readonly<Record<string, readonly (number | boolean)[]>>

/** Most backtests one sweep may expand into (combinations × symbols). */
export const MAX_SWEEP_BACKTESTS = 100_000

/** Share of each series' bars that is in-sample by default (the rest, later in time, is out-of-sample). */
export const DEFAULT_SWEEP_SPLIT = 0.7

/** A grid typed as text, or a one-line reason naming the parameter or the part that is wrong. */
export function parseSweepGrid(
  strategy: string,
  text: string,
): { readonly grid: SweepGrid } | { readonly error: string } {
  const info = strategyInfo(strategy)
  if (!info) return { error: `unknown strategy "${strategy}"` }
  const grid: Record<string, (number | boolean)[]> = {}
  for (const part of text.split(';').filter((p) => p.trim())) {
    const eq = part.indexOf('=')
    if (eq <= 0) return { error: `grid part "${part.trim()}" must be NAME=V1,V2,… or NAME=FROM..TO[:STEP]` }
    const name = part.slice(0, eq).trim()
    const p = info.parameters.find((x) => x.name === name)
    if (!p)
      return {
        error: `${strategy} has no parameter "${name}" (it has ${info.parameters.map((x) => x.name).join(', ')})`,
      }
    if (grid[name]) return { error: `grid names "${name}" twice` }
    const values: (number | boolean)[] = []
    for (const item of part
      .slice(eq + 1)
      .split(',')
      .filter((v) => v.trim())) {
      const range = /^\s*(-?[\d.]+)\.\.(-?[\d.]+)(?::([\d.]+))?\s*$/.exec(item)
      if (range && typeof p.default === 'number') {
        const [from, to, step] = [Number(range[1]), Number(range[2]), Number(range[3] ?? 1)]
        if (!(step > 0) || !(to >= from) || (to - from) / step > MAX_SWEEP_BACKTESTS)
          return { error: `${name}: range "${item.trim()}" must go up from FROM to TO by a positive STEP` }
        for (let k = 0; from + k * step <= to + 1e-9; k++) values.push(Number((from + k * step).toFixed(10)))
        continue
      }
      const v = parseStrategyParam(p, item)
      if (v === undefined) continue
      if (typeof v === 'object') return { error: v.error }
      values.push(v)
    }
    if (values.length === 0) return { error: `grid parameter "${name}" has no values` }
    grid[name] = values
  }
  if (Object.keys(grid).length === 0) return { error: 'the grid names no parameter (NAME=V1,V2;NAME2=…)' }
  return { grid }
}

/**
 * Every combination of the grid as full parameter sets (defaults for the rest), in grid order (last parameter fastest).
 * Combinations the strategy refuses as a whole (fast not below slow) are skipped and counted; a value out of its range
 * refuses the grid, naming it.
 */
export function expandSweepGrid(
  strategy: string,
  grid: SweepGrid,
):
  | { readonly combos: Readonly<Record<string, number | boolean>>[]; readonly skipped: number }
  | { readonly error: string } {
  const names = Object.keys(grid)
  for (const name of names)
    for (const v of grid[name]) {
      const alone = validateStrategyParams(strategy, { [name]: v })
      const own = alone.ok
        ? undefined
        : alone.errors.find((e) => e.param === name && !e.message.includes(' must be below '))
      if (own) return { error: own.message }
    }
  const total = names.reduce((a, n) => a * grid[n].length, 1)
  if (total > MAX_SWEEP_BACKTESTS)
    return { error: `the grid has ${total} combinations (at most ${MAX_SWEEP_BACKTESTS})` }
  const combos: Record<string, number | boolean>[] = []
  let skipped = 0
  const at = names.map(() => 0)
  for (let k = 0; k < total; k++) {
    const given = Object.fromEntries(names.map((n, i) => [n, grid[n][at[i]]]))
    const check = validateStrategyParams(strategy, given)
    if (check.ok) combos.push({ ...check.params })
    else skipped++
    for (let i = names.length - 1; i >= 0; i--) {
      if (++at[i] < grid[names[i]].length) break
      at[i] = 0
    }
  }
  return { combos, skipped }
}

/** Metrics of one backtest as a sweep keeps them (fractions; null where undefined, as stored runs read back). */
export type SweepMetrics = Readonly<Record<string, number | null>>

/** One backtest of a sweep: its cell (combination × symbol), parameters, and in-/out-of-sample metrics. */
export interface SweepRow {
  /** combination index × symbols + symbol index. */
  readonly cell: number
  readonly symbol: string
  readonly params: Readonly<Record<string, number | boolean>>
  /** Metrics over the in-sample bars (all bars when the sweep has no split). */
  readonly inSample: SweepMetrics
  /** Metrics over the out-of-sample bars (null without a split). */
  readonly outOfSample: SweepMetrics | null
}

/** A stored sweep as listed. */
export interface SweepSummary {
  readonly id: number
  readonly createdAt: number
  readonly strategy: string
  readonly symbols: readonly string[]
  readonly venue: string
  readonly timeframe: string
  readonly ml: boolean
  readonly grid: SweepGrid
  /** In-sample share of each series' bars (0: no split). */
  readonly split: number
  /** The metric "best" ranks by. */
  readonly metric: string
  readonly total: number
  readonly done: number
  readonly state: 'running' | 'done' | 'failed'
}

/** A stored sweep with its rows (cell order) and, per symbol, the in-sample best and its out-of-sample result. */
export interface SweepDetail extends SweepSummary {
  readonly rows: readonly SweepRow[]
  readonly best: readonly SweepBest[]
}

/** Walk-forward robustness of one symbol: the in-sample best combination and how it did out of sample. */
export interface SweepBest {
  readonly symbol: string
  readonly cell: number
  readonly params: Readonly<Record<string, number | boolean>>
  readonly inSample: number | null
  readonly outOfSample: number | null
  /** Out-of-sample rank of the in-sample best among all combinations of the symbol (1 = best; null without a split). */
  readonly outOfSampleRank: number | null
  readonly combinations: number
}

/** The in-sample best row of each symbol by `metric` (higher is better; null/NaN rank last), with its OOS rank. */
export function sweepBest(rows: readonly SweepRow[], metric: string): SweepBest[] {
  const bySymbol = new Map<string, SweepRow[]>()
  for (const r of rows) bySymbol.set(r.symbol, [...(bySymbol.get(r.symbol) ?? []), r])
  const score = (m: SweepMetrics | null): number => {
    const v = m?.[metric]
    return typeof v === 'number' && Number.isFinite(v) ? v : -Infinity
  }
  return [...bySymbol].map(([symbol, rs]) => {
    const best = rs.reduce((a, r) => (score(r.inSample) > score(a.inSample) ? r : a))
    const oos = best.outOfSample ? score(best.outOfSample) : null
    const rank = oos === null ? null : 1 + rs.filter((r) => score(r.outOfSample) > oos).length
    const finite = (x: number | null) => (x !== null && Number.isFinite(x) ? x : null)
    return {
      symbol,
      cell: best.cell,
      params: best.params,
      inSample: finite(score(best.inSample)),
      outOfSample: finite(oos),
      outOfSampleRank: rank,
      combinations: rs.length,
    }
  })
}
