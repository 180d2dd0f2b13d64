export { createAppStores, IMPORT_JOB_KIND, startAppStores, type AppStores } from './app-stores'
export {
  CHART_BAR_LIMIT,
  createChartStore,
  instrumentsOf,
  isSelected,
  timeframesFor,
  type ChartState,
  type ChartStore,
  type InstrumentChoice,
  type LoadState,
  type SeriesSelection,
} from './chart-store'
export { createConnectionStore, type ConnectionStore, type ConnectionStoreState, type FeedStatus } from './connection-store'
export {
  createFeaturesStore,
  FEATURE_HISTORY_LIMIT,
  FEATURE_LATEST_LIMIT,
  FEATURE_REFRESH_LIMIT,
  FEATURE_SETS,
  featureColumn,
  formatFeatureValue,
  isMissingFlag,
  latestVector,
  mergeRows,
  startFeaturesStore,
  type FeatureSetChoice,
  type FeaturesState,
  type FeaturesStore,
  type FeatureVectorRow,
} from './features-store'
export { activeJobs, createJobsStore, isActive, RECENT_JOBS, type JobsState, type JobsStore } from './jobs-store'
export { createNavigationStore, VIEWS, type NavigationState, type NavigationStore, type ViewId } from './navigation-store'
export { createImportStore, importRequest, type ImportDraft, type ImportState, type ImportStore } from './import-store'
export {
  baselineVerdict,
  compareToBaselines,
  COMPARED_METRICS,
  createModelsStore,
  defaultVersion,
  rollbackTarget,
  seriesKey,
  topImportance,
  TRAIN_JOB_KIND,
  trainRequest,
  versionAlgo,
  type AliasDialog,
  type ComparedMetric,
  type MetricComparison,
  type ModelsState,
  type ModelsStore,
  type TrainDraft,
} from './models-store'
export {
  chartPredictions,
  createForecastStore,
  FORECAST_HISTORY_LIMIT,
  horizonsOf,
  regimeOfProbabilities,
  startForecastStore,
  transitionsOf,
  type ForecastState,
  type ForecastStore,
} from './forecast-store'
export {
  ALERT_LIST_LIMIT,
  ALERT_TYPE_LABELS,
  alertsForSymbol,
  createAlertsStore,
  filterAlerts,
  isOpen,
  NO_ALERT_FILTERS,
  severityOf,
  showAlertOnChart,
  startAlertsStore,
  summarizeAlertTypes,
  upsertAlert,
  type AlertFilters,
  type ChartFocus,
  type AlertsState,
  type AlertsStore,
  type AlertTypeSummary,
} from './alerts-store'
export { createStrategiesStore, latestBacktest, type StrategiesState, type StrategiesStore } from './strategies-store'
export { createRegimeTrainingStore, startRegimeTrainingStore, type RegimeTrainingState, type RegimeTrainingStore } from './regime-training-store'
export { createSymbolSearchStore, searchSeries, SEARCH_LIMIT, type SearchMode, type SymbolSearchState, type SymbolSearchStore } from './symbol-search-store'
export {
  barsFor24h,
  change24h,
  CHANGE_WINDOW_MS,
  createWatchlistStore,
  lastPrice,
  RISK_UNAVAILABLE,
  startWatchlistStore,
  WATCHLIST_SETTING,
  watchRows,
  type WatchChange,
  type WatchlistState,
  type WatchlistStore,
  type WatchQuote,
  type WatchRegime,
} from './watchlist-store'
