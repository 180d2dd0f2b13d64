/** Predictors: DOMAIN.md capabilities built from features, ml and registry, and the live loops that score them (see README.md). */
export { LABEL_SIGMA_WINDOW, NO_LABEL, regimeLabels } from './regime-label'
export {
  defaultModelName,
  labelDefinition,
  ModelTrainingError,
  trainRegimeModel,
  type ModelTrainingRequest,
  type ModelTrainingResult,
  type TrainingProgress,
} from './model-training'
export {
  combineMembers,
  currentRegime,
  labelOf,
  readRegime,
  REGIME_MEMBER_WEIGHTS,
  REGIME_SEQUENCE_KINDS,
  returnSigma,
  TRANSITION_MIN_PROBABILITY,
  type RegimeMemberKind,
  type RegimeReading,
} from './regime-outputs'
export {
  REGIME_DEFAULT_HORIZONS,
  REGIME_GBDT_DEFAULTS,
  REGIME_RF_DEFAULTS,
  regimeModelName,
  RegimeTrainingError,
  trainRegimePredictor,
  type RegimeHorizonResult,
  type RegimeTrainingRequest,
} from './regime-training'
export {
  alertLabelAt,
  alertLabels,
  alertLabelSeries,
  CORRELATION_JUMP,
  logReturns,
  rollingCorrelation,
  rollingStd,
  VOL_PERCENTILE_DAYS,
  type AlertLabelInput,
  type AlertLabelSeries,
} from './alert-labels'
export {
  ALERT_MEMBER_WEIGHTS,
  ALERT_NOISE_DEFAULTS,
  alertConfidence,
  AlertNoisePolicy,
  type AlertCandidate,
  type AlertDecision,
  type AlertNoiseLimits,
} from './alert-policy'
export {
  ALERT_CLASSES,
  ALERT_GBDT_DEFAULTS,
  ALERT_HORIZON_HOURS,
  ALERT_RF_DEFAULTS,
  alertModelName,
  AlertTrainingError,
  trainAlertModels,
  type AlertModelResult,
  type AlertTrainingRequest,
} from './alert-training'
export { RegistrySignalScorer, versionLabel } from './signal-quality-scorer'
export {
  trainAlertsJob,
  trainHmmJob,
  type HmmTrainJobResult,
  trainedVersions,
  trainModelJob,
  trainRegimeJob,
  type AlertsTrainJobResult,
  type RegimeTrainJobModel,
  type RegimeTrainJobResult,
} from './training-jobs'
export { type LiveEvents } from './live-events'
export { SerialQueue } from './serial-queue'
export { championOf, liveVersions, loadVersion, stackVersions } from './live-models'
export { defaultModelsDir, registerShippedModels, shippedModelFiles, type ShippedModelHooks } from './shipped-models'
export { FeatureService, type FeatureTable } from './feature-service'
export { CATCH_UP_BARS, ForecastService, type ForecastDeps } from './forecast-service'
export {
  FeatureWindow,
  loadRegimeEnsemble,
  regimeCatalogue,
  RegimeEnsemble,
  regimeSeriesKey,
  regimeStackId,
  type RegimeSlot,
} from './regime-ensemble'
export {
  ALERT_MUTE_SETTING,
  ALERT_PREDICTION_CACHE_MS,
  alertId,
  AlertService,
  type AlertDeps,
  type AlertsConfig,
} from './alert-service'
export { AlertResolver } from './alert-resolver'
export {
  alignedBasketBars,
  labelLookbackBars,
  resolveOutcomes,
  resolveDueAlerts,
  type AlertResolution,
  type AlertOutcome,
  type BasketSpec,
  type DueAlert,
} from './alert-resolution'
export {
  acceptedRegimes,
  hmmCard,
  hmmModelName,
  hmmObservations,
  HmmRegimeTracker,
  HMM_COLUMNS,
  trainHmm,
  type HmmColumn,
  type HmmObservations,
  type HmmReading,
  type HmmTrainingRequest,
  type HmmTrainingResult,
} from './hmm-regime'
