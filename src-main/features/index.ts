/**
 * Feature engine: indicator kernels (streaming + batch from one update rule), indicator spec strings, and the
 * DOMAIN.md feature sets with spec hashes. The only entry point of src-main/features.
 */
export type { BarKernel, BarRow, Kernel } from './kernel'
export { batch, emptyBarRow, snapshot } from './kernel'
export * from './averages'
export * from './oscillators'
export * from './rolling'
export * from './bar-indicators'
export {
  barsToColumns,
  computeIndicators,
  IndicatorEngine,
  IndicatorSpecError,
  INDICATOR_NAMES,
  loadRow,
  parseIndicatorSpec,
  splitSpecList,
  type IndicatorSpec,
  type IndicatorTable,
} from './indicator-spec'
