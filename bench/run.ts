/**
 * `npm run bench`: runs every benchmark in turn, each in its own process (so one's memory and JIT state never colour
 * the next), and each rewrites its own section of bench/RESULTS.md. `npm run bench -- chart ml` runs only those.
 * The chart bench drives the built renderer: run `npm run build` first. TA-Lib peers need
 * `bash bench/features-setup-talib.sh` once (the features bench says so when they are missing).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** Every bench script, in the order they run (cheap and independent ones first). */
export const BENCHES = ['features', 'data', 'ml', 'gbdt-lightgbm', 'backtest', 'live', 'live-regime', 'live-alerts', 'chart'] as const

const root = resolve(__dirname, '..')
const wanted = process.argv.slice(2)
const unknown = wanted.filter((w) => !(BENCHES as readonly string[]).includes(w))
if (unknown.length) {
  console.error(`bench: unknown bench ${unknown.join(', ')} (one of ${BENCHES.join(', ')})`)
  process.exit(2)
}
if ((wanted.length === 0 || wanted.includes('chart')) && !existsSync(join(root, 'out', 'renderer', 'index.html'))) {
  console.error('bench: the chart bench needs the built renderer: run `npm run build` first')
  process.exit(2)
}
const failed: string[] = []
for (const name of wanted.length ? wanted : BENCHES) {
  const t0 = performance.now()
  console.error(`== bench/${name}.ts`)
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'bench', `${name}.ts`)], { cwd: root, stdio: 'inherit' })
  const s = ((performance.now() - t0) / 1000).toFixed(0)
  if (r.status === 0) console.error(`== bench/${name}.ts done in ${s} s`)
  else {
    failed.push(name)
    console.error(`== bench/${name}.ts FAILED (exit ${r.status ?? r.signal}) after ${s} s`)
  }
}
console.error(failed.length ? `bench: ${failed.length} failed: ${failed.join(', ')}` : 'bench: every section of bench/RESULTS.md rewritten')
process.exit(failed.length ? 1 : 0)
