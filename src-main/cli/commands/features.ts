import { closeSync, openSync, writeSync } from 'node:fs'
import { isTimeframe } from '../../../src-shared/domain'
import {
  checkOutPath,
  requireString,
  requireSymbol,
  storedVenue,
  timeRange,
  UsageError,
  type Command,
} from '../command'
import { featureStream, FEATURE_SET_NAMES, isFeatureSetName } from '../../features'
import { csvCell } from './indicators'

/** Rows buffered before one write to the output. */
const CHUNK_ROWS = 2_000

/**
 * `armada features`: a feature set over one stored series as a CSV table. The set is computed over the series' whole
 * stored history, page by page with the streaming computer (the batch step, row for row), so every row equals what
 * the feature store caches whatever `--from` says; `--from/--to` only choose the rows written. Rows are written as
 * they are computed: a series of millions of bars needs no more memory than one page.
 */
export const featuresCommand: Command = {
  name: 'features',
  summary: 'a feature set over stored bars as a table',
  usage: `features --symbol S --timeframe TF --set ${FEATURE_SET_NAMES.join('|')} [--venue V] [--from T] [--to T] [--out FILE] [--json]`,
  details:
    'Computed over the whole stored history (warm-up included); --from/--to (epoch ms or ISO-8601, inclusive open times)\n' +
    'choose the rows written. Missing inputs (taker volume, book, funding, options) are empty cells with a *_missing flag of 1.',
  options: {
    symbol: { type: 'string' },
    timeframe: { type: 'string' },
    set: { type: 'string' },
    venue: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    out: { type: 'string' },
  },
  async run(ctx) {
    const symbol = requireSymbol(ctx.values)
    const timeframe = requireString(ctx.values, 'timeframe')
    const set = requireString(ctx.values, 'set')
    if (!isTimeframe(timeframe)) throw new UsageError(`--timeframe "${timeframe}" is not a timeframe`)
    if (!isFeatureSetName(set))
      throw new UsageError(
        `--set must be one of ${FEATURE_SET_NAMES.join(', ')} (alerts needs a basket: not per symbol)`,
      )
    const range0 = timeRange(ctx.values)
    const from = range0.from ?? -Infinity
    const to = range0.to ?? Infinity
    const out = ctx.values.out
    if (typeof out === 'string') checkOutPath(out)
    const store = ctx.openCore().bars
    const venue = storedVenue(ctx.values, store.listSeries(), symbol, timeframe, {
      missing: `no stored ${symbol} ${timeframe} bars (import some first)`,
    })
    const stream = featureStream(set, timeframe)
    const names = stream.names
    const row = new Float64Array(names.length)
    // Bars after --to cannot change the rows before it (no look-ahead), so reading stops there.
    const range = { symbol, venue, timeframe, ...(Number.isFinite(to) ? { to } : {}) }
    /** Open time of each bar from --from on, with `row` holding its features (warmed on every bar before it). */
    function* rowsInRange(): Generator<number> {
      for (const page of store.pages(range))
        for (const b of page) {
          stream.update(b, undefined, row)
          if (b.time >= from) yield b.time
        }
    }
    if (ctx.json && typeof out !== 'string') {
      const rows: (string | number | null)[][] = []
      for (const t of rowsInRange())
        rows.push([new Date(t).toISOString(), ...Array.from(row, (v) => (Number.isNaN(v) ? null : v))])
      ctx.out({ set, symbol, venue, timeframe, specHash: stream.specHash, columns: ['time', ...names], rows })
      return
    }
    const fd = typeof out === 'string' ? openSync(out, 'w') : undefined
    let written = 0
    try {
      let lines: string[] = [['time', ...names].join(',')]
      const flush = () => {
        const text = `${lines.join('\n')}\n`
        if (fd === undefined) process.stdout.write(text)
        else writeSync(fd, text)
        lines = []
      }
      for (const t of rowsInRange()) {
        let line = new Date(t).toISOString()
        for (let j = 0; j < row.length; j++) line += `,${csvCell(row[j])}`
        lines.push(line)
        written++
        if (lines.length >= CHUNK_ROWS) flush()
      }
      if (lines.length > 0) flush()
    } finally {
      if (fd !== undefined) closeSync(fd)
    }
    if (written === 0) ctx.info(`no stored ${symbol}.${venue} ${timeframe} bars between --from and --to`)
    if (typeof out === 'string')
      ctx.out(
        { file: out, rows: written, features: names, specHash: stream.specHash },
        (r) =>
          `${r.file}: ${r.rows} rows × ${r.features.length} features (${set}, ${symbol}.${venue} ${timeframe}, spec ${r.specHash.slice(0, 12)})`,
      )
  },
}
