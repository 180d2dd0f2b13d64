import { describe, expect, it } from 'vitest'
import { ALERT_TYPES } from '../../src-shared'
import { alertLabelAt, alertLabels, alertLabelSeries, logReturns, rollingCorrelation } from './alert-labels'
import { leanHourlyBasket } from './alert-test-basket.test-support'
import { NO_LABEL } from './regime-label'

const basket = leanHourlyBasket(60_000)
const series = alertLabelSeries({ basket, barsPerHour: 1 })

describe('alert labels (DOMAIN.md §2) on the LEAN hourly basket SPY/AAPL/IBM/VXX', () => {
  it('aligns a real basket of four instruments', () => {
    expect(basket).toHaveLength(4)
    expect(basket[0].close.length).toBeGreaterThan(5000)
    expect(series.pairCorr).toHaveLength(6)
  })

  it('computes the 24 h correlation as the Pearson correlation of the window', () => {
    const a = logReturns(basket[0].close)
    const b = logReturns(basket[3].close)
    const c = rollingCorrelation(a, b, 24)
    const t = 4000
    const xs = Array.from(a.subarray(t - 23, t + 1))
    const ys = Array.from(b.subarray(t - 23, t + 1))
    const mx = xs.reduce((p, v) => p + v, 0) / 24
    const my = ys.reduce((p, v) => p + v, 0) / 24
    const cov = xs.reduce((p, v, i) => p + (v - mx) * (ys[i] - my), 0)
    const r = cov / Math.sqrt(xs.reduce((p, v) => p + (v - mx) ** 2, 0) * ys.reduce((p, v) => p + (v - my) ** 2, 0))
    expect(c[t]).toBeCloseTo(r, 10)
    // SPY and the VIX futures ETN move against each other.
    expect(c[t]).toBeLessThan(0)
  })

  it('labels every type with both classes, and nothing whose horizon is beyond the data', () => {
    for (const type of ALERT_TYPES) {
      const y = alertLabels(type, series, 24)
      const n = y.length
      for (let t = n - 24; t < n; t++) expect(y[t]).toBe(NO_LABEL)
      const labelled = Array.from(y).filter((v) => v !== NO_LABEL)
      const rate = labelled.filter((v) => v === 1).length / labelled.length
      expect(labelled.length).toBeGreaterThan(n / 2)
      expect(rate).toBeGreaterThan(0.01)
      expect(rate).toBeLessThan(0.99)
    }
  })

  it('fires within (t, t+H]: a label at H stays positive at every longer horizon', () => {
    for (const type of ALERT_TYPES) {
      const short = alertLabels(type, series, 4)
      const long = alertLabels(type, series, 24)
      let violations = 0
      for (let t = 0; t < short.length; t++) if (short[t] === 1 && long[t] !== NO_LABEL && long[t] !== 1) violations++
      expect(violations).toBe(0)
    }
  })

  it('labels one bar (alertLabelAt, as the resolver does) exactly as the whole series, out-of-range bars unlabelled', () => {
    for (const type of ALERT_TYPES)
      for (const h of [4, 24]) {
        const y = alertLabels(type, series, h)
        for (let t = 0; t < y.length; t += 7) expect(alertLabelAt(type, series, h, t)).toBe(y[t])
        expect(alertLabelAt(type, series, h, y.length - h)).toBe(NO_LABEL)
        expect(alertLabelAt(type, series, h, -1)).toBe(NO_LABEL)
      }
  })
})
