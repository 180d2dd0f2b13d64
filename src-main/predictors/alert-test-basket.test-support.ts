import type { BarColumns } from '../../src-shared'
import { alignBasket } from '../features'
import { readTestText } from '../testing'

/** LEAN hourly bars (real; prices × 10 000, "YYYYMMDD HH:MM" exchange time read as UTC) as columns. */
function leanHour(name: string): BarColumns {
  const lines = readTestText('lean', 'equity_hour', `${name}.csv.gz`).trim().split('\n')
  const n = lines.length
  const c = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    takerBuyVolume: new Float64Array(n).fill(NaN),
  }
  lines.forEach((l, i) => {
    const [t, o, h, lo, cl, v] = l.split(',')
    c.time[i] = Date.UTC(+t.slice(0, 4), +t.slice(4, 6) - 1, +t.slice(6, 8), +t.slice(9, 11), +t.slice(12, 14))
    c.open[i] = +o / 1e4
    c.high[i] = +h / 1e4
    c.low[i] = +lo / 1e4
    c.close[i] = +cl / 1e4
    c.volume[i] = +v
  })
  return c
}

/**
 * The real hourly basket of DOMAIN.md §2 in test-data/: SPY (lead), AAPL, IBM, VXX, aligned on time; the first
 * `limit` common bars (`Infinity`: all of them). Used by the alert tests and `bench/live-alerts.ts`.
 */
export function leanHourlyBasket(limit = 12_000): BarColumns[] {
  return alignBasket(['spy', 'aapl', 'ibm', 'vxx'].map(leanHour)).map((c) => ({
    time: c.time.slice(0, limit),
    open: c.open.slice(0, limit),
    high: c.high.slice(0, limit),
    low: c.low.slice(0, limit),
    close: c.close.slice(0, limit),
    volume: c.volume.slice(0, limit),
    takerBuyVolume: c.takerBuyVolume.slice(0, limit),
  }))
}
