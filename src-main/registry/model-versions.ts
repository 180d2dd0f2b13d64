import type { AliasActor, Clock, ModelAlias, ModelCard } from '../../src-shared'
import {
  metricSummary,
  classificationMetrics,
  convertNativeModel,
  inspectOnnx,
  majorityBaseline,
  nativeModelFormat,
  OnnxImportError,
  parityCheck,
  persistenceBaseline,
  prepareForeignModel,
  Rng,
  type ImportCard,
  type PreparedModel,
} from '../ml'
import type { ModelVersionRow, SqliteModelRegistryStore } from '../store'
import { appendBundle, splitBundle, versionId } from './export-file'
import type { ModelAliases } from './model-aliases'
import { classProportions, referenceDistribution } from './reference'
import { RegistryError, type Lineage, type ModelVersion, type VersionMetrics } from './types'
import type { VersionScorer } from './version-scorer'

/** Rows with labels: features `[n, F]` row-major, class indices. */
export interface LabelledRows {
  readonly x: Float32Array
  readonly y: Int32Array
  readonly n: number
}

/** What `register` needs: the ONNX bytes, and what is known about where they came from. */
export interface RegisterInput {
  readonly onnx: Uint8Array
  /** Overrides the card embedded in the ONNX (required when there is none). */
  readonly card?: ModelCard
  /** Model name (default: the card's). */
  readonly name?: string
  readonly lineage?: Lineage
  readonly metrics?: Record<string, unknown>
  readonly tags?: readonly string[]
  readonly notes?: string
  /** Training features `[n, F]`: stored as the card's reference distributions for drift checks. */
  readonly trainingData?: { readonly x: Float32Array; readonly n: number; readonly y?: Int32Array }
  /** Held-out rows in time order: validation metrics next to majority and persistence baselines. */
  readonly holdout?: LabelledRows
  /** Moves this alias to the version in the same transaction as the registration (champion only through `promote`). */
  readonly alias?: { readonly alias: 'challenger' | 'shadow'; readonly reason: string; readonly actor?: AliasActor }
}

/** A version as listed: metrics (with baselines) and the aliases it holds. */
export interface VersionSummary extends ModelVersion {
  readonly aliases: readonly ModelAlias[]
}

/** Options of `importFile`. */
export interface ImportOptions {
  readonly card?: ImportCard
  readonly name?: string
  readonly tags?: readonly string[]
  readonly notes?: string
  /** The file name, for messages about a native LightGBM/XGBoost model. */
  readonly source?: string
}

const HEX64 = /^[0-9a-f]{64}$/
const HEX_PREFIX = /^[0-9a-f]{12,63}$/

function toVersion(r: ModelVersionRow): ModelVersion {
  return {
    id: r.id,
    name: r.name,
    card: JSON.parse(r.card) as ModelCard,
    lineage: JSON.parse(r.lineage) as Lineage,
    metrics: JSON.parse(r.metrics) as VersionMetrics,
    tags: JSON.parse(r.tags) as string[],
    notes: r.notes,
    size: r.size,
    createdAt: r.created_at,
  }
}

/**
 * Immutable model versions keyed by the sha256 of their ONNX bytes: registration (card checks, reference
 * distributions, hold-out metrics next to baselines, lineage), import and export of model files, lookup by id or
 * unique prefix. Tags and notes are the only mutable fields.
 */
export class ModelVersions {
  constructor(
    private readonly store: SqliteModelRegistryStore,
    private readonly clock: Clock,
    private readonly scorer: VersionScorer,
    private readonly aliases: ModelAliases,
  ) {}

  /**
   * Registers ONNX bytes as a version (id = sha256 of the bytes). The same bytes twice is a no-op that returns
   * the stored version (`created: false`). Throws `OnnxImportError` for bytes that are not a usable model.
   */
  async register(input: RegisterInput): Promise<{ version: ModelVersion; created: boolean }> {
    const id = versionId(input.onnx)
    if (input.alias && (input.alias.alias as ModelAlias) === 'champion')
      throw new RegistryError(
        'invalid',
        'registration cannot move the champion; promote the version (gate, A/B win or force)',
      )
    const existing = this.store.getVersion(id)
    if (existing) {
      if (input.alias && this.store.getAlias(existing.name, input.alias.alias)?.version_id !== id)
        this.aliases.move(existing.name, input.alias.alias, id, 'set', input.alias.actor ?? 'user', input.alias.reason)
      return { version: toVersion(existing), created: false }
    }
    const sig = inspectOnnx(input.onnx)
    const embedded = input.card ?? sig.card
    if (!embedded) throw new OnnxImportError(`model has no "armada.card" metadata and no card was given`)
    let card: ModelCard = input.name && input.name !== embedded.name ? { ...embedded, name: input.name } : embedded
    if (!card.name.trim()) throw new OnnxImportError('the model card has an empty name')
    if (!sig.outputs.some((o) => o.name === 'probabilities' && o.kind === 'tensor'))
      throw new OnnxImportError(
        'model has no float32 tensor output "probabilities" (import foreign models through importFile)',
      )
    if (sig.inputs.length !== 1 || sig.inputs[0].elemType !== 'FLOAT')
      throw new OnnxImportError(
        `model must have exactly one float32 input; it has ${sig.inputs.map((i) => `${i.name} ${i.elemType}`).join(', ') || 'none'}`,
      )
    const f = card.features.length
    const c = card.classes.length
    if (card.inputShape[card.inputShape.length - 1] !== f)
      throw new OnnxImportError(`card lists ${f} features but inputShape is ${JSON.stringify(card.inputShape)}`)

    const metrics: Record<string, unknown> = { ...(input.metrics ?? {}) }
    if (input.trainingData && !(card.reference as { features?: unknown } | undefined)?.features) {
      const { x, n } = input.trainingData
      const ref = referenceDistribution(x, n, card.features)
      const p = await this.scorer.score(id, input.onnx, card, x, n)
      card = {
        ...card,
        reference: { ...(card.reference ?? {}), ...ref, predictions: { classProportions: classProportions(p, n, c) } },
      }
    }
    if (input.holdout) {
      const { x, y, n } = input.holdout
      const p = await this.scorer.score(id, input.onnx, card, x, n)
      const yTrain = input.trainingData?.y ?? y
      metrics.validation = metricSummary(classificationMetrics(y, p, n, c))
      metrics.baselines = {
        majority: metricSummary(majorityBaseline(yTrain, y, c)),
        persistence: metricSummary(persistenceBaseline(y, c, yTrain.length ? yTrain[yTrain.length - 1] : 0)),
      }
    }
    const params = (card.training?.params ?? undefined) as Record<string, unknown> | undefined
    const lineage: Lineage = {
      ...(card.featureSpecHash ? { featureSpecHash: card.featureSpecHash } : {}),
      ...(params ? { params } : {}),
      ...(typeof params?.seed === 'number' ? { seed: params.seed } : {}),
      ...(input.lineage ?? {}),
    }
    if (lineage.parent && !this.store.getVersion(lineage.parent))
      throw new RegistryError('invalid', `lineage parent ${lineage.parent} is not in the registry`)
    const now = this.clock.now()
    this.store.transaction(() => {
      this.store.insertVersion(
        {
          id,
          name: card.name,
          card: JSON.stringify(card),
          lineage: JSON.stringify(lineage),
          metrics: JSON.stringify(metrics),
          tags: JSON.stringify(input.tags ?? []),
          notes: input.notes ?? '',
          created_at: now,
        },
        input.onnx,
      )
      if (input.alias)
        this.aliases.move(card.name, input.alias.alias, id, 'set', input.alias.actor ?? 'user', input.alias.reason)
    })
    return { version: this.get(id), created: true }
  }

  /**
   * Imports a model file: an exported version (record restored, same id), an Armada ONNX with its card, or a
   * foreign classifier (skl2onnx, onnxmltools, torch) prepared through the ml import path, or a native LightGBM
   * text / XGBoost JSON model converted to ONNX (`convertNativeModel`). Every file runs
   * once in onnxruntime (shapes, probabilities) before anything is stored; a refused file changes nothing.
   * Throws `OnnxImportError` with the reason.
   */
  async importFile(
    bytes: Uint8Array,
    opts: ImportOptions = {},
  ): Promise<{ version: ModelVersion; created: boolean; changes: readonly string[] }> {
    const given = opts.card ?? {}
    if (nativeModelFormat(bytes)) {
      // LightGBM text / XGBoost JSON: converted by Armada and checked against the library's own rule on rows probing every split.
      const c = convertNativeModel(bytes, { ...given, ...(opts.name ? { name: opts.name } : {}) }, opts.source)
      const parity = await parityCheck(c, c.parity.x, c.parity.n, c.parity.expected, c.parity.tolerance)
      const r = await this.register({ onnx: c.onnx, card: c.card, tags: opts.tags ?? [], notes: opts.notes ?? '' })
      return {
        ...r,
        changes: [
          ...c.changes,
          `parity: ${parity.rows} rows probing every split, max |onnxruntime − ${c.ensemble.library} rule| ${(parity.maxAbsDiff ?? 0).toExponential(2)}`,
        ],
      }
    }
    const { onnx, record } = splitBundle(bytes)
    const sig = inspectOnnx(onnx)
    let prepared: PreparedModel
    if (record) {
      const card = { ...(record.card as ModelCard), ...given }
      prepared = { onnx, card, changes: ['restored the exported registry record'] }
    } else if (
      sig.card &&
      sig.outputs.some((o) => o.name === 'probabilities' && o.kind === 'tensor' && o.elemType === 'FLOAT')
    ) {
      prepared = { onnx, card: { ...sig.card, ...given }, changes: [] }
    } else {
      prepared = prepareForeignModel(onnx, { ...given, ...(opts.name ? { name: opts.name } : {}) })
    }
    if (prepared.card.inputShape.slice(1).some((d) => !(Number(d) > 0)))
      throw new OnnxImportError(
        `input shape ${JSON.stringify(prepared.card.inputShape)} needs fixed non-batch dimensions`,
      )
    const per = prepared.card.inputShape.slice(1).reduce<number>((a, d) => a * Number(d), 1)
    const rng = new Rng(7)
    const n = 4
    const sample = Float32Array.from({ length: n * per }, () => rng.next() * 2 - 1)
    await parityCheck(prepared, sample, n)
    const r = await this.register({
      onnx: prepared.onnx,
      card: prepared.card,
      ...(opts.name ? { name: opts.name } : {}),
      ...(record?.lineage ? { lineage: record.lineage as Lineage } : {}),
      ...(record?.metrics ? { metrics: record.metrics as Record<string, unknown> } : {}),
      tags: opts.tags ?? (record?.tags as string[] | undefined) ?? [],
      notes: opts.notes ?? (record?.notes as string | undefined) ?? '',
    })
    return { ...r, changes: prepared.changes }
  }

  /** One file to move a version to another workstation: its exact ONNX bytes plus the registry record in the metadata. */
  exportVersion(ref: string): Uint8Array {
    const v = this.get(ref)
    const { id, name, card, lineage, metrics, tags, notes, createdAt } = v
    return appendBundle(this.onnx(id), { format: 1, id, name, card, lineage, metrics, tags, notes, createdAt })
  }

  /** The ONNX bytes of a version (sha256 equals its id). */
  onnx(ref: string): Uint8Array {
    const id = this.resolveId(ref)
    return this.store.onnx(id) as Uint8Array
  }

  /**
   * Full id of a version from its id or a unique prefix of ≥ 12 hex characters.
   * Throws `RegistryError` (not-found, ambiguous, invalid).
   */
  resolveId(ref: string): string {
    const s = ref.trim().toLowerCase()
    if (HEX64.test(s)) {
      if (!this.store.getVersion(s)) throw new RegistryError('not-found', `no model version ${s}`)
      return s
    }
    if (!HEX_PREFIX.test(s))
      throw new RegistryError(
        'invalid',
        `"${ref}" is not a version id (64 hex characters, or a unique prefix of at least 12)`,
      )
    const ids = this.store.idsWithPrefix(s)
    if (!ids.length) throw new RegistryError('not-found', `no model version starts with ${s}`)
    if (ids.length > 1) throw new RegistryError('ambiguous', `${s} matches several versions; give more characters`)
    return ids[0]
  }

  /** A version by id or unique prefix. */
  get(ref: string): ModelVersion {
    return toVersion(this.store.getVersion(this.resolveId(ref)) as ModelVersionRow)
  }

  /** True when `name` has at least one version. */
  hasModel(name: string): boolean {
    return this.store.listVersions(name).length > 0
  }

  /** Replaces tags and/or notes of a version (the only mutable fields). */
  annotate(ref: string, patch: { tags?: readonly string[]; notes?: string }): ModelVersion {
    const v = this.get(ref)
    this.store.annotate(v.id, JSON.stringify(patch.tags ?? v.tags), patch.notes ?? v.notes)
    return this.get(v.id)
  }

  /** Versions of one model, oldest first, with metrics and the aliases each holds. */
  ofModel(name: string): VersionSummary[] {
    const held = this.store.aliases(name)
    return this.store
      .listVersions(name)
      .map((r) => ({ ...toVersion(r), aliases: held.filter((a) => a.version_id === r.id).map((a) => a.alias) }))
  }
}
