export { StoresProvider, useAlerts, useChartState, useConnection, useFeatures, useForecast, useImports, useJobs, useModels, useNavigation, useStores } from './stores-context'
