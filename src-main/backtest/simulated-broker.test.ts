import { describe, expect, it } from 'vitest'
import type { FeedBar, TradeTag } from '../strategies'
import { SimulatedBroker } from './simulated-broker'

const tag: TradeTag = {
  strategy: 'test',
  confidence: 0.75,
  baseConfidence: 0.75,
  mlProbability: NaN,
  sizeMultiplier: 1,
  signalTime: 0,
  reason: 'hand',
}
let t = 0
const bar = (open: number, high: number, low: number, close: number): FeedBar => ({
  symbol: 'X',
  timeframe: '1h',
  time: (t += 3_600_000),
  open,
  high,
  low,
  close,
  volume: 1,
})

describe('SimulatedBroker', () => {
  it('fills a long at the next open with slippage and taker fee, exits at the target with maker fee (hand-computed)', () => {
    const b = new SimulatedBroker(10_000, { makerFeeBps: 2, takerFeeBps: 5, slippage: { kind: 'bps', bps: 10 } })
    b.onBar(bar(100, 100, 100, 100))
    b.submit({ kind: 'open', symbol: 'X', side: 'long', qty: 10, stopDistance: 10, targetDistance: 20, tag })
    b.onBar(bar(101, 105, 99, 104))
    const p = b.position('X')!
    expect(p.entryPrice).toBeCloseTo(101.101, 10)
    expect(p.stop).toBeCloseTo(91.101, 10)
    expect(p.target).toBeCloseTo(121.101, 10)
    expect(b.equity()).toBeCloseTo(10_000 - 10 * 101.101 * 0.0005 + 10 * (104 - 101.101), 8)
    b.onBar(bar(110, 122, 109, 115))
    const tr = b.trades[0]
    expect(tr.exitReason).toBe('target')
    expect(tr.exitPrice).toBeCloseTo(121.101, 10)
    const fees = 10 * 101.101 * 0.0005 + 10 * 121.101 * 0.0002
    expect(tr.fees).toBeCloseTo(fees, 10)
    expect(tr.pnl).toBeCloseTo(200 - fees, 10)
    expect(tr.r).toBeCloseTo((200 - fees) / 100, 10)
    expect(tr.signalQuality).toBe(1)
    expect(tr.profitable).toBe(1)
    expect(b.equity()).toBeCloseTo(10_000 + 200 - fees, 8)
  })

  it('fills a short and pays slippage on its stop (hand-computed)', () => {
    const b = new SimulatedBroker(10_000, { makerFeeBps: 0, takerFeeBps: 10, slippage: { kind: 'bps', bps: 5 } })
    b.onBar(bar(50, 50, 50, 50))
    b.submit({ kind: 'open', symbol: 'X', side: 'short', qty: 4, stopDistance: 2, targetDistance: 4, tag })
    b.onBar(bar(50, 51, 49, 50.5))
    const entry = 50 - 50 * 0.0005
    expect(b.position('X')!.entryPrice).toBeCloseTo(entry, 12)
    b.onBar(bar(50.5, 53, 50, 52.5))
    const tr = b.trades[0]
    const stop = entry + 2
    const exit = stop + stop * 0.0005
    expect(tr.exitReason).toBe('stop')
    expect(tr.exitPrice).toBeCloseTo(exit, 12)
    const fees = 4 * entry * 0.001 + 4 * exit * 0.001
    expect(tr.pnl).toBeCloseTo(4 * (entry - exit) - fees, 10)
    expect(tr.signalQuality).toBe(0)
  })

  it('fills a gap through the stop at the open, not at the stop', () => {
    const b = new SimulatedBroker(10_000, { makerFeeBps: 0, takerFeeBps: 0, slippage: { kind: 'bps', bps: 0 } })
    b.onBar(bar(100, 100, 100, 100))
    b.submit({ kind: 'open', symbol: 'X', side: 'long', qty: 1, stopDistance: 10, targetDistance: 30, tag })
    b.onBar(bar(100, 102, 95, 96))
    b.onBar(bar(80, 84, 78, 83))
    const tr = b.trades[0]
    expect(tr.exitReason).toBe('stop')
    expect(tr.exitNote).toBe('gap through stop')
    expect(tr.exitPrice).toBe(80)
    expect(tr.pnl).toBe(-20)
    expect(tr.r).toBe(-2)
  })

  it('takes the stop when stop and target are both touched in one bar (conservative)', () => {
    const b = new SimulatedBroker(10_000, { makerFeeBps: 0, takerFeeBps: 0, slippage: { kind: 'bps', bps: 0 } })
    b.onBar(bar(100, 100, 100, 100))
    b.submit({ kind: 'open', symbol: 'X', side: 'long', qty: 1, stopDistance: 5, targetDistance: 5, tag })
    b.onBar(bar(100, 101, 99, 100))
    b.onBar(bar(100, 106, 94, 103))
    expect(b.trades[0].exitReason).toBe('stop')
    expect(b.trades[0].exitPrice).toBe(95)
    expect(b.trades[0].signalQuality).toBe(0)
  })

  it('closes at the next open on a close order and with ATR slippage', () => {
    const b = new SimulatedBroker(1000, { makerFeeBps: 0, takerFeeBps: 0, slippage: { kind: 'atr', fraction: 0.1 } })
    // 15 bars of true range 2 → Wilder ATR14 = 2 → slippage 0.2 per fill.
    for (let i = 0; i < 15; i++) b.onBar(bar(100, 101, 99, 100))
    b.submit({ kind: 'open', symbol: 'X', side: 'long', qty: 1, stopDistance: 50, targetDistance: 0, tag })
    b.onBar(bar(100, 101, 99, 100))
    expect(b.position('X')!.entryPrice).toBeCloseTo(100.2, 12)
    b.submit({ kind: 'close', symbol: 'X', reason: 'exit' })
    b.onBar(bar(110, 111, 109, 110))
    expect(b.trades[0].exitPrice).toBeCloseTo(109.8, 12)
    expect(b.trades[0].exitReason).toBe('signal')
    expect(b.equity()).toBeCloseTo(1000 + 9.6, 10)
  })
})
