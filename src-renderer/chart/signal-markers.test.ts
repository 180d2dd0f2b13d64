import { describe, expect, it } from 'vitest'
import type { PaperPosition, SignalView } from '../../src-shared'
import { presentLayers } from './layers-legend'
import { formatPnl } from './paper-legend'
import { signalLines, signalMarker, signalsOnBars, SIGNAL_MARKER_COLORS, strategyTag } from './signal-markers'
import { paperLines } from './use-paper-lines'

const T0 = Date.UTC(2024, 2, 1)
const H = 3_600_000

function signal(id: number, over: Partial<SignalView> = {}): SignalView {
  return {
    id,
    time: T0 + id * H,
    symbol: 'BTCUSD',
    venue: 'COINBASE',
    timeframe: '1h',
    strategy: 'battle-navale',
    side: 'long',
    score: 0.4123,
    baseConfidence: 0.681,
    mlProbability: null,
    enhancedConfidence: 0.681,
    tier: 0.5,
    outcome: 'taken',
    reason: 'bullish battle',
    ml: false,
    modelVersion: null,
    ...over,
  }
}

describe('signal markers', () => {
  it('draws a taken long as a solid arrow under the bar with its strategy tag, a skipped short faded over it without one', () => {
    expect(signalMarker(signal(1))).toEqual({
      id: 'signal:1',
      time: (T0 + H) / 1000,
      position: 'belowBar',
      shape: 'arrowUp',
      color: SIGNAL_MARKER_COLORS.long,
      size: 1.1,
      text: 'BN',
    })
    expect(signalMarker(signal(2, { side: 'short', outcome: 'skipped' }))).toEqual({
      id: 'signal:2',
      time: (T0 + 2 * H) / 1000,
      position: 'aboveBar',
      shape: 'arrowDown',
      color: SIGNAL_MARKER_COLORS.shortSkipped,
      size: 0.8,
    })
  })

  it('tags each catalog strategy with two letters', () => {
    expect(['battle-navale', 'regime-following', 'ma-crossover', 'custom'].map(strategyTag)).toEqual([
      'BN',
      'RF',
      'MA',
      'CU',
    ])
  })

  it('keeps only the signals on the loaded bars', () => {
    const bars = [2, 3, 4].map((i) => ({ time: T0 + i * H }))
    expect(signalsOnBars([signal(1), signal(2), signal(4), signal(5)], bars).map((s) => s.id)).toEqual([2, 4])
    expect(signalsOnBars([signal(1)], [])).toEqual([])
  })

  it('tooltip: every stored field, and what ML did — off, on without a model, on with a probability', () => {
    expect(signalLines(signal(1))).toEqual([
      'Battle Navale LONG · taken',
      's +0.41 · base confidence 0.68',
      'ML probability — (ML off) · enhanced 0.68',
      'tier ×0.5 · taken: bullish battle',
      'model none (ML off)',
      '2024-03-01 01:00 · BTCUSD 1h',
    ])
    const noModel = signalLines(
      signal(2, { ml: true, side: 'short', score: -0.3, outcome: 'skipped', reason: 'below threshold', tier: 0 }),
    )
    expect(noModel.slice(0, 5)).toEqual([
      'Battle Navale SHORT · skipped',
      's -0.30 · base confidence 0.68',
      'ML probability — (ML on, no model: acting as off) · enhanced 0.68',
      'tier ×0 · skipped: below threshold',
      'model none (no champion)',
    ])
    const scored = signalLines(
      signal(3, {
        ml: true,
        mlProbability: 0.7349,
        enhancedConfidence: 0.708,
        tier: 1,
        modelVersion: 'signal-quality-battle-navale-btcusd-1h@v2',
      }),
    )
    expect(scored[2]).toBe('ML probability 0.73 · enhanced 0.71')
    expect(scored[4]).toBe('model signal-quality-battle-navale-btcusd-1h@v2')
    expect(signalLines(signal(4, { score: null }))[1]).toBe('s — · base confidence 0.68')
  })

  it('lists the signals layer in the legend only when the chart has signals', () => {
    expect(presentLayers([], [], false, true)).toEqual(['volume'])
    expect(presentLayers([], [], true, true, true)).toEqual(['alerts', 'signals', 'volume'])
  })
})

describe('paper positions on the chart', () => {
  const position: PaperPosition = {
    strategy: 'battle-navale',
    symbol: 'BTCUSD',
    venue: 'COINBASE',
    timeframe: '1h',
    side: 'short',
    qty: 0.25,
    entryPrice: 40_000,
    entryTime: T0,
    stop: 40_600,
    target: null,
    mark: 39_800,
    openPnl: 50,
  }

  it('draws entry, stop and target lines, leaving out what is not set', () => {
    expect(paperLines([position])).toEqual([
      { kind: 'entry', price: 40_000, title: 'BN short entry' },
      { kind: 'stop', price: 40_600, title: 'BN stop' },
    ])
    expect(paperLines([{ ...position, target: 38_800 }]).map((l) => l.kind)).toEqual(['entry', 'stop', 'target'])
  })

  it('signs open PnL with two decimals', () => {
    expect([formatPnl(50), formatPnl(-5), formatPnl(0)]).toEqual(['+50.00', '−5.00', '+0.00'])
  })
})
