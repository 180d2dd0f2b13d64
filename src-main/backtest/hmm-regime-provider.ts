/**
 * A `RegimeForecastProvider` from a registered regime HMM (DOMAIN.md §5): per symbol, the microstructure features
 * streamed bar by bar, the forward filter (never smoothed) and the ≥ 5 bar rule, exactly as live. It reports the
 * accepted regime as certain (bull → bullish, bear → bearish, range → neutral) and null until a first regime has
 * lasted 5 bars; the filtered mix behind it is `lastReading`.
 */
import type { ModelCard, Timeframe } from '../../src-shared'
import { hmmFromCard } from '../ml'
import { HmmRegimeTracker, type HmmReading } from '../predictors'
import type { FeedBar, RegimeForecastProvider, RegimeProbabilities } from '../strategies'

const AS_PROBABILITIES: Record<'bear' | 'range' | 'bull', RegimeProbabilities> = {
  bear: [1, 0, 0],
  range: [0, 1, 0],
  bull: [0, 0, 1],
}

/** True when a card describes a Gaussian HMM (`armada train hmm`). */
export function isHmmCard(card: ModelCard): boolean {
  return (card.training as { algo?: unknown } | undefined)?.algo === 'gaussian-hmm'
}

/** Regimes of one HMM version, tracked per symbol. */
export class HmmRegimeProvider implements RegimeForecastProvider {
  readonly description: string
  private readonly trackers = new Map<string, HmmRegimeTracker>()
  private readonly readings = new Map<string, HmmReading>()

  /** Throws `HmmError` when the card holds no usable HMM. */
  constructor(
    id: string,
    private readonly card: ModelCard,
  ) {
    this.description = `${card.name} ${id.slice(0, 12)} (HMM, filtered, ≥ 5 bars)`
    hmmFromCard(card)
  }

  private tracker(symbol: string, timeframe: Timeframe): HmmRegimeTracker {
    let t = this.trackers.get(symbol)
    if (!t) this.trackers.set(symbol, (t = HmmRegimeTracker.fromCard(this.card, timeframe)))
    return t
  }

  forecast(bar: FeedBar): RegimeProbabilities | null {
    const r = this.tracker(bar.symbol, bar.timeframe).update(bar)
    if (!r) return null
    this.readings.set(bar.symbol, r)
    return r.accepted ? AS_PROBABILITIES[r.accepted] : null
  }

  /** The filter's reading at the symbol's latest bar (posterior, regime mix, raw and accepted regime). */
  lastReading(symbol: string): HmmReading | undefined {
    return this.readings.get(symbol)
  }

  async dispose(): Promise<void> {
    this.trackers.clear()
  }
}
