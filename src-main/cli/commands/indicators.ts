import { writeFileSync } from 'node:fs'
import type { BarColumns } from '../../../src-shared/domain'
import { checkOutPath, InputError, isoTime, readInputFile, requireString, UsageError, type Command } from '../command'
import { computeIndicators, IndicatorSpecError, splitSpecList } from '../../features'

/** Parses a bar time cell: epoch milliseconds or ISO-8601 (UTC unless an offset is given). */
function parseTime(cell: string): number {
  return /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : isoTime(cell)
}

/** A CSV cell without surrounding blanks and double quotes (spreadsheet exports quote every cell). */
function cellText(c: string): string {
  const t = c.trim()
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t
}

/** Reads a bar CSV (`time,open,high,low,close,volume`, any column order, extra columns ignored, cells may be quoted). */
export function readBarCsv(path: string): { bars: BarColumns; timeText: string[] } {
  const lines = readInputFile(path).toString('utf8').split(/\r?\n/)
  const header = (lines[0] ?? '').split(',').map((h) => cellText(h).toLowerCase())
  const need = ['time', 'open', 'high', 'low', 'close', 'volume'] as const
  const at = need.map((n) => header.indexOf(n))
  const missingCols = need.filter((_, i) => at[i] < 0)
  if (missingCols.length > 0)
    throw new InputError(`${path}:1: header lacks ${missingCols.join(', ')} (need time,open,high,low,close,volume)`)
  const cols = need.map(() => [] as number[])
  const timeText: string[] = []
  let prev = -Infinity
  for (let li = 1; li < lines.length; li++) {
    const line = lines[li]
    if (line.trim() === '') continue
    const cells = line.split(',').map(cellText)
    for (let k = 0; k < need.length; k++) {
      const cell = cells[at[k]] ?? ''
      const v = k === 0 ? parseTime(cell) : Number(cell)
      if (cell === '' || !Number.isFinite(v))
        throw new InputError(
          `${path}:${li + 1}: ${need[k]} "${cell}" is not ${k === 0 ? 'epoch ms or ISO-8601' : 'a number'}`,
        )
      cols[k].push(v)
    }
    const t = cols[0][cols[0].length - 1]
    if (t <= prev) throw new InputError(`${path}:${li + 1}: time ${cells[at[0]]} is not after the previous row`)
    prev = t
    timeText.push(cells[at[0]])
  }
  if (timeText.length === 0) throw new InputError(`${path}: no bars`)
  const n = timeText.length
  const bars: BarColumns = {
    time: Float64Array.from(cols[0]),
    open: Float64Array.from(cols[1]),
    high: Float64Array.from(cols[2]),
    low: Float64Array.from(cols[3]),
    close: Float64Array.from(cols[4]),
    volume: Float64Array.from(cols[5]),
    takerBuyVolume: new Float64Array(n).fill(NaN),
  }
  return { bars, timeText }
}

/** One numeric CSV cell: empty for a missing value (NaN), else the number as JavaScript prints it. */
export function csvCell(v: number): string {
  return Number.isNaN(v) ? '' : String(v)
}

/** A table as CSV; NaN (warm-up) cells are empty. */
function tableCsv(timeText: readonly string[], names: readonly string[], columns: readonly Float64Array[]): string {
  const out: string[] = [['time', ...names].join(',')]
  for (let i = 0; i < timeText.length; i++) {
    const row = [timeText[i]]
    for (const c of columns) row.push(csvCell(c[i]))
    out.push(row.join(','))
  }
  return `${out.join('\n')}\n`
}

export const indicatorsCommand: Command = {
  name: 'indicators',
  summary: 'indicator columns for a bar CSV',
  usage: 'indicators --bars FILE.csv --spec "rsi:14,macd:12:26:9,…" [--out FILE] [--json]',
  details:
    'Bar CSV header: time,open,high,low,close,volume (time as epoch ms or ISO-8601). Output: time, then one column per\n' +
    'output named by its spec (rsi:14, macd:12:26:9.macd|.signal|.hist, bb:20:2.upper|…); warm-up cells are empty.',
  options: { bars: { type: 'string' }, spec: { type: 'string' }, out: { type: 'string' } },
  async run(ctx) {
    const path = requireString(ctx.values, 'bars')
    const specs = splitSpecList(requireString(ctx.values, 'spec'))
    if (specs.length === 0) throw new UsageError('--spec names no indicator')
    const out = ctx.values.out
    if (typeof out === 'string') checkOutPath(out)
    const { bars, timeText } = readBarCsv(path)
    let table
    try {
      table = computeIndicators(bars, specs)
    } catch (e) {
      if (e instanceof IndicatorSpecError) throw new UsageError(e.message)
      throw e
    }
    const csv = tableCsv(timeText, table.names, table.columns)
    if (typeof out === 'string') {
      writeFileSync(out, csv)
      ctx.out(
        { file: out, rows: timeText.length, columns: table.names },
        (r) => `${r.file}: ${r.rows} rows, ${r.columns.length} columns (${r.columns.join(', ')})`,
      )
      return
    }
    ctx.out(
      {
        columns: ['time', ...table.names],
        rows: timeText.map((t, i) => [t, ...table.columns.map((c) => (Number.isNaN(c[i]) ? null : c[i]))]),
      },
      () => csv.trimEnd(),
    )
  },
}
