/**
 * ML enhancement of a strategy's signals (DOMAIN.md §4): confidence = (base + ML probability)/2, a signal is taken
 * only at or above the strategy's threshold, and size follows the confidence tier.
 */
import type { Clock } from '../../src-shared'

/**
 * Scores a signal's 12 Battle Navale features → probability that it reaches +1R before −1R. Returns NaN when no
 * model is available at `clock.now()` (e.g. a walk-forward window before the first training). Side-effect free.
 * A registry model scored through ONNX Runtime answers with a promise; the runner waits for it before the next bar.
 */
export interface SignalQualityScorer {
  probability(features: Float64Array, symbol: string, clock: Clock): number | Promise<number>
  /** The model that answers at `clock.now()` (`name@vN`, a walk-forward window), or null when none does. */
  modelVersion?(symbol: string, clock: Clock): string | null
}

/** DOMAIN.md §4: enhanced confidence = (base + ML probability)/2; the base alone when the probability is NaN. */
export function enhancedConfidence(base: number, mlProbability: number): number {
  return mlProbability === mlProbability ? (base + mlProbability) / 2 : base
}

/** DOMAIN.md §4 size tiers: ≥ 0.85 ×1.5, ≥ 0.70 ×1.0, ≥ 0.60 ×0.5, else 0 (skip). */
export function sizeTier(confidence: number): number {
  return confidence >= 0.85 ? 1.5 : confidence >= 0.7 ? 1 : confidence >= 0.6 ? 0.5 : 0
}
