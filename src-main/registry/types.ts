import type { ModelCard, ModelVersionMetrics } from '../../src-shared'

/** Where a version came from: enough to retrain it or explain it. All fields optional for imported models. */
export interface Lineage {
  /** Version this one was retrained from (usually the champion at the time). */
  readonly parent?: string
  /** Training data window, UTC ms, inclusive start and exclusive end. */
  readonly trainingWindow?: { readonly from: number; readonly to: number }
  readonly symbols?: readonly string[]
  readonly featureSpecHash?: string
  /** Armada version (or commit) that trained it. */
  readonly codeVersion?: string
  readonly params?: Readonly<Record<string, unknown>>
  readonly seed?: number
}

/** Stored metrics of a version (validation next to the naive baselines, the evaluation), plus anything the trainer reported. */
export interface VersionMetrics extends ModelVersionMetrics {
  readonly [key: string]: unknown
}

/** An immutable model version; `id` is the sha256 (hex) of its ONNX bytes. Tags and notes are annotations. */
export interface ModelVersion {
  readonly id: string
  readonly name: string
  readonly card: ModelCard
  readonly lineage: Lineage
  readonly metrics: VersionMetrics
  readonly tags: readonly string[]
  readonly notes: string
  /** ONNX size in bytes. */
  readonly size: number
  readonly createdAt: number
}

/** Why the registry refused or could not find something; `message` is one line for the UI/CLI. */
export class RegistryError extends Error {
  constructor(
    readonly code: 'not-found' | 'ambiguous' | 'invalid' | 'refused',
    message: string,
  ) {
    super(message)
    this.name = 'RegistryError'
  }
}
