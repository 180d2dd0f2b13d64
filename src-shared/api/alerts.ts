import type { Alert, AlertSeverity, AlertType, Timeframe } from '../domain'
import type { SkillVerdict } from '../skill'

// ── Predictive alerts (DOMAIN.md §2): the live loop's alerts for the Alerts view, chart markers and REST ────

/** `listAlerts` (REST `GET /api/alerts`): newest first; every filter optional. */
export interface AlertsQuery {
  /** Alert time range (ms, inclusive). */
  readonly from?: number
  readonly to?: number
  readonly types?: readonly AlertType[]
  /** `S3` keeps only S3; `S2` (default) keeps both. */
  readonly minSeverity?: AlertSeverity
  /** open: horizon not passed yet; resolved: outcome known. Default all. */
  readonly status?: 'open' | 'resolved' | 'all'
  readonly acknowledged?: boolean
  /** Only alerts whose `assets` include this symbol. */
  readonly symbol?: string
  /** Alerts of muted models (no walk-forward skill) are left out unless true. */
  readonly includeMuted?: boolean
  readonly limit?: number
}

/** The `alert` topic: an alert fired, was raised to S3 (escalated), was acknowledged, or was resolved. */
export interface AlertEvent {
  readonly kind: 'fired' | 'escalated' | 'acknowledged' | 'resolved'
  readonly alert: Alert
}

/** One (type, horizon) alert model the live loop scores, its validation record and its live record. */
export interface AlertModelStatus {
  readonly type: AlertType
  readonly horizonHours: number
  readonly modelName: string
  /** Null when no version is registered for it (then `reason` says why, e.g. too few positive labels). */
  readonly versionId: string | null
  readonly reason?: string
  /** Walk-forward metrics next to the majority (and label of t−H) baselines (from the registry record), when known. */
  readonly validation?: {
    readonly rocAuc: number | null
    readonly f1: number
    readonly baselineF1: number
    readonly logLoss?: number
    readonly baselineLogLoss?: number
    readonly persistenceF1?: number
    readonly baseRate?: number
  }
  /** Whether the champion beats its baselines on walk-forward, with the numbers (absent: its record has no metrics). */
  readonly skill?: SkillVerdict
  /** True while it fires nothing: no skill (the default) or the trader muted it; its alerts are still stored and resolved. */
  readonly muted: boolean
  /** Bars the champion was trained on (open time of the first, close of the last): alerts after `to` are out of sample. */
  readonly trainingWindow?: { readonly from: number; readonly to: number }
  /** Newest ensemble probability and when it was scored (shown even below the S2 threshold). */
  readonly lastProbability: number | null
  readonly lastScoredAt: number | null
  readonly fired: number
  readonly resolved: number
  /** Share of resolved alerts that were hits; null before any is resolved. */
  readonly hitRate: number | null
}

/** `getAlertStatus`: the basket the live loop scores, its models and why it is not scoring when it is not. */
export interface AlertStatus {
  readonly basket: string | null
  readonly assets: readonly string[]
  readonly timeframe: Timeframe | null
  /** Scoring, waiting (for aligned bars / models), or off with the reason. */
  readonly state: 'scoring' | 'waiting' | 'off'
  readonly detail?: string
  readonly models: readonly AlertModelStatus[]
  readonly open: number
  readonly lastScoredAt: number | null
}
