/** ML engine: trainers, ONNX export/import, inference, validation and metrics (see README.md). */
export type { Dataset, FeatureImportance, ProgressFn, TrainedModel, Trainer } from './types'
export { TrainingCancelled, Rng, balancedClassWeights, validateDataset } from './types'
export { GbdtTrainer, GBDT_DEFAULTS, type GbdtParams } from './gbdt'
export { ForestTrainer, FOREST_DEFAULTS, featuresPerSplit, type ForestParams } from './forest'
export { LogregTrainer, LOGREG_DEFAULTS, type LogregParams } from './logreg'
export { CARD_KEY, readCard } from './onnx-writer'
export {
  OnnxImportError,
  inspectOnnx,
  prepareForeignModel,
  parityCheck,
  importForeignModel,
  type OnnxSignature,
  type TensorSignature,
  type PreparedModel,
  type ParityReport,
  type ImportCard,
} from './onnx-import'
export { OnnxRunError, ortFailureReason } from './ort-session'
export {
  featureColumns,
  OnnxInferenceEngine,
  type ExecutionProvider,
  type InferenceOptions,
  type ScoreResult,
  type MergedScoreResult,
  type StackedScoreResult,
} from './inference-engine'
export {
  mergeEnsembleOnnx,
  stackModelsOnnx,
  type EnsembleMember,
  type MergedEnsemble,
  type StackedHead,
  type StackedModels,
} from './ensemble-onnx'
export {
  walkForwardSplits,
  purgedKFold,
  monteCarloSplits,
  purgeAndEmbargo,
  takeRows,
  type Split,
  type PurgeOptions,
} from './validation'
export {
  classificationMetrics,
  rocAuc,
  averagePrecision,
  majorityBaseline,
  persistenceBaseline,
  overfittingLevel,
  evaluationReport,
  metricSummary,
  type ClassificationMetrics,
  type EvaluationReport,
} from './metrics'
export { permutationImportance } from './importance'
export { checkTrainerParams, trainerFor, type Algo } from './trainers'
export { TrainerParamError } from './params'
export { parseCryptoDataDownload, regimeDemoTable, type BarArrays, type DemoTable } from './demo-table'
export {
  convertNativeModel,
  nativeModelFormat,
  type ConvertedNativeModel,
  type NativeModelFormat,
} from './native-import'
export { nativeProbabilities, type NativeEnsemble, type NativeTree } from './native-ensemble'
export {
  baumWelch,
  emissionLogDensities,
  filteredPosteriors,
  fitGaussianHmm,
  forwardLogLikelihood,
  hmmKernel,
  HmmError,
  HmmFilter,
  initialHmm,
  MIN_REGIME_BARS,
  RegimeDebouncer,
  regimeOfStates,
  viterbi,
  type BaumWelchOptions,
  type BaumWelchResult,
  type GaussianHmm,
  type HmmFilterState,
  type HmmFit,
  type HmmFitOptions,
  type HmmKernel,
  type HmmRegime,
} from './hmm'
export {
  hmmFromCard,
  hmmFromLists,
  hmmToLists,
  hmmToOnnx,
  stationaryDistribution,
  type HmmCardParams,
} from './hmm-onnx'
