export { StoresProvider, useChartState, useConnection, useForecast, useImports, useJobs, useModels, useNavigation, useStores } from './stores-context'
