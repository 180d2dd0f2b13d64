import { describe, expect, it } from 'vitest'
import type { Bar } from '../../src-shared/domain'
import { atrBatch, atrInit, atrUpdate, bollingerBatch, bollingerInit, bollingerUpdate } from './volatility'
import { ema, emaBatch, sma, smaBatch } from './averages'
import { computeIndicators, IndicatorEngine } from './indicator-spec'
import { batch } from './kernel'
import { rsiBatch, rsi } from './oscillators'
import { coinbaseHourly, headOf } from './test-support'
import { correlationBatch, largestEigenvalue } from './rolling'

const ALL_SPECS = [
  'sma:20',
  'ema:20',
  'ema:20:first',
  'wma:20',
  'dema:20',
  'tema:20',
  'kama:10:2:30',
  'rsi:14',
  'rsi:14:ewm',
  'macd:12:26:9',
  'macd:12:26:9:tulip',
  'bb:20:2',
  'tr',
  'atr:14',
  'atr:14:sma',
  'atr:14:talib',
  'stoch:14:3:3',
  'stochrsi:14:14:3:3',
  'willr:14',
  'cci:20',
  'mfi:14',
  'obv',
  'mom:10',
  'roc:10',
  'rocp:10',
  'adx:14',
  'keltner:20:2:10',
  'donchian:20',
  'vwap',
  'vwap:24',
  'sar:0.02:0.2',
  'std:20',
  'zscore:20',
  'parkinson:20',
  'gk:20',
  'slope:20',
  'min:20',
  'max:20',
  'quantile:50:0.9',
  // Reference conventions and the TA-Lib extras (indicator-spec.ts).
  'dema:20:first',
  'dema:20:tulip',
  'tema:20:tulip',
  'rocr:10',
  'logr:10',
  'adx:14:tulip',
  'adxr:14',
  'adxr:14:tulip',
  'dx:14',
  'dx:14:tulip',
  'dm:14',
  'dm:14:tulip',
  'donchian:20:prev',
  'sar:0.02:0.2:touch',
]
/** Indicators defined from the first bar by construction. */
const NO_WARMUP = new Set(['ema:20:first', 'dema:20:first', 'tr', 'obv', 'vwap', 'macd:12:26:9:tulip'])

describe('indicator streaming equals batch on Coinbase BTC/USD 1h', () => {
  const bars = coinbaseHourly()

  it('IndicatorEngine.update(bar) per bar equals computeIndicators for every spec and convention (≤ 1e-9)', () => {
    const table = computeIndicators(bars, ALL_SPECS)
    const engine = new IndicatorEngine(ALL_SPECS)
    let worst = 0
    let nanMismatch = 0
    for (let i = 0; i < bars.close.length; i++) {
      const b: Bar = {
        time: bars.time[i],
        open: bars.open[i],
        high: bars.high[i],
        low: bars.low[i],
        close: bars.close[i],
        volume: bars.volume[i],
      }
      const v = engine.update(b)
      for (let j = 0; j < v.length; j++) {
        const x = table.columns[j][i]
        if (Number.isNaN(x) !== Number.isNaN(v[j])) nanMismatch++
        else if (!Number.isNaN(x)) worst = Math.max(worst, Math.abs(x - v[j]))
      }
    }
    expect(nanMismatch).toBe(0)
    expect(worst).toBeLessThanOrEqual(1e-9)
  })

  it('every windowed indicator is NaN on the first bar and defined after 100 bars', () => {
    const table = computeIndicators(bars, ALL_SPECS)
    table.names.forEach((name, j) => {
      const spec = name.split('.')[0]
      if (!NO_WARMUP.has(spec) && !name.startsWith('sar')) expect(table.columns[j][0], name).toBeNaN()
      expect(Number.isNaN(table.columns[j][100]), name).toBe(false)
    })
  })

  it('the typed-array batch helpers equal the generic kernel loop and the spec engine', () => {
    const c = bars.close
    const t = computeIndicators(bars, ['sma:20', 'ema:20', 'rsi:14', 'atr:14', 'bb:20:2'])
    const col = (n: string) => t.columns[t.names.indexOf(n)]
    expect(Array.from(smaBatch(c, 20))).toEqual(Array.from(col('sma:20')))
    expect(Array.from(emaBatch(c, 20))).toEqual(Array.from(col('ema:20')))
    expect(Array.from(rsiBatch(c, 14))).toEqual(Array.from(batch(rsi(14), c)))
    expect(Array.from(rsiBatch(c, 14))).toEqual(Array.from(col('rsi:14')))
    expect(Array.from(atrBatch(bars.high, bars.low, c, 14))).toEqual(Array.from(col('atr:14')))
    const [up, mid, lo] = bollingerBatch(c, 20, 2)
    expect(Array.from(up)).toEqual(Array.from(col('bb:20:2.upper')))
    expect(Array.from(mid)).toEqual(Array.from(col('bb:20:2.middle')))
    expect(Array.from(lo)).toEqual(Array.from(col('bb:20:2.lower')))
  })

  it('the batch helpers equal their streaming update bit for bit with NaN inputs, across rebuilds, and in place', () => {
    // 20k real closes with isolated NaNs, a NaN run longer than the windows, and NaNs right at rebuild boundaries.
    const c = Float64Array.from(bars.close)
    const h = Float64Array.from(bars.high)
    const l = Float64Array.from(bars.low)
    for (const i of [50, 4095, 4096, 4115, 8191, 9000, 9001, 12_345]) c[i] = NaN
    for (let i = 15_000; i < 15_030; i++) c[i] = NaN
    h[6000] = NaN
    l[7000] = NaN
    const same = (a: Float64Array, b: Float64Array, label: string) =>
      expect(Array.from(a), label).toEqual(Array.from(b))
    same(smaBatch(c, 20), batch(sma(20), c), 'sma')
    same(emaBatch(c, 20), batch(ema(20), c), 'ema')
    same(rsiBatch(c, 14), batch(rsi(14), c), 'rsi')
    // ATR: a NaN close poisons Wilder's average for good, so check a series with only a NaN high and low too.
    for (const cc of [c, bars.close]) {
      const s = atrInit(14)
      same(
        atrBatch(h, l, cc, 14),
        Float64Array.from(cc, (x, i) => atrUpdate(s, h[i], l[i], x)),
        'atr',
      )
    }
    const s = bollingerInit(20, 2)
    const want = [new Float64Array(c.length), new Float64Array(c.length), new Float64Array(c.length)]
    c.forEach((x, i) => {
      want[1][i] = bollingerUpdate(s, x)
      want[0][i] = s.upper
      want[2][i] = s.lower
    })
    const got = bollingerBatch(c, 20, 2)
    for (let j = 0; j < 3; j++) same(got[j], want[j], `bb ${j}`)
    // Recovered after the NaN run, finite again.
    expect(Number.isFinite(smaBatch(c, 20)[15_060])).toBe(true)
    expect(Number.isFinite(got[1][15_060])).toBe(true)
    // In place: the output overwrites the input the windowed loops read behind them.
    same(smaBatch(c, 20, Float64Array.from(c)), smaBatch(c, 20), 'sma in other buffer')
    const inPlace = Float64Array.from(c)
    same(smaBatch(inPlace, 20, inPlace), smaBatch(c, 20), 'sma in place')
    const bbIn = Float64Array.from(c)
    same(bollingerBatch(bbIn, 20, 2, undefined, bbIn)[1], got[1], 'bb in place')
  })

  it('indicators on a truncated history equal the full-history values up to the cut (no look-ahead)', () => {
    const full = computeIndicators(bars, ALL_SPECS)
    for (const n of [137, 5003, 17777]) {
      const part = computeIndicators(headOf(bars, n), ALL_SPECS)
      part.columns.forEach((c, j) =>
        expect(Array.from(c), full.names[j]).toEqual(Array.from(full.columns[j].subarray(0, n))),
      )
    }
  })

  it('running sums stay within 1e-9 of a fresh recomputation after 20k bars (drift control)', () => {
    const c = bars.close
    const n = 20
    const s = smaBatch(c, n)
    const last = c.length - 1
    let direct = 0
    for (let i = last - n + 1; i <= last; i++) direct += c[i]
    expect(Math.abs(s[last] - direct / n) / (direct / n)).toBeLessThan(1e-12)
    const r = correlationBatch(c, bars.volume, 50)
    expect(Number.isFinite(r[last])).toBe(true)
  })

  it('largest eigenvalue of a correlation matrix matches the closed form for 2×2 and is k for perfectly correlated series', () => {
    expect(largestEigenvalue(Float64Array.from([1, 0.3, 0.3, 1]), 2)).toBeCloseTo(1.3, 12)
    const k = 4
    expect(largestEigenvalue(new Float64Array(k * k).fill(1), k)).toBeCloseTo(4, 12)
    expect(largestEigenvalue(Float64Array.from([1, NaN, NaN, 1]), 2)).toBeNaN()
  })
})
