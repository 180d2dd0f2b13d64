import { describe, expect, it } from 'vitest'
import type { ModelDetail, SeriesSummary } from '../../src-shared'
import { FakeApi, makeJob, makeMetrics, makeVersion } from './fake-api.test-support'
import {
  baselineVerdict,
  compareToBaselines,
  createModelsStore,
  rollbackTarget,
  seriesKey,
  topImportance,
  trainRequest,
} from './models-store'

const NAME = 'regime-btcusdt-1h-h12'
const SERIES: SeriesSummary[] = [
  { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1h', count: 585, first: 0, last: 1 },
]

function registry(fake: FakeApi): ModelDetail {
  const detail: ModelDetail = {
    name: NAME,
    versions: [
      makeVersion('b'.repeat(64), { aliases: ['challenger'] }),
      makeVersion('a'.repeat(64), { aliases: ['champion'] }),
    ],
    aliases: { champion: 'a'.repeat(64), challenger: 'b'.repeat(64) },
    history: [
      {
        seq: 1,
        name: NAME,
        alias: 'champion',
        from: null,
        to: 'a'.repeat(64),
        time: 1,
        kind: 'promote',
        actor: 'training',
        reason: 'first version',
      },
      {
        seq: 2,
        name: NAME,
        alias: 'challenger',
        from: null,
        to: 'b'.repeat(64),
        time: 2,
        kind: 'set',
        actor: 'training',
        reason: 'trained',
      },
    ],
    gates: [],
    abTests: [],
    healthHistory: [],
  }
  fake.models.set(NAME, detail)
  return detail
}

describe('models store helpers', () => {
  it('compares each metric with both baselines, log loss lower-is-better, and says when the model loses', () => {
    const cmp = compareToBaselines(makeVersion('a').metrics)
    expect(cmp.map((c) => [c.key, c.beatsMajority, c.beatsPersistence])).toEqual([
      ['f1', true, false],
      ['rocAuc', true, false],
      ['logLoss', true, true],
      ['accuracy', false, false],
    ])
    expect(baselineVerdict(makeVersion('a').metrics)).toEqual({ tone: 'warn', text: 'below persistence' })
    expect(
      baselineVerdict({
        validation: makeMetrics({ f1: 0.9 }),
        baselines: { majority: makeMetrics({ f1: 0.2 }), persistence: makeMetrics({ f1: 0.8 }) },
      }).tone,
    ).toBe('good')
    expect(
      baselineVerdict({
        validation: makeMetrics({ f1: 0.1 }),
        baselines: { majority: makeMetrics({ f1: 0.2 }), persistence: makeMetrics({ f1: 0.8 }) },
      }).text,
    ).toBe('below both baselines')
    expect(baselineVerdict({}).tone).toBe('unknown')
  })

  it('treats a missing (NaN → null) metric as unknown, not as a win or a loss', () => {
    const cmp = compareToBaselines({
      validation: { ...makeMetrics(), rocAuc: null as unknown as number },
      baselines: { majority: makeMetrics() },
    })
    expect(cmp.find((c) => c.key === 'rocAuc')).toMatchObject({
      model: null,
      beatsMajority: null,
      beatsPersistence: null,
    })
  })

  it('builds a train request from the draft, refusing an unknown series or a bad horizon', () => {
    expect(trainRequest({ series: seriesKey(SERIES[0]), algo: 'rf', horizon: '24' }, SERIES)).toEqual({
      symbol: 'BTCUSDT',
      venue: 'BINANCE',
      timeframe: '1h',
      algo: 'rf',
      horizon: 24,
    })
    expect(trainRequest({ series: '', algo: 'gbdt', horizon: '12' }, SERIES)).toBe('choose a stored series to train on')
    expect(trainRequest({ series: seriesKey(SERIES[0]), algo: 'gbdt', horizon: '1.5' }, SERIES)).toMatch(/whole number/)
  })

  it('finds the version a rollback restores in stack order, and none for a first alias', () => {
    const ev = (seq: number, kind: 'promote' | 'rollback', from: string | null, to: string | null) => ({
      seq,
      name: NAME,
      alias: 'champion' as const,
      from,
      to,
      time: seq,
      kind,
      actor: 'user',
      reason: 'r',
    })
    expect(rollbackTarget([ev(1, 'promote', null, 'a')], 'champion')).toBeUndefined()
    const h = [ev(1, 'promote', null, 'a'), ev(2, 'promote', 'a', 'b'), ev(3, 'promote', 'b', 'c')]
    expect(rollbackTarget(h, 'champion')).toBe('b')
    expect(rollbackTarget([...h, ev(4, 'rollback', 'c', 'b')], 'champion')).toBe('a')
    expect(rollbackTarget(h, 'challenger')).toBeUndefined()
  })

  it('ranks features by gain with permutation importance beside it', () => {
    const v = makeVersion('a')
    const evaluation = {
      importance: [
        { feature: 'x', gain: 0.1, permutation: 0.01 },
        { feature: 'y', gain: 0.5, permutation: -0.02 },
        { feature: 'z', gain: 0.4, permutation: 0 },
      ],
    }
    const top = topImportance({ ...v, metrics: { ...v.metrics, evaluation: evaluation as never } }, 2)
    expect(top.map((t) => t.feature)).toEqual(['y', 'z'])
  })
})

describe('models store', () => {
  it('loads the model names and opens the first on its champion', async () => {
    const fake = new FakeApi()
    registry(fake)
    const store = createModelsStore(fake.api)
    await store.getState().load()
    const s = store.getState()
    expect(s.models.map((m) => m.name)).toEqual([NAME])
    expect(s.selectedName).toBe(NAME)
    expect(s.detail?.versions).toHaveLength(2)
    expect(s.selectedVersion).toBe('a'.repeat(64))
    store.getState().moveVersion(-1)
    expect(store.getState().selectedVersion).toBe('b'.repeat(64))
    store.getState().moveVersion(-1)
    expect(store.getState().selectedVersion).toBe('b'.repeat(64))
  })

  it('shows an empty registry as ready with nothing selected', async () => {
    const store = createModelsStore(new FakeApi().api)
    await store.getState().load()
    expect(store.getState()).toMatchObject({
      listState: 'ready',
      models: [],
      selectedName: undefined,
      detail: undefined,
    })
  })

  it('starts a training job from the form and tracks it from job events', async () => {
    const fake = new FakeApi()
    const store = createModelsStore(fake.api)
    await store.getState().submitTrain(SERIES)
    expect(store.getState().trainError).toBe('choose a stored series to train on')
    expect(fake.calls.filter((c) => c.method === 'trainModel')).toHaveLength(0)
    store.getState().editTrain({ series: seriesKey(SERIES[0]), algo: 'logreg', horizon: '6' })
    await store.getState().submitTrain(SERIES)
    expect(fake.calls.at(-1)).toEqual({
      method: 'trainModel',
      params: { symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1h', algo: 'logreg', horizon: 6 },
    })
    expect(store.getState().trainJob?.id).toBe('train-1')
    store.getState().applyJob(makeJob({ id: 'train-1', kind: 'ml.train', progress: 0.5, updatedAt: 5 }))
    store.getState().applyJob(makeJob({ id: 'other', progress: 0.9, updatedAt: 6 }))
    expect(store.getState().trainJob?.progress).toBe(0.5)
  })

  it('opens the model a finished training run registered, on its new version', async () => {
    const fake = new FakeApi()
    const store = createModelsStore(fake.api)
    await store.getState().load()
    store.getState().editTrain({ series: seriesKey(SERIES[0]) })
    await store.getState().submitTrain(SERIES)
    registry(fake)
    await store.getState().applyEvent({ name: NAME, change: 'trained', versionId: 'b'.repeat(64), time: 3 })
    expect(store.getState().selectedName).toBe(NAME)
    expect(store.getState().selectedVersion).toBe('b'.repeat(64))
  })

  it('starts the backfill job of the open model on the chosen series and follows its progress', async () => {
    const fake = new FakeApi()
    registry(fake)
    const store = createModelsStore(fake.api)
    await store.getState().load()
    await store.getState().submitBackfill([])
    expect(store.getState().backfillError).toBe('choose a stored series to backfill')
    await store.getState().submitBackfill(SERIES)
    expect(fake.calls.find((c) => c.method === 'startJob')?.params).toEqual({
      kind: 'predictions.backfill',
      params: { model: NAME, symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1h' },
    })
    const job = store.getState().backfillJob!
    expect(store.getState().backfillFor).toBe(NAME)
    store
      .getState()
      .applyJob({ ...job, state: 'running', progress: 0.5, message: 'scored 256/512', updatedAt: job.updatedAt + 1 })
    expect(store.getState().backfillJob).toMatchObject({ progress: 0.5, message: 'scored 256/512' })
  })

  it('needs a reason to promote; a forced promotion sends force with the reason and the history grows', async () => {
    const fake = new FakeApi()
    registry(fake)
    const store = createModelsStore(fake.api)
    await store.getState().load()
    store.getState().openPromote('b'.repeat(64))
    await store.getState().submitDialog()
    expect(store.getState().dialog?.error).toBe('a reason is required')
    store.getState().editDialog({ force: true, reason: '   ' })
    await store.getState().submitDialog()
    expect(store.getState().dialog?.error).toBe('a forced promotion needs a reason')
    expect(fake.calls.some((c) => c.method === 'promoteModel')).toBe(false)
    store.getState().editDialog({ reason: ' better F1 on the last month ' })
    await store.getState().submitDialog()
    expect(fake.calls.find((c) => c.method === 'promoteModel')?.params).toEqual({
      id: 'b'.repeat(64),
      alias: 'champion',
      reason: 'better F1 on the last month',
      force: true,
    })
    expect(store.getState().dialog).toBeUndefined()
    expect(store.getState().detail?.aliases.champion).toBe('b'.repeat(64))
    expect(store.getState().detail?.history.at(-1)).toMatchObject({
      kind: 'promote',
      reason: 'better F1 on the last month',
    })
  })

  it('keeps a refused alias move in the dialog as one line', async () => {
    const fake = new FakeApi()
    registry(fake)
    const store = createModelsStore(fake.api)
    await store.getState().load()
    store.getState().openRollback('champion')
    store.getState().editDialog({ reason: 'live F1 dropped' })
    fake.failNext = 'rollbackModel'
    await store.getState().submitDialog()
    expect(store.getState().dialog).toMatchObject({
      kind: 'rollback',
      submitting: false,
      error: 'rollbackModel: database is locked',
    })
    await store.getState().submitDialog()
    expect(store.getState().dialog).toBeUndefined()
    expect(fake.calls.filter((c) => c.method === 'rollbackModel').at(-1)?.params).toEqual({
      name: NAME,
      alias: 'champion',
      reason: 'live F1 dropped',
    })
  })
})
