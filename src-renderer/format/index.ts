export { formatChange, formatCount, formatMetric, formatPercent, formatPrice, formatSpan, formatUtc, formatUtcShort, formatVolume, pricePrecision, shortId } from './format'
export { healthCheckText, PSI_MEANING, type HealthCheckText } from './health-check'
