import { describe, expect, it } from 'vitest'
import { computeIndicators } from './indicator-spec'
import { covarianceUpdate, pairInit, percentileRank, rollingQuantile } from './rolling'
import { batch } from './kernel'
import { coinbaseHourly } from './test-support'

/** Brute-force statistics over each full window, to check the O(1) rolling updates on real bars. */
const bars = coinbaseHourly()
const N = 3000
const c = bars.close.subarray(0, N)
const win = (i: number, n: number, xs: ArrayLike<number> = c) => Array.from({ length: n }, (_, k) => xs[i - n + 1 + k])
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length
const popStd = (a: number[]) => Math.sqrt(mean(a.map((x) => (x - mean(a)) ** 2)))

function check(actual: ArrayLike<number>, expected: (i: number) => number, from: number, tol = 1e-9) {
  let worst = 0
  for (let i = from; i < N; i++) {
    const e = expected(i)
    worst = Math.max(worst, Math.abs(actual[i] - e) / Math.max(1, Math.abs(e)))
  }
  expect(worst).toBeLessThanOrEqual(tol)
}

describe('rolling kernels equal brute-force window statistics on Coinbase BTC/USD 1h', () => {
  const t = computeIndicators(
    {
      time: bars.time.subarray(0, N),
      open: bars.open.subarray(0, N),
      high: bars.high.subarray(0, N),
      low: bars.low.subarray(0, N),
      close: c,
      volume: bars.volume.subarray(0, N),
      takerBuyVolume: bars.takerBuyVolume.subarray(0, N),
    },
    ['std:20', 'zscore:20', 'min:20', 'max:20', 'quantile:20:0.25', 'slope:20', 'parkinson:20', 'gk:20'],
  )
  const col = (n: string) => t.columns[t.names.indexOf(n)]

  it('std, z-score, min and max', () => {
    check(col('std:20'), (i) => popStd(win(i, 20)), 19)
    check(col('zscore:20'), (i) => (c[i] - mean(win(i, 20))) / popStd(win(i, 20)), 19, 1e-7)
    check(col('min:20'), (i) => Math.min(...win(i, 20)), 19, 0)
    check(col('max:20'), (i) => Math.max(...win(i, 20)), 19, 0)
  })

  it('quantile (linear interpolation) and percentile rank', () => {
    check(
      col('quantile:20:0.25'),
      (i) => {
        const s = win(i, 20).sort((a, b) => a - b)
        const h = 0.25 * 19
        return s[Math.floor(h)] + (h - Math.floor(h)) * (s[Math.floor(h) + 1] - s[Math.floor(h)])
      },
      19,
      0,
    )
    check(batch(rollingQuantile(7, 1), c), (i) => Math.max(...win(i, 7)), 6, 0)
    check(batch(percentileRank(30), c), (i) => win(i, 30).filter((x) => x <= c[i]).length / 30, 29, 0)
  })

  it('percentile rank counts ties and skips NaN inputs like a count over the window', () => {
    // Closes rounded to $50 repeat often (ties at every position of the sorted window); every 7th input is NaN.
    const xs = Array.from(c, (x, i) => (i % 7 === 3 ? NaN : Math.round(x / 50) * 50))
    const kept: number[] = []
    const r = batch(percentileRank(40), Float64Array.from(xs))
    let ties = 0
    xs.forEach((x, i) => {
      if (x !== x) return expect(r[i]).toBeNaN()
      kept.push(x)
      if (kept.length < 40) return expect(r[i]).toBeNaN()
      const w = kept.slice(-40)
      if (w.filter((v) => v === x).length > 1) ties++
      expect(r[i]).toBe(w.filter((v) => v <= x).length / 40)
    })
    expect(ties).toBeGreaterThan(1000)
  })

  it('regression slope, Parkinson and Garman–Klass', () => {
    check(
      col('slope:20'),
      (i) => {
        const y = win(i, 20)
        const xm = 9.5
        const ym = mean(y)
        let num = 0
        let den = 0
        y.forEach((v, k) => {
          num += (k - xm) * (v - ym)
          den += (k - xm) ** 2
        })
        return num / den
      },
      19,
      1e-8,
    )
    const hl = (i: number) => Math.log(bars.high[i] / bars.low[i])
    check(
      col('parkinson:20'),
      (i) =>
        Math.sqrt(
          mean(
            win(
              i,
              20,
              Float64Array.from({ length: N }, (_, k) => hl(k) ** 2),
            ),
          ) /
            (4 * Math.LN2),
        ),
      19,
    )
    const gk = Float64Array.from(
      { length: N },
      (_, k) => 0.5 * hl(k) ** 2 - (2 * Math.LN2 - 1) * Math.log(bars.close[k] / bars.open[k]) ** 2,
    )
    check(col('gk:20'), (i) => Math.sqrt(mean(win(i, 20, gk))), 19)
  })

  it('covariance of close and volume', () => {
    const s = pairInit(24)
    const v = bars.volume
    const out = Float64Array.from({ length: N }, (_, i) => covarianceUpdate(s, c[i], v[i]))
    check(
      out,
      (i) => {
        const a = win(i, 24)
        const b = win(i, 24, v)
        const ma = mean(a)
        const mb = mean(b)
        return mean(a.map((x, k) => (x - ma) * (b[k] - mb)))
      },
      23,
      1e-9,
    )
  })

  it('session VWAP restarts each UTC day and equals Σ TP·V / Σ V since the session opened', () => {
    const vw = computeIndicators(bars, ['vwap']).columns[0]
    let pv = 0
    let vol = 0
    let day = -1
    let worst = 0
    for (let i = 0; i < bars.close.length; i++) {
      const d = Math.floor(bars.time[i] / 86_400_000)
      if (d !== day) {
        day = d
        pv = 0
        vol = 0
      }
      pv += ((bars.high[i] + bars.low[i] + bars.close[i]) / 3) * bars.volume[i]
      vol += bars.volume[i]
      if (vol > 0) worst = Math.max(worst, Math.abs(vw[i] - pv / vol) / (pv / vol))
      else expect(vw[i]).toBeNaN()
    }
    expect(worst).toBeLessThan(1e-12)
  })

  it('a NaN input makes windowed kernels NaN only while it is inside the window, then they recover exactly', () => {
    const withGap = Float64Array.from(c)
    withGap[1000] = NaN
    const specs = ['sma:20', 'wma:20', 'std:20', 'slope:20']
    const bad = computeIndicators({ ...columnsOfClose(withGap) }, specs)
    const good = computeIndicators({ ...columnsOfClose(c) }, specs)
    bad.columns.forEach((col, j) => {
      expect(col[999], bad.names[j]).toBe(good.columns[j][999])
      expect(col[1000], bad.names[j]).toBeNaN()
      expect(col[1019], bad.names[j]).toBeNaN()
      for (let i = 1020; i < N; i++)
        expect(Math.abs(col[i] - good.columns[j][i]), `${bad.names[j]} at ${i}`).toBeLessThanOrEqual(
          1e-9 * Math.max(1, Math.abs(good.columns[j][i])),
        )
    })
  })
})

function columnsOfClose(x: Float64Array) {
  return {
    time: bars.time.subarray(0, N),
    open: x,
    high: x,
    low: x,
    close: x,
    volume: bars.volume.subarray(0, N),
    takerBuyVolume: bars.takerBuyVolume.subarray(0, N),
  }
}
