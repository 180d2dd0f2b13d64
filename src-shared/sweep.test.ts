import { describe, expect, it } from 'vitest'
import { expandSweepGrid, parseSweepGrid, sweepBest, type SweepRow } from './sweep'

describe('sweep grids', () => {
  it('reads lists and FROM..TO:STEP ranges into values of each named parameter', () => {
    expect(parseSweepGrid('ma-crossover', 'fast=5,10; slow=20..40:10;signalFeatures=false')).toEqual({
      grid: { fast: [5, 10], slow: [20, 30, 40], signalFeatures: [false] },
    })
  })

  it('refuses an unknown parameter, a bad value and an empty grid, naming them', () => {
    expect(parseSweepGrid('ma-crossover', 'fats=5')).toEqual({
      error: expect.stringContaining('ma-crossover has no parameter "fats"'),
    })
    expect(parseSweepGrid('ma-crossover', 'fast=five')).toEqual({ error: expect.stringContaining('fast must be') })
    expect(parseSweepGrid('ma-crossover', 'slow=40..20')).toEqual({ error: expect.stringContaining('slow: range') })
    expect(parseSweepGrid('ma-crossover', ' ; ')).toEqual({ error: expect.stringContaining('names no parameter') })
  })

  it("expands vectorbt's windows 2–100 into its 4,851 fast-below-slow pairs, skipping the rest", () => {
    const parsed = parseSweepGrid('ma-crossover', 'fast=2..100;slow=2..100')
    if ('error' in parsed) throw new Error(parsed.error)
    const r = expandSweepGrid('ma-crossover', parsed.grid)
    if ('error' in r) throw new Error(r.error)
    expect(r.combos).toHaveLength(4851)
    expect(r.skipped).toBe(99 * 99 - 4851)
    expect(r.combos[0]).toMatchObject({ fast: 2, slow: 3, stopAtr: 2 })
    expect(r.combos.every((c) => (c.fast as number) < (c.slow as number))).toBe(true)
  })

  it('refuses a value out of its range rather than skipping it', () => {
    expect(expandSweepGrid('ma-crossover', { stopAtr: [1, -1] })).toEqual({ error: expect.stringContaining('stopAtr') })
  })

  it("picks each symbol's in-sample best and ranks it out of sample (non-finite ranks last)", () => {
    const row = (cell: number, symbol: string, is: number | null, oos: number | null): SweepRow => ({
      cell,
      symbol,
      params: { fast: cell },
      inSample: { sharpe: is },
      outOfSample: { sharpe: oos },
    })
    const best = sweepBest(
      [row(0, 'A', 1, 0.5), row(1, 'A', 2, -1), row(2, 'A', null, 3), row(3, 'B', 0.1, 0.2)],
      'sharpe',
    )
    expect(best).toEqual([
      { symbol: 'A', cell: 1, params: { fast: 1 }, inSample: 2, outOfSample: -1, outOfSampleRank: 3, combinations: 3 },
      {
        symbol: 'B',
        cell: 3,
        params: { fast: 3 },
        inSample: 0.1,
        outOfSample: 0.2,
        outOfSampleRank: 1,
        combinations: 1,
      },
    ])
  })
})
