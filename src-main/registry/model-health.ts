import type { Clock } from '../../src-shared'
import type { SqliteModelRegistryStore } from '../store'
import {
  assessDrift,
  DRIFT_DEFAULTS,
  type DriftReport,
  type DriftThresholds,
  type DriftWindow,
  type Health,
} from './drift'
import type { ModelAliases } from './model-aliases'
import type { ModelVersions } from './model-versions'
import { RegistryError } from './types'
import type { VersionScorer } from './version-scorer'

function toDriftReport(r: { id: number; report: string }): DriftReport {
  return { ...(JSON.parse(r.report) as DriftReport), id: r.id }
}

/** Drift checks of a version on recent rows (the drift rules of drift.ts), stored as the model's health history. */
export class ModelHealth {
  constructor(
    private readonly store: SqliteModelRegistryStore,
    private readonly clock: Clock,
    private readonly scorer: VersionScorer,
    private readonly versions: ModelVersions,
    private readonly aliases: ModelAliases,
  ) {}

  /**
   * Checks one version (default: the champion) on recent rows: scores them, applies the drift rules against
   * the card's reference and the validation F1, stores the report and returns it. `outcomes`: class per row, −1 unknown;
   * `window` says which rows they are, so the report names the data next to the reference (the training window).
   */
  async check(
    name: string,
    recent: { x: Float32Array; n: number; outcomes?: Int32Array; window?: DriftWindow },
    opts: { version?: string; thresholds?: Partial<DriftThresholds> } = {},
  ): Promise<DriftReport> {
    const id = opts.version ? this.versions.resolveId(opts.version) : this.aliases.current(name).champion
    if (!id) throw new RegistryError('not-found', `"${name}" has no champion to check`)
    const v = this.versions.get(id)
    const probabilities = await this.scorer.score(v.id, this.versions.onnx(v.id), v.card, recent.x, recent.n)
    const assessed = assessDrift(
      v.card,
      v.metrics.validation?.f1,
      { ...recent, probabilities },
      { ...DRIFT_DEFAULTS, ...opts.thresholds },
    )
    const refRows = (v.card.reference as { rows?: unknown } | undefined)?.rows
    const trained = v.lineage.trainingWindow
    const reference =
      typeof refRows === 'number'
        ? { rows: refRows, ...(trained ? { from: trained.from, to: trained.to } : {}) }
        : undefined
    const report: DriftReport = {
      name,
      versionId: v.id,
      time: this.clock.now(),
      ...(recent.window ? { window: recent.window } : {}),
      ...(reference ? { reference } : {}),
      ...assessed,
    }
    const row = this.store.insertDriftReport({
      name,
      version_id: v.id,
      time: report.time,
      health: report.health,
      report: JSON.stringify(report),
    })
    return { ...report, id: row.id }
  }

  /** Stored drift reports of a name, newest first (the health history). */
  history(name: string, limit = 100): DriftReport[] {
    return this.store.driftReports(name, limit).map(toDriftReport)
  }

  /** The latest stored verdict of a name (the Models view's health badge); undefined before the first check. */
  latest(
    name: string,
  ): { readonly health: Health; readonly time: number; readonly reasons: readonly string[] } | undefined {
    const latest = this.store.driftReports(name, 1)[0]
    return latest ? { health: latest.health, time: latest.time, reasons: toDriftReport(latest).reasons } : undefined
  }
}
