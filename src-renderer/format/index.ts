export { formatChange, formatCount, formatMetric, formatPercent, formatPrice, formatSpan, formatUtc, formatUtcShort, formatVolume, pricePrecision, shortId } from './format'
