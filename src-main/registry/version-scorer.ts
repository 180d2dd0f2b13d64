import type { ModelCard } from '../../src-shared'
import { OnnxInferenceEngine } from '../ml'

/**
 * Scores rows with one version for the registry's own checks (registration references, gates, drift): loads the
 * session, scores, unloads. Owns the inference engine, created on first use: `dispose()`.
 */
export class VersionScorer {
  private engine?: OnnxInferenceEngine

  /** Class probabilities `[n, classes]` of `x` (`[n, features]` row-major) under the version's ONNX bytes. */
  async score(id: string, onnx: Uint8Array, card: ModelCard, x: Float32Array, n: number): Promise<Float32Array> {
    this.engine ??= new OnnxInferenceEngine()
    this.engine.load(id, onnx, card)
    try {
      return (await this.engine.score(id, x, n)).probabilities
    } finally {
      await this.engine.unload(id)
    }
  }

  /** Releases the ONNX sessions opened for gates, drift checks and imports. */
  async dispose(): Promise<void> {
    await this.engine?.dispose()
    this.engine = undefined
  }
}
