export { StoresProvider, useChartState, useConnection, useJobs, useNavigation, useStores } from './stores-context'
