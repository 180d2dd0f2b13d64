/**
 * Child process of bench/robustness.ts: takes fuzzed files one by one through what `armada import` and `armada models
 * import` run — `MarketDataImporter.importFile` into a fresh database, `ModelRegistry.importFile` — and prints one JSON
 * line per case with the exit code the CLI would give (0 imported, 2 refused as bad input, 1 anything else: a crash),
 * the reason, the rows a refusal left stored (must be 0) and the case's time. A native crash ends this process; the
 * parent sees which case was running. argv: manifest (JSON list of { path, kind }), first index.
 */
import { readFileSync } from 'node:fs'
import { systemClock } from '../src-shared'
import { ImportError, MarketDataImporter } from '../src-main/data'
import { OnnxImportError } from '../src-main/ml'
import { ModelRegistry, RegistryError } from '../src-main/registry'
import { openDatabase, type Db } from '../src-main/store'

interface Case {
  readonly path: string
  readonly kind: 'data' | 'model'
}

/** One case's outcome line. */
export interface CaseOutcome {
  readonly i: number
  readonly code: 0 | 1 | 2
  readonly reason?: string
  /** Instrument, series and model rows left in the fresh database after a refusal. */
  readonly stored: number
  readonly ms: number
}

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Case[]
const first = Number(process.argv[3] ?? 0)

/** Runs one case against `db`; the exit code `armada import` / `armada models import` would give, and why. */
async function run(c: Case, db: Db): Promise<{ code: 0 | 1 | 2; reason?: string }> {
  if (c.kind === 'data') {
    try {
      new MarketDataImporter(db).importFile(c.path)
      return { code: 0 }
    } catch (err) {
      // armada import: an ImportError is a refusal (exit 2); anything else escapes to run-cli (exit 1).
      if (err instanceof ImportError) return { code: 2, reason: err.reason }
      return { code: 1, reason: crashLine(err) }
    }
  }
  const registry = new ModelRegistry(db, systemClock)
  try {
    await registry.importFile(new Uint8Array(readFileSync(c.path)), { source: c.path })
    return { code: 0 }
  } catch (err) {
    // armada models import (withRegistry): OnnxImportError and RegistryError other than 'refused' are bad input.
    if (err instanceof OnnxImportError) return { code: 2, reason: err.reason }
    if (err instanceof RegistryError && err.code !== 'refused') return { code: 2, reason: err.message }
    return { code: 1, reason: crashLine(err) }
  } finally {
    await registry.dispose()
  }
}

/** Instrument, series and model rows in `db`. */
function storedRows(db: Db): number {
  return (
    db
      .prepare(
        'SELECT (SELECT count(*) FROM instruments) + (SELECT count(*) FROM series) + (SELECT count(*) FROM models) AS n',
      )
      .get() as { n: number }
  ).n
}

/** A crash's message and where it was thrown, in one line, for the report. */
function crashLine(err: unknown): string {
  const e = err as Error
  const at = e?.stack?.split('\n').find((l) => l.includes('src-main')) ?? ''
  return `${e?.name ?? 'Error'}: ${(e?.message ?? String(err)).split('\n')[0]} ${at.trim()}`
}

async function main(): Promise<void> {
  for (let i = first; i < cases.length; i++) {
    process.stdout.write(JSON.stringify({ start: i }) + '\n')
    const db = openDatabase(':memory:')
    const t0 = performance.now()
    const r = await run(cases[i], db)
    const ms = performance.now() - t0
    const out: CaseOutcome = { i, ...r, stored: r.code === 0 ? 0 : storedRows(db), ms }
    db.close()
    process.stdout.write(JSON.stringify(out) + '\n')
  }
  process.stdout.write(JSON.stringify({ done: true, peakRssKiB: process.resourceUsage().maxRSS }) + '\n')
}

void main()
