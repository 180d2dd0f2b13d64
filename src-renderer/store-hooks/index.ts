export { StoresProvider, useChartState, useConnection, useImports, useJobs, useModels, useNavigation, useStores } from './stores-context'
