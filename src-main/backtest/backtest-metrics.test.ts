import { describe, expect, it } from 'vitest'
import { backtestMetrics, drawdownCurve } from './backtest-metrics'
import type { ClosedTrade } from './simulated-broker'

const trade = (pnl: number, r: number): ClosedTrade => ({ pnl, r, fees: 1 }) as unknown as ClosedTrade

describe('backtestMetrics', () => {
  it('computes drawdown, its duration, win rate, profit factor, expectancy and exposure by hand', () => {
    const eq = Float64Array.from([100, 110, 99, 105, 121, 120])
    const pos = Uint8Array.from([0, 1, 1, 0, 1, 0])
    const m = backtestMetrics(eq, pos, [trade(10, 1), trade(-5, -0.5), trade(20, 2)], 100, 86_400_000)
    expect(m.totalReturn).toBeCloseTo(0.2, 12)
    expect(m.maxDrawdown).toBeCloseTo(0.1, 12)
    expect(m.maxDrawdownBars).toBe(2)
    expect(m.winRate).toBeCloseTo(2 / 3, 12)
    expect(m.profitFactor).toBeCloseTo(30 / 5, 12)
    expect(m.expectancy).toBeCloseTo(25 / 3, 12)
    expect(m.averageR).toBeCloseTo(2.5 / 3, 12)
    expect(m.exposure).toBeCloseTo(0.5, 12)
    expect(m.annualReturn).toBeCloseTo(1.2 ** (365 / 6) - 1, 6)
    expect(m.calmar).toBeCloseTo(m.annualReturn / 0.1, 6)
    expect(m.sharpe).toBeGreaterThan(0)
    expect(m.sortino).toBeGreaterThan(m.sharpe)
    expect(Array.from(drawdownCurve(eq, 100)).map((x) => +x.toFixed(4))).toEqual([0, 0, -0.1, -0.0455, 0, -0.0083])
  })
})
