import type { ModelCard } from '../../src-shared'
import type { AliasMoveKind, ModelAliasName } from '../store'

/** Movable aliases per model name (DOMAIN.md §6). */
export const ALIASES: readonly ModelAliasName[] = ['champion', 'challenger', 'shadow']
export type AliasName = ModelAliasName

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

/** The headline metrics of one evaluation (DOMAIN.md §6). */
export interface MetricSummary {
  readonly n: number
  readonly accuracy: number
  readonly precision: number
  readonly recall: number
  readonly f1: number
  readonly rocAuc: number
  readonly logLoss: number
  readonly brier: number
}

/** Stored metrics of a version: validation next to the naive baselines, plus anything the trainer reported. */
export interface VersionMetrics {
  readonly validation?: MetricSummary
  readonly baselines?: { readonly majority?: MetricSummary; readonly persistence?: MetricSummary }
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

/**
 * Who or what moved an alias: `user` (CLI/UI), `ab-test` (an A/B win), `drift-rule`, `retraining`,
 * `gate` or `system`; free text beyond these is allowed (e.g. `user:alice`).
 */
export type AliasActor = 'user' | 'ab-test' | 'drift-rule' | 'retraining' | 'gate' | 'system' | (string & {})

/** One append-only alias move: time, from → to, why and by whom. */
export interface AliasEvent {
  readonly seq: number
  readonly name: string
  readonly alias: AliasName
  readonly from: string | null
  readonly to: string | null
  readonly time: number
  readonly kind: AliasMoveKind
  readonly actor: AliasActor
  readonly reason: string
  readonly detail?: unknown
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
