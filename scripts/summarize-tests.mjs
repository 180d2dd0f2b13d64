// Prints the closing line CI reads, `N passed, N failed`, from the vitest and Playwright JSON reports
// (plus the build/typecheck/lint checks passed in as name=exitcode pairs). Exits 1 when anything failed.
import { existsSync, readFileSync } from 'node:fs'

let passed = 0
let failed = 0
let skipped = 0
const lines = []
for (const arg of process.argv.slice(2)) {
  const [kind, value] = arg.split('=')
  if (kind === 'check') {
    const [name, code] = value.split(':')
    if (code === '0') passed++
    else failed++
    lines.push(`${name}: ${code === '0' ? 'ok' : 'FAILED'}`)
  } else if (kind === 'vitest') {
    if (!existsSync(value)) {
      failed++
      lines.push(`vitest: no report at ${value}`)
      continue
    }
    const r = JSON.parse(readFileSync(value, 'utf8'))
    passed += r.numPassedTests
    failed += r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0)
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
    lines.push(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests ?? 0} skipped`)
    for (const f of r.testResults ?? []) {
      for (const a of f.assertionResults ?? []) if (a.status === 'failed') lines.push(`  FAILED ${a.fullName}`)
      if (f.status === 'failed' && (f.assertionResults ?? []).length === 0)
        lines.push(`  FAILED (suite) ${f.name}: ${(f.message ?? '').split('\n')[0]}`)
    }
  } else if (kind === 'playwright') {
    if (!existsSync(value)) {
      failed++
      lines.push(`playwright: no report at ${value}`)
      continue
    }
    const r = JSON.parse(readFileSync(value, 'utf8'))
    const s = r.stats ?? {}
    passed += (s.expected ?? 0) + (s.flaky ?? 0)
    failed += s.unexpected ?? 0
    skipped += s.skipped ?? 0
    lines.push(
      `playwright: ${s.expected ?? 0} passed, ${s.unexpected ?? 0} failed, ${s.flaky ?? 0} flaky, ${s.skipped ?? 0} skipped`,
    )
    if ((r.errors ?? []).length) {
      failed += r.errors.length
      for (const e of r.errors) lines.push(`  ERROR ${(e.message ?? '').split('\n')[0]}`)
    }
  }
}
process.stdout.write(lines.join('\n') + '\n')
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`)
process.exit(failed > 0 ? 1 : 0)
