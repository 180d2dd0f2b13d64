import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../src-shared'
import { testData } from '../testing'
import { InjectedRegimeProvider, type RegimeProbabilities } from './regime-following-strategy'
import type { FeedBar, Side, Strategy, StrategyContext, StrategyDecision } from './strategy'
import { NO_DECISIONS } from './strategy'
import { flooredWeights, SWITCHER_WEIGHT_FLOOR, SwitcherStrategy } from './switcher-strategy'

// Real BTC/USDT 5m candles (test-data/freqtrade/orderflow/candles.json.gz, as in strategies.test.ts).
const cols = JSON.parse(
  gunzipSync(readFileSync(testData('freqtrade', 'orderflow', 'candles.json.gz'))).toString('utf8'),
) as Record<string, Record<string, number>>
const col = (k: string) => Float64Array.from(Object.keys(cols.date), (i) => cols[k][i])
const raw = { time: col('date'), open: col('open'), high: col('high'), low: col('low'), close: col('close') }
const volume = col('volume')
const N = 1500
const H = 12
const bars: FeedBar[] = Array.from({ length: N }, (_, i) => ({
  symbol: 'BTCUSDT',
  timeframe: '5m',
  time: raw.time[i],
  open: raw.open[i],
  high: raw.high[i],
  low: raw.low[i],
  close: raw.close[i],
  volume: volume[i],
}))
const index = new Map(bars.map((b, i) => [b.time, i]))

/** A test member that knows the close H bars ahead: it signals the side that will win (or lose, or by `pick`). */
function oracle(name: string, pick: (rightSide: Side, i: number) => Side | undefined): Strategy {
  return {
    name,
    onBar(bar: FeedBar): readonly StrategyDecision[] {
      const i = index.get(bar.time)!
      if (i % 3 !== 0 || i + H >= N || raw.close[i + H] === raw.close[i]) return NO_DECISIONS
      const side = pick(raw.close[i + H] > raw.close[i] ? 'long' : 'short', i)
      if (!side) return NO_DECISIONS
      const signal = { symbol: bar.symbol, side, confidence: 1, stopDistance: 1e9, targetDistance: 1e9, reason: name }
      return [{ kind: 'enter', signal }]
    },
  }
}
const flip = (s: Side): Side => (s === 'long' ? 'short' : 'long')

async function run(s: SwitcherStrategy, upTo = N, from = 0) {
  const clock = new ManualClock(0)
  const ctx: StrategyContext = { clock, position: () => undefined }
  for (const b of bars.slice(from, upTo)) await s.onBar(b, ctx)
}

describe('strategy switcher (DOMAIN.md §5)', () => {
  it('renormalises posterior means with a floor of 0.05', () => {
    const w = flooredWeights([0.9, 0.01, 0.45])
    expect(w[1]).toBe(0.05)
    expect(w.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12)
    expect(w[0] / w[2]).toBeCloseTo(2, 12)
    expect(flooredWeights([0.5, 0.5])).toEqual([0.5, 0.5])
  })

  it('weights follow hit rates: a strategy that always loses goes to the floor (real BTC/USDT 5m)', async () => {
    const s = new SwitcherStrategy(
      () => [
        oracle('always-right', (right) => right),
        oracle('always-wrong', (right) => flip(right)),
        oracle('coin', (right, i) => (i % 2 === 0 ? right : flip(right))),
      ],
      null,
      { horizon: H },
    )
    await run(s, 200)
    const early = s.weights()
    await run(s, N, 200)
    const w = s.weights()
    expect(w[1]).toBe(SWITCHER_WEIGHT_FLOOR)
    expect(w[0]).toBeGreaterThan(w[2])
    expect(w[2]).toBeGreaterThan(w[1])
    expect(early[1]).toBeGreaterThanOrEqual(w[1])
    // The history records every bar's weights; the loser sits on the floor for the whole second half.
    const hist = s.weightHistory()
    expect(hist).toHaveLength(N)
    expect(hist.slice(-N / 2).every((h) => h.weights[1] === SWITCHER_WEIGHT_FLOOR)).toBe(true)
  })

  it('keeps one posterior per regime when a regime provider is given', async () => {
    // Regime by bar index parity of 100-bar blocks: bull blocks and bear blocks.
    const regimeAt = (b: FeedBar): RegimeProbabilities =>
      Math.floor(index.get(b.time)! / 100) % 2 === 0 ? [0, 0, 1] : [1, 0, 0]
    const bullAt = (i: number) => Math.floor(i / 100) % 2 === 0
    const s = new SwitcherStrategy(
      () => [
        oracle('right-in-bull', (right, i) => (bullAt(i) ? right : flip(right))),
        oracle('right-in-bear', (right, i) => (bullAt(i) ? flip(right) : right)),
      ],
      new InjectedRegimeProvider('blocks', regimeAt),
      { horizon: H },
    )
    await run(s)
    expect(s.weights('bull')[0]).toBeGreaterThan(0.8)
    expect(s.weights('bear')[1]).toBeGreaterThan(0.8)
  })

  it('votes by the members’ paper positions, ×1.2 in bull and ×0.8 in bear', async () => {
    const always = (side: Side): Strategy => ({
      name: side,
      onBar: (bar) => [
        {
          kind: 'enter',
          signal: { symbol: bar.symbol, side, confidence: 1, stopDistance: 1e9, targetDistance: 1e9, reason: side },
        },
      ],
    })
    const regime = (r: RegimeProbabilities) => new InjectedRegimeProvider('fixed', () => r)
    const decisionIn = async (r: RegimeProbabilities) => {
      const s = new SwitcherStrategy(() => [always('long')], regime(r), { horizon: H })
      await run(s, 30)
      return s.weightHistory().at(-1)!.decision
    }
    // One member, weight 1, always long; these candles carry no taker volume, so imbalance and aggressiveness are 0.
    expect(await decisionIn([0, 0, 1])).toBeCloseTo(1.2, 12)
    expect(await decisionIn([1, 0, 0])).toBeCloseTo(0.8, 12)
    expect(await decisionIn([0, 1, 0])).toBeCloseTo(1, 12)
  })
})
