export { formatChange, formatCount, formatMetric, formatPrice, formatSpan, formatUtc, formatUtcShort, formatVolume, pricePrecision, shortId } from './format'
