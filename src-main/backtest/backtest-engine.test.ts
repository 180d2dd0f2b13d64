import { describe, expect, it } from 'vitest'
import { BattleNavaleStrategy, type FeedBar, type Strategy, type StrategyDecision } from '../strategies'
import { ENGINE_DEFAULTS, runEngine } from './backtest-engine'
import type { BarSeries } from './historical-bar-feed'
import { walkForwardSignalQuality } from './signal-quality'
import { coinbaseHourlyBars, handBars } from './test-support'

const coinbase = coinbaseHourlyBars()
const head = (n: number): BarSeries => ({ symbol: 'BTCUSD', timeframe: '1h', bars: sliceBars(coinbase, 0, n) })

function sliceBars(c: BarSeries['bars'], a: number, b: number): BarSeries['bars'] {
  return {
    time: c.time.slice(a, b),
    open: c.open.slice(a, b),
    high: c.high.slice(a, b),
    low: c.low.slice(a, b),
    close: c.close.slice(a, b),
    volume: c.volume.slice(a, b),
    takerBuyVolume: c.takerBuyVolume.slice(a, b),
  }
}

/** Changes every bar from index k on (prices × 1.3 with a wobble), keeping the past as it was. */
function tamperFrom(s: BarSeries, k: number): BarSeries {
  const c = sliceBars(s.bars, 0, s.bars.close.length)
  for (let i = k; i < c.close.length; i++) {
    const f = 1.3 + 0.05 * Math.sin(i)
    c.open[i] *= f
    c.high[i] *= f * 1.01
    c.low[i] *= f * 0.99
    c.close[i] *= f
    c.volume[i] *= 2
  }
  return { ...s, bars: c }
}

/** Enters long at scripted bar indices with a fixed stop/target; exits at others. */
class ScriptedStrategy implements Strategy {
  readonly name = 'scripted'
  private i = -1
  constructor(private readonly script: Record<number, StrategyDecision['kind']>) {}
  onBar(bar: FeedBar): readonly StrategyDecision[] {
    const k = this.script[++this.i]
    if (k === 'enter')
      return [
        {
          kind: 'enter',
          signal: {
            symbol: bar.symbol,
            side: 'long',
            confidence: 0.75,
            stopDistance: 10,
            targetDistance: 20,
            reason: 'script',
          },
        },
      ]
    if (k === 'exit') return [{ kind: 'exit', symbol: bar.symbol, reason: 'script' }]
    return []
  }
}

describe('runEngine', () => {
  it('signals at the close fill at the next open, sized by risk fraction × confidence tier (hand-computed)', async () => {
    const bars = handBars([
      [100, 100, 100, 100],
      [102, 104, 101, 103],
      [103, 106, 102, 105],
      [107, 108, 106, 107],
    ])
    const cfg = {
      ...ENGINE_DEFAULTS,
      initialEquity: 10_000,
      makerFeeBps: 0,
      takerFeeBps: 10,
      slippage: { kind: 'bps' as const, bps: 0 },
      riskFraction: 0.01,
    }
    const r = await runEngine(
      [{ symbol: 'X', timeframe: '1h', bars }],
      new ScriptedStrategy({ 0: 'enter', 2: 'exit' }),
      cfg,
    )
    // confidence 0.75 → tier ×1.0; qty = 10,000 × 1 % / 10 = 10; entry at bar 1's open 102, exit at bar 3's open 107.
    expect(r.trades).toHaveLength(1)
    const t = r.trades[0]
    expect(t.qty).toBe(10)
    expect(t.entryPrice).toBe(102)
    expect(t.exitPrice).toBe(107)
    const fees = 10 * 102 * 0.001 + 10 * 107 * 0.001
    expect(t.pnl).toBeCloseTo(50 - fees, 10)
    expect(r.equity[0]).toBe(10_000)
    expect(r.equity[1]).toBeCloseTo(10_000 - 10 * 102 * 0.001 + 10, 10)
    expect(r.equity[3]).toBeCloseTo(10_000 + 50 - fees, 10)
    expect(r.metrics.trades).toBe(1)
    expect(r.metrics.exposure).toBe(0.5)
  })

  it('never changes past decisions or fills when future bars change (no look-ahead, Battle Navale on Coinbase 1h)', async () => {
    const s = head(4000)
    const k = 2500
    const a = await runEngine([s], new BattleNavaleStrategy(), ENGINE_DEFAULTS)
    const b = await runEngine([tamperFrom(s, k)], new BattleNavaleStrategy(), ENGINE_DEFAULTS)
    const cut = s.bars.time[k]
    expect(Array.from(b.equity.subarray(0, k))).toEqual(Array.from(a.equity.subarray(0, k)))
    const before = (r: typeof a) =>
      r.trades
        .filter((t) => t.exitTime < cut)
        .map((t) => [t.entryTime, t.entryPrice, t.exitTime, t.exitPrice, t.pnl, t.tag.signalTime])
    expect(before(a).length).toBeGreaterThan(50)
    expect(before(b)).toEqual(before(a))
    expect(b.equity[k + 10]).not.toBe(a.equity[k + 10])
  })

  it('is deterministic: the same bars give the same trades and equity', async () => {
    const s = head(3000)
    const a = await runEngine([s], new BattleNavaleStrategy(), ENGINE_DEFAULTS)
    const b = await runEngine([s], new BattleNavaleStrategy(), ENGINE_DEFAULTS)
    expect(Array.from(b.equity)).toEqual(Array.from(a.equity))
    expect(b.trades.length).toBe(a.trades.length)
  })

  it('runs several symbols on one account, merged by time', async () => {
    const x = head(3000)
    const y: BarSeries = { symbol: 'BTCUSD2', timeframe: '1h', bars: sliceBars(coinbase, 5000, 8000) }
    const shift = x.bars.time[0] - y.bars.time[0]
    for (let i = 0; i < y.bars.time.length; i++) (y.bars.time as Float64Array)[i] += shift
    const r = await runEngine([x, y], new BattleNavaleStrategy(), ENGINE_DEFAULTS)
    expect(r.time.length).toBe(3000)
    expect(new Set(r.trades.map((t) => t.symbol))).toEqual(new Set(['BTCUSD', 'BTCUSD2']))
  })
})

describe('walk-forward signal quality inside the backtest', () => {
  it('trains each window only on trades whose outcome was known before the window start', async () => {
    const s = head(8000)
    const base = await runEngine([s], new BattleNavaleStrategy(), ENGINE_DEFAULTS)
    const wf = await walkForwardSignalQuality(base.trades, s.bars.time[0], s.bars.time[7999], 3_600_000, {
      retrainEveryBars: 1000,
      compareTrees: false,
      minTrainTrades: 40,
    })
    expect(wf.windows.some((w) => w.model)).toBe(true)
    for (const w of wf.windows) {
      const known = base.trades.filter((t) => t.exitTime + 3_600_000 <= w.start).length
      expect(w.trainTrades).toBe(known)
    }
  })

  it('a window model is unchanged when every bar after its start changes', async () => {
    const s = head(8000)
    const opts = { retrainEveryBars: 1000, compareTrees: false, minTrainTrades: 40 }
    const k = 4000
    const runWf = async (series: BarSeries) => {
      const base = await runEngine([series], new BattleNavaleStrategy(), ENGINE_DEFAULTS)
      return walkForwardSignalQuality(base.trades, series.bars.time[0], series.bars.time[7999], 3_600_000, opts)
    }
    const a = await runWf(s)
    const b = await runWf(tamperFrom(s, k))
    const probe = new Float32Array(12).fill(0.3)
    const cut = s.bars.time[k]
    const early = a.windows.filter((w) => w.model && w.start <= cut)
    expect(early.length).toBeGreaterThan(0)
    for (const w of early) {
      const wb = b.windows.find((x) => x.start === w.start)!
      expect(Array.from(wb.model!.model.predict(probe, 1))).toEqual(Array.from(w.model!.model.predict(probe, 1)))
    }
  })
})
