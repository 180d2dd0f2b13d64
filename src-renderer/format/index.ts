export { formatChange, formatCount, formatMetric, formatPrice, formatSpan, formatUtc, formatVolume, pricePrecision, shortId } from './format'
