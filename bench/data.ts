/**
 * Data benchmarks (`npx tsx bench/data.ts`): CSV import throughput (bars/s, warm file cache, median of runs) per format,
 * and live message → stored bar latency through the replay server and BinanceFeed on 127.0.0.1. Writes the `data`
 * section of bench/RESULTS.md. Targets: import ≥ 300,000 bars/s; message → stored bar p99 < 1 ms.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Worker } from 'node:worker_threads'
import { gunzipSync } from 'node:zlib'
import { systemClock, type Bar } from '../src-shared'
import { BinanceFeed, MarketDataImporter, parseImportFile } from '../src-main/data'
import { openDatabase, SqliteBarStore } from '../src-main/store'
import { sharedData } from '../src-main/testing'
import { machineLine, median, quantile, writeResultsSection } from './results'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const cache = resolve(__dirname, '.cache')
mkdirSync(cache, { recursive: true })

/** A Binance kline CSV of `n` rows built from the real FTX BTC-PERP 1m bars (prices repeated, times continued). */
function binanceKlinesFile(n: number): string {
  const path = join(cache, `BTCUSDT-1m-bench-${n}.csv`)
  const lines = gunzipSync(readFileSync(sharedData('nautilus_trader/ftx_BTC-PERP_1m_20211231-20220201.csv.gz'))).toString().trim().split('\n').slice(1)
  const t0 = Date.UTC(2022, 0, 1)
  const out: string[] = []
  for (let i = 0; i < n; i++) {
    const [, o, h, l, c, v] = lines[i % lines.length].split(',')
    const t = t0 + i * 60_000
    const vol = (Number(v) / Number(c)).toFixed(8)
    out.push(`${t},${o},${h},${l},${c},${vol},${t + 59_999},${v},${100 + (i % 50)},${(Number(vol) / 2).toFixed(8)},${(Number(v) / 2).toFixed(4)},0`)
  }
  writeFileSync(path, out.join('\n') + '\n')
  return path
}

interface ImportResult {
  name: string
  rows: number
  parseOnly: number
  full: number
  /** Bars per second of this process's CPU time (user + system): less sensitive to other processes on the machine. */
  fullCpu: number
}

function benchImport(name: string, file: string): ImportResult {
  // Warm the file cache and the JIT once.
  readFileSync(file)
  parseImportFile(file)
  const parseTimes: number[] = []
  const fullTimes: number[] = []
  const cpuTimes: number[] = []
  let rows = 0
  for (let r = 0; r < RUNS; r++) {
    let t = performance.now()
    rows = parseImportFile(file).data.records.length
    parseTimes.push(performance.now() - t)
    const dir = mkdtempSync(join(tmpdir(), 'armada-bench-'))
    const db = openDatabase(join(dir, 'bench.db'))
    t = performance.now()
    const cpu = process.cpuUsage()
    const report = new MarketDataImporter(db).importFile(file)
    fullTimes.push(performance.now() - t)
    const used = process.cpuUsage(cpu)
    cpuTimes.push((used.user + used.system) / 1000)
    if (report.imported !== rows) throw new Error(`${name}: imported ${report.imported} of ${rows}`)
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
  return { name, rows, parseOnly: rows / (median(parseTimes) / 1000), full: rows / (median(fullTimes) / 1000), fullCpu: rows / (median(cpuTimes) / 1000) }
}

async function benchLatency(bars: Bar[], barsPerSecond: number): Promise<{ n: number; p50: number; p99: number; max: number }> {
  const sentAt = new Map<number, number>()
  // tsx's loader is not inherited by workers: register it in the worker first.
  const workerFile = JSON.stringify(resolve(__dirname, 'data-replay-worker.ts'))
  const worker = new Worker(`require('tsx/cjs'); require(${workerFile})`, { eval: true, workerData: { bars, barsPerSecond } })
  const { wsBase, restBase } = await new Promise<{ wsBase: string; restBase: string }>((r) =>
    worker.on('message', (m: [number, number] | { wsBase: string; restBase: string }) => (Array.isArray(m) ? sentAt.set(m[0], m[1]) : r(m))),
  )
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'armada-bench-')), 'live.db'))
  const store = new SqliteBarStore(db)
  const feed = new BinanceFeed({ wsBase, restBase, market: 'spot', streams: [{ kind: 'kline', symbol: 'BTCUSDT', timeframe: '1m' }] }, { bars: store }, systemClock)
  const storedAt = new Map<number, number>()
  feed.on('bar', (b) => storedAt.set(b.time, performance.timeOrigin + performance.now()))
  feed.start()
  const t0 = performance.now()
  while (storedAt.size < bars.length - 5 && performance.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 50))
  feed.dispose()
  worker.postMessage('stop')
  await new Promise((r) => worker.once('exit', r))
  db.close()
  const lat = bars
    .slice(50)
    .map((b) => (storedAt.get(b.time) ?? NaN) - (sentAt.get(b.time) ?? NaN))
    .filter((x) => Number.isFinite(x))
  return { n: lat.length, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), max: Math.max(...lat) }
}

async function main(): Promise<void> {
  const imports = [
    benchImport('Binance kline CSV, 1,000,000 rows (FTX BTC-PERP prices in Binance layout), plain', binanceKlinesFile(1_000_000)),
    benchImport('generic CSV with header, FTX BTC-PERP 1m, 45,031 rows, gzip', sharedData('nautilus_trader/ftx_BTC-PERP_1m_20211231-20220201.csv.gz')),
    benchImport('LEAN quote bars, Oanda EUR/USD 1h, 74,439 rows, gzip', sharedData('lean/forex/oanda_hour_eurusd.csv.gz')),
    benchImport('freqtrade candle JSON, BTC/USDT 5m, 10,999 rows, gzip', resolve(__dirname, '../resources/sample-data/BTC_USDT-5m.json.gz')),
  ]
  const src = (parseImportFile(sharedData('nautilus_trader/ftx_BTC-PERP_1m_20211231-20220201.csv.gz')).data.records as Bar[]).slice(0, 3000)
  const slow = await benchLatency(src.slice(0, 1000), 200)
  const fast = await benchLatency(src, 2000)
  const fmt = (x: number): string => Math.round(x).toLocaleString('en-US')
  const us = (ms: number): string => `${Math.round(ms * 1000)} µs`
  const importRows = imports.map((r) => `| ${r.name} | ${fmt(r.full)} | ${fmt(r.fullCpu)} | ${fmt(r.parseOnly)} | ${r.full >= 300_000 ? 'met' : 'not met'} |`)
  const md = `## Data: import throughput and live latency (\`npx tsx bench/data.ts\`)

Machine: ${machineLine()}; load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' / ')} (shared 2-core machine:
other engineers' test runs compete for the CPU, so these numbers vary run to run by up to 2×). Medians of ${RUNS} runs, warm file cache; each import run writes a fresh WAL database file
(one transaction per file, validation included). The parse-only column is the same file without SQLite, for scale.

| import | bars/s (full import, wall) | bars per CPU-second (full import) | bars/s (parse + validate only, wall) | goal ≥ 300,000 bars/s (wall) |
|---|---|---|---|---|
${importRows.join('\n')}

Live path: ReplayServer (own worker thread) → WebSocket on 127.0.0.1 → BinanceFeed (schema check, SQLite upsert in a WAL
file, \`bar\` event); latency is from just after the server hands the closed kline to \`ws.send\` until the feed's \`bar\` event
after the row is stored (absolute high-resolution time, \`performance.timeOrigin + performance.now()\`, in both threads);
first 50 bars dropped as warm-up. At 2000 bars/s a feed that falls behind (CPU taken by other processes) queues messages in
its socket, so that row's tail measures queueing rather than the per-message cost.

| replay speed | closed bars measured | p50 | p99 | max | goal p99 < 1 ms |
|---|---|---|---|---|---|
| 200 bars/s (600 msg/s incl. forming updates) | ${slow.n} | ${us(slow.p50)} | ${us(slow.p99)} | ${us(slow.max)} | ${slow.p99 < 1 ? 'met' : 'not met'} |
| 2000 bars/s (6000 msg/s, stress) | ${fast.n} | ${us(fast.p50)} | ${us(fast.p99)} | ${us(fast.max)} | ${fast.p99 < 1 ? 'met' : 'not met'} |
`
  writeResultsSection('data', md)
  process.stdout.write(md)
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`)
  process.exit(1)
})
