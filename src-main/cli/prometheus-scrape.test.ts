import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore, EMBEDDED_VENUE } from '../core'
import { defaultReplayFiles, DEMO_WINDOWS, loadReplayDataset } from '../data'
import { barsToColumns, computeFeatures } from '../features'
import type { DriftReport } from '../registry'
import { ARMADA_CLI_ARGS, REPO_ROOT } from '../testing'

/**
 * `armada serve --embedded` scraped for real: a real Prometheus (Debian's `prometheus`, on 127.0.0.1) scrapes it and
 * its HTTP API answers with Armada's live latency histogram and drift gauge; `promtool check metrics` accepts the
 * text; every metric the shipped Grafana dashboard queries is in it. The demo database is prepared first with a real
 * drift report (the shipped regime h12 champion on the demo window's feature rows), since the demo itself makes none.
 */
const PROMETHEUS = '/usr/bin/prometheus'
const PROMTOOL = '/usr/bin/promtool'
const DASHBOARD = join(REPO_ROOT, 'resources', 'grafana', 'armada-dashboard.json')
const DRIFT_MODEL = 'regime-btcusd-1h-h12'

let dir: string
let serve: ChildProcess | undefined
let prometheus: ChildProcess | undefined
let base: string
let drift: DriftReport
let exposition: string
const serveLog: string[] = []
const prometheusLog: string[] = []

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** Polls `probe` until it returns a value (not undefined); throws with `what` and the logs once `ms` have passed. */
async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = performance.now() + ms
  for (;;) {
    const v = await probe().catch(() => undefined)
    if (v !== undefined) return v
    if (performance.now() > deadline)
      throw new Error(
        `${what}: nothing after ${ms / 1000} s\nserve: ${serveLog.join('').slice(-2000)}\nprometheus: ${prometheusLog.join('').slice(-2000)}`,
      )
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** Value of one sample of the exposition (`name{a="x"} v`) whose labels include `labels`; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]))
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3])
  }
  return undefined
}

/** Metric names a PromQL expression reads: what is left once strings, selectors, ranges, grouping clauses, functions and keywords are removed. */
function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\b[a-zA-Z_][a-zA-Z0-9_]*\s*\(/g, ' (')
  const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan'])
  return [...stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .map((m) => m[0])
    .filter((w) => !keywords.has(w.toLowerCase()))
}

/** Every PromQL expression of the dashboard's panels (rows' nested panels included). */
function dashboardExpressions(): string[] {
  type Panel = { targets?: { expr?: string }[]; panels?: Panel[] }
  const d = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] }
  const out: string[] = []
  const visit = (ps: Panel[]): void => {
    for (const p of ps) {
      for (const t of p.targets ?? []) if (t.expr) out.push(t.expr)
      visit(p.panels ?? [])
    }
  }
  visit(d.panels)
  return out
}

/** Stores the shipped regime models as champions and one real drift report of the h12 model in `db`. */
async function prepareDemoDatabase(db: string): Promise<DriftReport> {
  const core = createCore({ dbPath: db, shell: 'cli', metrics: false })
  core.start()
  try {
    for (const h of [12, 48]) {
      const file = readFileSync(join(REPO_ROOT, 'models', `regime-btcusd-1h-h${h}.onnx`))
      const { version } = await core.registry.importFile(new Uint8Array(file))
      core.registry.promote(version.id, { alias: 'champion', reason: 'shipped default for the test', actor: 'system' })
    }
    const bars = loadReplayDataset(defaultReplayFiles()).bars[0].bars
    const history = bars.findIndex((b) => b.time >= DEMO_WINDOWS.regime.from)
    const m = computeFeatures({
      symbol: 'BTCUSD',
      timeframe: '1h',
      set: 'regime',
      bars: barsToColumns(bars.slice(0, history + 500)),
    })
    const card = core.registry.get(core.registry.aliases(DRIFT_MODEL).champion!).card
    const cols = card.features.map((f) => m.names.indexOf(f))
    const n = 500
    const x = new Float32Array(n * cols.length)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < cols.length; j++) x[i * cols.length + j] = m.data[(m.rows - n + i) * m.names.length + cols[j]]
    return await core.registry.checkDrift(DRIFT_MODEL, { x, n })
  } finally {
    await core.dispose()
  }
}

async function stop(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return
  const exited = new Promise((r) => p.once('exit', r))
  p.kill('SIGTERM')
  await exited
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'armada-prometheus-'))
  const db = join(dir, 'demo.db')
  drift = await prepareDemoDatabase(db)
  serve = spawn(
    process.execPath,
    [
      ...ARMADA_CLI_ARGS,
      'serve',
      '--port',
      '0',
      '--json',
      '--embedded',
      '--speed',
      '20',
      '--db',
      db,
      '--strategies',
      `battle-navale@BTCUSD.${EMBEDDED_VENUE}:1h`,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  serve.stderr!.on('data', (d) => serveLog.push(String(d)))
  const line = await new Promise<string>((resolve, reject) => {
    let buf = ''
    serve!.stdout!.on('data', (d) => {
      buf += String(d)
      if (buf.includes('\n')) resolve(buf.split('\n')[0])
    })
    serve!.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${serveLog.join('')}`)))
  })
  base = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`
  // Every live stage has timed bars (the strategy node and the basket's alert loop start after the regime loop).
  exposition = await until('live latency of every stage in /metrics', 90_000, async () => {
    const text = await (await fetch(`${base}/metrics`)).text()
    const stages = ['feature', 'regime', 'alerts', 'strategy']
    return stages.every((stage) => (sample(text, 'armada_live_latency_seconds_count', { stage }) ?? 0) > 0)
      ? text
      : undefined
  })
}, 180_000)

afterAll(async () => {
  await stop(prometheus)
  await stop(serve)
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('armada serve /metrics', () => {
  it('serves the Prometheus text format with the live latency histogram and the drift gauge', () => {
    expect(sample(exposition, 'armada_live_latency_seconds_bucket', { stage: 'regime', le: '+Inf' })).toBeGreaterThan(0)
    for (const f of drift.features)
      expect(sample(exposition, 'armada_model_feature_psi', { model: DRIFT_MODEL, feature: f.feature })).toBeCloseTo(
        f.psi,
        9,
      )
    expect(
      sample(exposition, 'armada_feed_lag_seconds', { feed: 'main', stream: 'btcusd@kline_1h' }),
    ).toBeGreaterThanOrEqual(0)
    expect(sample(exposition, 'armada_predictions_total', { model: DRIFT_MODEL })).toBeGreaterThan(0)
  })

  it.skipIf(!existsSync(PROMTOOL))('passes `promtool check metrics` (needs Debian’s prometheus package)', async () => {
    const text = await (await fetch(`${base}/metrics`)).text()
    const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' })
    expect(r.stdout + r.stderr).toBe('')
    expect(r.status).toBe(0)
  })

  it('has every metric the shipped Grafana dashboard queries', async () => {
    const text = await (await fetch(`${base}/metrics`)).text()
    const families = new Set([...text.matchAll(/^# TYPE (\S+) (\w+)$/gm)].map((m) => m[1]))
    const exprs = dashboardExpressions()
    expect(exprs.length).toBeGreaterThan(20)
    const names = new Set(exprs.flatMap(promqlMetricNames))
    expect(names.size).toBeGreaterThan(15)
    const missing = [...names].filter((n) => !families.has(n) && !families.has(n.replace(/_(bucket|sum|count)$/, '')))
    expect(missing).toEqual([])
    // The parser finds what a reader would: a histogram bucket, a counter under rate(), a gauge under topk().
    expect(names).toContain('armada_live_latency_seconds_bucket')
    expect(names).toContain('armada_predictions_total')
    expect(names).toContain('armada_model_feature_psi')
    expect(names).not.toContain('le')
    expect(names).not.toContain('histogram_quantile')
  })

  it('ships a dashboard whose every query uses the provisioned datasource', () => {
    type Panel = { type: string; datasource?: { uid?: string }; targets?: { datasource?: { uid?: string } }[] }
    const d = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { uid: string; panels: Panel[] }
    const provisioned = readFileSync(
      join(REPO_ROOT, 'resources', 'grafana', 'provisioning', 'datasources', 'armada.yaml'),
      'utf8',
    )
    const uid = /^\s+uid: (\S+)$/m.exec(provisioned)?.[1]
    expect(uid).toBe('armada-prometheus')
    const queried = d.panels.filter((p) => p.type !== 'row')
    expect(queried.length).toBeGreaterThan(15)
    for (const p of queried) {
      expect(p.datasource?.uid).toBe(uid)
      for (const t of p.targets ?? []) expect(t.datasource?.uid).toBe(uid)
    }
  })

  it.skipIf(!existsSync(PROMETHEUS))(
    'is scraped by a real Prometheus whose HTTP API returns the latency histogram and the drift gauge (needs Debian’s prometheus package)',
    async () => {
      const port = await freePort()
      const target = new URL(base).host
      const config = join(dir, 'prometheus.yml')
      writeFileSync(
        config,
        `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: armada\n    static_configs:\n      - targets: ['${target}']\n`,
      )
      prometheus = spawn(
        PROMETHEUS,
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${join(dir, 'tsdb')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--log.level=warn',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      )
      prometheus.stdout!.on('data', (d) => prometheusLog.push(String(d)))
      prometheus.stderr!.on('data', (d) => prometheusLog.push(String(d)))
      type Vector = { metric: Record<string, string>; value: [number, string] }[]
      const query = async (q: string): Promise<Vector | undefined> => {
        const r = (await (
          await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`)
        ).json()) as { status: string; data: { result: Vector } }
        return r.status === 'success' && r.data.result.length > 0 ? r.data.result : undefined
      }
      const up = await until('Prometheus scraping armada', 60_000, () => query('up{job="armada"} == 1'))
      expect(up[0].metric.instance).toBe(target)
      // Two scrapes apart, the regime stage's histogram has grown: rate() over it is defined, and so is a quantile.
      const p50 = await until('a latency quantile from Prometheus', 60_000, () =>
        query('histogram_quantile(0.5, sum by (le) (rate(armada_live_latency_seconds_bucket{stage="regime"}[10s])))'),
      )
      expect(Number(p50[0].value[1])).toBeGreaterThan(0)
      expect(Number(p50[0].value[1])).toBeLessThan(1)
      const buckets = await query('armada_live_latency_seconds_bucket{stage="regime"}')
      expect(buckets!.length).toBeGreaterThan(10)
      const psi = await query(`armada_model_feature_psi{model="${DRIFT_MODEL}"}`)
      expect(psi!.length).toBe(drift.features.filter((f) => Number.isFinite(f.psi)).length)
      for (const s of psi!) {
        const f = drift.features.find((x) => x.feature === s.metric.feature)!
        expect(Number(s.value[1])).toBeCloseTo(f.psi, 9)
      }
      const health = await query(`armada_model_health{model="${DRIFT_MODEL}"} == 1`)
      expect(health!.map((s) => s.metric.state)).toEqual([drift.health])
    },
    150_000,
  )
})
