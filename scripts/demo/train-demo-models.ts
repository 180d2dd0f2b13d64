/**
 * Reproduces the embedded demo's shipped models (models/*.onnx, models/alerts-skipped.json, models/demo-training.json)
 * from the bundled sample data with the `armada` CLI, training only on bars before the replayed windows (DEMO_WINDOWS in
 * src-main/data/replay/embedded-replay.ts). Usage: npm run build && npx tsx scripts/demo/train-demo-models.ts
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DEMO_WINDOWS } from '../../src-main/data'

const root = resolve(__dirname, '..', '..')
const cli = join(root, 'out', 'main', 'cli.js')
const models = join(root, 'models')
const sample = join(root, 'resources', 'sample-data')
const dir = mkdtempSync(join(tmpdir(), 'armada-demo-train-'))
const db = join(dir, 'train.db')

function armada(...args: string[]): string {
  process.stderr.write(`armada ${args.join(' ')}\n`)
  return execFileSync(process.execPath, [cli, ...args, '--db', db], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  })
}

const iso = (t: number): string => new Date(t).toISOString()
try {
  armada(
    'import',
    join(sample, 'Coinbase_BTCUSD_1h.csv.gz'),
    ...['spy', 'aapl', 'ibm', 'vxx'].map((s) => join(sample, 'lean', 'equity_hour', `${s}.csv.gz`)),
  )
  const regime = JSON.parse(
    armada(
      'train',
      'regime',
      '--symbol',
      'BTCUSD',
      '--timeframe',
      '1h',
      '--to',
      iso(DEMO_WINDOWS.regime.trainedTo),
      '--json',
    ),
  )
  const alerts = JSON.parse(
    armada(
      'train',
      'alerts',
      '--basket',
      'SPY,AAPL,IBM,VXX',
      '--timeframe',
      '1h',
      '--bars-per-year',
      String(252 * 7),
      '--to',
      iso(DEMO_WINDOWS.alerts.trainedTo),
      '--json',
    ),
  )
  for (const h of regime.horizons as { name: string; versionId: string }[])
    armada('models', 'export', h.versionId, '--out', join(models, `${h.name}.onnx`))
  for (const m of alerts.models as { name: string; versionId: string }[])
    armada('models', 'export', m.versionId, '--out', join(models, `${m.name}.onnx`))
  writeFileSync(join(models, 'alerts-skipped.json'), JSON.stringify(alerts.skipped, null, 1) + '\n')
  // The walk-forward record of every shipped model next to its baselines: models/PROVENANCE.md's tables come from here.
  writeFileSync(
    join(models, 'demo-training.json'),
    JSON.stringify({ windows: DEMO_WINDOWS, regime, alerts }, null, 1) + '\n',
  )
  process.stderr.write(`wrote ${regime.horizons.length} regime and ${alerts.models.length} alert models to ${models}\n`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
