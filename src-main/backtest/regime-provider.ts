/**
 * The regime probabilities strategies read (DOMAIN.md §1), in live nodes and in backtests alike: a series' regime
 * forecaster — the `RegimeEnsemble` the live forecast loop scores (every horizon's champion in one stacked run, with
 * its LSTM/Transformer members) — on the `regime` feature set streamed bar by bar, reporting one horizon.
 */
import type { ModelCard, Timeframe } from '../../src-shared'
import { featureStream, type FeatureStream } from '../features'
import { OnnxInferenceEngine } from '../ml'
import {
  FeatureWindow,
  loadRegimeEnsemble,
  regimeCatalogue,
  regimeSeriesKey,
  type RegimeEnsemble,
  type RegimeSlot,
} from '../predictors'
import type { ModelRegistry } from '../registry'
import type { FeedBar, RegimeForecastProvider, RegimeProbabilities } from '../strategies'

/** The §1 default horizon (bars) a strategy reads when the series has a forecaster for it. */
export const STRATEGY_REGIME_HORIZON = 12

interface SymbolState {
  stream: FeatureStream<unknown>
  readonly out: Float64Array
  window: FeatureWindow
  /** Open time of the newest bar streamed. */
  lastTime: number
  readonly ensemble: RegimeEnsemble
  /** Index of the reported horizon among the ensemble's slots. */
  readonly slot: number
  /** Output column of bearish, neutral, bullish (the reported model's class order). */
  readonly order: Int32Array
}

/** Column of each §1 class in a regime model's output, or a clear error for a model that is not a regime model. */
function classOrder(card: ModelCard): Int32Array {
  if (card.classes.length !== 3)
    throw new Error(`model ${card.name} is not a 3-class regime model (classes: ${card.classes.join(', ')})`)
  return Int32Array.from(['bearish', 'neutral', 'bullish'], (c) => {
    const k = card.classes.indexOf(c)
    if (k < 0) throw new Error(`model ${card.name} has no "${c}" class (classes: ${card.classes.join(', ')})`)
    return k
  })
}

/** Scores a series' regime forecaster per symbol; `dispose()` closes its sessions. */
export class EnsembleRegimeProvider implements RegimeForecastProvider {
  private readonly engine = new OnnxInferenceEngine({ singleThreads: 1 })
  private readonly symbols = new Map<string, SymbolState>()

  private constructor(
    private readonly registry: ModelRegistry,
    /** Slots per series: from the registry's champions, or the one version asked for. */
    private readonly slotsOf: (symbol: string, timeframe: Timeframe) => readonly RegimeSlot[],
    /** Which slot a strategy reads. */
    private readonly pick: (slots: readonly RegimeSlot[]) => number,
    readonly description: string,
  ) {}

  /**
   * The champions of `regime-<symbol>-<tf>-h<H>` of each symbol traded, as the live forecast loop scores them,
   * reporting horizon `horizon` (default 12). Read once: a later promotion needs a new provider.
   */
  static champions(registry: ModelRegistry, horizon = STRATEGY_REGIME_HORIZON): EnsembleRegimeProvider {
    const catalogue = regimeCatalogue(registry)
    return new EnsembleRegimeProvider(
      registry,
      (symbol, timeframe) => catalogue.get(regimeSeriesKey(symbol, timeframe)) ?? [],
      (slots) => slots.findIndex((m) => m.horizon === horizon),
      `regime forecaster h${horizon} (champions)`,
    )
  }

  /** One registered version, on every symbol traded (`armada backtest --regime-model`). */
  static version(registry: ModelRegistry, id: string): EnsembleRegimeProvider {
    const v = registry.get(id)
    classOrder(v.card)
    const horizon = Number(/-h([0-9]+)$/.exec(v.name)?.[1] ?? STRATEGY_REGIME_HORIZON)
    const slot: RegimeSlot = { name: v.name, horizon, versionId: id, members: [v.name], sequence: [] }
    return new EnsembleRegimeProvider(
      registry,
      () => [slot],
      () => 0,
      `${v.name} ${id.slice(0, 12)}`,
    )
  }

  /** Whether a symbol has the forecaster this provider reports (a node without one does not start). */
  has(symbol: string, timeframe: Timeframe): boolean {
    return this.pick(this.slotsOf(symbol, timeframe)) >= 0
  }

  private async state(symbol: string, timeframe: Timeframe): Promise<SymbolState> {
    let s = this.symbols.get(symbol)
    if (s) return s
    const slots = this.slotsOf(symbol, timeframe)
    const slot = this.pick(slots)
    if (slot < 0) throw new Error(`no regime forecaster for ${symbol} ${timeframe}: ${this.description}`)
    const stream = featureStream('regime', timeframe)
    const ensemble = await loadRegimeEnsemble(
      this.engine,
      this.registry,
      slots,
      stream.names,
      `regime models of ${symbol} ${timeframe}`,
    )
    const order = classOrder(this.engine.card(ensemble.slots[slot].versionId))
    s = {
      stream,
      out: new Float64Array(stream.names.length),
      window: new FeatureWindow(),
      lastTime: -Infinity,
      ensemble,
      slot,
      order,
    }
    this.symbols.set(symbol, s)
    return s
  }

  async forecast(bar: FeedBar): Promise<RegimeProbabilities | null> {
    const s = await this.state(bar.symbol, bar.timeframe)
    if (bar.time <= s.lastTime) {
      // A new pass over the bars (a backtest's ML-on run after its ML-off run): start from a fresh stream.
      s.stream = featureStream('regime', bar.timeframe)
      s.window = new FeatureWindow()
    }
    s.lastTime = bar.time
    s.stream.update(bar, undefined, s.out)
    const row = Float32Array.from(s.out)
    s.window.push(row, s.ensemble.steps)
    // Scored on every bar (the sequence members' window and the forecast loop's rows stay in step); null in warm-up.
    const p = (await s.ensemble.score(row, s.window))[s.slot]
    if (!s.out.some((v) => v === v)) return null
    return [p[s.order[0]], p[s.order[1]], p[s.order[2]]]
  }

  async dispose(): Promise<void> {
    await this.engine.dispose()
  }
}
