import {
  expandSweepGrid,
  JobRefused,
  systemClock,
  type CatalogStrategyName,
  type JobContext,
  type SweepBest,
  type SweepJobRequest,
} from '../../src-shared'
import { openDatabase, SqliteBarStore, SqliteSweepStore } from '../store'
import type { EngineConfig } from './backtest-engine'
import { loadSeries } from './run-backtest'
import { resolveVenue } from './stored-backtest'
import { shardCells, type ShardExecutor, type SweepShard } from './sweep'

/** What a `backtest.sweep` job returns: the stored sweep's id, its size and each symbol's in-sample best. */
export interface SweepJobResult {
  readonly id: number
  readonly backtests: number
  /** Grid combinations the strategy refuses as a whole (fast not below slow), left out. */
  readonly skipped: number
  readonly shards: number
  readonly best: readonly SweepBest[]
  readonly summary: string
}

/** Engine costs of a sweep request (absent: the engine's defaults), as `backtest.run` reads them. */
function engineOf(r: SweepJobRequest): Partial<EngineConfig> {
  return {
    ...(r.takerFeeBps !== undefined ? { takerFeeBps: r.takerFeeBps } : {}),
    ...(r.makerFeeBps !== undefined ? { makerFeeBps: r.makerFeeBps } : {}),
    ...(r.slippageBps !== undefined ? { slippage: { kind: 'bps' as const, bps: r.slippageBps } } : {}),
    ...(r.riskFraction !== undefined ? { riskFraction: r.riskFraction } : {}),
    ...(r.threshold !== undefined ? { threshold: r.threshold } : {}),
  }
}

/**
 * The shards of a sweep over loaded series: cell = combination index × symbols + symbol index; each symbol's cells cut
 * into runs so that `parallel` runners get about eight shards each.
 */
export function sweepShards(
  request: SweepJobRequest,
  series: readonly { symbol: string; venue: string; bars: SweepShard['bars'] }[],
  parallel: number,
): { shards: SweepShard[]; backtests: number; skipped: number } {
  const expanded = expandSweepGrid(request.strategy, request.grid)
  if ('error' in expanded) throw new JobRefused(expanded.error)
  const { combos, skipped } = expanded
  const total = combos.length * series.length
  const size = request.shardSize ?? Math.max(1, Math.min(512, Math.ceil(total / (parallel * 8))))
  const shards = series.flatMap((s, si) =>
    shardCells(
      combos.map((params, c) => ({ cell: c * series.length + si, params })),
      size,
    ).map((cells) => ({
      strategy: request.strategy as CatalogStrategyName,
      symbol: s.symbol,
      venue: s.venue,
      timeframe: request.timeframe,
      ml: request.ml,
      engine: engineOf(request),
      split: request.split,
      cells,
      bars: s.bars,
    })),
  )
  return { shards, backtests: total, skipped }
}

/**
 * The `backtest.sweep` job: loads each symbol's stored bars, expands the grid into shards, runs them on `executor`
 * (threads here or workers on a queue) and stores each row as it arrives (once per cell, whatever is re-delivered).
 * The sweep is stored first, as running, then marked done or failed.
 */
export async function sweepJob(
  request: SweepJobRequest,
  ctx: JobContext,
  executor: ShardExecutor,
  parallel: number,
): Promise<SweepJobResult> {
  if (request.strategy === 'regime-following')
    throw new JobRefused('regime-following reads a trained regime model: sweep battle-navale or ma-crossover')
  const db = openDatabase(ctx.dbPath)
  try {
    const bars = new SqliteBarStore(db)
    const series = request.symbols.map((symbol) => {
      try {
        const venue = resolveVenue(bars, symbol, request.timeframe, request.venue)
        const range = { symbols: [symbol], venue, timeframe: request.timeframe, from: request.from, to: request.to }
        return { symbol, venue, bars: loadSeries(bars, range)[0].bars }
      } catch (err) {
        throw new JobRefused((err as Error).message)
      }
    })
    for (const s of series)
      if (s.bars.close.length < 20) throw new JobRefused(`${s.symbol}: only ${s.bars.close.length} bars in the range`)
    const { shards, backtests, skipped } = sweepShards(request, series, parallel)
    const store = new SqliteSweepStore(db)
    const id = store.create({
      createdAt: systemClock.now(),
      strategy: request.strategy,
      symbols: request.symbols,
      venue: [...new Set(series.map((s) => s.venue))].join(','),
      timeframe: request.timeframe,
      ml: request.ml,
      grid: request.grid,
      config: { ...request, engine: engineOf(request) },
      split: request.split,
      metric: request.metric,
      total: backtests,
    })
    let done = 0
    try {
      ctx.progress(0, `0/${backtests} backtests`)
      await executor.run(
        shards,
        (row) => {
          if (store.addRow(id, row)) done++
          ctx.progress(done / backtests, `${done}/${backtests} backtests`)
        },
        ctx.signal,
      )
      if (done !== backtests) throw new Error(`sweep #${id}: ${done} of ${backtests} backtests came back`)
      store.finish(id, 'done')
    } catch (err) {
      store.finish(id, 'failed')
      throw err
    }
    const best = store.get(id)!.best
    const swept = (params: Readonly<Record<string, unknown>>) =>
      Object.keys(request.grid)
        .map((k) => `${k}=${String(params[k])}`)
        .join(' ')
    const fmt = (x: number | null) => (x === null ? '—' : x.toFixed(3))
    const line = best
      .map((b) => `${b.symbol} ${swept(b.params)} ${request.metric} ${fmt(b.inSample)} in, ${fmt(b.outOfSample)} out`)
      .join('; ')
    return {
      id,
      backtests,
      skipped,
      shards: shards.length,
      best,
      summary: `sweep #${id}: ${backtests} backtests; best ${line}`,
    }
  } finally {
    db.close()
  }
}
