/**
 * The Bayesian strategy switcher (DOMAIN.md §5). Each member strategy trades on paper beside it; each of its entry
 * signals is resolved `horizon` bars later (hit when the close moved its way) into a Beta(α, β) posterior of its hit
 * rate, one per regime when a regime provider (the HMM) is given. Weights = posterior means renormalised with a floor
 * of 0.05; decision = Σ w_m·signal_m·(1 + 0.1·imbalance + 0.1·aggressiveness), ×1.2 in bull, ×0.8 in bear, with
 * signal_m the member's paper position (+1 long, −1 short, 0 flat). |decision| ≥ threshold opens that side; a decision
 * that no longer backs the open side closes it.
 */
import {
  atrInit,
  atrUpdate,
  featureStream,
  MICROSTRUCTURE_FEATURES,
  type AtrState,
  type FeatureStream,
} from '../features'
import type { RegimeForecastProvider, RegimeProbabilities } from './regime-following-strategy'
import { SignalFeatureTracker } from './signal-features'
import type { FeedBar, PositionView, Side, Strategy, StrategyContext, StrategyDecision } from './strategy'
import { NO_DECISIONS } from './strategy'

export interface SwitcherParams {
  /** |decision| at or above this opens that side. */
  readonly threshold: number
  /** Bars after which a member's signal is resolved as hit or miss. */
  readonly horizon: number
  readonly stopAtr: number
  readonly targetR: number
  readonly signalFeatures: boolean
}

export const SWITCHER_DEFAULTS: SwitcherParams = {
  threshold: 0.3,
  horizon: 12,
  stopAtr: 2,
  targetR: 3,
  signalFeatures: true,
}

/** Floor of each member's weight (DOMAIN.md §5). */
export const SWITCHER_WEIGHT_FLOOR = 0.05

/** Regime a switcher weighs by: the HMM's (bull/bear/range), or `all` without a regime provider. */
export type SwitcherRegime = 'bull' | 'bear' | 'range' | 'all'

/**
 * Posterior means renormalised with a floor: members whose share would fall below `floor` get exactly `floor`, the
 * rest share what is left in proportion to their means (water-filling). Sums to 1.
 */
export function flooredWeights(means: readonly number[], floor = SWITCHER_WEIGHT_FLOOR): number[] {
  const n = means.length
  if (n * floor > 1) throw new RangeError(`a floor of ${floor} cannot hold for ${n} members`)
  const pinned = new Array<boolean>(n).fill(false)
  for (;;) {
    let free = 1
    let sum = 0
    for (let i = 0; i < n; i++) if (pinned[i]) free -= floor
    for (let i = 0; i < n; i++) if (!pinned[i]) sum += means[i]
    const w = means.map((m, i) => (pinned[i] ? floor : sum > 0 ? (free * m) / sum : free / (n - count(pinned))))
    const low = w.findIndex((v, i) => !pinned[i] && v < floor)
    if (low < 0) return w
    pinned[low] = true
  }
}

const count = (xs: readonly boolean[]) => xs.filter(Boolean).length

/** One member's Beta posterior (prior Beta(1, 1)). */
interface Posterior {
  alpha: number
  beta: number
}

interface PaperPosition {
  side: Side
  entry: number
  stop: number
  target: number
  time: number
}

interface PendingSignal {
  readonly member: number
  readonly side: Side
  readonly close: number
  readonly regime: SwitcherRegime
  readonly due: number
}

interface SymbolState {
  readonly paper: (PaperPosition | undefined)[]
  readonly pending: PendingSignal[]
  readonly micro: FeatureStream<unknown>
  readonly microOut: Float64Array
  readonly atr: AtrState
  bars: number
}

/** One bar's weights, for the weights' history. */
export interface SwitcherWeights {
  readonly time: number
  readonly symbol: string
  readonly regime: SwitcherRegime
  readonly weights: readonly number[]
  readonly decision: number
}

const IMBALANCE = MICROSTRUCTURE_FEATURES.indexOf('orderflow_imbalance')
const AGGRESSIVENESS = MICROSTRUCTURE_FEATURES.indexOf('trade_aggressiveness')

/** Caches one forecast per (symbol, bar), so the switcher and a regime-following member read the provider once. */
class OncePerBarRegime implements RegimeForecastProvider {
  readonly description: string
  private readonly last = new Map<string, { time: number; p: Promise<RegimeProbabilities | null> }>()
  constructor(private readonly inner: RegimeForecastProvider) {
    this.description = inner.description
  }
  forecast(bar: FeedBar): Promise<RegimeProbabilities | null> {
    const hit = this.last.get(bar.symbol)
    if (hit && hit.time === bar.time) return hit.p
    const p = Promise.resolve(this.inner.forecast(bar))
    this.last.set(bar.symbol, { time: bar.time, p })
    return p
  }
}

/** The switcher over member strategies (built by `createStrategy('switcher', …)` from the shipped ones). */
export class SwitcherStrategy implements Strategy {
  readonly name = 'switcher'
  private readonly params: SwitcherParams
  private readonly states = new Map<string, SymbolState>()
  private readonly posteriors = new Map<SwitcherRegime, Posterior[]>()
  private readonly features = new SignalFeatureTracker()
  private readonly regime: OncePerBarRegime | null
  private readonly history: SwitcherWeights[] = []
  readonly members: readonly Strategy[]

  /**
   * `members` are built with `regime` (the same cached provider) when they need one; without a provider the switcher
   * keeps one posterior per member.
   */
  constructor(
    members: (regime: RegimeForecastProvider | null) => readonly Strategy[],
    regime: RegimeForecastProvider | null = null,
    params: Partial<SwitcherParams> = {},
    /** `equalWeights`: the equal-weight vote (weights fixed at 1/M, the same decision rule), a baseline. */
    private readonly options: { readonly equalWeights?: boolean } = {},
  ) {
    this.params = { ...SWITCHER_DEFAULTS, ...params }
    this.regime = regime ? new OncePerBarRegime(regime) : null
    this.members = members(this.regime)
    if (this.members.length === 0) throw new RangeError('switcher: no member strategies')
  }

  /** Current weights in a regime (member order); the regime is `all` without a regime provider. */
  weights(regime: SwitcherRegime = 'all'): number[] {
    if (this.options.equalWeights) return this.members.map(() => 1 / this.members.length)
    const post = this.posterior(regime)
    return flooredWeights(post.map((p) => p.alpha / (p.alpha + p.beta)))
  }

  /** Weights at every bar so far, oldest first (the weights' history). */
  weightHistory(): readonly SwitcherWeights[] {
    return this.history
  }

  private posterior(regime: SwitcherRegime): Posterior[] {
    let p = this.posteriors.get(regime)
    if (!p) this.posteriors.set(regime, (p = this.members.map(() => ({ alpha: 1, beta: 1 }))))
    return p
  }

  private state(symbol: string, bar: FeedBar): SymbolState {
    let s = this.states.get(symbol)
    if (!s) {
      const micro = featureStream('microstructure', bar.timeframe)
      s = {
        paper: this.members.map(() => undefined),
        pending: [],
        micro,
        microOut: new Float64Array(micro.names.length),
        atr: atrInit(14),
        bars: 0,
      }
      this.states.set(symbol, s)
    }
    return s
  }

  async onBar(bar: FeedBar, ctx: StrategyContext): Promise<readonly StrategyDecision[]> {
    const s = this.state(bar.symbol, bar)
    s.bars++
    s.micro.update(bar, undefined, s.microOut)
    const atr = atrUpdate(s.atr, bar.high, bar.low, bar.close)
    if (this.params.signalFeatures) this.features.update(bar)
    const p = this.regime ? await this.regime.forecast(bar) : null
    const regime: SwitcherRegime = !this.regime
      ? 'all'
      : !p
        ? 'range'
        : p[2] >= p[0] && p[2] >= p[1]
          ? 'bull'
          : p[0] >= p[1]
            ? 'bear'
            : 'range'
    this.resolve(s, bar)
    this.closeTouched(s, bar)
    for (let m = 0; m < this.members.length; m++) await this.runMember(m, s, bar, ctx, regime)
    const w = this.weights(regime)
    const imbalance = finiteOr0(s.microOut[IMBALANCE])
    const aggressiveness = finiteOr0(s.microOut[AGGRESSIVENESS])
    let vote = 0
    for (let m = 0; m < this.members.length; m++) {
      const side = s.paper[m]?.side
      vote += w[m] * (side === 'long' ? 1 : side === 'short' ? -1 : 0)
    }
    // DOMAIN.md §5.
    const decision =
      vote * (1 + 0.1 * imbalance + 0.1 * aggressiveness) * (regime === 'bull' ? 1.2 : regime === 'bear' ? 0.8 : 1)
    this.history.push({ time: bar.time, symbol: bar.symbol, regime, weights: w, decision })
    return this.decide(bar, ctx, decision, w, regime, atr)
  }

  private decide(
    bar: FeedBar,
    ctx: StrategyContext,
    decision: number,
    w: readonly number[],
    regime: SwitcherRegime,
    atr: number,
  ): readonly StrategyDecision[] {
    const q = this.params
    const pos = ctx.position(bar.symbol)
    const side: Side | undefined = decision >= q.threshold ? 'long' : decision <= -q.threshold ? 'short' : undefined
    if (!side) {
      const backs = pos && (pos.side === 'long' ? decision > 0 : decision < 0)
      return pos && !backs ? [{ kind: 'exit', symbol: bar.symbol, reason: 'switcher vote turned' }] : NO_DECISIONS
    }
    if ((pos && pos.side === side) || !(atr > 0)) return NO_DECISIONS
    const stop = q.stopAtr * atr
    const named = this.members.map((m, i) => `${m.name} ${w[i].toFixed(2)}`).join(', ')
    return [
      {
        kind: 'enter',
        signal: {
          symbol: bar.symbol,
          side,
          confidence: Math.min(1, Math.abs(decision)),
          stopDistance: stop,
          targetDistance: q.targetR * stop,
          reason: `switcher ${decision.toFixed(2)} (${regime}; ${named})`,
          score: decision,
          ...(q.signalFeatures ? { features: this.features.current(bar.symbol) } : {}),
        },
      },
    ]
  }

  /** Signals whose horizon has passed: hit when the close moved their way since the signal. */
  private resolve(s: SymbolState, bar: FeedBar): void {
    let keep = 0
    for (const sig of s.pending) {
      if (sig.due > s.bars) {
        s.pending[keep++] = sig
        continue
      }
      const moved = (bar.close - sig.close) * (sig.side === 'long' ? 1 : -1)
      const post = this.posterior(sig.regime)[sig.member]
      if (moved > 0) post.alpha++
      else post.beta++
    }
    s.pending.length = keep
  }

  /** Paper positions whose stop or target this bar touched are closed (stop first when both). */
  private closeTouched(s: SymbolState, bar: FeedBar): void {
    for (let m = 0; m < s.paper.length; m++) {
      const p = s.paper[m]
      if (!p) continue
      const stopped = p.side === 'long' ? bar.low <= p.stop : bar.high >= p.stop
      const reached = p.side === 'long' ? bar.high >= p.target : bar.low <= p.target
      if (stopped || reached) s.paper[m] = undefined
    }
  }

  private async runMember(
    m: number,
    s: SymbolState,
    bar: FeedBar,
    ctx: StrategyContext,
    regime: SwitcherRegime,
  ): Promise<void> {
    const paper = s.paper[m]
    const view: PositionView | undefined = paper && {
      symbol: bar.symbol,
      side: paper.side,
      qty: 1,
      entryPrice: paper.entry,
      entryTime: paper.time,
      stop: paper.stop,
      target: paper.target,
    }
    const memberCtx: StrategyContext = { clock: ctx.clock, position: (sym) => (sym === bar.symbol ? view : undefined) }
    for (const d of await this.members[m].onBar(bar, memberCtx)) {
      if (d.kind === 'exit') s.paper[m] = undefined
      else {
        const { side, stopDistance, targetDistance } = d.signal
        const sign = side === 'long' ? 1 : -1
        s.paper[m] = {
          side,
          entry: bar.close,
          stop: bar.close - sign * stopDistance,
          target: bar.close + sign * targetDistance,
          time: bar.time,
        }
        s.pending.push({ member: m, side, close: bar.close, regime, due: s.bars + this.params.horizon })
      }
    }
  }
}

function finiteOr0(x: number): number {
  return Number.isFinite(x) ? x : 0
}
