export {
  displayTimeZone,
  formatAxisTime,
  formatChange,
  formatCount,
  formatMetric,
  formatPercent,
  formatPrice,
  formatSpan,
  formatUtc,
  formatUtcShort,
  formatVolume,
  pricePrecision,
  setDisplayTimeZone,
  shortId,
  timeZoneLabel,
  type AxisLabelKind,
} from './format'
export { healthCheckText, PSI_MEANING, type HealthCheckText } from './health-check'
