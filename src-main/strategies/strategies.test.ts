import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { ManualClock, type BarColumns } from '../../src-shared'
import { computeFeatures } from '../features'
import { testData } from '../testing'
import { BattleNavaleStrategy, navalePattern } from './battle-navale-strategy'
import { MaCrossoverStrategy } from './ma-crossover-strategy'
import { enhancedConfidence, sizeTier } from './ml-enhancement'
import { InjectedRegimeProvider, RegimeFollowingStrategy } from './regime-following-strategy'
import type { Broker, FeedBar, OrderRequest, PositionView, StrategyContext } from './strategy'
import { StrategyRunner } from './strategy-runner'

/** freqtrade BTC/USDT 5m (test-data/freqtrade/orderflow/candles.json.gz). */
function btc5m(): BarColumns {
  const cols = JSON.parse(
    gunzipSync(readFileSync(testData('freqtrade', 'orderflow', 'candles.json.gz'))).toString('utf8'),
  ) as Record<string, Record<string, number>>
  const col = (k: string) => Float64Array.from(Object.keys(cols.date), (i) => cols[k][i])
  return {
    time: col('date'),
    open: col('open'),
    high: col('high'),
    low: col('low'),
    close: col('close'),
    volume: col('volume'),
    takerBuyVolume: new Float64Array(col('date').length).fill(NaN),
  }
}
const feedBar = (c: BarColumns, i: number): FeedBar => ({
  symbol: 'BTCUSDT',
  timeframe: '5m',
  time: c.time[i],
  open: c.open[i],
  high: c.high[i],
  low: c.low[i],
  close: c.close[i],
  volume: c.volume[i],
})
const flat: StrategyContext = { clock: new ManualClock(0), position: () => undefined }

describe('BattleNavaleStrategy', () => {
  it('goes LONG exactly when s > 0.25 and SHORT when s < −0.25 (s = sierra_pattern_strength) on freqtrade BTC/USDT 5m', () => {
    const c = btc5m()
    const m = computeFeatures({ symbol: 'BTCUSDT', timeframe: '5m', set: 'battle-navale', bars: c })
    const j = m.names.indexOf('sierra_pattern_strength')
    const st = new BattleNavaleStrategy()
    let longs = 0
    let shorts = 0
    const gotAll: (string | undefined)[] = []
    const wantAll: (string | undefined)[] = []
    for (let i = 0; i < c.close.length; i++) {
      const d = st.onBar(feedBar(c, i), flat)
      const s = m.data[i * m.names.length + j]
      const want = s > 0.25 ? 'long' : s < -0.25 ? 'short' : undefined
      const got = d.length && d[0].kind === 'enter' ? d[0].signal.side : undefined
      if (i > 20) {
        gotAll.push(got)
        wantAll.push(want)
      }
      if (got === 'long') longs++
      if (got === 'short') shorts++
      if (d.length && d[0].kind === 'enter') {
        if (d[0].signal.confidence !== (1 + Math.abs(s)) / 2) throw new Error(`confidence at ${i}`)
        if (d[0].signal.features!.some((v, k) => !Object.is(v, m.data[i * m.names.length + k])))
          throw new Error(`features at ${i}`)
      }
    }
    expect(gotAll).toEqual(wantAll)
    expect(longs).toBeGreaterThan(100)
    expect(shorts).toBeGreaterThan(100)
  })

  it('confirms a Long Down-Up Bar on the close of the next bar, never on the long bar itself', () => {
    const st = new BattleNavaleStrategy()
    const mk = (i: number, o: number, h: number, l: number, c: number): FeedBar => ({
      symbol: 'X',
      timeframe: '1h',
      time: i * 3_600_000,
      open: o,
      high: h,
      low: l,
      close: c,
      volume: 10,
    })
    for (let i = 0; i < 20; i++) st.onBar(mk(i, 100, 101, 99, 100), flat)
    st.onBar(mk(20, 101, 101.5, 94, 94.5), flat)
    expect(st.lastPattern.get('X')).toBeUndefined()
    st.onBar(mk(21, 94.5, 99, 94, 98.5), flat)
    expect(st.lastPattern.get('X')).toBe('long-down-up')
    expect(navalePattern({ open: 94.5, high: 101, low: 94, close: 100 }, 2, 100, 96)).toBe('long-up-down')
    expect(navalePattern({ open: 94.5, high: 101, low: 94, close: 100 }, 2, 100, 99)).toBeUndefined()
  })
})

describe('ML enhancement', () => {
  it('averages base confidence and ML probability and maps tiers ×1.5/×1.0/×0.5/skip', () => {
    expect(enhancedConfidence(0.7, 0.9)).toBeCloseTo(0.8, 12)
    expect(enhancedConfidence(0.7, NaN)).toBe(0.7)
    expect([0.9, 0.85, 0.8, 0.7, 0.65, 0.6, 0.59].map(sizeTier)).toEqual([1.5, 1.5, 1, 1, 0.5, 0.5, 0])
  })

  it('the runner skips a signal below the threshold and sizes by the tier of the enhanced confidence', () => {
    const orders: OrderRequest[] = []
    const broker: Broker = {
      onBar: () => {},
      submit: (o) => void orders.push(o),
      hasPending: () => false,
      position: (): PositionView | undefined => undefined,
      equity: () => 10_000,
    }
    const sig = {
      kind: 'enter' as const,
      signal: {
        symbol: 'X',
        side: 'long' as const,
        confidence: 0.7,
        stopDistance: 10,
        targetDistance: 20,
        reason: 't',
        features: new Float64Array(12),
      },
    }
    let p = 0.3
    const strategy = { name: 's', onBar: () => [sig] }
    const runner = new StrategyRunner(strategy, broker, new ManualClock(0), {
      riskFraction: 0.01,
      maxLeverage: 100,
      threshold: 0.6,
      scorer: { probability: () => p },
    })
    const bar: FeedBar = {
      symbol: 'X',
      timeframe: '1h',
      time: 0,
      open: 100,
      high: 100,
      low: 100,
      close: 100,
      volume: 1,
    }
    runner.onBar(bar)
    expect(orders).toHaveLength(0)
    p = 1
    runner.onBar(bar)
    expect(orders).toHaveLength(1)
    const o = orders[0]
    expect(o.kind === 'open' && o.qty).toBeCloseTo((10_000 * 0.01 * 1.5) / 10, 12)
    expect(o.kind === 'open' && o.tag.confidence).toBeCloseTo(0.85, 12)
    expect(runner.counts).toEqual({ signals: 2, taken: 1, belowThreshold: 1, scored: 2 })
  })
})

describe('RegimeFollowingStrategy and MaCrossoverStrategy', () => {
  it('regime-following says it needs a model without a provider and follows injected probabilities with one', () => {
    expect(new RegimeFollowingStrategy(null).unavailableReason).toMatch(/needs a regime model/)
    const c = btc5m()
    const st = new RegimeFollowingStrategy(
      new InjectedRegimeProvider('test', (b) => (b.time >= c.time[100] ? [0.1, 0.2, 0.7] : [0.2, 0.6, 0.2])),
    )
    const kinds: string[] = []
    for (let i = 0; i < 120; i++) {
      const d = st.onBar(feedBar(c, i), flat) as readonly { kind: string; signal?: { side: string } }[]
      kinds.push(d.length ? `${d[0].kind}:${d[0].signal?.side}` : '')
    }
    expect(kinds.slice(0, 100).every((k) => k === '')).toBe(true)
    expect(kinds[100]).toBe('enter:long')
  })

  it('ma-crossover goes long on the cross above and short on the cross below', () => {
    const st = new MaCrossoverStrategy({ fast: 2, slow: 4 })
    const closes = [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 12, 14, 16, 14, 10, 6]
    const sides: string[] = []
    closes.forEach((c, i) => {
      const d = st.onBar(
        { symbol: 'X', timeframe: '1h', time: i * 3_600_000, open: c, high: c + 1, low: c - 1, close: c, volume: 1 },
        flat,
      )
      if (d.length && d[0].kind === 'enter') sides.push(`${i}:${d[0].signal.side}`)
    })
    expect(sides).toEqual(['15:long', '19:short'])
  })
})
