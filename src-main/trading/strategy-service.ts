/**
 * The live strategies of a workstation: one `LiveStrategyNode` per enabled (strategy, series), the ML switch of
 * each strategy (setting `strategies.ml`) acting from the next signal on, the `champion` signal-quality model of
 * each node's series as its scorer, and every signal stored and published.
 */
import {
  canonicalSymbol,
  canonicalVenue,
  isTimeframe,
  symbolKey,
  venueKey,
  venuesStoring,
  STRATEGY_ML_SETTING,
  strategyInfo,
  strategyMlSwitches,
  validateStrategyParams,
  type LiveStrategySpec,
  type PaperAccount,
  type SignalRecord,
  type SignalsQuery,
} from '../../src-shared'
import type { EngineConfig } from '../backtest'
import { EnsembleRegimeProvider, signalQualityModelName } from '../backtest'
import type { OnnxInferenceEngine } from '../ml'
import { RegistrySignalScorer } from '../predictors'
import type { ModelRegistry } from '../registry'
import type { SqliteBarStore, SqliteSettingsStore, SqliteSignalStore, StoredSignal } from '../store'
import { LiveStrategyNode, strategyNodeKey, type NodeMl } from './strategy-node'

/** Setting key of the enabled live strategies: `LiveStrategySpec[]`. */
export const LIVE_STRATEGIES_SETTING = 'strategies.live'

/** What the service reads and writes. */
export interface StrategyServiceDeps {
  readonly bars: SqliteBarStore
  readonly signals: SqliteSignalStore
  readonly settings: SqliteSettingsStore
  readonly registry: ModelRegistry
  readonly engine: OnnxInferenceEngine
  /** A new signal (stored), `warmUp` true for those of the history replayed at start. */
  readonly publish: (signal: StoredSignal, warmUp: boolean) => void
  readonly engineConfig?: EngineConfig
  readonly warmupBars?: number
  /** Each live closed bar's latency through a node (seconds), for the metrics histogram. */
  readonly onLatency?: (seconds: number) => void
}

/** Thrown for a spec that cannot run (unknown strategy, bad parameters, no stored bars). */
export class StrategySpecError extends Error {}

/** Checks a spec and fills its defaults; throws `StrategySpecError` naming the field. */
export function normaliseSpec(spec: LiveStrategySpec): LiveStrategySpec {
  const info = strategyInfo(spec.strategy)
  if (!info) throw new StrategySpecError(`unknown strategy "${spec.strategy}"`)
  if (!spec.symbol) throw new StrategySpecError('a live strategy needs a symbol')
  if (!isTimeframe(spec.timeframe)) throw new StrategySpecError(`unknown timeframe "${String(spec.timeframe)}"`)
  const check = validateStrategyParams(info.name, spec.params ?? {})
  if (!check.ok)
    throw new StrategySpecError(
      `${spec.strategy} parameters: ${check.errors.map((e) => (e.param ? `${e.param}: ${e.message}` : e.message)).join('; ')}`,
    )
  return {
    strategy: info.name,
    symbol: canonicalSymbol(spec.symbol),
    venue: canonicalVenue(spec.venue),
    timeframe: spec.timeframe,
    ...(spec.params && Object.keys(spec.params).length ? { params: spec.params } : {}),
  }
}

/** Runs the enabled strategies on the core's closed bars. */
export class StrategyService {
  private readonly nodes = new Map<string, LiveStrategyNode>()
  private scorers = new Map<string, RegistrySignalScorer>()
  private readonly regimeProviders: EnsembleRegimeProvider[] = []

  constructor(private readonly deps: StrategyServiceDeps) {}

  /** The enabled specs as stored. */
  specs(): LiveStrategySpec[] {
    return this.deps.settings.getList<LiveStrategySpec>(LIVE_STRATEGIES_SETTING)
  }

  /** Starts a node for every stored spec (a spec that no longer runs is skipped with its reason on stderr). */
  async start(extra: readonly LiveStrategySpec[] = []): Promise<void> {
    const all = [...this.specs()]
    for (const given of extra)
      try {
        // A spec given without a venue (`serve --strategies` with no feed) runs on the venue storing its series.
        const venue =
          given.venue || venuesStoring(this.deps.bars.listSeries(), symbolKey(given.symbol), given.timeframe)[0]
        if (!venue) throw new StrategySpecError(`no stored ${given.symbol} ${given.timeframe} bars and no venue given`)
        const s = normaliseSpec({ ...given, venue })
        if (!all.some((a) => strategyNodeKey(a) === strategyNodeKey(s))) all.push(s)
      } catch (err) {
        console.error(`[armada] live strategy ${strategyNodeKey(given)} not started: ${(err as Error).message}`)
      }
    if (all.length !== this.specs().length) this.deps.settings.set(LIVE_STRATEGIES_SETTING, all)
    for (const s of all)
      try {
        await this.startNode(normaliseSpec(s))
      } catch (err) {
        console.error(`[armada] live strategy ${strategyNodeKey(s)} not started: ${(err as Error).message}`)
      }
  }

  /** Enables (or re-parameterises) a strategy on a series: stored, warmed up, live from the next bar. */
  async enable(spec: LiveStrategySpec): Promise<PaperAccount> {
    const s = normaliseSpec(spec)
    const key = strategyNodeKey(s)
    if (this.deps.bars.count({ symbol: s.symbol, venue: s.venue, timeframe: s.timeframe }) === 0)
      throw new StrategySpecError(`no stored ${s.symbol} ${s.venue} ${s.timeframe} bars to run ${s.strategy} on`)
    this.nodes.delete(key)
    this.deps.settings.set(LIVE_STRATEGIES_SETTING, [...this.specs().filter((x) => strategyNodeKey(x) !== key), s])
    const node = await this.startNode(s)
    return node.account()
  }

  /** Stops a strategy on a series (its stored signals stay). */
  disable(spec: Pick<LiveStrategySpec, 'strategy' | 'symbol' | 'venue' | 'timeframe'>): boolean {
    const key = strategyNodeKey({ ...spec, symbol: symbolKey(spec.symbol), venue: venueKey(spec.venue) })
    this.deps.settings.set(
      LIVE_STRATEGIES_SETTING,
      this.specs().filter((x) => strategyNodeKey(x) !== key),
    )
    return this.nodes.delete(key)
  }

  private async startNode(s: LiveStrategySpec): Promise<LiveStrategyNode> {
    const key = strategyNodeKey(s)
    const regime = s.strategy === 'regime-following' ? this.regimeProvider(s) : null
    const node = new LiveStrategyNode(
      s,
      {
        bars: this.deps.bars,
        regime,
        onSignal: (r, warm) => this.onSignal(r, warm),
        ...(this.deps.onLatency ? { onLatency: this.deps.onLatency } : {}),
      },
      this.deps.engineConfig,
    )
    this.nodes.set(key, node)
    await node.setMl(this.mlSwitch(s.strategy), this.mlFor(s))
    await node.warmUp({ warmupBars: this.deps.warmupBars })
    return node
  }

  /**
   * The regime forecaster a regime-following node reads: the series' regime champions scored by the same
   * `RegimeEnsemble` as the live forecast loop (its h12 forecast), through the `EnsembleRegimeProvider` that
   * `armada backtest --strategy regime-following` reads too. Null without one (the strategy then says it needs a
   * regime model and the node does not start).
   */
  private regimeProvider(s: LiveStrategySpec): EnsembleRegimeProvider | null {
    const provider = EnsembleRegimeProvider.champions(this.deps.registry)
    if (!provider.has(s.symbol, s.timeframe)) return null
    this.regimeProviders.push(provider)
    return provider
  }

  /** The version id holding `champion` of a model name, or undefined (no such model, or no champion). */
  private champion(name: string): string | undefined {
    return this.deps.registry.hasModel(name) ? this.deps.registry.aliases(name).champion : undefined
  }

  private onSignal(r: SignalRecord, warmUp: boolean): void {
    const id = this.deps.signals.insert(r)
    if (id !== undefined) this.deps.publish({ ...r, id }, warmUp)
  }

  private mlSwitch(strategy: string): boolean {
    return strategyMlSwitches(this.deps.settings.get(STRATEGY_ML_SETTING))[strategy] ?? false
  }

  /** The scorer of a node's series: the champion signal-quality model, or why there is none. */
  private mlFor(s: LiveStrategySpec): NodeMl {
    if (!this.mlSwitch(s.strategy)) return { scorer: undefined, note: 'ML off' }
    const name = signalQualityModelName(s.strategy, s.symbol, s.timeframe)
    const id = this.champion(name)
    if (!id) return { scorer: undefined, note: `ML on, no model: acting as off (no champion of ${name})` }
    let scorer = this.scorers.get(id)
    if (!scorer) {
      scorer = new RegistrySignalScorer(this.deps.engine, this.deps.registry, id)
      this.scorers.set(id, scorer)
    }
    return { scorer, note: `ML on: ${scorer.label}` }
  }

  /** Re-reads the ML switches and champions: after `strategies.ml` changed or a model alias moved. */
  async refreshMl(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.setMl(this.mlSwitch(n.spec.strategy), this.mlFor(n.spec))))
  }

  /** A closed bar from the core: every node of its series advances. */
  onBar(bar: Parameters<LiveStrategyNode['onBar']>[0]): void {
    for (const n of this.nodes.values()) void n.onBar(bar)
  }

  /** Waits until every node has handled what it was given. */
  async idle(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((n) => n.idle()))
  }

  /** The paper account of every node. */
  accounts(): PaperAccount[] {
    return [...this.nodes.values()].map((n) => n.account())
  }

  /** A node by key (tests, the parity check). */
  node(key: string): LiveStrategyNode | undefined {
    return this.nodes.get(key)
  }

  /** Waits for the nodes, then closes the regime sessions they read. */
  async dispose(): Promise<void> {
    await this.idle()
    await Promise.all(this.regimeProviders.splice(0).map((p) => p.dispose()))
  }

  /** Stored signals. */
  listSignals(q: SignalsQuery): StoredSignal[] {
    return this.deps.signals.list(q)
  }
}
