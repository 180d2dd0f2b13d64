/**
 * Drives one strategy from a feed into a broker — the same object live and in a backtest (STYLE.md rule 9):
 * bar → broker (fills) → strategy (decisions) → ML gate and sizing → orders.
 */
import type { Clock } from '../../src-shared'
import { enhancedConfidence, sizeTier, type SignalQualityScorer } from './ml-enhancement'
import type { Broker, FeedBar, Strategy, StrategyContext, StrategyDecision, StrategySignal } from './strategy'

/** Sizing and ML settings of a run. */
export interface RunnerOptions {
  /** Fraction of equity risked per trade at multiplier 1 (loss if the stop fills at its price). */
  readonly riskFraction: number
  /** Cap on position notional as a multiple of equity. */
  readonly maxLeverage: number
  /** Minimum confidence to take a signal (DOMAIN.md §4 "the strategy's threshold"). */
  readonly threshold: number
  /** ML enhancement: present = on. */
  readonly scorer?: SignalQualityScorer | undefined
}

/** Counts of what happened to signals (for reports). */
export interface SignalCounts {
  signals: number
  taken: number
  belowThreshold: number
  /** Signals scored by a model (ML on and a model available). */
  scored: number
}

/** Connects feed bars to a strategy and a broker. */
export class StrategyRunner {
  readonly counts: SignalCounts = { signals: 0, taken: 0, belowThreshold: 0, scored: 0 }
  private readonly ctx: StrategyContext

  constructor(
    private readonly strategy: Strategy,
    private readonly broker: Broker,
    private readonly clock: Clock,
    private readonly options: RunnerOptions,
  ) {
    this.ctx = { clock, position: (s) => broker.position(s) }
  }

  /** Handles one closed bar; returns a promise only when the strategy answered with one. */
  onBar(bar: FeedBar): void | Promise<void> {
    this.broker.onBar(bar)
    const d = this.strategy.onBar(bar, this.ctx)
    if (d instanceof Promise) return d.then((x) => this.apply(bar, x))
    this.apply(bar, d)
  }

  private apply(bar: FeedBar, decisions: readonly StrategyDecision[]): void {
    for (let i = 0; i < decisions.length; i++) {
      const d = decisions[i]
      if (d.kind === 'exit') {
        if (this.broker.position(d.symbol) && !this.broker.hasPending(d.symbol)) this.broker.submit({ kind: 'close', symbol: d.symbol, reason: d.reason })
      } else this.enter(bar, d.signal)
    }
  }

  private enter(bar: FeedBar, s: StrategySignal): void {
    const pos = this.broker.position(s.symbol)
    if ((pos && pos.side === s.side) || this.broker.hasPending(s.symbol)) return
    this.counts.signals++
    let p = NaN
    if (this.options.scorer && s.features) {
      p = this.options.scorer.probability(s.features, s.symbol, this.clock)
      if (p === p) this.counts.scored++
    }
    const confidence = enhancedConfidence(s.confidence, p)
    const mult = sizeTier(confidence)
    if (confidence < this.options.threshold || mult === 0 || !(s.stopDistance > 0)) {
      this.counts.belowThreshold++
      return
    }
    const equity = this.broker.equity()
    const price = bar.close
    const qty = Math.min((equity * this.options.riskFraction * mult) / s.stopDistance, (equity * this.options.maxLeverage) / price)
    if (!(qty > 0)) return
    if (pos) this.broker.submit({ kind: 'close', symbol: s.symbol, reason: 'reverse' })
    this.counts.taken++
    this.broker.submit({
      kind: 'open',
      symbol: s.symbol,
      side: s.side,
      qty,
      stopDistance: s.stopDistance,
      targetDistance: s.targetDistance,
      tag: {
        strategy: this.strategy.name,
        confidence,
        baseConfidence: s.confidence,
        mlProbability: p,
        sizeMultiplier: mult,
        signalTime: bar.time,
        reason: s.reason,
        ...(s.features ? { features: s.features } : {}),
      },
    })
  }
}
