/**
 * Drives one strategy from a feed into a broker — the same object live and in a backtest (STYLE.md rule 9):
 * bar → broker (fills) → strategy (decisions) → ML gate and sizing → orders. Every entry signal is reported to
 * `onSignal`, taken or skipped with the reason, so the live node and a backtest store the same records.
 */
import { SKIP_REASONS, type Clock, type SignalRecord } from '../../src-shared'
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
  /** Venue written into signal records (the feed's bars carry symbol and timeframe only). */
  readonly venue?: string
  /** Receives every entry signal with what the runner did with it. */
  readonly onSignal?: (record: SignalRecord) => void
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
  /** The scorer in use; swapped live by `setScorer` (the ML switch, a new champion). */
  private scorer: SignalQualityScorer | undefined

  constructor(
    private readonly strategy: Strategy,
    private readonly broker: Broker,
    private readonly clock: Clock,
    private readonly options: RunnerOptions,
  ) {
    this.ctx = { clock, position: (s) => broker.position(s) }
    this.scorer = options.scorer
  }

  /** Turns ML enhancement on (a scorer) or off (undefined) from the next signal on. */
  setScorer(scorer: SignalQualityScorer | undefined): void {
    this.scorer = scorer
  }

  /** Handles one closed bar; returns a promise only when the strategy or the scorer answered with one. */
  onBar(bar: FeedBar): void | Promise<void> {
    this.broker.onBar(bar)
    const d = this.strategy.onBar(bar, this.ctx)
    if (d instanceof Promise) return d.then((x) => this.apply(bar, x))
    return this.apply(bar, d)
  }

  private apply(bar: FeedBar, decisions: readonly StrategyDecision[], from = 0): void | Promise<void> {
    for (let i = from; i < decisions.length; i++) {
      const d = decisions[i]
      if (d.kind === 'exit') {
        if (this.broker.position(d.symbol) && !this.broker.hasPending(d.symbol))
          this.broker.submit({ kind: 'close', symbol: d.symbol, reason: d.reason })
        continue
      }
      const pending = this.enter(bar, d.signal)
      if (pending) return pending.then(() => this.apply(bar, decisions, i + 1))
    }
  }

  private enter(bar: FeedBar, s: StrategySignal): void | Promise<void> {
    const pos = this.broker.position(s.symbol)
    if ((pos && pos.side === s.side) || this.broker.hasPending(s.symbol)) {
      this.record(
        bar,
        s,
        NaN,
        this.broker.hasPending(s.symbol) ? SKIP_REASONS.pending : SKIP_REASONS.sameSide,
        this.scorer !== undefined,
      )
      return
    }
    this.counts.signals++
    const scorer = this.scorer
    if (!scorer || !s.features) return this.decide(bar, s, NaN)
    const p = scorer.probability(s.features, s.symbol, this.clock)
    if (p instanceof Promise) return p.then((q) => this.decide(bar, s, q, scorer))
    this.decide(bar, s, p, scorer)
  }

  private decide(bar: FeedBar, s: StrategySignal, p: number, scorer?: SignalQualityScorer): void {
    if (p === p) this.counts.scored++
    const version = scorer?.modelVersion?.(s.symbol, this.clock) ?? null
    const confidence = enhancedConfidence(s.confidence, p)
    const mult = sizeTier(confidence)
    const skip =
      confidence < this.options.threshold
        ? SKIP_REASONS.belowThreshold
        : mult === 0
          ? SKIP_REASONS.zeroTier
          : !(s.stopDistance > 0)
            ? SKIP_REASONS.noStop
            : undefined
    if (skip) {
      this.counts.belowThreshold++
      this.record(bar, s, p, skip, scorer !== undefined, version)
      return
    }
    const equity = this.broker.equity()
    const qty = Math.min(
      (equity * this.options.riskFraction * mult) / s.stopDistance,
      (equity * this.options.maxLeverage) / bar.close,
    )
    if (!(qty > 0)) {
      this.record(bar, s, p, SKIP_REASONS.noSize, scorer !== undefined, version)
      return
    }
    if (this.broker.position(s.symbol)) this.broker.submit({ kind: 'close', symbol: s.symbol, reason: 'reverse' })
    this.counts.taken++
    this.record(bar, s, p, undefined, scorer !== undefined, version)
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

  /** Reports a signal; `skip` undefined = taken. */
  private record(
    bar: FeedBar,
    s: StrategySignal,
    p: number,
    skip: string | undefined,
    ml: boolean,
    version: string | null = null,
  ): void {
    const listener = this.options.onSignal
    if (!listener) return
    const confidence = enhancedConfidence(s.confidence, p)
    listener({
      time: bar.time,
      symbol: s.symbol,
      venue: this.options.venue ?? '',
      timeframe: bar.timeframe,
      strategy: this.strategy.name,
      side: s.side,
      score: s.score ?? NaN,
      baseConfidence: s.confidence,
      mlProbability: p,
      enhancedConfidence: confidence,
      tier: sizeTier(confidence),
      outcome: skip === undefined ? 'taken' : 'skipped',
      reason: skip ?? s.reason,
      ml,
      modelVersion: version,
    })
  }
}
