/**
 * Regime following: long while the regime forecast (DOMAIN.md §1) says bullish, short while bearish, flat on
 * neutral. Probabilities come from a `RegimeForecastProvider` (an ONNX regime model, or anything injected);
 * without one the strategy says it needs a model instead of guessing.
 */
import { atrInit, atrUpdate, type AtrState } from '../features'
import { SignalFeatureTracker } from './signal-features'
import type { FeedBar, Strategy, StrategyContext, StrategyDecision } from './strategy'
import { NO_DECISIONS } from './strategy'

/** Class probabilities in REGIMES order: [bearish, neutral, bullish]. */
export type RegimeProbabilities = readonly [number, number, number]

/**
 * Regime probabilities at a bar's close, from data up to that close only; null while warming up. May be async
 * (an ONNX session); the feed waits for it.
 */
export interface RegimeForecastProvider {
  readonly description: string
  forecast(bar: FeedBar): RegimeProbabilities | null | Promise<RegimeProbabilities | null>
}

/** A provider from a plain function (tests, a predictor living elsewhere, precomputed series). */
export class InjectedRegimeProvider implements RegimeForecastProvider {
  constructor(
    readonly description: string,
    private readonly fn: (bar: FeedBar) => RegimeProbabilities | null,
  ) {}
  forecast(bar: FeedBar): RegimeProbabilities | null {
    return this.fn(bar)
  }
}

export interface RegimeFollowingParams {
  /** Minimum probability of the bullish/bearish class to hold that side. */
  readonly minProbability: number
  readonly stopAtr: number
  readonly targetR: number
  readonly signalFeatures: boolean
}

export const REGIME_FOLLOWING_DEFAULTS: RegimeFollowingParams = {
  minProbability: 0.5,
  stopAtr: 2,
  targetR: 3,
  signalFeatures: true,
}

/** Follows the forecast regime. */
export class RegimeFollowingStrategy implements Strategy {
  readonly name = 'regime-following'
  readonly unavailableReason: string | undefined
  private readonly params: RegimeFollowingParams
  private readonly atr = new Map<string, AtrState>()
  private readonly features = new SignalFeatureTracker()

  constructor(
    private readonly provider: RegimeForecastProvider | null,
    params: Partial<RegimeFollowingParams> = {},
  ) {
    this.params = { ...REGIME_FOLLOWING_DEFAULTS, ...params }
    this.unavailableReason = provider
      ? undefined
      : 'regime-following needs a regime model: train one (`armada train model`) or pass a registered regime model'
  }

  onBar(bar: FeedBar, ctx: StrategyContext): readonly StrategyDecision[] | Promise<readonly StrategyDecision[]> {
    if (!this.provider) throw new Error(this.unavailableReason)
    let a = this.atr.get(bar.symbol)
    if (!a) this.atr.set(bar.symbol, (a = atrInit(14)))
    const atr = atrUpdate(a, bar.high, bar.low, bar.close)
    if (this.params.signalFeatures) this.features.update(bar)
    const f = this.provider.forecast(bar)
    return f instanceof Promise ? f.then((p) => this.decide(bar, ctx, p, atr)) : this.decide(bar, ctx, f, atr)
  }

  private decide(
    bar: FeedBar,
    ctx: StrategyContext,
    p: RegimeProbabilities | null,
    atr: number,
  ): readonly StrategyDecision[] {
    if (!p || !(atr > 0)) return NO_DECISIONS
    const q = this.params
    const [bear, neutral, bull] = p
    const side =
      bull >= q.minProbability && bull > bear && bull > neutral
        ? 'long'
        : bear >= q.minProbability && bear > bull && bear > neutral
          ? 'short'
          : undefined
    const pos = ctx.position(bar.symbol)
    if (!side) return pos ? [{ kind: 'exit', symbol: bar.symbol, reason: 'regime neutral' }] : NO_DECISIONS
    if (pos && pos.side === side) return NO_DECISIONS
    const stop = q.stopAtr * atr
    return [
      {
        kind: 'enter',
        signal: {
          symbol: bar.symbol,
          side,
          confidence: Math.max(bear, bull),
          stopDistance: stop,
          targetDistance: q.targetR * stop,
          reason: `regime ${side === 'long' ? 'bullish' : 'bearish'} p=${Math.max(bear, bull).toFixed(2)}`,
          ...(q.signalFeatures ? { features: this.features.current(bar.symbol) } : {}),
        },
      },
    ]
  }
}
