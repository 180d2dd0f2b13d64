import { beforeAll, describe, expect, it } from 'vitest'
import type { Bar, BarColumns } from '../../src-shared/domain'
import { AlertsFeatures, alignBasket, ALERTS_FEATURES } from './alerts'
import {
  computeFeatureMatrix,
  featureColumn,
  FeatureStream,
  specHash,
  type ContextColumns,
  type FeatureMatrix,
  type FeatureStep,
  type MarketContext,
} from './feature-set'
import { computeFeatures, featureStep, FEATURE_SET_NAMES } from './feature-sets'
import { REGIME_FEATURES, REGIME_DEFINITION } from './regime'
import { atrInit, atrUpdate } from './volatility'
import { coinbaseHourly, freqtradeCandles, headOf, leanHourly } from './test-support'
import { readTestText } from '../testing'

function barAt(c: BarColumns, i: number): Bar {
  const tb = c.takerBuyVolume[i]
  return {
    time: c.time[i],
    open: c.open[i],
    high: c.high[i],
    low: c.low[i],
    close: c.close[i],
    volume: c.volume[i],
    ...(Number.isNaN(tb) ? {} : { takerBuyVolume: tb }),
  }
}

function ctxAt(ctx: ContextColumns | undefined, i: number): Partial<MarketContext> {
  const out: Partial<MarketContext> = {}
  for (const [k, v] of Object.entries(ctx ?? {})) out[k as keyof MarketContext] = v[i]
  return out
}

/** Largest |a − b| over all cells where both are numbers; counts cells where exactly one is NaN as mismatches. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; nanMismatch: number } {
  let diff = 0
  let nanMismatch = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    const y = b[i]
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) nanMismatch++
      continue
    }
    diff = Math.max(diff, Math.abs(x - y))
  }
  return { diff, nanMismatch }
}

function streamAll(step: FeatureStep<unknown>, bars: BarColumns, ctx?: ContextColumns): Float64Array {
  const s = new FeatureStream(step)
  const f = s.names.length
  const out = new Float64Array(bars.close.length * f)
  for (let i = 0; i < bars.close.length; i++) out.set(s.update(barAt(bars, i), ctxAt(ctx, i)), i * f)
  return out
}

/** Real-data inputs shared by the tests. */
let btc: BarColumns
let xrp: BarColumns
let xrpCtx: ContextColumns
let xrp5: BarColumns
let xrp5Ctx: ContextColumns
let ada: BarColumns
let dashPair: ContextColumns
let basket: BarColumns[]

/** Latest value at or before each bar's close (funding is known only once paid: no look-ahead). */
function asOf(times: Float64Array, barMs: number, rows: number[][], col: number): Float64Array {
  const out = new Float64Array(times.length).fill(NaN)
  let j = -1
  for (let i = 0; i < times.length; i++) {
    while (j + 1 < rows.length && rows[j + 1][0] <= times[i] + barMs) j++
    if (j >= 0) out[i] = rows[j][col]
  }
  return out
}

beforeAll(() => {
  btc = coinbaseHourly()
  xrp = freqtradeCandles('futures', 'XRP_USDT_USDT-1h-futures.json')
  const funding = JSON.parse(readTestText('freqtrade', 'futures', 'XRP_USDT_USDT-8h-funding_rate.json')) as number[][]
  const mark = JSON.parse(readTestText('freqtrade', 'futures', 'XRP_USDT_USDT-1h-mark.json')) as number[][]
  xrpCtx = { fundingRate: asOf(xrp.time, 3_600_000, funding, 1), markPrice: asOf(xrp.time, 0, mark, 4) }
  xrp5 = freqtradeCandles('futures', 'XRP_USDT_USDT-5m-futures.json.gz')
  xrp5Ctx = { fundingRate: asOf(xrp5.time, 300_000, funding, 1), markPrice: asOf(xrp5.time, 0, mark, 4) }
  const [a, d] = alignBasket([
    freqtradeCandles('spot', 'ADA_BTC-5m.json.gz'),
    freqtradeCandles('spot', 'DASH_BTC-5m.json.gz'),
  ])
  ada = a
  dashPair = { pairClose: d.close }
  basket = alignBasket([leanHourly('spy'), leanHourly('aapl'), leanHourly('ibm'), leanHourly('vxx')])
})

const CASES: {
  set: (typeof FEATURE_SET_NAMES)[number]
  data: () => [BarColumns, ContextColumns | undefined]
  label: string
}[] = [
  { set: 'regime', data: () => [btc, undefined], label: 'Coinbase BTC/USD 1h' },
  {
    set: 'liquidation',
    data: () => [xrp5, xrp5Ctx],
    label: 'Binance XRP/USDT perp 5m with 8h funding and 1h mark price',
  },
  { set: 'liquidation', data: () => [btc, undefined], label: 'Coinbase BTC/USD 1h (no funding, no book)' },
  { set: 'microstructure', data: () => [btc, undefined], label: 'Coinbase BTC/USD 1h' },
  { set: 'battle-navale', data: () => [ada, dashPair], label: 'Bittrex ADA/BTC 5m paired with DASH/BTC' },
]

describe('feature-set definitions', () => {
  it('regime has exactly the 43 features of DOMAIN §1, in a fixed order', () => {
    expect(REGIME_FEATURES.length).toBe(43)
    expect(new Set(REGIME_FEATURES).size).toBe(43)
    expect(REGIME_FEATURES.slice(0, 3)).toEqual(['rsi_14', 'rsi_14_lt_30', 'rsi_14_gt_70'])
  })

  it('alerts has the 18 DOMAIN §2 features plus the funding missing flag', () => {
    expect(ALERTS_FEATURES.length).toBe(19)
    expect(ALERTS_FEATURES[18]).toBe('funding_missing')
  })

  it('battle-navale has the 12 DOMAIN §4 features before its missing flags', () => {
    const names = featureStep('battle-navale').definition.features
    expect(names.slice(0, 12)).toEqual([
      'vwap_trend_signal',
      'sierra_pattern_strength',
      'level_proximity',
      'volume_confirmation',
      'paired_correlation',
      'options_flow_bias',
      'gamma_proximity',
      'dow_trend',
      'market_volatility',
      'session_time',
      'spread',
      'recent_momentum',
    ])
  })

  it('spec hash is sha256 of the canonical definition: stable, and changes with version or params', () => {
    const h = specHash(REGIME_DEFINITION)
    expect(h).toMatch(/^[0-9a-f]{64}$/)
    expect(specHash({ ...REGIME_DEFINITION, params: { ...REGIME_DEFINITION.params } })).toBe(h)
    expect(specHash({ ...REGIME_DEFINITION, version: 2 })).not.toBe(h)
    expect(featureStep('liquidation', '1h').definition).not.toEqual(featureStep('liquidation', '5m').definition)
  })
})

describe('streaming equals batch on real bars (≤ 1e-9, identical NaN positions)', () => {
  for (const c of CASES)
    it(`${c.set} on ${c.label}`, () => {
      const [bars, ctx] = c.data()
      const step = featureStep(c.set, c.label.includes(' 5m') ? '5m' : '1h')
      const batch = computeFeatureMatrix(step, bars, ctx)
      const live = streamAll(step, bars, ctx)
      const d = maxDiff(batch.data, live)
      expect(d.nanMismatch).toBe(0)
      expect(d.diff).toBeLessThanOrEqual(1e-9)
      // Each feature must be defined somewhere after warm-up, except inputs that this data does not carry.
      const undefinedCols = batch.names.filter((n) => featureColumn(batch, n).every((x) => Number.isNaN(x)))
      expect(
        undefinedCols.every((n) =>
          /depth|spread|imbalance|buy_share|sell_share|liquidation_notional|iv_|aggressiveness|slippage|funding|basis/.test(
            n,
          ),
        ),
        undefinedCols.join(','),
      ).toBe(true)
    })

  it('alerts on the LEAN hourly basket SPY/AAPL/IBM/VXX', () => {
    const fx = new AlertsFeatures({ assets: 4, barsPerHour: 1, barsPerYear: 252 * 7 })
    const batch = fx.batch(basket)
    const live = new AlertsFeatures({ assets: 4, barsPerHour: 1, barsPerYear: 252 * 7 })
    const f = ALERTS_FEATURES.length
    const out = new Float64Array(batch.data.length)
    for (let i = 0; i < batch.rows; i++) out.set(live.update(basket.map((b) => barAt(b, i))), i * f)
    const d = maxDiff(batch.data, out)
    expect(d.nanMismatch).toBe(0)
    expect(d.diff).toBeLessThanOrEqual(1e-9)
    for (const n of ALERTS_FEATURES)
      expect(
        featureColumn(batch, n).some((x) => Number.isFinite(x)),
        n,
      ).toBe(true)
  })
})

describe('no look-ahead: features on truncated history equal the full-history values up to the cut', () => {
  function check(full: FeatureMatrix, cut: (n: number) => FeatureMatrix) {
    let seed = 12345
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let k = 0; k < 4; k++) {
      const n = 50 + Math.floor(rand() * (full.rows - 50))
      const part = cut(n)
      const f = full.names.length
      const d = maxDiff(part.data, full.data.subarray(0, n * f))
      expect(d.nanMismatch, `cut at ${n}`).toBe(0)
      expect(d.diff, `cut at ${n}`).toBe(0)
    }
  }
  for (const c of CASES)
    it(`${c.set} at random cut points on ${c.label}`, () => {
      const [bars, ctx] = c.data()
      const step = featureStep(c.set)
      const cutCtx = (n: number): ContextColumns | undefined =>
        ctx ? Object.fromEntries(Object.entries(ctx).map(([k, v]) => [k, v.slice(0, n)])) : undefined
      check(computeFeatureMatrix(step, bars, ctx), (n) => computeFeatureMatrix(step, headOf(bars, n), cutCtx(n)))
    })

  it('alerts at random cut points', () => {
    const fx = new AlertsFeatures({ assets: 4, barsPerHour: 1, barsPerYear: 252 * 7 })
    check(fx.batch(basket), (n) => fx.batch(basket.map((b) => headOf(b, n))))
  })
})

describe('warm-up and missing inputs', () => {
  it('regime features are NaN before warm-up and all defined after 100 bars', () => {
    const m = computeFeatures({ symbol: 'BTCUSD.COINBASE', timeframe: '1h', set: 'regime', bars: btc })
    expect(featureColumn(m, 'rsi_14')[13]).toBeNaN()
    expect(featureColumn(m, 'rsi_14')[14]).not.toBeNaN()
    expect(featureColumn(m, 'ema_50_ratio')[48]).toBeNaN()
    for (let j = 0; j < m.names.length; j++)
      expect(Number.isNaN(m.data[200 * m.names.length + j]), m.names[j]).toBe(false)
  })

  it('liquidation features without taker volume or book give NaN and raise their flags, never a number', () => {
    const m = computeFeatures({
      symbol: 'XRPUSDT.BINANCE',
      timeframe: '1h',
      set: 'liquidation',
      bars: xrp,
      context: xrpCtx,
    })
    // Bar 40 (2021-11-18 17:00 UTC) has both a paid funding rate and a mark price in this data.
    const row = 40
    const v = (n: string) => featureColumn(m, n)[row]
    expect(v('taker_imbalance')).toBeNaN()
    expect(v('taker_missing')).toBe(1)
    expect(v('depth_imbalance')).toBeNaN()
    expect(v('book_missing')).toBe(1)
    expect(v('funding_missing')).toBe(0)
    expect(Number.isFinite(v('funding_rate'))).toBe(true)
    expect(Number.isFinite(v('basis'))).toBe(true)
  })

  it('alerts funding is 0 with the flag when absent, the rate without the flag when given', () => {
    const fx = new AlertsFeatures({ assets: 4, barsPerHour: 1, barsPerYear: 252 * 7 })
    const without = fx.batch(basket.map((b) => headOf(b, 300)))
    expect(featureColumn(without, 'funding_mean')[299]).toBe(0)
    expect(featureColumn(without, 'funding_missing')[299]).toBe(1)
    const rate = new Float64Array(300).fill(0.0001)
    const withF = fx.batch(
      basket.map((b) => headOf(b, 300)),
      { fundingRate: rate },
    )
    expect(featureColumn(withF, 'funding_mean')[299]).toBe(0.0001)
    expect(featureColumn(withF, 'funding_missing')[299]).toBe(0)
  })

  it('alerts market stress is 1 − Fear&Greed/100 when that series exists, else a realised-vol percentile in [0, 1]', () => {
    const fx = new AlertsFeatures({ assets: 4, barsPerHour: 1, barsPerYear: 252 * 7 })
    const fromVol = featureColumn(fx.batch(basket.map((b) => headOf(b, 2000))), 'market_stress')
    expect(fromVol.slice(800).every((x) => x >= 0 && x <= 1)).toBe(true)
    const fg = new Float64Array(2000).fill(25)
    const withFg = featureColumn(
      fx.batch(
        basket.map((b) => headOf(b, 2000)),
        { fearGreed: fg },
      ),
      'market_stress',
    )
    expect(withFg[1999]).toBe(0.75)
  })

  it('battle-navale options and gamma are 0 with missing flags when there is no options data', () => {
    const m = computeFeatures({ symbol: 'ADABTC.BITTREX', timeframe: '5m', set: 'battle-navale', bars: ada })
    expect(featureColumn(m, 'options_flow_bias')[500]).toBe(0)
    expect(featureColumn(m, 'options_missing')[500]).toBe(1)
    expect(featureColumn(m, 'paired_correlation')[500]).toBeNaN()
    expect(featureColumn(m, 'paired_missing')[500]).toBe(1)
  })

  it('battle-navale level_proximity equals a bin-by-bin session volume profile, with zero and negative volumes', () => {
    // DOMAIN.md §4 read literally: one profile per UTC day, bins one tick (0.05 % of the session's first typical
    // price) wide, POC = first bin of most volume, value area grown towards the heavier neighbour to 70 %.
    const reference = (c: BarColumns): Float64Array => {
      const out = new Float64Array(c.close.length)
      const atr = atrInit(14)
      let day = NaN
      let width = NaN
      let base = 0
      let prof = new Map<number, number>()
      for (let i = 0; i < c.close.length; i++) {
        const a = atrUpdate(atr, c.high[i], c.low[i], c.close[i])
        const tp = (c.high[i] + c.low[i] + c.close[i]) / 3
        if (Math.floor(c.time[i] / 86_400_000) !== day) {
          day = Math.floor(c.time[i] / 86_400_000)
          width = 0.0005 * c.close[i]
          base = Math.round(tp / width)
          prof = new Map([[1024, 0]])
        }
        const bin = Math.min(Math.max(Math.round(tp / width) - base + 1024, 0), 2047)
        prof.set(bin, (prof.get(bin) ?? 0) + c.volume[i])
        const lo0 = Math.min(...prof.keys())
        const hi0 = Math.max(...prof.keys())
        const v = (b: number) => prof.get(b) ?? 0
        let poc = lo0
        let total = 0
        for (let b = lo0; b <= hi0; b++) {
          total += v(b)
          if (v(b) > v(poc)) poc = b
        }
        let [lo, hi, acc] = [poc, poc, v(poc)]
        while (acc < 0.7 * total && (lo > lo0 || hi < hi0)) {
          if ((hi < hi0 ? v(hi + 1) : -1) >= (lo > lo0 ? v(lo - 1) : -1)) acc += v(++hi)
          else acc += v(--lo)
        }
        const price = (b: number) => (b - 1024 + base) * width
        const d = Math.min(...[poc, hi, lo].map((b) => Math.abs(c.close[i] - price(b))))
        out[i] = a > 0 ? 1 - Math.min(1, d / a) : NaN
      }
      return out
    }
    const bars = headOf(ada, 3000)
    // Every 5th bar without volume; a day with one negative volume reads its profile bin by bin.
    const volume = bars.volume.map((x, i) => (i % 5 === 2 ? 0 : i === 1500 ? -x : x))
    for (const c of [bars, { ...bars, volume }]) {
      const got = featureColumn(computeFeatureMatrix(featureStep('battle-navale', '5m'), c), 'level_proximity')
      const want = reference(c)
      expect(Array.from(got)).toEqual(Array.from(want))
      expect(want.filter((x) => x > 0 && x < 1).length).toBeGreaterThan(1000)
    }
  })

  it('a streaming snapshot restored later continues with identical values', () => {
    const s = new FeatureStream(featureStep('regime'))
    for (let i = 0; i < 500; i++) s.update(barAt(btc, i))
    const snap = s.snapshot()
    const a = Array.from({ length: 20 }, (_, k) => Array.from(s.update(barAt(btc, 500 + k))))
    s.restore(snap)
    const b = Array.from({ length: 20 }, (_, k) => Array.from(s.update(barAt(btc, 500 + k))))
    expect(b).toEqual(a)
  })
})
