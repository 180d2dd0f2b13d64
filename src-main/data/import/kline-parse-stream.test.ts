import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { readTestText } from '../../testing'
import { openDatabase, SqliteBarStore, type Db } from '../../store'
import { ImportError, type FileImportReport } from './import-types'
import { KlineParseStream, type KlineParseMessage } from './kline-parse-stream'
import { MarketDataImporter } from './market-data-importer'

let dir: string
const dbs: Db[] = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-stream-'))
})
afterEach(() => {
  vi.restoreAllMocks()
  for (const db of dbs.splice(0)) db.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Real FTX BTC-PERP 1m bars (nautilus_trader) written in Binance kline layout, `n` rows from 2022-01-01. */
function klineLines(n: number): string[] {
  const rows = readTestText('nautilus_trader/ftx_BTC-PERP_1m_20211231-20220201.csv.gz').trim().split('\n').slice(1)
  const t0 = Date.UTC(2022, 0, 1)
  return Array.from({ length: n }, (_, i) => {
    const [, o, h, l, c, v] = rows[i].split(',')
    const t = t0 + i * 60_000
    const vol = (Number(v) / Number(c)).toFixed(8)
    return `${t},${o},${h},${l},${c},${vol},${t + 59_999},${v},${100 + (i % 50)},${(Number(vol) / 2).toFixed(8)},${(Number(v) / 2).toFixed(4)},0`
  })
}

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

/** Imports `path` twice into fresh databases — parsed in a worker in 4 KiB chunks, and whole in this thread — and returns both. */
function bothWays(path: string): {
  streamed: { report: FileImportReport; db: Db; chunks: number }
  whole: { report: FileImportReport; db: Db }
} {
  const next = vi.spyOn(KlineParseStream.prototype, 'next')
  const a = openDatabase(join(dir, 'streamed.db'))
  const b = openDatabase(join(dir, 'whole.db'))
  dbs.push(a, b)
  const report = new MarketDataImporter(a, { streamMinBytes: 0, streamChunkBytes: 4096 }).importFile(path)
  const chunks = next.mock.results.filter((r) => (r.value as KlineParseMessage | undefined)?.type === 'chunk').length
  next.mockRestore()
  return {
    streamed: { report, db: a, chunks },
    whole: { report: new MarketDataImporter(b, { streamMinBytes: Infinity }).importFile(path), db: b },
  }
}

const stored = (db: Db): unknown[] => {
  const store = new SqliteBarStore(db)
  return store.listSeries().flatMap((s) => [...store.pages(s)].flat())
}

describe('Binance klines parsed in a worker thread while stored', () => {
  it('gives the whole-file report (rejected rows with lines and reasons, gaps, first/last) and the same stored bars', () => {
    const lines = klineLines(3000)
    lines[10] = lines[10].split(',').slice(0, 11).join(',') // 11 columns
    lines[500] = lines[500].replace(/^(\d+),[^,]+/, '$1,abc') // open not a number
    lines[501] = lines[501].replace(/^(\d+),([^,]+),([^,]+)/, '$1,$2,1') // high below open and close
    lines[1200] = lines[1199] // duplicate time
    lines.splice(2000, 7) // a gap of 7 bars
    lines[2500] = lines[2400] // older time
    const path = write(
      'BTCUSDT-1m-2022-01.csv',
      [
        'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore',
        ...lines,
      ].join('\r\n') + '\r\n',
    )
    const { streamed, whole } = bothWays(path)
    expect(streamed.chunks).toBeGreaterThan(50)
    expect(streamed.report).toEqual(whole.report)
    expect(streamed.report.rejected.map((r) => r.line)).toEqual([12, 502, 503, 1202, 2502])
    // Rejected rows leave gaps too (lines 12, 502–503, 1202, 2502).
    expect(streamed.report.gaps).toHaveLength(5)
    expect(streamed.report.gaps).toContainEqual({
      from: Date.UTC(2022, 0, 1) + 2000 * 60_000,
      to: Date.UTC(2022, 0, 1) + 2006 * 60_000,
      missingBars: 7,
    })
    expect(streamed.report.imported).toBe(3000 - 7 - 5)
    expect(stored(streamed.db)).toEqual(stored(whole.db))
  })

  it('re-importing counts every row as a duplicate, and a file overlapping stored bars counts the overlap', () => {
    const lines = klineLines(3000)
    const a = write('BTCUSDT-1m-a.csv', lines.slice(0, 2000).join('\n') + '\n')
    const b = write('BTCUSDT-1m-b.csv', lines.slice(1500).join('\n') + '\n')
    const db = openDatabase(join(dir, 'a.db'))
    dbs.push(db)
    const importer = new MarketDataImporter(db, { streamMinBytes: 0, streamChunkBytes: 4096 })
    expect(importer.importFile(a)).toMatchObject({ imported: 2000, duplicates: 0 })
    expect(importer.importFile(a)).toMatchObject({ imported: 0, duplicates: 2000 })
    expect(importer.importFile(b)).toMatchObject({ imported: 1000, duplicates: 500 })
    expect(new SqliteBarStore(db).count({ symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1m' })).toBe(3000)
  })

  it('a newest-first file is imported whole (reversed, as validateRecords does)', () => {
    const path = write('BTCUSDT-1m-desc.csv', klineLines(2000).reverse().join('\n') + '\n')
    const { streamed, whole } = bothWays(path)
    expect(streamed.chunks).toBe(0)
    expect(streamed.report).toEqual(whole.report)
    expect(streamed.report).toMatchObject({ imported: 2000, rejected: [] })
  })

  it('bytes that are not UTF-8 late in the file roll back what was stored and refuse the file as the whole-file path does', () => {
    const text = klineLines(3000).join('\n') + '\n'
    const at = text.length - 5000
    const bytes = Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xff]), Buffer.from(text.slice(at + 1))])
    const path = write('BTCUSDT-1m-bad.csv', bytes)
    const db = openDatabase(join(dir, 'a.db'))
    dbs.push(db)
    const refusal = (importer: MarketDataImporter): ImportError => {
      try {
        importer.importFile(path)
      } catch (err) {
        return err as ImportError
      }
      throw new Error('imported')
    }
    const next = vi.spyOn(KlineParseStream.prototype, 'next')
    const streamed = refusal(new MarketDataImporter(db, { streamMinBytes: 0, streamChunkBytes: 4096 }))
    // Chunks before the bad byte were stored, then rolled back.
    expect(
      next.mock.results.filter((r) => (r.value as KlineParseMessage | undefined)?.type === 'chunk').length,
    ).toBeGreaterThan(50)
    next.mockRestore()
    expect(streamed).toBeInstanceOf(ImportError)
    expect(streamed.message).toBe(refusal(new MarketDataImporter(db, { streamMinBytes: Infinity })).message)
    expect(streamed.message).toContain(`invalid byte at offset ${at}`)
    expect(new SqliteBarStore(db).listSeries()).toEqual([])
  })

  it('a file whose every row is rejected is refused as the whole-file path refuses it, with no instrument or series stored', () => {
    // Real bars with each high set below its open and close: every line is parsed, every bar fails validation.
    const lines = klineLines(3000).map((l) => l.replace(/^(\d+),([^,]+),([^,]+)/, '$1,$2,1'))
    const path = write('BTCUSDT-1m-all-bad.csv', lines.join('\n') + '\n')
    const db = openDatabase(join(dir, 'a.db'))
    dbs.push(db)
    const refusal = (importer: MarketDataImporter): ImportError => {
      try {
        importer.importFile(path)
      } catch (err) {
        return err as ImportError
      }
      throw new Error('imported')
    }
    const next = vi.spyOn(KlineParseStream.prototype, 'next')
    const streamed = refusal(new MarketDataImporter(db, { streamMinBytes: 0, streamChunkBytes: 4096 }))
    expect(
      next.mock.results.filter((r) => (r.value as KlineParseMessage | undefined)?.type === 'chunk').length,
    ).toBeGreaterThan(50)
    next.mockRestore()
    expect(streamed).toBeInstanceOf(ImportError)
    expect(streamed.message).toBe(refusal(new MarketDataImporter(db, { streamMinBytes: Infinity })).message)
    expect(streamed.reason).toMatch(/^every row was rejected \(3,000\); line 1: high 1 is below /)
    expect(
      db
        .prepare('SELECT (SELECT count(*) FROM instruments) AS instruments, (SELECT count(*) FROM series) AS series')
        .get(),
    ).toEqual({ instruments: 0, series: 0 })
  })
})
