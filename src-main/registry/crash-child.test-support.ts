/**
 * Child process for the crash-consistency test: loops registering, promoting and rolling back model versions
 * against a real database file until it is killed. Usage: node --require tsx/cjs crash-child.test-support.ts DB SEED
 */
import { systemClock } from '../../src-shared'
import { LogregTrainer, Rng } from '../ml'
import { openDatabase } from '../store'
import { ModelRegistry } from './index'
import { btcTable, rows } from './registry.test-support'

async function main(): Promise<void> {
  const [dbPath, seedArg] = process.argv.slice(2)
  const seed = Number(seedArg)
  const rng = new Rng(seed)
  const db = openDatabase(dbPath)
  const reg = new ModelRegistry(db, systemClock)
  const t = btcTable()
  const data = rows(t, 0, 1500)
  process.stdout.write('ready\n')
  for (let i = 0; ; i++) {
    // A different regularisation per iteration gives different ONNX bytes, hence a new version.
    const m = await new LogregTrainer().fit(
      {
        ...data,
        features: t.features,
        classes: ['bearish', 'neutral', 'bullish'],
        card: { name: `crash-${seed % 2}` },
      },
      { C: 0.01 + rng.next(), max_iter: 20 },
    )
    const { version } = await reg.register({
      onnx: m.onnx,
      trainingData: data,
      notes: `seed ${seed} iteration ${i}`,
      ...(i % 3 === 1 ? { alias: { alias: 'challenger' as const, reason: 'registered as challenger' } } : {}),
    })
    const r = rng.next()
    if (r < 0.5) reg.promote(version.id, { alias: 'champion', reason: `iteration ${i}`, force: true })
    else if (r < 0.7) reg.promote(version.id, { alias: 'shadow', reason: `iteration ${i}` })
    else if (r < 0.85) {
      try {
        reg.rollback(version.name, 'champion', `iteration ${i}`)
      } catch {
        // Nothing earlier to roll back to yet.
      }
    } else reg.clearAlias(version.name, 'shadow', `iteration ${i}`)
    process.stdout.write(`tick ${i}\n`)
  }
}

void main()
