import { HINT_WORDS, MODEL_ALIASES, type AliasActor, type Clock, type ModelAlias, type ModelAliasEvent, type ModelCard, type ModelMetricSummary } from '../../src-shared'
import {
  metricSummary,
  classificationMetrics,
  convertNativeModel,
  inspectOnnx,
  majorityBaseline,
  nativeModelFormat,
  OnnxImportError,
  OnnxInferenceEngine,
  parityCheck,
  persistenceBaseline,
  prepareForeignModel,
  Rng,
  type ImportCard,
  type PreparedModel,
} from '../ml'
import { SqliteModelRegistryStore, type AbTestRow, type AliasHistoryRow, type Db, type ModelVersionRow } from '../store'
import { AB_DEFAULTS, AbTest, abTestStatus, type AbTestConfig, type AbTestStatus } from './ab-test'
import { assessDrift, DRIFT_DEFAULTS, type DriftReport, type DriftThresholds, type DriftWindow, type Health } from './drift'
import { appendBundle, splitBundle, versionId } from './export-file'
import { classProportions, referenceDistribution } from './reference'
import { dueReasons, trainingWindow, validatePolicy, type RetrainingPolicy } from './retraining'
import { RegistryError, type Lineage, type ModelVersion, type VersionMetrics } from './types'

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

/** Margins a candidate must beat the champion by on the same held-out window. */
export interface GateMargins {
  /** Metric compared; log loss is lower-is-better, the others higher-is-better. */
  readonly metric: 'f1' | 'accuracy' | 'rocAuc' | 'logLoss'
  /** candidate − champion must be ≥ this (champion − candidate for log loss). */
  readonly absolute: number
  /** … and the improvement must be ≥ this share of the champion's score. */
  readonly relative: number
}

export const GATE_DEFAULTS: GateMargins = { metric: 'f1', absolute: 0.005, relative: 0 }

/** A stored promotion-gate evaluation. */
export interface GateResult {
  readonly id: number
  readonly name: string
  readonly candidate: string
  readonly champion: string | null
  readonly time: number
  readonly passed: boolean
  readonly margins: GateMargins
  readonly window: { readonly n: number; readonly from?: number; readonly to?: number; readonly symbols?: readonly string[] }
  readonly candidateMetrics: ModelMetricSummary
  readonly championMetrics?: ModelMetricSummary
  /** One line: the comparison and the verdict. */
  readonly reason: string
}

/** A version as listed: metrics (with baselines) and the aliases it holds. */
export interface VersionSummary extends ModelVersion {
  readonly aliases: readonly ModelAlias[]
}

/** Everything the Models view shows for one model name. */
export interface ModelSummary {
  readonly name: string
  readonly versions: readonly VersionSummary[]
  readonly aliases: Partial<Record<ModelAlias, string>>
  readonly health?: { readonly health: Health; readonly time: number; readonly reasons: readonly string[] }
  readonly abTest?: AbTestStatus
}

/** What `promote` did. */
export interface PromotionResult {
  readonly changed: boolean
  readonly event?: ModelAliasEvent
  /** What authorised a champion change: 'first' champion, a passing gate, an A/B win, or force. */
  readonly authorisedBy?: 'first' | 'gate' | 'ab-test' | 'force' | 'not-needed'
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

/** What a retraining run did. */
export interface RetrainingRun {
  readonly ran: boolean
  readonly reasons: readonly string[]
  readonly window?: { readonly from: number; readonly to: number }
  readonly version?: ModelVersion
  readonly created?: boolean
}

/** What the train callback of a retraining run receives. */
export interface RetrainingRequest {
  readonly name: string
  readonly window: { readonly from: number; readonly to: number }
  readonly reasons: readonly string[]
  /** The champion being retrained (lineage parent). */
  readonly parent?: string
  readonly signal?: AbortSignal
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

function toEvent(r: AliasHistoryRow): ModelAliasEvent {
  return {
    seq: r.seq,
    name: r.name,
    alias: r.alias,
    from: r.from_version,
    to: r.to_version,
    time: r.time,
    kind: r.kind,
    actor: r.actor,
    reason: r.reason,
    ...(r.detail !== null ? { detail: JSON.parse(r.detail) as unknown } : {}),
  }
}

function toDriftReport(r: { id: number; report: string }): DriftReport {
  return { ...(JSON.parse(r.report) as DriftReport), id: r.id }
}

/**
 * The model registry: immutable versions keyed by the sha256 of their ONNX bytes, `champion`/`challenger`/
 * `shadow` aliases per model name with an append-only history, the promotion gate, A/B tests, drift reports
 * and retraining policies. Every write is one SQLite transaction. Owns an inference engine: `dispose()`.
 */
export class ModelRegistry {
  private readonly store: SqliteModelRegistryStore
  private engine?: OnnxInferenceEngine

  constructor(
    db: Db,
    private readonly clock: Clock,
  ) {
    this.store = new SqliteModelRegistryStore(db)
  }

  /** Releases the ONNX sessions the registry opened for gates, drift checks and imports. */
  async dispose(): Promise<void> {
    await this.engine?.dispose()
    this.engine = undefined
  }

  private async score(id: string, onnx: Uint8Array, card: ModelCard, x: Float32Array, n: number): Promise<Float32Array> {
    this.engine ??= new OnnxInferenceEngine()
    this.engine.load(id, onnx, card)
    try {
      return (await this.engine.score(id, x, n)).probabilities
    } finally {
      await this.engine.unload(id)
    }
  }

  // ── versions ────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Registers ONNX bytes as a version (id = sha256 of the bytes). The same bytes twice is a no-op that returns
   * the stored version (`created: false`). Throws `OnnxImportError` for bytes that are not a usable model.
   */
  async register(input: RegisterInput): Promise<{ version: ModelVersion; created: boolean }> {
    const id = versionId(input.onnx)
    if (input.alias && (input.alias.alias as ModelAlias) === 'champion') throw new RegistryError('invalid', 'registration cannot move the champion; promote the version (gate, A/B win or force)')
    const existing = this.store.getVersion(id)
    if (existing) {
      if (input.alias && this.store.getAlias(existing.name, input.alias.alias)?.version_id !== id) this.moveAlias(existing.name, input.alias.alias, id, 'set', input.alias.actor ?? 'user', input.alias.reason)
      return { version: toVersion(existing), created: false }
    }
    const sig = inspectOnnx(input.onnx)
    const embedded = input.card ?? sig.card
    if (!embedded) throw new OnnxImportError(`model has no "armada.card" metadata and no card was given`)
    let card: ModelCard = input.name && input.name !== embedded.name ? { ...embedded, name: input.name } : embedded
    if (!card.name.trim()) throw new OnnxImportError('the model card has an empty name')
    if (!sig.outputs.some((o) => o.name === 'probabilities' && o.kind === 'tensor')) throw new OnnxImportError('model has no float32 tensor output "probabilities" (import foreign models through importFile)')
    if (sig.inputs.length !== 1 || sig.inputs[0].elemType !== 'FLOAT') throw new OnnxImportError(`model must have exactly one float32 input; it has ${sig.inputs.map((i) => `${i.name} ${i.elemType}`).join(', ') || 'none'}`)
    const f = card.features.length
    const c = card.classes.length
    if (card.inputShape[card.inputShape.length - 1] !== f) throw new OnnxImportError(`card lists ${f} features but inputShape is ${JSON.stringify(card.inputShape)}`)

    const metrics: Record<string, unknown> = { ...(input.metrics ?? {}) }
    if (input.trainingData && !(card.reference as { features?: unknown } | undefined)?.features) {
      const { x, n } = input.trainingData
      const ref = referenceDistribution(x, n, card.features)
      const p = await this.score(id, input.onnx, card, x, n)
      card = { ...card, reference: { ...(card.reference ?? {}), ...ref, predictions: { classProportions: classProportions(p, n, c) } } }
    }
    if (input.holdout) {
      const { x, y, n } = input.holdout
      const p = await this.score(id, input.onnx, card, x, n)
      const yTrain = input.trainingData?.y ?? y
      metrics.validation = metricSummary(classificationMetrics(y, p, n, c))
      metrics.baselines = { majority: metricSummary(majorityBaseline(yTrain, y, c)), persistence: metricSummary(persistenceBaseline(y, c, yTrain.length ? yTrain[yTrain.length - 1] : 0)) }
    }
    const params = (card.training?.params ?? undefined) as Record<string, unknown> | undefined
    const lineage: Lineage = {
      ...(card.featureSpecHash ? { featureSpecHash: card.featureSpecHash } : {}),
      ...(params ? { params } : {}),
      ...(typeof params?.seed === 'number' ? { seed: params.seed } : {}),
      ...(input.lineage ?? {}),
    }
    if (lineage.parent && !this.store.getVersion(lineage.parent)) throw new RegistryError('invalid', `lineage parent ${lineage.parent} is not in the registry`)
    const now = this.clock.now()
    this.store.transaction(() => {
      this.store.insertVersion(
        { id, name: card.name, card: JSON.stringify(card), lineage: JSON.stringify(lineage), metrics: JSON.stringify(metrics), tags: JSON.stringify(input.tags ?? []), notes: input.notes ?? '', created_at: now },
        input.onnx,
      )
      if (input.alias) this.moveAlias(card.name, input.alias.alias, id, 'set', input.alias.actor ?? 'user', input.alias.reason)
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
  async importFile(bytes: Uint8Array, opts: ImportOptions = {}): Promise<{ version: ModelVersion; created: boolean; changes: readonly string[] }> {
    const given = opts.card ?? {}
    if (nativeModelFormat(bytes)) {
      // LightGBM text / XGBoost JSON: converted by Armada and checked against the library's own rule on rows probing every split.
      const c = convertNativeModel(bytes, { ...given, ...(opts.name ? { name: opts.name } : {}) }, opts.source)
      const parity = await parityCheck(c, c.parity.x, c.parity.n, c.parity.expected, c.parity.tolerance)
      const r = await this.register({ onnx: c.onnx, card: c.card, tags: opts.tags ?? [], notes: opts.notes ?? '' })
      return { ...r, changes: [...c.changes, `parity: ${parity.rows} rows probing every split, max |onnxruntime − ${c.ensemble.library} rule| ${(parity.maxAbsDiff ?? 0).toExponential(2)}`] }
    }
    const { onnx, record } = splitBundle(bytes)
    const sig = inspectOnnx(onnx)
    let prepared: PreparedModel
    if (record) {
      const card = { ...(record.card as ModelCard), ...given }
      prepared = { onnx, card, changes: ['restored the exported registry record'] }
    } else if (sig.card && sig.outputs.some((o) => o.name === 'probabilities' && o.kind === 'tensor' && o.elemType === 'FLOAT')) {
      prepared = { onnx, card: { ...sig.card, ...given }, changes: [] }
    } else {
      prepared = prepareForeignModel(onnx, { ...given, ...(opts.name ? { name: opts.name } : {}) })
    }
    if (prepared.card.inputShape.slice(1).some((d) => !(Number(d) > 0))) throw new OnnxImportError(`input shape ${JSON.stringify(prepared.card.inputShape)} needs fixed non-batch dimensions`)
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
    if (!HEX_PREFIX.test(s)) throw new RegistryError('invalid', `"${ref}" is not a version id (64 hex characters, or a unique prefix of at least 12)`)
    const ids = this.store.idsWithPrefix(s)
    if (!ids.length) throw new RegistryError('not-found', `no model version starts with ${s}`)
    if (ids.length > 1) throw new RegistryError('ambiguous', `${s} matches several versions; give more characters`)
    return ids[0]
  }

  /**
   * Registers a freshly trained version of `name` (whose card carries that name). New bytes become the challenger in
   * the registration's transaction while a champion exists, else the first champion (`reasons.champion`); bytes
   * already registered leave every alias alone (`alias: null`).
   */
  async registerTrained(
    name: string,
    input: Omit<RegisterInput, 'alias' | 'name'>,
    reasons: { readonly challenger: string; readonly champion: string },
  ): Promise<{ version: ModelVersion; created: boolean; alias: 'champion' | 'challenger' | null }> {
    const known = !!this.store.getVersion(versionId(input.onnx))
    const hasChampion = this.aliases(name).champion !== undefined
    const { version, created } = await this.register({ ...input, ...(known || !hasChampion ? {} : { alias: { alias: 'challenger', actor: 'training', reason: reasons.challenger } }) })
    if (known) return { version, created, alias: null }
    if (hasChampion) return { version, created, alias: 'challenger' }
    this.promote(version.id, { alias: 'champion', actor: 'training', reason: reasons.champion })
    return { version, created, alias: 'champion' }
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
  versions(name: string): VersionSummary[] {
    const held = this.store.aliases(name)
    return this.store.listVersions(name).map((r) => ({ ...toVersion(r), aliases: held.filter((a) => a.version_id === r.id).map((a) => a.alias) }))
  }

  /** Every model name with versions, aliases, latest health and its latest A/B test (the Models view). */
  list(): ModelSummary[] {
    return this.store.modelNames().map((name) => this.model(name))
  }

  /** One model name's summary. Throws `RegistryError` when it has no versions. */
  model(name: string): ModelSummary {
    const versions = this.versions(name)
    if (!versions.length) throw new RegistryError('not-found', `no model named "${name}"`)
    const latest = this.store.driftReports(name, 1)[0]
    const ab = this.store.abTests(name)[0]
    return {
      name,
      versions,
      aliases: this.aliases(name),
      ...(latest ? { health: { health: latest.health, time: latest.time, reasons: toDriftReport(latest).reasons } } : {}),
      ...(ab ? { abTest: abTestStatus(this.store, ab, this.clock.now()) } : {}),
    }
  }

  // ── aliases ─────────────────────────────────────────────────────────────────────────────────────────

  /** Current aliases of a model name. */
  aliases(name: string): Partial<Record<ModelAlias, string>> {
    const out: Partial<Record<ModelAlias, string>> = {}
    for (const a of this.store.aliases(name)) out[a.alias] = a.version_id
    return out
  }

  /**
   * Every alias move goes through here (inside the caller's transaction). The champion holds no other alias: a version
   * that becomes champion loses its challenger/shadow alias first (a recorded `clear`), and a champion cannot be made
   * challenger or shadow. Challenger and shadow may share a version.
   */
  private moveAlias(name: string, alias: ModelAlias, to: string | null, kind: ModelAliasEvent['kind'], actor: AliasActor, reason: string, detail?: unknown): ModelAliasEvent {
    if (!MODEL_ALIASES.includes(alias)) throw new RegistryError('invalid', `unknown alias "${alias}" (expected ${MODEL_ALIASES.join(', ')})`)
    if (!reason.trim()) throw new RegistryError('invalid', 'a reason is required to move an alias')
    const time = this.clock.now()
    if (to !== null && alias !== 'champion' && this.store.getAlias(name, 'champion')?.version_id === to)
      throw new RegistryError('invalid', `${to.slice(0, 12)} is the champion of "${name}"; a champion cannot also be its ${alias}`)
    if (to !== null && alias === 'champion')
      for (const other of MODEL_ALIASES)
        if (other !== 'champion' && this.store.getAlias(name, other)?.version_id === to)
          this.store.moveAlias({ name, alias: other, to: null, time, kind: 'clear', actor, reason: `${to.slice(0, 12)} became the champion (${kind})` })
    return toEvent(this.store.moveAlias({ name, alias, to, time, kind, actor, reason: reason.trim(), ...(detail !== undefined ? { detail } : {}) }))
  }

  /**
   * Points `alias` of the version's model at the version, atomically with its history row. `champion` changes
   * need a passing gate vs the current champion, an A/B win over it, or `force` (with the reason); the first
   * champion needs none. Throws `RegistryError` ('refused') otherwise.
   */
  promote(ref: string, opts: { alias?: ModelAlias; reason: string; actor?: AliasActor; force?: boolean; detail?: unknown }): PromotionResult {
    const v = this.get(ref)
    const alias = opts.alias ?? 'champion'
    if (!MODEL_ALIASES.includes(alias)) throw new RegistryError('invalid', `unknown alias "${alias}" (expected ${MODEL_ALIASES.join(', ')})`)
    if (!opts.reason?.trim()) throw new RegistryError('invalid', `a reason is required to promote${opts.force ? ' (forced promotions above all)' : ''}`)
    return this.store.transaction(() => {
      const current = this.store.getAlias(v.name, alias)?.version_id
      if (current === v.id) return { changed: false }
      let authorisedBy: PromotionResult['authorisedBy'] = 'not-needed'
      let auth: unknown
      if (alias === 'champion') {
        if (!current) authorisedBy = 'first'
        else {
          const gate = this.store.gates({ candidate: v.id }).find((g) => g.champion === current && g.passed === 1)
          const ab = this.store.abTests(v.name).find((t) => t.status === 'won' && t.winner === v.id && t.champion === current)
          if (gate) {
            authorisedBy = 'gate'
            auth = { gate: gate.id }
          } else if (ab) {
            authorisedBy = 'ab-test'
            auth = { abTest: ab.id }
          } else if (opts.force) {
            authorisedBy = 'force'
            auth = { forced: true }
          } else
            throw new RegistryError(
              'refused',
              `promoting ${v.id.slice(0, 12)} to champion of "${v.name}" needs a passing promotion gate or an A/B win against the champion ${current.slice(0, 12)}, or ${HINT_WORDS.force}`,
            )
        }
      }
      const detail = opts.detail !== undefined || auth !== undefined ? { ...(auth as object | undefined), ...(opts.detail !== undefined ? { info: opts.detail } : {}) } : undefined
      const event = this.moveAlias(v.name, alias, v.id, 'promote', opts.actor ?? 'user', opts.reason, detail)
      return { changed: true, event, authorisedBy }
    })
  }

  /** Removes an alias (history keeps the move). */
  clearAlias(name: string, alias: ModelAlias, reason: string, actor: AliasActor = 'user'): ModelAliasEvent | undefined {
    return this.store.transaction(() => (this.store.getAlias(name, alias) ? this.moveAlias(name, alias, null, 'clear', actor, reason) : undefined))
  }

  /**
   * Restores the version that held the alias before the current one, in one action. Rollbacks undo moves in
   * stack order, so two rollbacks after two promotions return to the first champion.
   * Throws `RegistryError` when there is nothing earlier to return to.
   */
  rollback(name: string, alias: ModelAlias, reason: string, actor: AliasActor = 'user'): ModelAliasEvent {
    return this.store.transaction(() => {
      const stack: (string | null)[] = []
      for (const e of this.store.aliasHistory(name, alias)) {
        if (e.kind === 'rollback') stack.pop()
        else stack.push(e.from_version)
      }
      const target = stack[stack.length - 1]
      const current = this.store.getAlias(name, alias)?.version_id
      if (!current) throw new RegistryError('not-found', `"${name}" has no ${alias} to roll back`)
      if (!target) throw new RegistryError('refused', `"${name}" has no earlier ${alias} to roll back to`)
      return this.moveAlias(name, alias, target, 'rollback', actor, reason, { undone: current })
    })
  }

  /** The append-only alias history of a model name (one alias or all), oldest first. */
  history(name: string, alias?: ModelAlias): ModelAliasEvent[] {
    return this.store.aliasHistory(name, alias).map(toEvent)
  }

  /** The version `alias` pointed at, at time `t` (ms), from the history; undefined when none did. */
  aliasAt(name: string, alias: ModelAlias, t: number): string | undefined {
    let at: string | null = null
    for (const e of this.store.aliasHistory(name, alias)) {
      if (e.time > t) break
      at = e.to_version
    }
    return at ?? undefined
  }

  // ── promotion gate ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Scores the candidate and the current champion on the same held-out window and stores the verdict:
   * passed when the candidate beats the champion by both margins (always, when there is no champion).
   */
  async gate(ref: string, window: LabelledRows & { from?: number; to?: number; symbols?: readonly string[] }, margins: Partial<GateMargins> = {}): Promise<GateResult> {
    const m: GateMargins = { ...GATE_DEFAULTS, ...margins }
    const cand = this.get(ref)
    const champId = this.aliases(cand.name).champion ?? null
    const c = cand.card.classes.length
    const evalOn = async (v: ModelVersion) => metricSummary(classificationMetrics(window.y, await this.score(v.id, this.onnx(v.id), v.card, window.x, window.n), window.n, c))
    const candidateMetrics = await evalOn(cand)
    const champ = champId && champId !== cand.id ? this.get(champId) : undefined
    if (champ && (champ.card.features.join() !== cand.card.features.join() || champ.card.classes.join() !== cand.card.classes.join()))
      throw new RegistryError('invalid', `candidate and champion of "${cand.name}" differ in features or classes; they cannot be compared on one window`)
    const championMetrics = champ ? await evalOn(champ) : undefined
    let passed = true
    let reason = `no champion: ${m.metric} ${candidateMetrics[m.metric].toFixed(4)} on ${window.n} rows`
    if (championMetrics) {
      const a = candidateMetrics[m.metric]
      const b = championMetrics[m.metric]
      const lower = m.metric === 'logLoss'
      const gain = lower ? b - a : a - b
      passed = gain >= m.absolute && gain >= m.relative * Math.abs(b)
      reason = `${m.metric} ${a.toFixed(4)} vs champion ${b.toFixed(4)} (${gain >= 0 ? '+' : ''}${gain.toFixed(4)}${lower ? ' lower is better' : ''}); needs ≥ ${m.absolute} absolute and ≥ ${(100 * m.relative).toFixed(1)} % relative: ${passed ? 'passed' : 'failed'}`
    } else if (champId === cand.id) reason = `candidate is already the champion`
    const result = {
      margins: m,
      window: { n: window.n, ...(window.from !== undefined ? { from: window.from } : {}), ...(window.to !== undefined ? { to: window.to } : {}), ...(window.symbols ? { symbols: window.symbols } : {}) },
      candidateMetrics,
      ...(championMetrics ? { championMetrics } : {}),
      reason,
    }
    const row = this.store.insertGate({ name: cand.name, candidate: cand.id, champion: champ?.id ?? null, time: this.clock.now(), passed: passed ? 1 : 0, result: JSON.stringify(result) })
    return { id: row.id, name: cand.name, candidate: cand.id, champion: champ?.id ?? null, time: row.time, passed, ...result }
  }

  /** Stored gate results of a model name, newest first. */
  gates(name: string): GateResult[] {
    return this.store.gates({ name }).map((g) => ({ id: g.id, name: g.name, candidate: g.candidate, champion: g.champion, time: g.time, passed: g.passed === 1, ...(JSON.parse(g.result) as Omit<GateResult, 'id' | 'name' | 'candidate' | 'champion' | 'time' | 'passed'>) }))
  }

  // ── A/B tests ───────────────────────────────────────────────────────────────────────────────────────

  /** Starts a champion-vs-challenger test (default: the current aliases). Refuses a second running test for the name. */
  startAbTest(name: string, opts: Partial<AbTestConfig> & { horizonMs: number; champion?: string; challenger?: string }): AbTest {
    const aliases = this.aliases(name)
    const champion = opts.champion ? this.resolveId(opts.champion) : aliases.champion
    const challenger = opts.challenger ? this.resolveId(opts.challenger) : aliases.challenger
    if (!champion || !challenger) throw new RegistryError('invalid', `"${name}" needs a champion and a challenger for an A/B test`)
    if (champion === challenger) throw new RegistryError('invalid', 'champion and challenger are the same version')
    const card = this.get(champion).card
    const { champion: _c, challenger: _h, ...rest } = opts
    const config: AbTestConfig = { ...AB_DEFAULTS, classes: card.classes.length, ...rest }
    const row = this.store.transaction(() => {
      if (this.store.abTests(name).some((t) => t.status === 'running')) throw new RegistryError('refused', `"${name}" already has a running A/B test`)
      return this.store.insertAbTest({ name, champion, challenger, started_at: this.clock.now(), config: JSON.stringify(config) })
    })
    return this.abTest(row.id)
  }

  /** A handle on a stored A/B test. */
  abTest(id: number): AbTest {
    if (!this.store.getAbTest(id)) throw new RegistryError('not-found', `A/B test #${id} does not exist`)
    return new AbTest(this.store, this.clock, id, (row, cmp) => this.promoteAbWinner(row, cmp))
  }

  private promoteAbWinner(row: AbTestRow, cmp: unknown): boolean {
    if (this.aliases(row.name).champion !== row.champion) return false
    this.promote(row.challenger, { alias: 'champion', actor: 'ab-test', reason: `A/B test #${row.id}: challenger won`, detail: cmp })
    return true
  }

  /** A/B tests of a name (all when absent), newest first, with stale flags. */
  abTests(name?: string): AbTestStatus[] {
    const now = this.clock.now()
    return this.store.abTests(name).map((r) => abTestStatus(this.store, r, now))
  }

  // ── drift and health ────────────────────────────────────────────────────────────────────────────────

  /**
   * Checks one version (default: the champion) on recent rows: scores them, applies the drift rules against
   * the card's reference and the validation F1, stores the report and returns it. `outcomes`: class per row, −1 unknown;
   * `window` says which rows they are, so the report names the data next to the reference (the training window).
   */
  async checkDrift(name: string, recent: { x: Float32Array; n: number; outcomes?: Int32Array; window?: DriftWindow }, opts: { version?: string; thresholds?: Partial<DriftThresholds> } = {}): Promise<DriftReport> {
    const id = opts.version ? this.resolveId(opts.version) : this.aliases(name).champion
    if (!id) throw new RegistryError('not-found', `"${name}" has no champion to check`)
    const v = this.get(id)
    const probabilities = await this.score(v.id, this.onnx(v.id), v.card, recent.x, recent.n)
    const assessed = assessDrift(v.card, v.metrics.validation?.f1, { ...recent, probabilities }, { ...DRIFT_DEFAULTS, ...opts.thresholds })
    const refRows = (v.card.reference as { rows?: unknown } | undefined)?.rows
    const trained = v.lineage.trainingWindow
    const reference = typeof refRows === 'number' ? { rows: refRows, ...(trained ? { from: trained.from, to: trained.to } : {}) } : undefined
    const report: DriftReport = { name, versionId: v.id, time: this.clock.now(), ...(recent.window ? { window: recent.window } : {}), ...(reference ? { reference } : {}), ...assessed }
    const row = this.store.insertDriftReport({ name, version_id: v.id, time: report.time, health: report.health, report: JSON.stringify(report) })
    return { ...report, id: row.id }
  }

  /** Stored drift reports of a name, newest first (the health history). */
  healthHistory(name: string, limit = 100): DriftReport[] {
    return this.store.driftReports(name, limit).map(toDriftReport)
  }

  // ── retraining ──────────────────────────────────────────────────────────────────────────────────────

  /** Stores the retraining policy of a model name. */
  setRetrainingPolicy(name: string, policy: RetrainingPolicy): void {
    try {
      validatePolicy(policy)
    } catch (e) {
      throw new RegistryError('invalid', `retraining policy for "${name}": ${(e as Error).message}`)
    }
    this.store.setPolicy(name, JSON.stringify(policy), this.clock.now())
  }

  retrainingPolicy(name: string): RetrainingPolicy | undefined {
    const p = this.store.getPolicy(name)
    return p ? (JSON.parse(p) as RetrainingPolicy) : undefined
  }

  /** Why a retraining run of `name` is due now (empty: not due, or no policy). */
  retrainingDue(name: string): string[] {
    const policy = this.retrainingPolicy(name)
    if (!policy) return []
    const lastRun = this.store.retrainingRuns(name).find((r) => r.version_id !== null)
    const champ = this.aliases(name).champion
    const since = champ ? this.get(champ).createdAt : this.clock.now()
    const latest = this.healthHistory(name, 1)[0]
    return dueReasons(policy, this.clock.now(), lastRun?.time, since, latest)
  }

  /**
   * Runs the policy of `name` when a trigger is due (or `force`): asks `train` for a model on the policy's
   * window, registers it as `challenger` with the champion as lineage parent, and records the run. Never touches
   * the champion: promotion still goes through the gate or an A/B win. Long-running: call it from a job.
   */
  async runRetraining(
    name: string,
    train: (req: RetrainingRequest) => Promise<Omit<RegisterInput, 'alias' | 'name'>>,
    data: { start: number; end: number; force?: boolean; signal?: AbortSignal },
  ): Promise<RetrainingRun> {
    const policy = this.retrainingPolicy(name)
    if (!policy) throw new RegistryError('not-found', `"${name}" has no retraining policy`)
    const reasons = data.force ? ['forced', ...this.retrainingDue(name)] : this.retrainingDue(name)
    if (!reasons.length) return { ran: false, reasons }
    const window = trainingWindow(policy, data.start, data.end)
    const parent = this.aliases(name).champion
    const trained = await train({ name, window, reasons, ...(parent ? { parent } : {}), ...(data.signal ? { signal: data.signal } : {}) })
    const { version, created } = await this.register({
      ...trained,
      name,
      lineage: { ...(trained.lineage ?? {}), ...(parent ? { parent } : {}), trainingWindow: window },
      alias: { alias: 'challenger', actor: 'retraining', reason: `retraining: ${reasons.join('; ')}` },
    })
    this.store.insertRetrainingRun({ name, time: this.clock.now(), reasons: JSON.stringify(reasons), version_id: version.id, result: JSON.stringify({ window, created }) })
    return { ran: true, reasons, window, version, created }
  }

  /** Row counts of the registry tables and SQLite integrity (tests, `db check`). */
  integrity(): { counts: Record<string, number>; integrity: string; foreignKeyViolations: number } {
    return { counts: this.store.counts(), ...this.store.integrity() }
  }
}
