/** Model registry: the `ModelRegistry` facade over versions, aliases, promotion gate, A/B tests, drift, retraining. */
export { ModelRegistry, type ModelSummary, type RetrainingRun, type RetrainingRequest } from './model-registry'
export { type RegisterInput, type LabelledRows, type VersionSummary, type ImportOptions } from './model-versions'
export { type PromotionResult } from './model-aliases'
export { GATE_DEFAULTS, type GateMargins, type GateResult } from './promotion-gate'
export { RegistryError, type Lineage, type ModelVersion, type VersionMetrics } from './types'
export { AbTest, AB_DEFAULTS, type AbTestConfig, type AbTestStatus } from './ab-test'
export { pairedBootstrap, type PairedComparison } from './paired-bootstrap'
export {
  assessDrift,
  cardReference,
  DRIFT_DEFAULTS,
  type DriftReport,
  type DriftThresholds,
  type DriftWindow,
  type FeatureDrift,
  type Health,
  type RecentWindow,
} from './drift'
export {
  referenceDistribution,
  psi,
  psiLevel,
  binProportions,
  quantileEdges,
  type FeatureReference,
  type ReferenceDistribution,
  type PsiLevel,
} from './reference'
export { dueReasons, trainingWindow, validatePolicy, type RetrainingPolicy, type RetrainingTrigger } from './retraining'
export { appendBundle, splitBundle, versionId, BUNDLE_KEY } from './export-file'
