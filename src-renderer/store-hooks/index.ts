export { StoresProvider, useAlerts, useChartState, useConnection, useFeatures, useForecast, useImports, useJobs, useModels, useNavigation, useStores, useStrategies } from './stores-context'
