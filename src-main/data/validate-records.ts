import { TIMEFRAME_MS, TIMEFRAMES, type Bar, type Timeframe } from '../../src-shared'
import { ImportError, type Gap, type RejectedRow } from './import-types'
import type { ParsedFile, ParsedRecords } from './parsed-file'

/** Records that passed validation, the rows rejected on the way, and what was learnt about the series. */
export interface ValidatedFile {
  readonly data: ParsedRecords
  readonly rejected: RejectedRow[]
  readonly timeframe?: Timeframe
  readonly gaps: Gap[]
}

function barProblem(b: Bar): string | undefined {
  if (b.high < Math.max(b.open, b.close)) return `high ${b.high} is below max(open ${b.open}, close ${b.close})`
  if (b.low > Math.min(b.open, b.close)) return `low ${b.low} is above min(open ${b.open}, close ${b.close})`
  if (b.volume < 0) return `volume ${b.volume} is negative`
  if (b.takerBuyVolume !== undefined && b.takerBuyVolume < 0) return `taker buy volume ${b.takerBuyVolume} is negative`
  if (b.trades !== undefined && b.trades < 0) return `trade count ${b.trades} is negative`
  return undefined
}

function recordProblem(kind: ParsedRecords['kind'], r: ParsedRecords['records'][number]): string | undefined {
  if (!Number.isFinite(r.time)) return 'time is not a number'
  switch (kind) {
    case 'bars':
      return barProblem(r as Bar)
    case 'trades': {
      const t = r as { price: number; qty: number }
      return t.price <= 0 ? `price ${t.price} is not positive` : t.qty < 0 ? `quantity ${t.qty} is negative` : undefined
    }
    case 'mark-prices':
      return (r as { price: number }).price <= 0 ? `mark price ${(r as { price: number }).price} is not positive` : undefined
    default:
      return undefined
  }
}

/** Most common positive spacing between consecutive times. */
function modalSpacing(times: readonly number[]): number | undefined {
  const counts = new Map<number, number>()
  for (let i = 1; i < times.length; i++) {
    const d = times[i] - times[i - 1]
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1)
  }
  let best: number | undefined
  let n = 0
  for (const [d, c] of counts) if (c > n || (c === n && d < (best ?? Infinity))) (best = d), (n = c)
  return best
}

function describeMs(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`
  if (ms % 60_000 === 0) return `${ms / 60_000}m`
  return `${ms}ms`
}

/**
 * Validates parsed rows: newest-first files are reversed, bars must satisfy high ≥ max(open, close),
 * low ≤ min(open, close), volume ≥ 0; times must increase (trades: not decrease). Bad rows are rejected with
 * their line and reason. For bars the timeframe is `given`, else the file's hint, else inferred from the most
 * common spacing; an unknown spacing refuses the file. Gaps are runs of missing bars.
 */
export function validateRecords(file: string, parsed: ParsedFile, given?: Timeframe): ValidatedFile {
  const kind = parsed.data.kind
  let records = parsed.data.records as ParsedRecords['records'][number][]
  let lines = parsed.lines
  if (records.length >= 2 && records[0].time > records[records.length - 1].time) {
    records = [...records].reverse()
    lines = [...lines].reverse()
  }
  const rejected = [...parsed.rejected]
  const kept: typeof records = []
  const strict = kind !== 'trades'
  let prevTime = -Infinity
  let prevLine = 0
  for (let i = 0; i < records.length; i++) {
    const r = records[i]
    const problem = recordProblem(kind, r)
    if (problem) {
      rejected.push({ file, line: lines[i], reason: problem })
      continue
    }
    if (r.time < prevTime || (strict && r.time === prevTime)) {
      rejected.push({
        file,
        line: lines[i],
        reason: `time ${new Date(r.time).toISOString()} is ${r.time === prevTime ? 'a duplicate of' : 'before'} line ${prevLine}'s; times must increase`,
      })
      continue
    }
    prevTime = r.time
    prevLine = lines[i]
    kept.push(r)
  }
  rejected.sort((a, b) => a.line - b.line)
  const data = { kind, records: kept } as ParsedRecords
  if (kind !== 'bars') return { data, rejected, gaps: [] }
  let timeframe = given ?? parsed.hints.timeframe
  if (!timeframe) {
    const spacing = modalSpacing(kept.map((r) => r.time))
    if (spacing === undefined)
      throw new ImportError(file, 'cannot infer the timeframe from fewer than two bars; pass --timeframe')
    timeframe = TIMEFRAMES.find((tf) => TIMEFRAME_MS[tf] === spacing)
    if (!timeframe) throw new ImportError(file, `most common bar spacing is ${describeMs(spacing)}, not a known timeframe; pass --timeframe`)
  }
  const tfMs = TIMEFRAME_MS[timeframe]
  const gaps: Gap[] = []
  for (let i = 1; i < kept.length; i++) {
    const missing = Math.round((kept[i].time - kept[i - 1].time) / tfMs) - 1
    if (missing >= 1) gaps.push({ from: kept[i - 1].time + tfMs, to: kept[i].time - tfMs, missingBars: missing })
  }
  return { data, rejected, timeframe, gaps }
}
