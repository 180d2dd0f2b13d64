export { StoresProvider, useChartState, useConnection, useImports, useJobs, useNavigation, useStores } from './stores-context'
