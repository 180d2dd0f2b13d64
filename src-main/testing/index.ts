import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
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
export const ARMADA_CLI_ARGS: readonly string[] = ['--require', 'tsx/cjs', resolve(REPO_ROOT, 'src-main', 'cli', 'main.ts')]

/** Runs the real CLI in a child process from source and returns its exit code and output. */
export function runArmada(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 120_000): CliRun {
  const r = spawnSync(process.execPath, [...ARMADA_CLI_ARGS, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: timeoutMs })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}
