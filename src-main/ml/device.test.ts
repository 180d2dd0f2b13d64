import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { testData } from '../testing'
import {
  BatchDeviceCache,
  fasterProvider,
  gpuCandidates,
  OnnxInferenceEngine,
  prepareForeignModel,
  probeDevice,
} from './index'

const REGIME = ['bearish', 'neutral', 'bullish']
const lstm = readFileSync(testData('onnx-models', 'pytorch-regime', 'lstm_attn_regime.onnx'))
const io = JSON.parse(readFileSync(testData('onnx-models', 'pytorch-regime', 'lstm_attn_io.json'), 'utf8')) as {
  input: number[][][]
  expected: number[][]
}
const features = Array.from({ length: 43 }, (_, j) => `f${j}`)
const prepared = () =>
  prepareForeignModel(new Uint8Array(lstm), {
    name: 'lstm',
    predictor: 'regime',
    classes: REGIME,
    features,
    inputShape: [null, 100, 43],
  }).onnx

describe('device choice', () => {
  it('orders the GPU providers to try: none for cpu, the one named, CoreConfig.devices for auto', () => {
    expect(gpuCandidates('cpu')).toEqual([])
    expect(gpuCandidates('cuda')).toEqual(['cuda'])
    expect(gpuCandidates('auto')).toEqual(['webgpu', 'cuda'])
    expect(gpuCandidates('auto', ['cuda', 'cpu', 'webgpu'])).toEqual(['cuda', 'webgpu'])
    expect(gpuCandidates('auto', ['cpu'])).toEqual([])
  })

  it('falls back to cpu with each provider’s reason, and keeps the first GPU that opens', async () => {
    const open = async (p: string) => {
      if (p !== 'cuda') throw new Error(`no ${p} adapter`)
    }
    expect(await probeDevice('cpu', { open })).toEqual({ requested: 'cpu', batch: 'cpu', live: 'cpu' })
    expect(await probeDevice('webgpu', { open })).toEqual({
      requested: 'webgpu',
      batch: 'cpu',
      live: 'cpu',
      fallback: 'webgpu: no webgpu adapter',
    })
    expect(await probeDevice('auto', { open })).toEqual({ requested: 'auto', batch: 'cuda', live: 'cpu' })
    const none = await probeDevice('auto', { open, allowed: ['cpu'] })
    expect(none).toMatchObject({ batch: 'cpu', fallback: 'no GPU provider is allowed' })
  })

  it('probes the real providers of this machine: a GPU that runs, else cpu saying why per provider', async () => {
    const s = await probeDevice('auto')
    expect(s.live).toBe('cpu')
    if (s.batch === 'cpu') {
      expect(s.fallback).toMatch(/^webgpu: .+; cuda: .+/)
      // One line a user can read: no ANSI codes, source paths or C++ signatures.
      expect(s.fallback).not.toMatch(/\x1b|onnxruntime_src|\.cc:\d+|::/)
    } else expect(s.fallback).toBeUndefined()
  })

  it('keeps the GPU for batches only when the probe batch measured it faster', () => {
    expect(fasterProvider({ provider: 'webgpu', rows: 256, gpuMs: 31.6, cpuMs: 1858 })).toBe('webgpu')
    expect(fasterProvider({ provider: 'webgpu', rows: 1, gpuMs: 15.9, cpuMs: 7.2 })).toBe('cpu')
    expect(fasterProvider({ provider: 'cuda', rows: 256, gpuMs: 5, cpuMs: 5 })).toBe('cpu')
    const cache = new BatchDeviceCache()
    cache.set('100x43:1', { provider: 'webgpu', rows: 256, gpuMs: 1, cpuMs: 2 })
    expect(cache.get('100x43:1')?.gpuMs).toBe(1)
    expect(cache.entries()).toHaveLength(1)
  })

  it('single-row live scoring stays on cpu whatever the batch providers; batches fall back to cpu with the reason', async () => {
    const engine = new OnnxInferenceEngine({
      batchProviders: ['webgpu', 'cuda'],
      batchThreshold: 2,
      batchMeasure: new BatchDeviceCache(),
    })
    try {
      engine.load('lstm', prepared())
      const x = Float32Array.from(io.input.flat(2))
      const one = await engine.score('lstm', x.subarray(0, 4300), 1)
      expect(one.provider).toBe('cpu')
      expect(one.fallback).toBeUndefined()
      const batch = await engine.score('lstm', x, 4)
      if (batch.provider === 'cpu') expect(batch.fallback).toMatch(/webgpu: .+; cuda: .+/)
      // PyTorch's own probabilities (PROVENANCE.md), on whichever device ran the batch.
      for (let i = 0; i < 4; i++)
        for (let c = 0; c < 3; c++)
          expect(Math.abs(batch.probabilities[i * 3 + c] - io.expected[i][c])).toBeLessThan(1e-5)
      for (let c = 0; c < 3; c++) expect(Math.abs(one.probabilities[c] - io.expected[0][c])).toBeLessThan(1e-5)
    } finally {
      await engine.dispose()
    }
  })

  it('scores in batches exactly as in one call', async () => {
    const engine = new OnnxInferenceEngine({ batchThreshold: 1 })
    try {
      engine.load('lstm', prepared())
      const x = Float32Array.from(io.input.flat(2))
      const seen: number[] = []
      const r = await engine.scoreBatches('lstm', x, 4, 3, (done) => seen.push(done))
      expect(seen).toEqual([3, 4])
      const whole = await engine.score('lstm', x, 4)
      for (let i = 0; i < 12; i++) expect(Math.abs(r.probabilities[i] - whole.probabilities[i])).toBeLessThan(1e-6)
    } finally {
      await engine.dispose()
    }
  })
})
