import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SqliteBacktestStore } from './backtest-store'
import { openDatabase } from './database'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('SqliteBacktestStore', () => {
  it('round-trips a run (config, metrics with NaN, trades, both equity curves) and lists newest first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'armada-bt-'))
    dirs.push(dir)
    const db = openDatabase(join(dir, 'a.db'))
    try {
      const s = new SqliteBacktestStore(db)
      const base = {
        createdAt: 1,
        strategy: 'battle-navale',
        symbols: ['BTCUSD'],
        venue: 'COINBASE',
        timeframe: '1h',
        ml: false,
        from: 0,
        to: 10,
        config: { feeBps: 5 },
        metrics: { sharpe: NaN, profitFactor: Infinity, trades: 1 },
        mlMetrics: null,
        mlSummary: null,
      }
      const trade = {
        variant: 'base' as const,
        symbol: 'BTCUSD',
        side: 'long' as const,
        qty: 1,
        entryTime: 1,
        entryPrice: 2,
        exitTime: 3,
        exitPrice: 4,
        exitReason: 'target',
        pnl: 2,
        r: 1,
        fees: 0.1,
        confidence: 0.7,
        mlProbability: null,
        signalQuality: 1,
        profitable: 1,
      }
      const a = s.insert({
        ...base,
        trades: [trade],
        equity: {
          base: [
            { time: 0, equity: 100 },
            { time: 1, equity: 102 },
          ],
          ml: [],
        },
      })
      const b = s.insert({
        ...base,
        createdAt: 2,
        ml: true,
        mlMetrics: { trades: 0 },
        mlSummary: { promote: false },
        trades: [trade, { ...trade, variant: 'ml', mlProbability: 0.8 }],
        equity: { base: [], ml: [{ time: 0, equity: 100 }] },
      })
      expect(s.list().map((r) => r.id)).toEqual([b, a])
      const got = s.get(a)!
      expect(got.metrics.sharpe).toBeNaN()
      expect(got.metrics.profitFactor).toBe(Infinity)
      expect(got.trades).toEqual([trade])
      expect(got.equity.base).toEqual([
        { time: 0, equity: 100 },
        { time: 1, equity: 102 },
      ])
      expect(s.get(b)!.trades.map((t) => t.mlProbability)).toEqual([null, 0.8])
      expect(s.delete(a)).toBe(true)
      expect(s.get(a)).toBeUndefined()
    } finally {
      db.close()
    }
  })
})
