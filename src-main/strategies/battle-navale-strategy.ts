/**
 * Battle Navale (DOMAIN.md §4): Vikings vs Défenseurs, bases and the golden rule give the centred signal
 * s = `sierra_pattern_strength` of the battle-navale feature set; LONG if s > 0.25, SHORT if s < −0.25.
 * Two-bar patterns (Long Down-Up, Long Up-Down) are reported on the close of their second bar, never guessed.
 */
import * as features from '../features'
import type { AtrState, BarRow, FeatureStep, MarketContext } from '../features'
import type { FeedBar, Strategy, StrategyContext, StrategyDecision } from './strategy'
import { NO_DECISIONS } from './strategy'

// Bound once at load: tsx/vitest compile named imports into getter calls, which cost ~10 ns in hot loops.
const { atrInit, atrUpdate, emptyBarRow, emptyContext, featureStep } = features

/** Parameters; distances in ATR14 multiples. */
export interface BattleNavaleStrategyParams {
  /** |s| above this opens a trade (DOMAIN.md: 0.25). */
  readonly signalThreshold: number
  /** Stop distance R = stopAtr × ATR14 at the signal bar. */
  readonly stopAtr: number
  /** Target at targetR × R. */
  readonly targetR: number
  /** Time exit after this many bars in a position (0 = none). */
  readonly maxHoldBars: number
}

export const BATTLE_NAVALE_DEFAULTS: BattleNavaleStrategyParams = {
  signalThreshold: 0.25,
  stopAtr: 1.5,
  targetR: 2,
  maxHoldBars: 48,
}

/** Number of DOMAIN.md §4 features a signal carries (the first 12 of the set; the rest are missing flags). */
export const SIGNAL_FEATURE_COUNT = 12

/** Signals whose feature copies share one ArrayBuffer (see `BattleNavaleStrategy.signalFeatures`). */
const SIGNALS_PER_BLOCK = 256

/** A two-bar pattern confirmed on the close of its second bar. */
export type NavalePattern = 'long-down-up' | 'long-up-down'

interface SymbolState {
  readonly step: FeatureStep<unknown>
  readonly features: unknown
  readonly row: BarRow
  readonly ctx: MarketContext
  readonly atr: AtrState
  readonly out: Float64Array
  prevAtr: number
  prevOpen: number
  prevHigh: number
  prevLow: number
  prevClose: number
  held: number
}

/**
 * The two-bar pattern completed by bar (o, h, l, c), given the previous bar and the ATR before it: a long bar
 * (body/range > 0.6 and range ≥ ATR) followed by a bar of the other colour closing beyond its midpoint.
 */
export function navalePattern(
  prev: { open: number; high: number; low: number; close: number },
  prevAtr: number,
  o: number,
  c: number,
): NavalePattern | undefined {
  const range = prev.high - prev.low
  if (!(range > 0) || !(range >= prevAtr) || Math.abs(prev.close - prev.open) / range <= 0.6) return undefined
  const mid = (prev.high + prev.low) / 2
  if (prev.close < prev.open && c > o && c > mid) return 'long-down-up'
  if (prev.close > prev.open && c < o && c < mid) return 'long-up-down'
  return undefined
}

/** The Battle Navale strategy; one feature stream per symbol. */
export class BattleNavaleStrategy implements Strategy {
  readonly name = 'battle-navale'
  private readonly params: BattleNavaleStrategyParams
  private readonly states = new Map<string, SymbolState>()
  /** The pattern confirmed on the latest bar of each symbol (reported in signal reasons). */
  readonly lastPattern = new Map<string, NavalePattern | undefined>()
  private block = new ArrayBuffer(0)
  private blockUsed = 0

  constructor(params: Partial<BattleNavaleStrategyParams> = {}) {
    this.params = { ...BATTLE_NAVALE_DEFAULTS, ...params }
  }

  private state(bar: FeedBar): SymbolState {
    let s = this.states.get(bar.symbol)
    if (!s) {
      // The feature step itself (FeatureStream without its per-bar context copy): same values, no optional inputs.
      const step = featureStep('battle-navale', bar.timeframe)
      s = {
        step,
        features: step.init(),
        row: emptyBarRow(),
        ctx: emptyContext(),
        atr: atrInit(14),
        out: new Float64Array(step.definition.features.length),
        prevAtr: NaN,
        prevOpen: NaN,
        prevHigh: NaN,
        prevLow: NaN,
        prevClose: NaN,
        held: 0,
      }
      this.states.set(bar.symbol, s)
    }
    return s
  }

  /**
   * A copy of the first 12 features, as a view into a block shared with the next signals: an ArrayBuffer per signal
   * (`slice`) cost ~0.3 µs each and most of the garbage collection of a 1M-bar backtest (200k signals).
   */
  private signalFeatures(out: Float64Array): Float64Array {
    const bytes = SIGNAL_FEATURE_COUNT * Float64Array.BYTES_PER_ELEMENT
    if (this.blockUsed === this.block.byteLength) {
      this.block = new ArrayBuffer(SIGNALS_PER_BLOCK * bytes)
      this.blockUsed = 0
    }
    const copy = new Float64Array(this.block, this.blockUsed, SIGNAL_FEATURE_COUNT)
    for (let k = 0; k < SIGNAL_FEATURE_COUNT; k++) copy[k] = out[k]
    this.blockUsed += bytes
    return copy
  }

  onBar(bar: FeedBar, ctx: StrategyContext): readonly StrategyDecision[] {
    const st = this.state(bar)
    const out = st.out
    const row = st.row
    row.time = bar.time
    row.open = bar.open
    row.high = bar.high
    row.low = bar.low
    row.close = bar.close
    row.volume = bar.volume
    row.takerBuyVolume = bar.takerBuyVolume ?? NaN
    st.step.step(st.features, row, st.ctx, out)
    const atr = atrUpdate(st.atr, bar.high, bar.low, bar.close)
    const pattern =
      st.prevClose === st.prevClose
        ? navalePattern(
            { open: st.prevOpen, high: st.prevHigh, low: st.prevLow, close: st.prevClose },
            st.prevAtr,
            bar.open,
            bar.close,
          )
        : undefined
    this.lastPattern.set(bar.symbol, pattern)
    st.prevOpen = bar.open
    st.prevHigh = bar.high
    st.prevLow = bar.low
    st.prevClose = bar.close
    st.prevAtr = atr
    const pos = ctx.position(bar.symbol)
    st.held = pos ? st.held + 1 : 0
    const s = out[1]
    const p = this.params
    const side = s > p.signalThreshold ? 'long' : s < -p.signalThreshold ? 'short' : undefined
    if (side && atr > 0 && (!pos || pos.side !== side)) {
      const stop = p.stopAtr * atr
      return [
        {
          kind: 'enter',
          signal: {
            symbol: bar.symbol,
            side,
            // DOMAIN.md §4 centres the score: s = 2q − 1; the signal's confidence is the uncentred score of its side.
            confidence: (1 + Math.abs(s)) / 2,
            stopDistance: stop,
            targetDistance: p.targetR * stop,
            reason: pattern ?? 'battle',
            score: s,
            features: this.signalFeatures(out),
          },
        },
      ]
    }
    if (pos && p.maxHoldBars > 0 && st.held >= p.maxHoldBars)
      return [{ kind: 'exit', symbol: bar.symbol, reason: 'time' }]
    return NO_DECISIONS
  }
}
