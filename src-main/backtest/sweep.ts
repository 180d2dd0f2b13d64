/**
 * Parameter sweeps over the backtest engine: each cell (a grid combination × a symbol) is an ordinary `runBacktest`
 * of that symbol's bars, once over its in-sample part and once over its out-of-sample part (the series split in time,
 * as `armada backtest --from … --to …` would run them). Cells are grouped in shards — one symbol's bars and a run of
 * combinations — that a thread or a remote worker runs alone; each row is handed on as soon as it exists.
 */
import { gunzipSync, gzipSync } from 'node:zlib'
import type { BarColumns, SweepMetrics, SweepRow, Timeframe } from '../../src-shared'
import type { StrategyName } from '../strategies'
import type { EngineConfig } from './backtest-engine'
import type { BarSeries } from './historical-bar-feed'
import { runBacktest } from './run-backtest'

/** One unit of sweep work: one symbol's bars and the cells (combination, parameters) to backtest on them. */
export interface SweepShard {
  readonly strategy: StrategyName
  readonly symbol: string
  readonly venue: string
  readonly timeframe: Timeframe
  readonly ml: boolean
  readonly engine: Partial<EngineConfig>
  /** In-sample share of the bars (0: no split, one run over all bars). */
  readonly split: number
  readonly cells: readonly { readonly cell: number; readonly params: Readonly<Record<string, number | boolean>> }[]
  readonly bars: BarColumns
}

/** Runs shards somewhere (threads here, workers on a queue) and hands back every row; rows may arrive twice. */
export interface ShardExecutor {
  run(shards: readonly SweepShard[], onRow: (row: SweepRow) => void, signal: AbortSignal): Promise<void>
}

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume', 'takerBuyVolume'] as const

/** Bar columns as one gzip of their float64 bytes, base64 (a shard's payload on a queue: ~30 % of the raw size). */
export function encodeBars(bars: BarColumns): { readonly n: number; readonly gz: string } {
  const n = bars.close.length
  const all = new Float64Array(n * COLUMNS.length)
  COLUMNS.forEach((c, k) => all.set(bars[c], k * n))
  return { n, gz: gzipSync(Buffer.from(all.buffer)).toString('base64') }
}

/** Inverse of {@link encodeBars}. Throws when the payload does not hold `n` rows of every column. */
export function decodeBars(p: { readonly n: number; readonly gz: string }): BarColumns {
  const raw = gunzipSync(Buffer.from(p.gz, 'base64'))
  if (raw.byteLength !== p.n * COLUMNS.length * 8)
    throw new Error(`sweep shard bars: ${raw.byteLength} bytes for ${p.n} rows`)
  const all = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))
  const col = (k: number) => all.subarray(k * p.n, (k + 1) * p.n)
  return {
    time: col(0),
    open: col(1),
    high: col(2),
    low: col(3),
    close: col(4),
    volume: col(5),
    takerBuyVolume: col(6),
  }
}

function slice(bars: BarColumns, from: number, to: number): BarColumns {
  return {
    time: bars.time.subarray(from, to),
    open: bars.open.subarray(from, to),
    high: bars.high.subarray(from, to),
    low: bars.low.subarray(from, to),
    close: bars.close.subarray(from, to),
    volume: bars.volume.subarray(from, to),
    takerBuyVolume: bars.takerBuyVolume.subarray(from, to),
  }
}

/** Index of the first out-of-sample bar of `n` bars (n without a split). */
export function splitIndex(n: number, split: number): number {
  return split > 0 ? Math.floor(n * split) : n
}

/** The open times that bound a shard's in-sample and out-of-sample parts (inclusive), as `--from`/`--to` would. */
export function sweepRanges(
  time: Float64Array,
  split: number,
): { inSample: [number, number]; outOfSample: [number, number] | null } {
  const k = splitIndex(time.length, split)
  return {
    inSample: [time[0], time[k - 1]],
    outOfSample: k < time.length ? [time[k], time[time.length - 1]] : null,
  }
}

async function metricsOver(shard: SweepShard, params: SweepShard['cells'][number]['params'], bars: BarColumns) {
  const series: BarSeries[] = [{ symbol: shard.symbol, timeframe: shard.timeframe, bars }]
  const report = await runBacktest(series, {
    strategy: shard.strategy,
    strategyParams: params,
    symbols: [shard.symbol],
    venue: shard.venue,
    timeframe: shard.timeframe,
    ml: shard.ml,
    engine: shard.engine,
  })
  // The requested mode's metrics, as `armada backtest` prints them at the top level.
  const m = (report.enhanced ?? report.base).metrics
  return m as unknown as SweepMetrics
}

/**
 * Backtests every cell of a shard, handing each row to `onRow` as it is made (nothing is kept). Yields to the event
 * loop between cells (a queue worker keeps its job lock alive) and stops when `signal` aborts.
 */
export async function runSweepShard(
  shard: SweepShard,
  onRow: (row: SweepRow) => void,
  signal?: AbortSignal,
): Promise<void> {
  const n = shard.bars.close.length
  const k = splitIndex(n, shard.split)
  const inSample = k < n ? slice(shard.bars, 0, k) : shard.bars
  const outOfSample = k < n ? slice(shard.bars, k, n) : null
  for (const c of shard.cells) {
    if (signal?.aborted) throw new Error('cancelled')
    onRow({
      cell: c.cell,
      symbol: shard.symbol,
      params: c.params,
      inSample: await metricsOver(shard, c.params, inSample),
      outOfSample: outOfSample ? await metricsOver(shard, c.params, outOfSample) : null,
    })
    await new Promise<void>((r) => setImmediate(r))
  }
}

/** Shards of one symbol: its cells cut into runs of at most `size`. */
export function shardCells<T>(cells: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < cells.length; i += size) out.push(cells.slice(i, i + size))
  return out
}

/** Runs shards on this thread, one after another (the CLI with one worker, tests, the bench's one-process sweep). */
export const inThreadExecutor: ShardExecutor = {
  async run(shards, onRow, signal) {
    for (const s of shards) await runSweepShard(s, onRow, signal)
  },
}
