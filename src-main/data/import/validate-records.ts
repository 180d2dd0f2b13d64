import { HINT_WORDS, TIMEFRAME_MS, TIMEFRAMES, type Bar, type Timeframe } from '../../../src-shared'
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
      return (r as { price: number }).price <= 0
        ? `mark price ${(r as { price: number }).price} is not positive`
        : undefined
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
  for (const [d, c] of counts) if (c > n || (c === n && d < (best ?? Infinity))) ((best = d), (n = c))
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
  const checker = new RecordChecker(file, kind)
  for (let i = 0; i < records.length; i++) {
    const problem = checker.check(records[i], lines[i])
    if (problem) rejected.push(problem)
    else kept.push(records[i])
  }
  rejected.sort((a, b) => a.line - b.line)
  const data = { kind, records: kept } as ParsedRecords
  if (kind !== 'bars') return { data, rejected, gaps: [] }
  let timeframe = given ?? parsed.hints.timeframe
  if (!timeframe) {
    const spacing = modalSpacing(kept.map((r) => r.time))
    if (spacing === undefined)
      throw new ImportError(file, `cannot infer the timeframe from fewer than two bars; ${HINT_WORDS.timeframe}`)
    timeframe = TIMEFRAMES.find((tf) => TIMEFRAME_MS[tf] === spacing)
    if (!timeframe)
      throw new ImportError(
        file,
        `most common bar spacing is ${describeMs(spacing)}, not a known timeframe; ${HINT_WORDS.timeframe}`,
      )
  }
  const tfMs = TIMEFRAME_MS[timeframe]
  const gaps: Gap[] = []
  for (let i = 1; i < kept.length; i++) {
    const gap = gapBetween(kept[i - 1].time, kept[i].time, tfMs)
    if (gap) gaps.push(gap)
  }
  return { data, rejected, timeframe, gaps }
}

/** The run of missing bars between two consecutive kept bars of a `tfMs` series, if any. */
export function gapBetween(prev: number, next: number, tfMs: number): Gap | undefined {
  const missing = Math.round((next - prev) / tfMs) - 1
  return missing >= 1 ? { from: prev + tfMs, to: next - tfMs, missingBars: missing } : undefined
}

/**
 * The per-record rules of {@link validateRecords}, one record at a time in file order (after any reversal), so a file
 * parsed in chunks is checked exactly as a whole one: row problems, then times that must increase (trades: not decrease).
 */
export class RecordChecker {
  private prevTime = -Infinity
  private prevLine = 0

  constructor(
    private readonly file: string,
    private readonly kind: ParsedRecords['kind'],
  ) {}

  /** Why the record from `line` is rejected, or undefined when it is kept (and becomes the one later times are compared with). */
  check(r: ParsedRecords['records'][number], line: number): RejectedRow | undefined {
    const problem = recordProblem(this.kind, r)
    if (problem) return { file: this.file, line, reason: problem }
    if (r.time < this.prevTime || (this.kind !== 'trades' && r.time === this.prevTime))
      return {
        file: this.file,
        line,
        reason: `time ${new Date(r.time).toISOString()} is ${r.time === this.prevTime ? 'a duplicate of' : 'before'} line ${this.prevLine}'s; times must increase`,
      }
    this.prevTime = r.time
    this.prevLine = line
    return undefined
  }
}
