// Runs dependency-cruiser over the source folders and fails on any boundary violation — and also when it
// cruised nothing (without the swc parser it silently reports "no violations (0 modules)").
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const cwd = process.argv[2] ?? process.cwd()
const bin = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'node_modules',
  'dependency-cruiser',
  'bin',
  'dependency-cruise.mjs',
)
const folders = ['src-main', 'src-shared', 'src-preload', 'src-renderer'].filter((f) => existsSync(join(cwd, f)))
const r = spawnSync(
  process.execPath,
  [bin, '--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...folders],
  { cwd, encoding: 'utf8', maxBuffer: 256 << 20 },
)
if (!r.stdout) {
  process.stderr.write(r.stderr || 'dependency-cruiser produced no output\n')
  process.exit(1)
}
const { summary } = JSON.parse(r.stdout)
for (const v of summary.violations) process.stderr.write(`lint: ${v.rule.name}: ${v.from} → ${v.to}\n`)
if (summary.totalCruised === 0) {
  process.stderr.write('lint: dependency-cruiser cruised 0 modules — the parser is not working\n')
  process.exit(1)
}
const errors = summary.violations.filter((v) => v.rule.severity === 'error').length
process.stdout.write(
  `lint: ${summary.totalCruised} modules, ${summary.totalDependenciesCruised} dependencies, ${errors} violations\n`,
)
process.exit(errors > 0 ? 1 : 0)
