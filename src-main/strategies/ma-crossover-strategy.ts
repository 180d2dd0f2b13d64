/**
 * Moving-average crossover baseline: long when the fast SMA crosses above the slow one, short on the cross
 * below; stop at stopAtr × ATR14, target at targetR × R. Confidence is a constant (no score to speak of).
 */
import { atrInit, atrUpdate, smaInit, smaUpdate, type AtrState, type SmaState } from '../features'
import { SignalFeatureTracker } from './signal-features'
import type { FeedBar, Strategy, StrategyContext, StrategyDecision } from './strategy'
import { NO_DECISIONS } from './strategy'

export interface MaCrossoverParams {
  readonly fast: number
  readonly slow: number
  readonly stopAtr: number
  readonly targetR: number
  /** Confidence given to every crossover signal. */
  readonly confidence: number
  /** Carry the 12 Battle Navale features on signals (needed for ML enhancement). */
  readonly signalFeatures: boolean
}

export const MA_CROSSOVER_DEFAULTS: MaCrossoverParams = {
  fast: 20,
  slow: 50,
  stopAtr: 2,
  targetR: 3,
  confidence: 0.75,
  signalFeatures: true,
}

interface SymbolState {
  readonly fast: SmaState
  readonly slow: SmaState
  readonly atr: AtrState
  prevDiff: number
}

/** The crossover baseline. */
export class MaCrossoverStrategy implements Strategy {
  readonly name = 'ma-crossover'
  private readonly params: MaCrossoverParams
  private readonly states = new Map<string, SymbolState>()
  private readonly features = new SignalFeatureTracker()

  constructor(params: Partial<MaCrossoverParams> = {}) {
    this.params = { ...MA_CROSSOVER_DEFAULTS, ...params }
    if (!(this.params.fast < this.params.slow))
      throw new RangeError(`ma-crossover: fast (${this.params.fast}) must be below slow (${this.params.slow})`)
  }

  onBar(bar: FeedBar, _ctx: StrategyContext): readonly StrategyDecision[] {
    const p = this.params
    let st = this.states.get(bar.symbol)
    if (!st) {
      st = { fast: smaInit(p.fast), slow: smaInit(p.slow), atr: atrInit(14), prevDiff: NaN }
      this.states.set(bar.symbol, st)
    }
    if (p.signalFeatures) this.features.update(bar)
    const diff = smaUpdate(st.fast, bar.close) - smaUpdate(st.slow, bar.close)
    const atr = atrUpdate(st.atr, bar.high, bar.low, bar.close)
    const prev = st.prevDiff
    st.prevDiff = diff
    if (!(prev === prev && diff === diff && atr > 0)) return NO_DECISIONS
    const side = prev <= 0 && diff > 0 ? 'long' : prev >= 0 && diff < 0 ? 'short' : undefined
    if (!side) return NO_DECISIONS
    const stop = p.stopAtr * atr
    return [
      {
        kind: 'enter',
        signal: {
          symbol: bar.symbol,
          side,
          confidence: p.confidence,
          stopDistance: stop,
          targetDistance: p.targetR * stop,
          reason: `sma${p.fast} ${side === 'long' ? 'above' : 'below'} sma${p.slow}`,
          ...(p.signalFeatures ? { features: this.features.current(bar.symbol) } : {}),
        },
      },
    ]
  }
}
