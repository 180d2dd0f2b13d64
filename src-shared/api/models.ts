import type { ModelCard, Timeframe } from '../domain'

// ── Models (DOMAIN.md §6): what the Models view and `armada train model` show ──────────────────────────

/** Movable aliases of a model name (DOMAIN.md §6). */
export const MODEL_ALIASES = ['champion', 'challenger', 'shadow'] as const
/** One of `MODEL_ALIASES`. */
export type ModelAlias = (typeof MODEL_ALIASES)[number]

/** Algorithms `trainModel` accepts. */
export const TRAIN_ALGOS = ['gbdt', 'rf', 'logreg'] as const
/** One of `TRAIN_ALGOS`. */
export type TrainAlgo = (typeof TRAIN_ALGOS)[number]

/** Headline metrics of one evaluation (macro for 3 classes). NaN travels as null over JSON. */
export interface ModelMetricSummary {
  readonly n: number
  readonly accuracy: number
  readonly precision: number
  readonly recall: number
  readonly f1: number
  readonly rocAuc: number
  readonly logLoss: number
  readonly brier: number
}

/** One reliability bin of the top-class probability: mean predicted vs observed hit rate. */
export interface CalibrationBin {
  readonly lo: number
  readonly hi: number
  readonly count: number
  readonly meanPredicted: number | null
  readonly observed: number | null
}

/** One walk-forward fold: the model on its test block next to both naive baselines. */
export interface WalkForwardFold {
  readonly fold: number
  readonly trainRows: number
  readonly testRows: number
  /** Open time of the first and last test bar (ms). */
  readonly testFrom: number
  readonly testTo: number
  readonly train: ModelMetricSummary
  readonly test: ModelMetricSummary
  readonly majority: ModelMetricSummary
  readonly persistence: ModelMetricSummary
  /** Train − test gap of `gapMetric`. */
  readonly gap: number
  readonly gapMetric: 'rocAuc' | 'accuracy'
  readonly overfitting: OverfittingLevel
}

/** DOMAIN.md §6 overfitting level from the train–test gap. */
export type OverfittingLevel = 'none' | 'mild' | 'moderate' | 'severe' | 'critical'

/** Gain (final model) and permutation (held-out, ROC AUC drop) importance of one feature. */
export interface FeatureImportanceEntry {
  readonly feature: string
  readonly gain: number
  readonly permutation: number
}

/** The walk-forward evaluation stored with a version trained inside Armada. */
export interface ModelEvaluation {
  readonly scheme: 'walk-forward'
  readonly mode: 'expanding'
  readonly folds: readonly WalkForwardFold[]
  /** Rows purged before each test block (= horizon) and embargoed after it (max(H, 1 day of bars)). */
  readonly purge: number
  readonly embargo: number
  /** Out-of-fold test rows of every fold pooled: the model and both baselines. */
  readonly pooled: {
    readonly model: ModelMetricSummary
    readonly majority: ModelMetricSummary
    readonly persistence: ModelMetricSummary
  }
  /** Mean train − test gap over the folds, and its level. */
  readonly gap: number
  readonly overfitting: OverfittingLevel
  readonly calibration: readonly CalibrationBin[]
  /** `confusion[actual][predicted]` over the pooled test rows, classes in card order. */
  readonly confusion: readonly (readonly number[])[]
  readonly importance: readonly FeatureImportanceEntry[]
  /** Label class counts over every labelled row, in card order. */
  readonly classCounts: readonly number[]
}

/** Stored metrics of a version: validation next to the naive baselines; `evaluation` for models trained here. */
export interface ModelVersionMetrics {
  readonly validation?: ModelMetricSummary
  readonly baselines?: { readonly majority?: ModelMetricSummary; readonly persistence?: ModelMetricSummary }
  readonly evaluation?: ModelEvaluation
}

/** One immutable model version as the UI lists it (card without the reference bins). */
export interface ModelVersionInfo {
  readonly id: string
  readonly name: string
  readonly createdAt: number
  readonly size: number
  readonly aliases: readonly ModelAlias[]
  readonly card: ModelCard
  readonly lineage: Readonly<Record<string, unknown>>
  readonly metrics: ModelVersionMetrics
  readonly tags: readonly string[]
  readonly notes: string
}

/** Why an alias moved: a plain set, a gated/forced promotion, a rollback, or removal. */
export type AliasMoveKind = 'set' | 'promote' | 'rollback' | 'clear'

/**
 * Who or what moved an alias: `user` (CLI/UI), `ab-test` (an A/B win), `drift-rule`, `retraining`,
 * `gate` or `system`; free text beyond these is allowed (e.g. `user:alice`).
 */
export type AliasActor = 'user' | 'ab-test' | 'drift-rule' | 'retraining' | 'gate' | 'system' | (string & {})

/** One append-only alias move: time, from → to, why and by whom. */
export interface ModelAliasEvent {
  readonly seq: number
  readonly name: string
  readonly alias: ModelAlias
  readonly from: string | null
  readonly to: string | null
  readonly time: number
  readonly kind: AliasMoveKind
  readonly actor: AliasActor
  readonly reason: string
  /** What authorised the move (gate verdict, A/B result), as the registry stored it; the API leaves it out. */
  readonly detail?: unknown
}

/** A stored promotion-gate verdict. */
export interface ModelGateInfo {
  readonly id: number
  readonly candidate: string
  readonly champion: string | null
  readonly time: number
  readonly passed: boolean
  readonly reason: string
}

/** Status of a champion-vs-challenger (shadow) test. */
export interface ModelAbTestInfo {
  readonly id: number
  /** Model name both versions belong to. */
  readonly name: string
  readonly champion: string
  readonly challenger: string
  readonly status: 'running' | 'won' | 'no-winner' | 'expired' | 'stopped' | (string & {})
  readonly startedAt: number
  readonly endedAt?: number
  readonly winner?: string
  readonly recorded: number
  readonly resolved: number
  readonly reason: string
  readonly stale: boolean
  /** Latest paired comparison on the resolved samples (absent before any is resolved). */
  readonly comparison?: AbComparisonInfo
  /** Samples needed before a winner is declared, and the confidence needed (DOMAIN.md §6: 100, 0.95). */
  readonly minSamples: number
  readonly confidenceNeeded: number
  /** Metric that decides (both are reported) and whether a winning challenger is promoted without asking. */
  readonly metric: 'f1' | 'logLoss'
  readonly autoPromote: boolean
}

/** Champion (A) against challenger (B) on the same resolved bars, with paired-bootstrap confidences that B is better. */
export interface AbComparisonInfo {
  readonly n: number
  readonly f1Champion: number
  readonly f1Challenger: number
  readonly logLossChampion: number
  readonly logLossChallenger: number
  readonly confidenceF1: number
  readonly confidenceLogLoss: number
}

/** `startAbTest`: a champion-vs-challenger test of a model name (default: its current aliases). */
export interface StartAbTestRequest {
  readonly name: string
  /** Version ids (or unique prefixes); default the `champion` and `challenger` aliases. */
  readonly champion?: string
  readonly challenger?: string
  /** Promote a winning challenger without asking (default false: offered to the trader). */
  readonly autoPromote?: boolean
  /** Time from a bar's close until its outcome is known (ms); default the champion card's horizon. */
  readonly horizonMs?: number
}

/** `stopAbTest`: ends the running test of a model name without a winner. */
export interface StopAbTestRequest {
  readonly name: string
  readonly reason: string
}

/** Model health from drift checks. */
export type ModelHealth = 'healthy' | 'degrading' | 'failed'

/** One stored drift check (the health history). */
export interface ModelHealthPoint {
  readonly time: number
  readonly versionId: string
  readonly health: ModelHealth
  readonly rows: number
  /** The rows checked: open times of the first and last (ms) and what they are ("its training window (all 473 labelled rows)"). */
  readonly window?: { readonly from: number; readonly to: number; readonly label: string }
  /** What they were compared with: the version's training distribution (rows, training window in ms). */
  readonly reference?: { readonly rows: number; readonly from?: number; readonly to?: number }
  /** Largest feature PSI, and the predicted-class PSI where known. */
  readonly maxPsi: number
  readonly predictionPsi?: number
  readonly driftedFeatures: number
  readonly watchFeatures: number
  readonly reasons: readonly string[]
}

/** A model name as listed: aliases, version count, the champion's headline metrics, health and A/B state. */
export interface ModelListItem {
  readonly name: string
  readonly predictor: ModelCard['predictor']
  readonly versions: number
  readonly aliases: Partial<Record<ModelAlias, string>>
  readonly latestAt: number
  readonly champion?: {
    readonly id: string
    readonly validation?: ModelMetricSummary
    readonly baselines?: ModelVersionMetrics['baselines']
  }
  readonly health?: { readonly health: ModelHealth; readonly time: number; readonly reasons: readonly string[] }
  readonly abTest?: ModelAbTestInfo
}

/** Everything the Models view shows for one model name. */
export interface ModelDetail {
  readonly name: string
  /** Newest first. */
  readonly versions: readonly ModelVersionInfo[]
  readonly aliases: Partial<Record<ModelAlias, string>>
  /** Alias moves, oldest first. */
  readonly history: readonly ModelAliasEvent[]
  /** Newest first. */
  readonly gates: readonly ModelGateInfo[]
  /** Newest first. */
  readonly abTests: readonly ModelAbTestInfo[]
  /** Drift checks, oldest first. */
  readonly healthHistory: readonly ModelHealthPoint[]
}

/** Train a regime model on one stored series (runs as the `ml.train` job). */
export interface TrainModelRequest {
  readonly symbol: string
  readonly venue?: string
  readonly timeframe: Timeframe
  readonly algo?: TrainAlgo
  /** Label horizon in bars (12). */
  readonly horizon?: number
  /** Threshold multiple k of DOMAIN.md §1 (0.5). */
  readonly k?: number
  /** Trainer parameters (LightGBM / scikit-learn names), e.g. `{ n_estimators: 50 }`. */
  readonly params?: Readonly<Record<string, number | string | boolean>>
  /** Model name (default `regime-<symbol>-<timeframe>-h<H>`). */
  readonly name?: string
}

/** Move an alias to a version; `force` (champion without a passing gate or A/B win) still needs the reason. */
export interface PromoteModelRequest {
  readonly id: string
  readonly alias: ModelAlias
  readonly reason: string
  readonly force?: boolean
}

/** Whether the alias moved, what authorised it, and the move recorded. */
export interface PromoteModelResult {
  readonly changed: boolean
  readonly authorisedBy?: 'first' | 'gate' | 'ab-test' | 'force' | 'not-needed'
  readonly event?: ModelAliasEvent
}

/** Restore the version that held the alias before the current one. */
export interface RollbackModelRequest {
  readonly name: string
  readonly alias: ModelAlias
  readonly reason: string
}

/** Something changed in the registry: a version was trained, or an alias moved. */
export interface ModelsEvent {
  readonly name: string
  readonly change: 'trained' | 'promoted' | 'rolled-back'
  readonly versionId?: string
  readonly time: number
}
