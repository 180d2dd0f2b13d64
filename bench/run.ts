/**
 * `npm run bench`: runs every benchmark in turn, each in its own process (so one's memory and JIT state never colour
 * the next), and each rewrites its own section of bench/RESULTS.md. `npm run bench -- chart ml` runs only those;
 * `npm run bench -- --list` prints them and runs nothing. The chart and HTTP robustness benches drive the build: run
 * `npm run build` first. TA-Lib peers need `bash bench/features-setup-talib.sh` once (the features bench says so).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** Every bench script, in the order they run (cheap and independent ones first). */
export const BENCHES = [
  'features',
  'data',
  'ml',
  'gbdt-lightgbm',
  'hmm-pomegranate',
  'switcher',
  'backtest',
  'sweep',
  'live',
  'live-regime',
  'live-alerts',
  'metrics',
  'live-many',
  'sequence',
  'chart',
  'robustness',
  'robustness-http',
] as const

/** Benches that start the built app (out/). */
const NEEDS_BUILD: readonly string[] = ['chart', 'robustness-http']

const root = resolve(__dirname, '..')
const args = process.argv.slice(2)
if (args.includes('--list') || args.includes('--help') || args.includes('-h')) {
  const lines = BENCHES.map((b) => `  ${b.padEnd(16)}bench/${b}.ts`)
  console.log(`usage: npm run bench [-- NAME…] (default: all, in this order)\n${lines.join('\n')}`)
  process.exit(0)
}
const wanted = args
const unknown = wanted.filter((w) => !(BENCHES as readonly string[]).includes(w))
if (unknown.length) {
  console.error(`bench: unknown bench ${unknown.join(', ')} (one of ${BENCHES.join(', ')})`)
  process.exit(2)
}
const needBuild = NEEDS_BUILD.filter((b) => wanted.length === 0 || wanted.includes(b))
if (needBuild.length && !existsSync(join(root, 'out', 'renderer', 'index.html'))) {
  console.error(`bench: ${needBuild.join(' and ')} need the built app: run \`npm run build\` first`)
  process.exit(2)
}
const failed: string[] = []
for (const name of wanted.length ? wanted : BENCHES) {
  const t0 = performance.now()
  console.error(`== bench/${name}.ts`)
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')
  const r = spawnSync(process.execPath, [tsx, join(root, 'bench', `${name}.ts`)], { cwd: root, stdio: 'inherit' })
  const s = ((performance.now() - t0) / 1000).toFixed(0)
  if (r.status === 0) console.error(`== bench/${name}.ts done in ${s} s`)
  else {
    failed.push(name)
    console.error(`== bench/${name}.ts FAILED (exit ${r.status ?? r.signal}) after ${s} s`)
  }
}
console.error(failed.length ? `bench: ${failed.length} failed: ${failed.join(', ')}` : 'bench: all done')
process.exit(failed.length ? 1 : 0)
