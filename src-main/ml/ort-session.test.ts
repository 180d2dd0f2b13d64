import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { onnx } from 'onnx-proto'
import { BROKEN_MODEL_SOURCE, brokenModels, REPO_ROOT, writeInput } from '../testing'
import { createQuietSession, ortFailureReason } from './ort-session'

describe('onnxruntime sessions are quiet and their failures read as one line', () => {
  it('a cuda probe (no providers_shared library here), a graph warning and a model failing to initialise print nothing to stderr', () => {
    // A real model with one unused initializer: onnxruntime warns "Removing initializer 'unused'" at load.
    const m = onnx.ModelProto.decode(readFileSync(BROKEN_MODEL_SOURCE))
    m.graph!.initializer!.push(onnx.TensorProto.create({ name: 'unused', dims: [1], dataType: 1, floatData: [1] }))
    const dir = mkdtempSync(join(tmpdir(), 'armada-ort-'))
    const unused = writeInput(dir, 'unused.onnx', onnx.ModelProto.encode(m).finish())
    const cut = writeInput(dir, 'cut.onnx', brokenModels().find((b) => b.name === 'cut-initializer.onnx')!.bytes)
    // Native log lines bypass process.stderr, so the sessions are opened in a child process whose stderr is captured.
    const script = `
      const { readFileSync } = require('node:fs')
      const { OnnxInferenceEngine } = require(${JSON.stringify(join(REPO_ROOT, 'src-main', 'ml'))})
      ;(async () => {
        const engine = new OnnxInferenceEngine({ batchProviders: ['cuda'], batchThreshold: 1 })
        engine.load('unused', readFileSync(${JSON.stringify(unused)}))
        const r = await engine.score('unused', new Float32Array(19), 1)
        engine.load('cut', readFileSync(${JSON.stringify(cut)}))
        const failure = await engine.score('cut', new Float32Array(19), 1).then(() => 'scored', (e) => e.message)
        await engine.dispose()
        process.stdout.write(JSON.stringify({ provider: r.provider, fallback: r.fallback, failure }))
      })()`
    const child = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    })
    rmSync(dir, { recursive: true, force: true })
    expect(child.stderr).toBe('')
    const out = JSON.parse(child.stdout) as { provider: string; fallback: string; failure: string }
    expect(out.provider).toBe('cpu')
    expect(out.fallback).toMatch(/^cuda: \S/)
    expect(out.failure).toMatch(
      /^onnxruntime cannot load model cut: Exception during initialization: .*data field count \(1\) does not match expected count from shape \(4\)$/,
    )
  })

  it('ONNX Runtime messages lose their source paths, C++ signatures, status codes and newlines', async () => {
    const reasons: Record<string, string> = {}
    for (const b of brokenModels().filter((x) => x.name.startsWith('future') || x.name.startsWith('cut'))) {
      const err = await createQuietSession(b.bytes).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect((err as Error).message).toContain('/onnxruntime_src/')
      reasons[b.name] = ortFailureReason(err)
    }
    for (const r of Object.values(reasons)) {
      expect(r).not.toMatch(/onnxruntime_src|onnxruntime::|\[ONNXRuntimeError\]|\.cc:\d|\n|\x1b/)
    }
    expect(reasons['future-ir.onnx']).toMatch(/^Unsupported model IR version: 99, max supported IR version: \d+$/)
    expect(reasons['future-opset.onnx']).toMatch(
      /^ONNX Runtime only \*guarantees\* support for models stamped with official released onnx opset versions\. Opset 999 /,
    )
    expect(reasons['cut-initializer.onnx']).toBe(
      "Exception during initialization: ValidateEmbeddedTensorProtoDataSizeAndShape Initializer 'mask_soft': data field count (1) does not match expected count from shape (4)",
    )
  })

  it('a message without internal paths keeps its words; a lambda in a signature is dropped with it', () => {
    expect(
      ortFailureReason(
        new Error('Got invalid dimensions for input: x for the following indices\n index: 1 Got: 19 Expected: 5\n'),
      ),
    ).toBe('Got invalid dimensions for input: x for the following indices index: 1 Got: 19 Expected: 5')
    const webgpu =
      '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\n'
    expect(ortFailureReason(new Error(webgpu))).toBe(
      'adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters',
    )
  })
})
