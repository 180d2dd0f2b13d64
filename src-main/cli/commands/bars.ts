import { isTimeframe, type StoredBar } from '../../../src-shared'
import { barPages, barSource } from '../../data'
import { InputError, storedVenue, symbolArgument, timeRange, UsageError, type Command } from '../command'

const CSV_HEADER = 'time,open,high,low,close,volume,quote_volume,trades,taker_buy_volume'

function csvRow(b: StoredBar): string {
  return `${new Date(b.time).toISOString()},${b.open},${b.high},${b.low},${b.close},${b.volume},${b.quoteVolume ?? ''},${b.trades ?? ''},${b.takerBuyVolume ?? ''}`
}

/** `armada bars SYMBOL --timeframe TF`: exports one stored series as CSV, JSON or a table. */
export const barsCommand: Command = {
  name: 'bars',
  summary: 'export stored bars of one series (CSV, JSON or a table)',
  usage: 'bars SYMBOL --timeframe TF [--venue V] [--from T] [--to T] [--csv] [--json]',
  details:
    'T is epoch ms or ISO-8601 (UTC unless an offset is given); --from/--to are inclusive open times.\n' +
    'SYMBOL as stored or as a pair: ZEC/BTC, ZEC-BTC and zec_btc all name ZECBTC.\n' +
    'Without --venue the only venue holding SYMBOL at TF is used. A TF that is not stored is resampled from the finest\n' +
    'stored timeframe dividing it (the same bars the chart and getBars show; a note on stderr says so; the newest bar\n' +
    'is "partial" in --json while the series ends inside it). CSV columns: ' +
    CSV_HEADER +
    ' (time ISO-8601 UTC; empty = unknown).',
  options: {
    timeframe: { type: 'string' },
    venue: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    csv: { type: 'boolean' },
  },
  allowPositionals: true,
  async run(ctx) {
    const [symbolArg, extra] = ctx.positionals
    if (!symbolArg) throw new UsageError('SYMBOL is required')
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`)
    const timeframe = ctx.values.timeframe
    if (typeof timeframe !== 'string') throw new UsageError('--timeframe is required')
    if (!isTimeframe(timeframe)) throw new UsageError(`unknown timeframe "${timeframe}"`)
    if (ctx.values.csv && ctx.json) throw new UsageError('choose one of --csv and --json')
    const { from, to } = timeRange(ctx.values)
    const symbol = symbolArgument(symbolArg, 'SYMBOL')
    // The stored bars, read through the core (the API's getBars answers a capped window; this exports whole series).
    const store = ctx.openCore().bars
    const missing = `no stored ${timeframe} bars for ${symbol} (nor finer bars to resample: armada import … first)`
    // Series that hold the timeframe, or a finer one it can be resampled from, count as holding it.
    const venue = storedVenue(ctx.values, store.listSeries(), symbol, timeframe, { missing, resample: true })
    const source = barSource(store, { symbol, venue, timeframe })
    if (source === undefined) throw new InputError(missing)
    const resampled = source !== timeframe ? ` (resampled from ${source})` : ''
    // Machine output stays bars only; the note goes to stderr (the table's header says it).
    if (resampled && (ctx.json || ctx.values.csv))
      ctx.info(`${symbol}.${venue}-${timeframe}: not stored; resampled from ${source}`)
    const range = {
      symbol,
      venue,
      timeframe,
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
    }
    const bars = [...barPages(store, range)].flat()
    if (ctx.values.csv) ctx.out([CSV_HEADER, ...bars.map(csvRow)].join('\n'), (s) => s)
    else
      ctx.out(
        bars.map(({ symbol: _s, venue: _v, timeframe: _t, resampledFrom: _r, ...b }) => b),
        (rows) =>
          [
            `${symbol}.${venue}-${timeframe}${resampled}: ${rows.length} bars`,
            ...rows.map(
              (b) =>
                `${new Date(b.time).toISOString()}  O ${b.open}  H ${b.high}  L ${b.low}  C ${b.close}  V ${b.volume}`,
            ),
          ].join('\n'),
      )
  },
}
