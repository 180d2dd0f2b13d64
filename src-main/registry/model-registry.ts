import type { AliasActor, Clock, ModelAlias, ModelAliasEvent } from '../../src-shared'
import { SqliteModelRegistryStore, type AbTestRow, type Db } from '../store'
import { AB_DEFAULTS, AbTest, abTestStatus, type AbTestConfig, type AbTestStatus } from './ab-test'
import type { DriftReport, DriftThresholds, DriftWindow, Health } from './drift'
import { versionId } from './export-file'
import { ModelAliases, type PromotionResult } from './model-aliases'
import { ModelHealth } from './model-health'
import {
  ModelVersions,
  type ImportOptions,
  type LabelledRows,
  type RegisterInput,
  type VersionSummary,
} from './model-versions'
import { PromotionGate, type GateMargins, type GateResult } from './promotion-gate'
import { dueReasons, trainingWindow, validatePolicy, type RetrainingPolicy } from './retraining'
import { RegistryError, type ModelVersion } from './types'
import { VersionScorer } from './version-scorer'

/** Everything the Models view shows for one model name. */
export interface ModelSummary {
  readonly name: string
  readonly versions: readonly VersionSummary[]
  readonly aliases: Partial<Record<ModelAlias, string>>
  readonly health?: { readonly health: Health; readonly time: number; readonly reasons: readonly string[] }
  readonly abTest?: AbTestStatus
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

/**
 * The model registry: immutable versions keyed by the sha256 of their ONNX bytes, `champion`/`challenger`/
 * `shadow` aliases per model name with an append-only history, the promotion gate, A/B tests, drift reports
 * and retraining policies. Every write is one SQLite transaction. Owns an inference engine: `dispose()`.
 */
export class ModelRegistry {
  private readonly store: SqliteModelRegistryStore
  private readonly scorer = new VersionScorer()
  private readonly aliasBook: ModelAliases
  private readonly catalogue: ModelVersions
  private readonly promotionGate: PromotionGate
  private readonly healthChecks: ModelHealth

  constructor(
    db: Db,
    private readonly clock: Clock,
  ) {
    this.store = new SqliteModelRegistryStore(db)
    this.aliasBook = new ModelAliases(this.store, clock)
    this.catalogue = new ModelVersions(this.store, clock, this.scorer, this.aliasBook)
    this.promotionGate = new PromotionGate(this.store, clock, this.scorer, this.catalogue, this.aliasBook)
    this.healthChecks = new ModelHealth(this.store, clock, this.scorer, this.catalogue, this.aliasBook)
  }

  /** Releases the ONNX sessions the registry opened for gates, drift checks and imports. */
  async dispose(): Promise<void> {
    await this.scorer.dispose()
  }

  // ── versions ────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Registers ONNX bytes as a version (id = sha256 of the bytes). The same bytes twice is a no-op that returns
   * the stored version (`created: false`). Throws `OnnxImportError` for bytes that are not a usable model.
   */
  async register(input: RegisterInput): Promise<{ version: ModelVersion; created: boolean }> {
    return this.catalogue.register(input)
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
    return this.catalogue.importFile(bytes, opts)
  }

  /** One file to move a version to another workstation: its exact ONNX bytes plus the registry record in the metadata. */
  exportVersion(ref: string): Uint8Array {
    return this.catalogue.exportVersion(ref)
  }

  /** The ONNX bytes of a version (sha256 equals its id). */
  onnx(ref: string): Uint8Array {
    return this.catalogue.onnx(ref)
  }

  /**
   * Full id of a version from its id or a unique prefix of ≥ 12 hex characters.
   * Throws `RegistryError` (not-found, ambiguous, invalid).
   */
  resolveId(ref: string): string {
    return this.catalogue.resolveId(ref)
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
    const { version, created } = await this.register({
      ...input,
      ...(known || !hasChampion
        ? {}
        : { alias: { alias: 'challenger', actor: 'training', reason: reasons.challenger } }),
    })
    if (known) return { version, created, alias: null }
    if (hasChampion) return { version, created, alias: 'challenger' }
    this.promote(version.id, { alias: 'champion', actor: 'training', reason: reasons.champion })
    return { version, created, alias: 'champion' }
  }

  /** A version by id or unique prefix. */
  get(ref: string): ModelVersion {
    return this.catalogue.get(ref)
  }

  /** True when `name` has at least one version. */
  hasModel(name: string): boolean {
    return this.catalogue.hasModel(name)
  }

  /** Replaces tags and/or notes of a version (the only mutable fields). */
  annotate(ref: string, patch: { tags?: readonly string[]; notes?: string }): ModelVersion {
    return this.catalogue.annotate(ref, patch)
  }

  /** Versions of one model, oldest first, with metrics and the aliases each holds. */
  versions(name: string): VersionSummary[] {
    return this.catalogue.ofModel(name)
  }

  /** Every model name with at least one version, sorted (cheaper than `list()`: no versions read). */
  names(): string[] {
    return this.store.modelNames()
  }

  /** Every model name with versions, aliases, latest health and its latest A/B test (the Models view). */
  list(): ModelSummary[] {
    return this.store.modelNames().map((name) => this.model(name))
  }

  /** One model name's summary. Throws `RegistryError` when it has no versions. */
  model(name: string): ModelSummary {
    const versions = this.catalogue.ofModel(name)
    if (!versions.length) throw new RegistryError('not-found', `no model named "${name}"`)
    const health = this.healthChecks.latest(name)
    const ab = this.store.abTests(name)[0]
    return {
      name,
      versions,
      aliases: this.aliasBook.current(name),
      ...(health ? { health } : {}),
      ...(ab ? { abTest: abTestStatus(this.store, ab, this.clock.now()) } : {}),
    }
  }

  // ── aliases ─────────────────────────────────────────────────────────────────────────────────────────

  /** Current aliases of a model name. */
  aliases(name: string): Partial<Record<ModelAlias, string>> {
    return this.aliasBook.current(name)
  }

  /**
   * Points `alias` of the version's model at the version, atomically with its history row. `champion` changes
   * need a passing gate vs the current champion, an A/B win over it, or `force` (with the reason); the first
   * champion needs none. Throws `RegistryError` ('refused') otherwise.
   */
  promote(
    ref: string,
    opts: { alias?: ModelAlias; reason: string; actor?: AliasActor; force?: boolean; detail?: unknown },
  ): PromotionResult {
    return this.aliasBook.promote(this.catalogue.get(ref), opts)
  }

  /** Removes an alias (history keeps the move). */
  clearAlias(name: string, alias: ModelAlias, reason: string, actor: AliasActor = 'user'): ModelAliasEvent | undefined {
    return this.aliasBook.clear(name, alias, reason, actor)
  }

  /**
   * Restores the version that held the alias before the current one, in one action. Rollbacks undo moves in
   * stack order, so two rollbacks after two promotions return to the first champion.
   * Throws `RegistryError` when there is nothing earlier to return to.
   */
  rollback(name: string, alias: ModelAlias, reason: string, actor: AliasActor = 'user'): ModelAliasEvent {
    return this.aliasBook.rollback(name, alias, reason, actor)
  }

  /** The append-only alias history of a model name (one alias or all), oldest first. */
  history(name: string, alias?: ModelAlias): ModelAliasEvent[] {
    return this.aliasBook.history(name, alias)
  }

  /** The version `alias` pointed at, at time `t` (ms), from the history; undefined when none did. */
  aliasAt(name: string, alias: ModelAlias, t: number): string | undefined {
    return this.aliasBook.at(name, alias, t)
  }

  // ── promotion gate ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Scores the candidate and the current champion on the same held-out window and stores the verdict:
   * passed when the candidate beats the champion by both margins (always, when there is no champion).
   */
  async gate(
    ref: string,
    window: LabelledRows & { from?: number; to?: number; symbols?: readonly string[] },
    margins: Partial<GateMargins> = {},
  ): Promise<GateResult> {
    return this.promotionGate.evaluate(ref, window, margins)
  }

  /** Stored gate results of a model name, newest first. */
  gates(name: string): GateResult[] {
    return this.promotionGate.results(name)
  }

  // ── A/B tests ───────────────────────────────────────────────────────────────────────────────────────

  /** Starts a champion-vs-challenger test (default: the current aliases). Refuses a second running test for the name. */
  startAbTest(
    name: string,
    opts: Partial<AbTestConfig> & { horizonMs: number; champion?: string; challenger?: string },
  ): AbTest {
    const aliases = this.aliases(name)
    const champion = opts.champion ? this.resolveId(opts.champion) : aliases.champion
    const challenger = opts.challenger ? this.resolveId(opts.challenger) : aliases.challenger
    if (!champion || !challenger)
      throw new RegistryError('invalid', `"${name}" needs a champion and a challenger for an A/B test`)
    if (champion === challenger) throw new RegistryError('invalid', 'champion and challenger are the same version')
    const card = this.get(champion).card
    const { champion: _c, challenger: _h, ...rest } = opts
    const config: AbTestConfig = { ...AB_DEFAULTS, classes: card.classes.length, ...rest }
    const row = this.store.transaction(() => {
      if (this.store.abTests(name).some((t) => t.status === 'running'))
        throw new RegistryError('refused', `"${name}" already has a running A/B test`)
      return this.store.insertAbTest({
        name,
        champion,
        challenger,
        started_at: this.clock.now(),
        config: JSON.stringify(config),
      })
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
    this.promote(row.challenger, {
      alias: 'champion',
      actor: 'ab-test',
      reason: `A/B test #${row.id}: challenger won`,
      detail: cmp,
    })
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
  async checkDrift(
    name: string,
    recent: { x: Float32Array; n: number; outcomes?: Int32Array; window?: DriftWindow },
    opts: { version?: string; thresholds?: Partial<DriftThresholds> } = {},
  ): Promise<DriftReport> {
    return this.healthChecks.check(name, recent, opts)
  }

  /** Stored drift reports of a name, newest first (the health history). */
  healthHistory(name: string, limit = 100): DriftReport[] {
    return this.healthChecks.history(name, limit)
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

  /** The stored retraining policy of a model name, if any. */
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
    const trained = await train({
      name,
      window,
      reasons,
      ...(parent ? { parent } : {}),
      ...(data.signal ? { signal: data.signal } : {}),
    })
    const { version, created } = await this.register({
      ...trained,
      name,
      lineage: { ...(trained.lineage ?? {}), ...(parent ? { parent } : {}), trainingWindow: window },
      alias: { alias: 'challenger', actor: 'retraining', reason: `retraining: ${reasons.join('; ')}` },
    })
    this.store.insertRetrainingRun({
      name,
      time: this.clock.now(),
      reasons: JSON.stringify(reasons),
      version_id: version.id,
      result: JSON.stringify({ window, created }),
    })
    return { ran: true, reasons, window, version, created }
  }

  /** Row counts of the registry tables and SQLite integrity (tests, `db check`). */
  integrity(): { counts: Record<string, number>; integrity: string; foreignKeyViolations: number } {
    return { counts: this.store.counts(), ...this.store.integrity() }
  }
}
