import { describe, expect, it } from 'vitest'
import type { BacktestTrade } from '../../../src-shared'
import { barAt, chartTrades, TRADE_MARKER_COLORS, tradeMarkers, tradeWindow } from './trade-markers'

const H = 3_600_000
const trade = (over: Partial<BacktestTrade>): BacktestTrade => ({
  variant: 'ml',
  symbol: 'BTCUSDT',
  side: 'long',
  qty: 1,
  entryTime: 2 * H,
  entryPrice: 100,
  exitTime: 5 * H,
  exitPrice: 110,
  exitReason: 'target',
  pnl: 10,
  r: 1.5,
  fees: 0.1,
  confidence: 0.8,
  mlProbability: 0.6,
  signalQuality: 1,
  profitable: 1,
  ...over,
})
const TIMES = Array.from({ length: 10 }, (_, i) => (i * H) / 1000)

describe('trade markers', () => {
  it('snaps a time to the bar holding it and leaves times outside the candles out', () => {
    expect(barAt(TIMES, 3 * H)).toBe(3 * 3600)
    expect(barAt(TIMES, 3 * H + 1_800_000)).toBe(3 * 3600)
    expect(barAt(TIMES, -1)).toBeUndefined()
    expect(barAt(TIMES, 9 * H + 1000)).toBe(9 * 3600)
    expect(barAt(TIMES, 12 * H)).toBeUndefined()
    expect(barAt([], 0)).toBeUndefined()
  })

  it('picks the trades of one variant and symbol and keeps the most recent ones under the cap', () => {
    const trades = [
      trade({ entryTime: 3 * H }),
      trade({ variant: 'base' }),
      trade({ symbol: 'ETHUSDT' }),
      trade({ entryTime: 1 * H }),
      trade({ entryTime: 6 * H }),
    ]
    const all = chartTrades(trades, 'ml', 'BTCUSDT')
    expect(all).toMatchObject({ total: 3, capped: false })
    expect(all.marked.map((t) => t.index)).toEqual([3, 0, 4])
    const capped = chartTrades(trades, 'ml', 'BTCUSDT', 2)
    expect(capped).toMatchObject({ total: 3, capped: true })
    expect(capped.marked.map((t) => t.index)).toEqual([0, 4])
  })

  it('draws an arrow at each entry (up below for a long, down above for a short) and a circle at the exit price by win or loss', () => {
    const ts = chartTrades(
      [
        trade({}),
        trade({ side: 'short', entryTime: 6 * H, exitTime: 7 * H, exitPrice: 105, pnl: -4, r: -1 }),
        trade({ entryTime: 8 * H, exitTime: 20 * H }),
      ],
      'ml',
      'BTCUSDT',
    )
    const m = tradeMarkers(ts.marked, TIMES, 1)
    expect(m).toHaveLength(4)
    expect(m[0]).toMatchObject({
      id: 'entry-0',
      time: 2 * 3600,
      position: 'belowBar',
      shape: 'arrowUp',
      color: TRADE_MARKER_COLORS.long,
    })
    expect(m[1]).toMatchObject({
      id: 'exit-0',
      time: 5 * 3600,
      position: 'atPriceMiddle',
      price: 110,
      shape: 'circle',
      color: TRADE_MARKER_COLORS.win,
    })
    expect(m[2]).toMatchObject({
      id: 'entry-1',
      position: 'aboveBar',
      shape: 'arrowDown',
      color: TRADE_MARKER_COLORS.short,
      text: 'SHORT',
    })
    expect(m[3]).toMatchObject({ id: 'exit-1', color: TRADE_MARKER_COLORS.loss, text: '-1.00R' })
    expect(m[0].text).toBeUndefined()
  })

  it('frames a trade with as much again on each side, at least 30 bars', () => {
    expect(tradeWindow(trade({}), 3600)).toEqual({ from: 2 * 3600 - 30 * 3600, to: 5 * 3600 + 30 * 3600 })
    expect(tradeWindow(trade({ entryTime: 0, exitTime: 200 * H }), 3600)).toEqual({ from: -100 * 3600, to: 300 * 3600 })
  })
})
