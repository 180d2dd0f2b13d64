import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../src-shared'
import { inspectOnnx, OnnxImportError, type TrainedModel } from '../ml'
import { openDatabase, type Db } from '../store'
import { testData } from '../testing'
import { ModelRegistry, RegistryError } from './index'
import { btcTable, rows, tempDir, train } from './registry.test-support'

const HOUR = 3_600_000
const T0 = Date.UTC(2024, 0, 1)
const t = btcTable()
const trainRows = rows(t, 0, 6000)
const holdout = rows(t, 6200, 8000)
let v1: TrainedModel
let v2: TrainedModel
let v3: TrainedModel
const tmp = tempDir()
const dbs: Db[] = []
const registries: ModelRegistry[] = []

function open(file: string, clock = new ManualClock(T0)): { reg: ModelRegistry; clock: ManualClock; db: Db } {
  const db = openDatabase(join(tmp.dir, file))
  const reg = new ModelRegistry(db, clock)
  dbs.push(db)
  registries.push(reg)
  return { reg, clock, db }
}

beforeAll(async () => {
  v1 = await train('logreg', t, trainRows, { C: 0.5, seed: 1 })
  v2 = await train('gbdt', t, trainRows, { seed: 2 })
  v3 = await train('gbdt', t, trainRows, { seed: 3, n_estimators: 10 })
})
afterAll(async () => {
  for (const r of registries) await r.dispose()
  for (const d of dbs) d.close()
  tmp.cleanup()
})

describe('model versions', () => {
  it("a version's id is the sha256 of its ONNX bytes and it stores card, lineage, metrics with baselines, tags and notes", async () => {
    const { reg } = open('versions.db')
    const { version, created } = await reg.register({
      onnx: v1.onnx,
      lineage: {
        trainingWindow: { from: t.time[0], to: t.time[5999] + HOUR },
        symbols: ['BTCUSD.COINBASE'],
        codeVersion: '0.1.0',
      },
      trainingData: trainRows,
      holdout,
      tags: ['baseline'],
      notes: 'logistic regression on demo regime features',
    })
    expect(created).toBe(true)
    expect(version.id).toBe(createHash('sha256').update(v1.onnx).digest('hex'))
    expect(version.name).toBe('btc-regime')
    expect(version.card.features).toEqual(t.features)
    expect(version.lineage).toMatchObject({
      symbols: ['BTCUSD.COINBASE'],
      codeVersion: '0.1.0',
      seed: 1,
      params: { C: 0.5 },
    })
    expect(version.metrics.validation?.n).toBe(holdout.n)
    expect(version.metrics.validation?.f1).toBeGreaterThan(0)
    expect(version.metrics.baselines?.majority?.accuracy).toBeGreaterThan(0)
    expect(version.metrics.baselines?.persistence?.accuracy).toBeGreaterThan(0)
    const ref = version.card.reference as {
      rows: number
      features: Record<string, { edges: number[]; proportions: number[] }>
      predictions: { classProportions: number[] }
    }
    expect(ref.rows).toBe(trainRows.n)
    expect(ref.features.rsi14.proportions.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
    expect(ref.predictions.classProportions).toHaveLength(3)
    expect(version.tags).toEqual(['baseline'])
    expect(createHash('sha256').update(reg.onnx(version.id)).digest('hex')).toBe(version.id)
  })

  it('registering the same bytes twice is a no-op', async () => {
    const { reg } = open('noop.db')
    const a = await reg.register({ onnx: v2.onnx, notes: 'first' })
    const before = reg.integrity().counts
    const b = await reg.register({ onnx: v2.onnx, notes: 'second' })
    expect(b.created).toBe(false)
    expect(b.version).toEqual(a.version)
    expect(reg.integrity().counts).toEqual(before)
  })

  it('a version exported as one ONNX file imports on another workstation with the same id, card, lineage and metrics, and still runs', async () => {
    const a = open('export-a.db').reg
    const { version } = await a.register({
      onnx: v1.onnx,
      trainingData: trainRows,
      holdout,
      lineage: { symbols: ['BTCUSD.COINBASE'] },
      tags: ['x'],
      notes: 'moved',
    })
    const file = a.exportVersion(version.id.slice(0, 12))
    expect(inspectOnnx(file).card?.name).toBe('btc-regime')
    const session = await ort.InferenceSession.create(file)
    const out = await session.run({
      input: new ort.Tensor('float32', holdout.x.slice(0, 16 * t.features.length), [16, t.features.length]),
    })
    expect(out.probabilities.dims).toEqual([16, 3])
    await session.release()
    const b = open('export-b.db').reg
    const imported = await b.importFile(file)
    expect(imported.created).toBe(true)
    expect(imported.version.id).toBe(version.id)
    expect(imported.version.card).toEqual(version.card)
    expect(imported.version.lineage).toEqual(version.lineage)
    expect(imported.version.metrics).toEqual(version.metrics)
    expect(imported.version.tags).toEqual(['x'])
    expect(imported.version.notes).toBe('moved')
    expect((await b.importFile(file)).created).toBe(false)
  })

  it('ids may be abbreviated to a unique prefix of at least 12 hex characters', async () => {
    const { reg } = open('prefix.db')
    const { version } = await reg.register({ onnx: v1.onnx })
    expect(reg.get(version.id.slice(0, 12)).id).toBe(version.id)
    expect(reg.get(version.id.toUpperCase()).id).toBe(version.id)
    expect(() => reg.get(version.id.slice(0, 11))).toThrow(/at least 12/)
    expect(() => reg.get('0'.repeat(12))).toThrow(/no model version starts with/)
  })
})

describe('aliases and their history', () => {
  it('with real data: two versions, promote, roll back, and the history gives the exact champion at any past time', async () => {
    const { reg, clock } = open('history.db')
    const a = (await reg.register({ onnx: v1.onnx, holdout })).version
    const b = (await reg.register({ onnx: v2.onnx, holdout })).version
    clock.set(T0 + 1 * HOUR)
    reg.promote(a.id, { alias: 'champion', reason: 'first model' })
    clock.set(T0 + 5 * HOUR)
    const gate = await reg.gate(
      b.id,
      { ...holdout, from: holdout.time[0], to: holdout.time[holdout.n - 1] },
      { metric: 'logLoss', absolute: 0, relative: 0 },
    )
    // On real BTC regimes the GBDT does not beat the logistic regression's log loss: the gate says no, a forced promotion needs a reason.
    expect(gate.passed).toBe(false)
    expect(() => reg.promote(b.id, { alias: 'champion', reason: 'try gbdt' })).toThrow(/needs a passing promotion gate/)
    const promo = reg.promote(b.id, { alias: 'champion', reason: 'trial of gbdt despite the gate', force: true })
    expect(promo.authorisedBy).toBe('force')
    clock.set(T0 + 9 * HOUR)
    const rb = reg.rollback('btc-regime', 'champion', 'live alerts got noisier')
    expect(rb).toMatchObject({
      from: b.id,
      to: a.id,
      kind: 'rollback',
      actor: 'user',
      reason: 'live alerts got noisier',
    })
    expect(reg.aliases('btc-regime').champion).toBe(a.id)

    expect(reg.aliasAt('btc-regime', 'champion', T0)).toBeUndefined()
    expect(reg.aliasAt('btc-regime', 'champion', T0 + 1 * HOUR)).toBe(a.id)
    expect(reg.aliasAt('btc-regime', 'champion', T0 + 5 * HOUR - 1)).toBe(a.id)
    expect(reg.aliasAt('btc-regime', 'champion', T0 + 5 * HOUR)).toBe(b.id)
    expect(reg.aliasAt('btc-regime', 'champion', T0 + 9 * HOUR - 1)).toBe(b.id)
    expect(reg.aliasAt('btc-regime', 'champion', T0 + 100 * HOUR)).toBe(a.id)
    expect(reg.history('btc-regime', 'champion').map((e) => [e.time - T0, e.from, e.to, e.kind])).toEqual([
      [1 * HOUR, null, a.id, 'promote'],
      [5 * HOUR, a.id, b.id, 'promote'],
      [9 * HOUR, b.id, a.id, 'rollback'],
    ])
  })

  it('the alias history is append-only: SQLite refuses UPDATE and DELETE', async () => {
    const { reg, db } = open('append-only.db')
    const a = (await reg.register({ onnx: v1.onnx })).version
    reg.promote(a.id, { reason: 'first' })
    expect(() => db.prepare("UPDATE alias_history SET reason = 'rewritten'").run()).toThrow(/append-only/)
    expect(() => db.prepare('DELETE FROM alias_history').run()).toThrow(/append-only/)
    expect(reg.history('btc-regime')).toHaveLength(1)
  })

  it('rollbacks undo promotions in stack order and refuse when there is nothing earlier', async () => {
    const { reg, clock } = open('stack.db')
    const ids = []
    for (const m of [v1, v2, v3]) ids.push((await reg.register({ onnx: m.onnx })).version.id)
    for (const id of ids) {
      clock.advance(HOUR)
      reg.promote(id, { reason: 'next', force: true })
    }
    clock.advance(HOUR)
    expect(reg.rollback('btc-regime', 'champion', 'undo 3').to).toBe(ids[1])
    expect(reg.rollback('btc-regime', 'champion', 'undo 2').to).toBe(ids[0])
    expect(() => reg.rollback('btc-regime', 'champion', 'undo 1')).toThrow(/no earlier champion/)
    expect(() => reg.rollback('btc-regime', 'challenger', 'x')).toThrow(RegistryError)
  })

  it('challenger and shadow aliases move freely with a reason; unknown aliases and empty reasons are refused', async () => {
    const { reg } = open('other-aliases.db')
    const a = (await reg.register({ onnx: v1.onnx })).version
    const b = (await reg.register({ onnx: v2.onnx })).version
    reg.promote(a.id, { reason: 'first' })
    expect(reg.promote(b.id, { alias: 'challenger', reason: 'retrained' }).changed).toBe(true)
    expect(reg.promote(b.id, { alias: 'shadow', reason: 'shadow scoring', actor: 'drift-rule' }).event?.actor).toBe(
      'drift-rule',
    )
    expect(() => reg.promote(b.id, { alias: 'king' as 'champion', reason: 'x' })).toThrow(/unknown alias/)
    expect(() => reg.promote(b.id, { alias: 'challenger', reason: ' ' })).toThrow(/reason is required/)
    expect(reg.aliases('btc-regime')).toEqual({ champion: a.id, challenger: b.id, shadow: b.id })
    await expect(
      reg.register({ onnx: v3.onnx, alias: { alias: 'champion' as 'challenger', reason: 'sneak in' } }),
    ).rejects.toThrow(/cannot move the champion/)
    expect(reg.aliases('btc-regime').champion).toBe(a.id)
  })
})

describe('one alias per version for the champion', () => {
  it('a challenger forced to champion stops being the challenger, and the history records why', async () => {
    const { reg, clock } = open('champion-exclusive.db')
    const a = (await reg.register({ onnx: v1.onnx })).version
    const b = (await reg.register({ onnx: v2.onnx, alias: { alias: 'challenger', reason: 'retrained' } })).version
    clock.set(T0 + HOUR)
    reg.promote(a.id, { reason: 'first' })
    clock.set(T0 + 2 * HOUR)
    reg.promote(b.id, { reason: 'forced trial', force: true })
    expect(reg.aliases('btc-regime')).toEqual({ champion: b.id })
    expect(reg.versions('btc-regime').map((v) => v.aliases)).toEqual([[], ['champion']])
    expect(
      reg
        .history('btc-regime')
        .slice(-2)
        .map((e) => [e.alias, e.kind, e.from, e.to]),
    ).toEqual([
      ['challenger', 'clear', b.id, null],
      ['champion', 'promote', a.id, b.id],
    ])
    expect(reg.history('btc-regime', 'challenger').at(-1)?.reason).toBe(
      `${b.id.slice(0, 12)} became the champion (promote)`,
    )
  })

  it('a rollback to a version that is now challenger clears its challenger alias too', async () => {
    const { reg } = open('champion-exclusive-rollback.db')
    const a = (await reg.register({ onnx: v1.onnx })).version
    const b = (await reg.register({ onnx: v2.onnx })).version
    reg.promote(a.id, { reason: 'first' })
    reg.promote(b.id, { reason: 'forced', force: true })
    reg.promote(a.id, { alias: 'challenger', reason: 'the old champion challenges again' })
    reg.rollback('btc-regime', 'champion', 'b was worse live')
    expect(reg.aliases('btc-regime')).toEqual({ champion: a.id })
  })

  it('refuses to make the champion its own challenger or shadow', async () => {
    const { reg } = open('champion-exclusive-refuse.db')
    const a = (await reg.register({ onnx: v1.onnx })).version
    reg.promote(a.id, { reason: 'first' })
    expect(() => reg.promote(a.id, { alias: 'challenger', reason: 'x' })).toThrow(
      `${a.id.slice(0, 12)} is the champion of "btc-regime"; a champion cannot also be its challenger`,
    )
    expect(() => reg.promote(a.id, { alias: 'shadow', reason: 'x' })).toThrow(/cannot also be its shadow/)
    expect(reg.aliases('btc-regime')).toEqual({ champion: a.id })
  })
})

describe('promotion gate', () => {
  it('compares candidate and champion on the same held-out window, stores the verdict, and refuses an ungated champion change unless forced with a reason', async () => {
    const { reg } = open('gate.db')
    const a = (await reg.register({ onnx: v1.onnx })).version
    const b = (await reg.register({ onnx: v3.onnx })).version
    reg.promote(a.id, { reason: 'first' })
    const window = { ...holdout, from: holdout.time[0], to: holdout.time[holdout.n - 1], symbols: ['BTCUSD.COINBASE'] }
    const strict = await reg.gate(b.id, window, { metric: 'f1', absolute: 0.5, relative: 0 })
    expect(strict.passed).toBe(false)
    expect(strict.champion).toBe(a.id)
    expect(strict.window).toEqual({ n: holdout.n, from: window.from, to: window.to, symbols: ['BTCUSD.COINBASE'] })
    expect(strict.candidateMetrics.n).toBe(holdout.n)
    expect(strict.championMetrics?.n).toBe(holdout.n)
    expect(strict.reason).toMatch(/needs ≥ 0.5 absolute .*failed/)
    expect(reg.gates('btc-regime')[0]).toEqual(strict)
    expect(() => reg.promote(b.id, { reason: 'looks better' })).toThrow(/needs a passing promotion gate/)
    expect(() => reg.promote(b.id, { reason: '', force: true })).toThrow(/reason is required/)
    expect(reg.aliases('btc-regime').champion).toBe(a.id)

    const lenient = await reg.gate(b.id, window, { metric: 'f1', absolute: -1, relative: -1 })
    expect(lenient.passed).toBe(true)
    expect(reg.promote(b.id, { reason: 'gate passed' }).authorisedBy).toBe('gate')
    const forced = reg.promote(a.id, { reason: 'incident: revert by hand', force: true })
    expect(forced.authorisedBy).toBe('force')
    expect(forced.event?.detail).toEqual({ forced: true })
  })
})

describe('importing model files', () => {
  const skl = (name: string) =>
    new Uint8Array(readFileSync(testData('onnx-models', 'sklearn-onnx', `${name}.model.onnx`)))
  const nodeTest = (name: string) =>
    new Uint8Array(readFileSync(testData('onnx-models', 'onnx-node-tests', name, 'model.onnx')))

  it.each([
    ['random bytes', () => new Uint8Array(256).map((_, i) => (i * 37 + 11) & 255), /not an ONNX model/],
    ['a truncated model', () => skl('SklearnBinRandomForestClassifier').slice(0, 300), /not an ONNX model/],
    ['a regressor (one output column)', () => skl('SklearnRegRandomForestRegressor'), /output "variable" has 1 column/],
    ['an LSTM with three inputs', () => nodeTest('test_lstm_defaults'), /graph inputs/],
    ['a float64-input tree ensemble', () => nodeTest('test_ai_onnx_ml_tree_ensemble_single_tree'), /dtype DOUBLE/],
  ])('refuses %s with the reason and leaves the registry untouched', async (_what, bytes, reason) => {
    const { reg } = open(`refuse-${_what.replace(/\W+/g, '-')}.db`)
    await reg.register({ onnx: v1.onnx })
    const before = reg.integrity().counts
    const err = await reg.importFile(bytes()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OnnxImportError)
    expect((err as Error).message).toMatch(reason)
    expect(reg.integrity().counts).toEqual(before)
  })

  it('a foreign scikit-learn classifier is prepared (ZipMap rewritten), checked in onnxruntime and registered', async () => {
    const { reg } = open('foreign.db')
    const r = await reg.importFile(skl('SklearnBinRandomForestClassifier'), {
      name: 'skl-rf',
      card: { features: ['a', 'b'] },
    })
    expect(r.created).toBe(true)
    expect(r.changes[0]).toMatch(/removed ZipMap/)
    expect(r.version.name).toBe('skl-rf')
    expect(r.version.card).toMatchObject({ classes: ['A', 'B'], features: ['a', 'b'], inputShape: [1, 2] })
    expect(r.version.id).toBe(createHash('sha256').update(reg.onnx(r.version.id)).digest('hex'))
  })
})

describe('the Models view API', () => {
  it('lists models with versions, metrics next to baselines, aliases, health and A/B status', async () => {
    const { reg } = open('list.db')
    const a = (await reg.register({ onnx: v1.onnx, holdout, trainingData: trainRows })).version
    const b = (await reg.register({ onnx: v2.onnx, holdout })).version
    reg.promote(a.id, { reason: 'first' })
    reg.promote(b.id, { alias: 'challenger', reason: 'candidate' })
    reg.startAbTest('btc-regime', { horizonMs: 12 * HOUR })
    await reg.checkDrift('btc-regime', rows(t, 6000, 6500))
    const [m] = reg.list()
    expect(m.name).toBe('btc-regime')
    expect(m.aliases).toEqual({ champion: a.id, challenger: b.id })
    expect(m.versions.map((v) => [v.id, v.aliases])).toEqual([
      [a.id, ['champion']],
      [b.id, ['challenger']],
    ])
    expect(m.versions[0].metrics.validation?.f1).toBeGreaterThan(0)
    expect(m.versions[0].metrics.baselines?.majority?.f1).toBeGreaterThanOrEqual(0)
    expect(m.health?.health).toMatch(/healthy|degrading|failed/)
    expect(m.abTest).toMatchObject({
      status: 'running',
      champion: a.id,
      challenger: b.id,
      recorded: 0,
      resolved: 0,
      stale: false,
    })
    expect(() => reg.model('nope')).toThrow(/no model named/)
  })
})
