import { describe, expect, it } from 'vitest'
import { OVERLAY_DEFINITIONS, overlayDefaults, overlaySpec } from '../../src-shared'
import type { BarColumns } from '../../src-shared/domain'
import { computeIndicators, INDICATOR_NAMES, parseIndicatorSpec } from './indicator-spec'
import { convergenceBars, warmupBars } from './indicator-warmup'
import { coinbaseHourly, freqtradeCandles } from './test-support'

const HOUR = 3_600_000

function slice(c: BarColumns, from: number, to = c.close.length): BarColumns {
  return {
    time: c.time.slice(from, to),
    open: c.open.slice(from, to),
    high: c.high.slice(from, to),
    low: c.low.slice(from, to),
    close: c.close.slice(from, to),
    volume: c.volume.slice(from, to),
    takerBuyVolume: c.takerBuyVolume.slice(from, to),
  }
}

/**
 * Largest difference between the window's values and the full history's over the same bars, relative to the column's
 * largest magnitude (ratios such as %B cross zero); Infinity when one is NaN and the other is not.
 */
function worstDifference(bars: BarColumns, spec: string, start: number, warm: number): number {
  const full = computeIndicators(bars, spec)
  const window = computeIndicators(slice(bars, start - warm), spec)
  let worst = 0
  for (let j = 0; j < full.columns.length; j++) {
    let scale = 1e-12
    for (let i = start; i < bars.close.length; i++)
      if (Math.abs(full.columns[j][i]) > scale) scale = Math.abs(full.columns[j][i])
    for (let i = start; i < bars.close.length; i++) {
      const a = full.columns[j][i]
      const b = window.columns[j][i - start + warm]
      if (Number.isNaN(a) && Number.isNaN(b)) continue
      if (Number.isNaN(a) !== Number.isNaN(b)) return Infinity
      worst = Math.max(worst, Math.abs(a - b) / scale)
    }
  }
  return worst
}

describe('indicator warm-up', () => {
  const coinbase = coinbaseHourly()
  const start = coinbase.close.length - 500

  it('every overlay of the picker, computed over its warm-up, starts at the full-history value on Coinbase BTC/USD hourly', () => {
    for (const d of OVERLAY_DEFINITIONS) {
      const spec = overlaySpec(d.kind, overlayDefaults(d.kind))
      const warm = warmupBars(parseIndicatorSpec(spec), HOUR)
      expect(worstDifference(coinbase, spec, start, warm), spec).toBeLessThan(1e-9)
    }
  })

  it('holds for long periods, other multipliers and the other recursive indicators', () => {
    for (const spec of [
      'ema:200',
      'ema:9:first',
      'keltner:50:1.5:30',
      'bb:100:2.5',
      'donchian:55',
      'donchian:20:prev',
      'vwap:200',
      'rsi:14',
      'macd:12:26:9',
      'atr:14',
      'atr:14:sma',
      'adx:14',
      'stoch:14:3:3',
      'kama:10:2:30',
      'tema:20',
      'mfi:14',
      'cci:20',
    ])
      expect(worstDifference(coinbase, spec, start, warmupBars(parseIndicatorSpec(spec), HOUR)), spec).toBeLessThan(
        1e-9,
      )
  })

  it('session VWAP on 5-minute bars restarts each UTC day: a day of bars is enough, one bar less than the session is not', () => {
    const eth = freqtradeCandles('spot', 'ETH_BTC-5m.json.gz')
    const warm = warmupBars(parseIndicatorSpec('vwap'), 5 * 60_000)
    expect(warm).toBe(287)
    // Start in the middle of a UTC day, so the session began before the window.
    let s = eth.close.length - 1000
    while (eth.time[s] % 86_400_000 !== 12 * HOUR) s++
    expect(worstDifference(eth, 'vwap', s, warm)).toBeLessThan(1e-12)
    expect(worstDifference(eth, 'vwap', s, 100)).toBeGreaterThan(1e-6)
  })

  it('is needed: an EMA started a tenth of its warm-up earlier still differs from the full history', () => {
    const warm = warmupBars(parseIndicatorSpec('ema:50'), HOUR)
    expect(warm).toBe(49 + convergenceBars(2 / 51))
    expect(worstDifference(coinbase, 'ema:50', start, Math.round(warm / 10))).toBeGreaterThan(1e-6)
    expect(worstDifference(coinbase, 'sma:50', start, 48)).toBe(Infinity)
  })

  it('has a rule for every indicator name; cumulative ones need the whole history', () => {
    for (const name of INDICATOR_NAMES)
      expect(warmupBars(parseIndicatorSpec(name), HOUR), name).toBeGreaterThanOrEqual(0)
    expect(warmupBars(parseIndicatorSpec('obv'), HOUR)).toBe(Infinity)
    expect(warmupBars(parseIndicatorSpec('sar'), HOUR)).toBe(Infinity)
  })
})
