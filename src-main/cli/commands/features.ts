import { writeFileSync } from 'node:fs'
import { isTimeframe, type BarColumns } from '../../../src-shared/domain'
import { InputError, requireString, UsageError, type Command } from '../command'
import { computeFeatures, FEATURE_SET_NAMES, isFeatureSetName } from '../../features'
import { checkOutPath, tableCsv } from './indicators'

export const featuresCommand: Command = {
  name: 'features',
  summary: 'a feature set over stored bars as a table',
  usage: `features --symbol S --timeframe TF --set ${FEATURE_SET_NAMES.join('|')} [--venue V] [--out FILE] [--json]`,
  details: 'Uses up to the latest 100,000 stored bars. Missing inputs (taker volume, book, funding, options) are empty cells with a *_missing flag of 1.',
  options: { symbol: { type: 'string' }, timeframe: { type: 'string' }, set: { type: 'string' }, venue: { type: 'string' }, out: { type: 'string' } },
  async run(ctx) {
    const symbol = requireString(ctx.values, 'symbol')
    const timeframe = requireString(ctx.values, 'timeframe')
    const set = requireString(ctx.values, 'set')
    if (!isTimeframe(timeframe)) throw new UsageError(`--timeframe "${timeframe}" is not a timeframe`)
    if (!isFeatureSetName(set)) throw new UsageError(`--set must be one of ${FEATURE_SET_NAMES.join(', ')} (alerts needs a basket: not per symbol)`)
    const out = ctx.values.out
    if (typeof out === 'string') checkOutPath(out)
    const core = ctx.openCore()
    const venue = ctx.values.venue
    const stored = await core.getBars({ symbol, timeframe, limit: 100_000, ...(typeof venue === 'string' ? { venue } : {}) })
    if (stored.length === 0) throw new InputError(`no stored ${symbol} ${timeframe} bars (import some first)`)
    const pick = (f: (b: (typeof stored)[number]) => number) => Float64Array.from(stored, f)
    const bars: BarColumns = {
      time: pick((b) => b.time),
      open: pick((b) => b.open),
      high: pick((b) => b.high),
      low: pick((b) => b.low),
      close: pick((b) => b.close),
      volume: pick((b) => b.volume),
      takerBuyVolume: pick((b) => b.takerBuyVolume ?? NaN),
    }
    const m = computeFeatures({ symbol, timeframe, set, bars })
    const f = m.names.length
    const columns = m.names.map((_, j) => Float64Array.from({ length: m.rows }, (_, i) => m.data[i * f + j]))
    const timeText = Array.from(m.time, (t) => new Date(t).toISOString())
    const csv = tableCsv(timeText, m.names, columns)
    if (typeof out === 'string') {
      writeFileSync(out, csv)
      ctx.out({ file: out, rows: m.rows, features: m.names, specHash: m.specHash }, (r) => `${r.file}: ${r.rows} rows × ${r.features.length} features (${set}, spec ${r.specHash.slice(0, 12)})`)
      return
    }
    ctx.out({ set, specHash: m.specHash, columns: ['time', ...m.names], rows: timeText.map((t, i) => [t, ...columns.map((c) => (Number.isNaN(c[i]) ? null : c[i]))]) }, () => csv.trimEnd())
  },
}
