import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../src-shared'
import { openDatabase } from '../store'
import { ModelRegistry, RegistryError } from './index'
import { btcTable, rows, tempDir, train } from './registry.test-support'

/** DOMAIN.md §4: a signal-quality version whose stored verdict fails cannot become champion without force. */
const tmp = tempDir()
afterAll(() => tmp.cleanup())

const checks = (passed: boolean) => [
  { name: 'accuracy', value: passed ? 0.6 : 0.52, rule: '> 0.55', passed },
  { name: 'f1', value: 0.55, rule: '> 0.5', passed: true },
  { name: 'train-test gap', value: 0.04, rule: '< 0.10', passed: true },
  { name: 'max drawdown with ML', value: passed ? 0.1 : 0.2, rule: '≤ 0.1500 (without ML)', passed },
]

describe('signal-quality promotion rule', () => {
  it('refuses champion for a failing version naming the failed criteria, allows it forced and records the force', async () => {
    const db = openDatabase(join(tmp.dir, 'a.db'))
    const reg = new ModelRegistry(db, new ManualClock(Date.UTC(2024, 0, 1)))
    try {
      const t = btcTable()
      const m = await train(
        'logreg',
        t,
        rows(
          t,
          0,
          400,
          Int32Array.from({ length: 400 }, (_, i) => i % 2),
        ),
        {},
        'signal-quality-battle-navale-btcusd-1h',
        ['no', 'yes'],
      )
      const card = (passed: boolean) => ({
        ...m.card,
        predictor: 'signal-quality' as const,
        metrics: { promotion: { promote: passed, checks: checks(passed) } },
      })
      const failing = await reg.register({ onnx: m.onnx, card: card(false) })
      expect(() => reg.promote(failing.version.id, { reason: 'try' })).toThrow(RegistryError)
      expect(() => reg.promote(failing.version.id, { reason: 'try' })).toThrow(
        /fails the DOMAIN.md §4 promotion rule \(accuracy 0\.520 not > 0\.55; max drawdown with ML 0\.200 not ≤ 0\.1500 \(without ML\)\)/,
      )
      expect(reg.aliases(failing.version.name).champion).toBeUndefined()
      // Challenger is not gated by §4 (it scores in the shadow only).
      expect(reg.promote(failing.version.id, { alias: 'challenger', reason: 'shadow it' }).changed).toBe(true)
      reg.clearAlias(failing.version.name, 'challenger', 'done shadowing')
      const forced = reg.promote(failing.version.id, { reason: 'accepted by hand', force: true })
      expect(forced.authorisedBy).toBe('force')
      const [event] = reg.history(failing.version.name, 'champion')
      expect(event.reason).toBe('accepted by hand')
      expect(event.detail).toMatchObject({
        forced: true,
        failedRule: ['accuracy 0.520 not > 0.55', 'max drawdown with ML 0.200 not ≤ 0.1500 (without ML)'],
      })
    } finally {
      await reg.dispose()
      db.close()
    }
  }, 60_000)
})
