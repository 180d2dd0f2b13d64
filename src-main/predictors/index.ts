/** Predictors: DOMAIN.md capabilities built from features, ml and registry (see README.md). */
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
