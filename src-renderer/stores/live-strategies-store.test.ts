import { describe, expect, it } from 'vitest'
import { FakeApi, makeAccount, makeBars, makeJob, makeSignal } from './fake-api.test-support'
import {
  checkParams,
  createLiveStrategiesStore,
  draftOf,
  liveKey,
  paramsChanged,
  startLiveStrategiesStore,
  trainingOutcome,
} from './live-strategies-store'
import { createStrategiesStore } from './strategies-store'

const BN = { strategy: 'battle-navale', symbol: 'BTCUSDT', venue: 'BINANCE', timeframe: '1m' as const }
const flush = () => new Promise((r) => setTimeout(r, 0))
const reads = (fake: FakeApi) => fake.calls.filter((c) => c.method === 'listPaperAccounts').length

describe('live strategies store', () => {
  it('reads the enabled strategies and their paper accounts', async () => {
    const fake = new FakeApi()
    fake.liveSpecs = [{ ...BN, params: { stopAtr: 2 } }]
    fake.accounts = [makeAccount(BN, { equity: 10_250 })]
    const store = createLiveStrategiesStore(fake.api)
    await store.getState().load()
    expect(store.getState()).toMatchObject({ state: 'ready', specs: fake.liveSpecs, accounts: fake.accounts })
    expect(draftOf(store.getState(), BN)).toEqual({ stopAtr: '2' })
  })

  it('enables a strategy with the parameters typed (only those), then disables it', async () => {
    const fake = new FakeApi()
    const store = createLiveStrategiesStore(fake.api)
    store.getState().editParam(BN, 'signalThreshold', '0.3')
    store.getState().editParam(BN, 'stopAtr', '')
    await store.getState().setEnabled(BN, true)
    expect(fake.calls.find((c) => c.method === 'setLiveStrategy')?.params).toEqual({
      spec: { ...BN, params: { signalThreshold: 0.3 } },
      enabled: true,
    })
    expect(store.getState().specs).toEqual([{ ...BN, params: { signalThreshold: 0.3 } }])
    expect(store.getState().accounts.map(liveKey)).toEqual(['battle-navale@BTCUSDT.BINANCE:1m'])
    expect(store.getState().drafts).toEqual({})
    expect(draftOf(store.getState(), BN)).toEqual({ signalThreshold: '0.3' })
    await store.getState().setEnabled(BN, false)
    expect(fake.calls.filter((c) => c.method === 'setLiveStrategy').pop()?.params).toEqual({ spec: BN, enabled: false })
    expect(store.getState().specs).toEqual([])
    expect(store.getState().accounts).toEqual([])
  })

  it('refuses invalid parameters field by field without calling the core', async () => {
    expect(checkParams('battle-navale', { stopAtr: '0', targetR: 'x' })).toEqual({
      ok: false,
      errors: { targetR: 'targetR must be a number > 0 and ≤ 100, got "x"' },
    })
    expect(checkParams('battle-navale', { stopAtr: '0' })).toEqual({
      ok: false,
      errors: { stopAtr: 'stopAtr must be a number > 0 and ≤ 50, got 0' },
    })
    expect(checkParams('ma-crossover', { fast: '60' })).toEqual({
      ok: false,
      errors: { fast: 'fast (60) must be below slow (50)' },
    })
    expect(checkParams('ma-crossover', { fast: '10', signalFeatures: 'false' })).toEqual({
      ok: true,
      params: { fast: 10, signalFeatures: false },
    })
    const fake = new FakeApi()
    const store = createLiveStrategiesStore(fake.api)
    store.getState().editParam(BN, 'maxHoldBars', '1.5')
    await store.getState().setEnabled(BN, true)
    expect(fake.calls.some((c) => c.method === 'setLiveStrategy')).toBe(false)
    expect(store.getState().errors[liveKey(BN)]).toBe(
      'parameters: maxHoldBars must be an integer from 0 to 1000000, got 1.5',
    )
  })

  it('stores changed parameters of a running strategy and tells typed from stored', async () => {
    const fake = new FakeApi()
    fake.liveSpecs = [BN]
    const store = createLiveStrategiesStore(fake.api)
    await store.getState().load()
    expect(paramsChanged(store.getState(), BN)).toBe(false)
    store.getState().editParam(BN, 'targetR', '3')
    expect(paramsChanged(store.getState(), BN)).toBe(true)
    store.getState().resetParams(BN)
    expect(paramsChanged(store.getState(), BN)).toBe(false)
    store.getState().editParam(BN, 'targetR', '3')
    await store.getState().saveParams(BN)
    expect(fake.calls.filter((c) => c.method === 'setLiveStrategy').pop()?.params).toEqual({
      spec: { ...BN, params: { targetR: 3 } },
      enabled: true,
    })
    expect(paramsChanged(store.getState(), BN)).toBe(false)
  })

  it('says why a change was refused and keeps what was running', async () => {
    const fake = new FakeApi()
    fake.liveSpecs = [BN]
    fake.accounts = [makeAccount(BN)]
    const store = createLiveStrategiesStore(fake.api)
    await store.getState().load()
    fake.failNext = 'setLiveStrategy'
    await store.getState().setEnabled(BN, false)
    expect(store.getState().errors[liveKey(BN)]).toBe('setLiveStrategy: database is locked')
    expect(store.getState().specs).toEqual([BN])
    expect(store.getState().busy).toEqual([])
  })

  it('reads the accounts once after a burst of signals and closed bars of a running series, not for other bars', async () => {
    const fake = new FakeApi()
    fake.liveSpecs = [BN]
    const store = createLiveStrategiesStore(fake.api)
    await store.getState().load()
    const running = startLiveStrategiesStore(store, fake.api, undefined, 0)
    const before = reads(fake)
    const [bar] = makeBars('BTCUSDT', 'BINANCE', '1m', 1)
    for (let i = 0; i < 5; i++) fake.publish('signal', { signal: makeSignal(i), warmUp: true })
    fake.publish('bar', bar)
    await flush()
    await flush()
    expect(reads(fake)).toBe(before + 1)
    fake.publish('bar', { ...bar, partial: true })
    fake.publish('bar', makeBars('ETHUSDT', 'BINANCE', '1m', 1)[0])
    await flush()
    expect(reads(fake)).toBe(before + 1)
    fake.publish('bar', bar)
    await flush()
    await flush()
    expect(reads(fake)).toBe(before + 2)
    running.dispose()
    expect(fake.listenerCount()).toBe(0)
  })

  it('reads once more after a read in flight when asked meanwhile', async () => {
    const fake = new FakeApi()
    const store = createLiveStrategiesStore(fake.api)
    const a = store.getState().refreshAccounts()
    const b = store.getState().refreshAccounts()
    const c = store.getState().refreshAccounts()
    await Promise.all([a, b, c])
    expect(reads(fake)).toBe(2)
  })

  it('re-reads the accounts after an ML switch changed (the account says what scores now)', async () => {
    const fake = new FakeApi()
    const strategies = createStrategiesStore({ getSetting: async () => null, setSetting: async () => undefined })
    const store = createLiveStrategiesStore(fake.api)
    startLiveStrategiesStore(store, fake.api, strategies, 0)
    await strategies.getState().setMl('battle-navale', false)
    await flush()
    expect(reads(fake)).toBe(1)
  })

  it('starts signal-quality training for a strategy on a series and follows its job, one at a time', async () => {
    const fake = new FakeApi()
    const store = createLiveStrategiesStore(fake.api)
    startLiveStrategiesStore(store, fake.api, undefined, 0)
    await store.getState().train(BN, 'logreg')
    expect(fake.calls.find((c) => c.method === 'trainSignalQuality')?.params).toEqual({ ...BN, algo: 'logreg' })
    fake.publish('job', makeJob({ id: 'sq-1', kind: 'signal-quality.train', progress: 0.4, updatedAt: 2 }))
    fake.publish('job', makeJob({ id: 'other', progress: 0.9, updatedAt: 3 }))
    expect(store.getState().jobs[liveKey(BN)]).toMatchObject({ state: 'running', progress: 0.4 })
    await store.getState().train(BN)
    expect(fake.calls.filter((c) => c.method === 'trainSignalQuality')).toHaveLength(1)
    const before = reads(fake)
    fake.publish(
      'job',
      makeJob({ id: 'sq-1', kind: 'signal-quality.train', state: 'succeeded', progress: 1, updatedAt: 4 }),
    )
    await flush()
    expect(reads(fake)).toBe(before + 1)
  })

  it('words a finished training: the version and the alias it took, or the §4 checks it failed', () => {
    const base = { name: 'signal-quality-battle-navale-btcusd-1h', versionId: 'ab'.repeat(32), trades: 85 }
    expect(trainingOutcome({ message: 'done', result: { ...base, alias: 'champion' } })).toBe(
      'signal-quality-battle-navale-btcusd-1h abababababab on 85 trades: champion (passed DOMAIN.md §4)',
    )
    const checks = [
      { name: 'accuracy', value: 0.5123, rule: '> 0.55', passed: false },
      { name: 'f1', value: 0.61, rule: '> 0.5', passed: true },
      { name: 'train-test gap', value: NaN, rule: '< 0.10', passed: false },
    ]
    expect(
      trainingOutcome({ message: 'done', result: { ...base, alias: null, verdict: { promote: false, checks } } }),
    ).toBe(
      'signal-quality-battle-navale-btcusd-1h abababababab on 85 trades: no alias, failed DOMAIN.md §4 — accuracy 0.512 (> 0.55), train-test gap — (< 0.10)',
    )
    expect(trainingOutcome({ message: 'done', result: null })).toBe('done')
  })

  it('keeps a training job event that overtook the answer, and says why a start was refused', async () => {
    const fake = new FakeApi()
    const store = createLiveStrategiesStore(fake.api)
    const starting = store.getState().train(BN)
    store.getState().applyJob(
      makeJob({
        id: 'sq-1',
        kind: 'signal-quality.train',
        state: 'failed',
        updatedAt: 5,
        error: 'battle-navale gave 3 trades',
      }),
    )
    await starting
    expect(store.getState().jobs[liveKey(BN)]).toMatchObject({ state: 'failed', error: 'battle-navale gave 3 trades' })
    fake.failNext = 'trainSignalQuality'
    const ETH = { ...BN, symbol: 'ETHUSDT' }
    await store.getState().train(ETH)
    expect(store.getState().trainErrors[liveKey(ETH)]).toBe('trainSignalQuality: database is locked')
  })
})
