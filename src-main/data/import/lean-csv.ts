import type { Bar, Funding } from '../../../src-shared'
import { hintsFromPath } from './file-name-hints'
import { ImportError } from './import-types'
import { emptyParsed, finite, splitLines, type ParsedFile, type SeriesHints } from './parsed-file'
import { parseTimeCell } from './timestamps'
import { zonedWallToUtc } from '../../../src-shared'

/** LEAN asset classes that change how a file is read. */
type LeanClass = 'equity' | 'index' | 'utc'

/** Where a LEAN file sits: asset class (time zone, price scale), trading date for intraday files, quote or trade. */
export interface LeanContext {
  readonly assetClass: LeanClass
  /** UTC midnight of the trading date (ms) for minute/second files, from the file name. */
  readonly date?: number
  readonly quotes: boolean
  readonly fundingRates: boolean
}

/** Reads the LEAN context from the path: `equity`/`index` folders, `yyyymmdd` and `quote`/`trade` tokens, `margin_interest`. */
export function leanContext(path: string, entryName: string): LeanContext {
  const p = `${path}/${entryName}`.toLowerCase().replace(/\\/g, '/')
  const assetClass: LeanClass = /(^|[/_])equity([/_]|$)/.test(p)
    ? 'equity'
    : /(^|[/_])index([/_]|$)/.test(p)
      ? 'index'
      : 'utc'
  const d = /(?:^|[/_])((?:19|20)\d{2})(\d{2})(\d{2})(?=[_.])/.exec(p)
  return {
    assetClass,
    date: d ? Date.UTC(+d[1], +d[2] - 1, +d[3]) : undefined,
    quotes: /quote/.test(p.slice(p.lastIndexOf('/') + 1)) || /_quote/.test(p),
    fundingRates: /margin_interest/.test(p),
  }
}

// LEAN stores US equities in America/New_York and US indices (SPX) in America/Chicago; crypto, forex and CFDs in UTC.
const ZONE: Readonly<Record<LeanClass, string>> = { equity: 'America/New_York', index: 'America/Chicago', utc: 'UTC' }

/**
 * QuantConnect LEAN CSV: trade bars `time,o,h,l,c,v`, quote bars `time,bidO,bidH,bidL,bidC,bidSize,askO,…` (stored as
 * mid-price bars, volume 0, as LEAN's QuoteBar does), and `margin_interest` funding rates. Minute/second times are ms since
 * midnight of the file's date; daily/hour times are `yyyyMMdd HH:mm`. Equity prices are deci-cents (÷ 10000).
 */
export function parseLeanCsv(
  file: string,
  path: string,
  entryName: string,
  text: string,
  hints: SeriesHints,
): ParsedFile {
  const ctx = leanContext(path, entryName)
  const nameHints = hintsFromPath(path, entryName)
  const zone = ZONE[ctx.assetClass]
  const scale = ctx.assetClass === 'equity' ? 1 / 10_000 : 1
  const merged: SeriesHints = {
    ...nameHints,
    venue: nameHints.venue ?? (ctx.assetClass === 'utc' ? undefined : 'USA'),
    instrumentKind: ctx.assetClass === 'equity' ? 'equity' : ctx.assetClass === 'index' ? 'index' : undefined,
    ...hints,
  }
  const lines = splitLines(text)
  if (ctx.fundingRates) {
    const out = emptyParsed('lean', 'funding', merged)
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].length === 0) continue
      const c = lines[i].split(',')
      const t = parseTimeCell(c[0], 'UTC')
      const rate = finite(c[1], 'rate')
      if (c.length !== 2)
        out.rejected.push({ file, line: i + 1, reason: `expected 2 columns (time,rate), found ${c.length}` })
      else if (!Number.isFinite(t))
        out.rejected.push({ file, line: i + 1, reason: `time "${c[0].slice(0, 40)}" is not yyyyMMdd HH:mm:ss` })
      else if (typeof rate === 'string') out.rejected.push({ file, line: i + 1, reason: rate })
      else {
        ;(out.data.records as Funding[]).push({ time: t, rate })
        out.lines.push(i + 1)
      }
    }
    return out
  }
  const first = lines.find((l) => l.length > 0) ?? ''
  const intraday = /^\d+$/.test(first.split(',')[0])
  if (intraday && ctx.date === undefined)
    throw new ImportError(file, 'LEAN intraday file needs its trading date in the file name (yyyyMMdd_…)')
  const quoteCols = first.split(',').length === 11
  const out = emptyParsed('lean', 'bars', quoteCols ? { ...merged, prices: 'quote-mid' } : merged)
  const bars = out.data.records as Bar[]
  const width = quoteCols ? 11 : 6
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line.length === 0) continue
    const c = line.split(',')
    if (c.length !== width) {
      out.rejected.push({ file, line: i + 1, reason: `expected ${width} columns, found ${c.length}` })
      continue
    }
    let time: number
    if (intraday) {
      const ms = Number(c[0])
      time = Number.isInteger(ms) && ms >= 0 && ms < 86_400_000 ? zonedWallToUtc(zone, (ctx.date as number) + ms) : NaN
    } else time = parseTimeCell(c[0], zone)
    if (!Number.isFinite(time)) {
      out.rejected.push({
        file,
        line: i + 1,
        reason: `time "${c[0].slice(0, 40)}" is not ${intraday ? 'ms since midnight' : 'yyyyMMdd HH:mm'}`,
      })
      continue
    }
    let bar: Bar | string
    if (quoteCols) bar = quoteBar(c, time, scale)
    else {
      const o = +c[1]
      const h = +c[2]
      const l = +c[3]
      const cl = +c[4]
      const v = +c[5]
      if (
        Number.isFinite(o + h + l + cl + v) &&
        c[1] !== '' &&
        c[2] !== '' &&
        c[3] !== '' &&
        c[4] !== '' &&
        c[5] !== ''
      )
        bar = { time, open: o * scale, high: h * scale, low: l * scale, close: cl * scale, volume: v }
      else {
        const v5 = [1, 2, 3, 4, 5].map((k) => finite(c[k], ['', 'open', 'high', 'low', 'close', 'volume'][k]))
        bar = (v5.find((x) => typeof x === 'string') as string | undefined) ?? 'row is not numeric'
      }
    }
    if (typeof bar === 'string') out.rejected.push({ file, line: i + 1, reason: bar })
    else {
      bars.push(bar)
      out.lines.push(i + 1)
    }
  }
  return out
}

/** Mid-price bar of a LEAN quote row; a side with empty cells is absent and the other side is used alone. */
function quoteBar(c: string[], time: number, scale: number): Bar | string {
  const bidEmpty = c[1] === '' && c[2] === '' && c[3] === '' && c[4] === ''
  const askEmpty = c[6] === '' && c[7] === '' && c[8] === '' && c[9] === ''
  if (bidEmpty && askEmpty) return 'quote row has neither bid nor ask prices'
  const b = bidEmpty ? 6 : 1
  const a = askEmpty ? 1 : 6
  const names = ['open', 'high', 'low', 'close']
  const mid = [0, 0, 0, 0]
  for (let k = 0; k < 4; k++) {
    const x = c[b + k] === '' ? NaN : +c[b + k]
    const y = c[a + k] === '' ? NaN : +c[a + k]
    if (!Number.isFinite(x))
      return `${b === 1 ? 'bid' : 'ask'} ${names[k]} "${c[b + k].slice(0, 40)}" is not a finite number`
    if (!Number.isFinite(y))
      return `${a === 1 ? 'bid' : 'ask'} ${names[k]} "${c[a + k].slice(0, 40)}" is not a finite number`
    mid[k] = ((x + y) / 2) * scale
  }
  return { time, open: mid[0], high: mid[1], low: mid[2], close: mid[3], volume: 0 }
}
