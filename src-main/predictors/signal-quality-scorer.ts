/**
 * A registered signal-quality model (DOMAIN.md §4) as the strategies' scorer: the signal's 12 features → ONNX
 * Runtime → P(+1R before −1R). The live node and a backtest pinned to a version score through this one class, so
 * both see the same float32 probabilities.
 */
import type { Clock } from '../../src-shared'
import type { OnnxInferenceEngine } from '../ml'
import type { ModelRegistry } from '../registry'

/** Short label of a registry version in signal records: `name@<12 hex>`. */
export function versionLabel(name: string, versionId: string): string {
  return `${name}@${versionId.slice(0, 12)}`
}

/** Scores signals with one registry version (loaded into the engine on construction). */
export class RegistrySignalScorer {
  readonly label: string
  private readonly width: number

  constructor(
    private readonly engine: OnnxInferenceEngine,
    registry: ModelRegistry,
    readonly versionId: string,
  ) {
    const v = registry.get(versionId)
    if (v.card.predictor !== 'signal-quality')
      throw new Error(
        `model ${v.name} (${versionId.slice(0, 12)}) is a ${v.card.predictor} model, not a signal-quality one`,
      )
    if (!engine.has(v.id)) engine.load(v.id, registry.onnx(v.id), v.card)
    this.width = v.card.features.length
    this.label = versionLabel(v.name, v.id)
  }

  async probability(features: Float64Array): Promise<number> {
    const row = new Float32Array(this.width)
    for (let j = 0; j < this.width; j++) row[j] = features[j]
    const r = await this.engine.score(this.versionId, row, 1)
    return r.probabilities[1]
  }

  modelVersion(_symbol: string, _clock: Clock): string {
    return this.label
  }
}
