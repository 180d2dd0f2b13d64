export { formatChange, formatCount, formatPrice, formatSpan, formatUtc, formatVolume, pricePrecision } from './format'
