/**
 * A strategy live on one series, on the backtest's own path: the same `StrategyRunner`, a `SimulatedBroker` as the
 * paper broker (same fills, fees and slippage) and a bar clock set to each bar's close. It warms up by running the
 * stored history through that path, then takes each closed bar the core stores, in order, one at a time; so its
 * signals, fills and equity are those of a backtest over the same bars from the same first bar.
 */
import {
  ManualClock,
  TIMEFRAME_MS,
  type LiveStrategySpec,
  type PaperAccount,
  type PaperPosition,
  type SignalRecord,
  type StoredBar,
} from '../../src-shared'
import { ENGINE_DEFAULTS, SimulatedBroker, type EngineConfig } from '../backtest'
import {
  createStrategy,
  StrategyRunner,
  type FeedBar,
  type RegimeForecastProvider,
  type SignalQualityScorer,
  type StrategyName,
} from '../strategies'
import type { SqliteBarStore } from '../store'

/** The ML side of a node: the scorer to use now (undefined = off or no model) and one line saying which. */
export interface NodeMl {
  readonly scorer: SignalQualityScorer | undefined
  readonly note: string
}

/** What a node reads and where its signals go. */
export interface StrategyNodeDeps {
  readonly bars: SqliteBarStore
  readonly regime?: RegimeForecastProvider | null
  /** Every signal, in bar order; `warmUp` is true for those of the stored history replayed at start. */
  readonly onSignal: (record: SignalRecord, warmUp: boolean) => void
  /** Each live closed bar's latency through the node (seconds: signal, ML score, paper broker), for the metrics histogram. */
  readonly onLatency?: (seconds: number) => void
}

/** How much history a node replays at start (bars before the newest stored one). */
export const DEFAULT_WARMUP_BARS = 2000

/** Equity points kept for the curve (older ones are thinned 2:1 when full). */
const CURVE_POINTS = 2000

/** One live strategy on one series. */
export class LiveStrategyNode {
  readonly key: string
  private readonly clock = new ManualClock(0)
  private readonly broker: SimulatedBroker
  private readonly runner: StrategyRunner
  private readonly barMs: number
  private queue: Promise<void> = Promise.resolve()
  private last = Number.NEGATIVE_INFINITY
  private processed = 0
  private warming = false
  private ml: NodeMl = { scorer: undefined, note: 'ML off' }
  private mlOn = false
  private curve: [number, number][] = []
  private curveStep = 1
  private curveSkip = 0
  private failure: string | undefined
  private warmupBars = DEFAULT_WARMUP_BARS

  constructor(
    readonly spec: LiveStrategySpec,
    private readonly deps: StrategyNodeDeps,
    readonly engine: EngineConfig = ENGINE_DEFAULTS,
  ) {
    this.key = strategyNodeKey(spec)
    this.barMs = TIMEFRAME_MS[spec.timeframe]
    this.broker = new SimulatedBroker(engine.initialEquity, {
      makerFeeBps: engine.makerFeeBps,
      takerFeeBps: engine.takerFeeBps,
      slippage: engine.slippage,
    })
    const strategy = createStrategy(spec.strategy as StrategyName, { ...(spec.params ?? {}) }, deps.regime ?? null)
    if (strategy.unavailableReason)
      throw new Error(`${spec.strategy} on ${spec.symbol} ${spec.timeframe}: ${strategy.unavailableReason}`)
    this.runner = new StrategyRunner(strategy, this.broker, this.clock, {
      riskFraction: engine.riskFraction,
      maxLeverage: engine.maxLeverage,
      threshold: engine.threshold,
      venue: spec.venue,
      // `ml` is the switch: on without a model (acting as off) still says on.
      onSignal: (r) => this.deps.onSignal({ ...r, ml: this.mlOn }, this.warming),
    })
  }

  /** Sets the ML switch and its scorer; acts from the next signal on (queued behind bars in flight). */
  setMl(on: boolean, ml: NodeMl): Promise<void> {
    return this.enqueue(async () => {
      this.mlOn = on
      this.ml = on ? ml : { scorer: undefined, note: 'ML off' }
      this.runner.setScorer(this.ml.scorer)
    })
  }

  /** Replays the stored history (the newest `warmupBars` bars, or from `from`) through the live path. */
  warmUp(opts: { warmupBars?: number; from?: number } = {}): Promise<void> {
    if (opts.warmupBars !== undefined) this.warmupBars = opts.warmupBars
    return this.enqueue(async () => {
      const range = { symbol: this.spec.symbol, venue: this.spec.venue, timeframe: this.spec.timeframe }
      const bars =
        opts.from !== undefined
          ? [...this.deps.bars.pages({ ...range, from: opts.from })].flat()
          : this.deps.bars.latestBars(range, this.warmupBars)
      this.warming = true
      try {
        for (const b of bars) await this.step(b)
      } finally {
        this.warming = false
      }
    })
  }

  /** A closed bar of any series: this node's series advances through every stored bar up to it. */
  onBar(bar: StoredBar): Promise<void> | undefined {
    if (
      bar.partial ||
      bar.symbol !== this.spec.symbol ||
      bar.venue !== this.spec.venue ||
      bar.timeframe !== this.spec.timeframe
    )
      return undefined
    return this.enqueue(async () => {
      if (bar.time <= this.last) return
      const key = { symbol: this.spec.symbol, venue: this.spec.venue, timeframe: this.spec.timeframe }
      // A node that has seen no bar yet (nothing was stored when it started) warms up on the history stored since.
      const first = this.last === Number.NEGATIVE_INFINITY
      const gap = first
        ? this.deps.bars.latestBars({ ...key, to: bar.time - 1 }, this.warmupBars)
        : [...this.deps.bars.pages({ ...key, from: this.last + 1, to: bar.time - 1 })].flat()
      this.warming = first
      try {
        for (const b of gap) await this.step(b)
      } finally {
        this.warming = false
      }
      const t0 = performance.now()
      await this.step(bar)
      this.deps.onLatency?.((performance.now() - t0) / 1000)
    })
  }

  /** Resolves when every queued bar and switch has been handled. */
  idle(): Promise<void> {
    return this.queue
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task).catch((err: unknown) => {
      this.failure = (err as Error).message
    })
    this.queue = next
    return next
  }

  private async step(b: StoredBar): Promise<void> {
    if (b.partial || b.time <= this.last) return
    const bar: FeedBar = {
      time: b.time,
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      volume: b.volume,
      symbol: b.symbol,
      timeframe: b.timeframe,
      ...(b.takerBuyVolume !== undefined ? { takerBuyVolume: b.takerBuyVolume } : {}),
    }
    this.clock.set(bar.time + this.barMs)
    const r = this.runner.onBar(bar)
    if (r) await r
    this.last = bar.time
    this.processed++
    this.addCurvePoint(bar.time, this.broker.equity())
  }

  private addCurvePoint(time: number, equity: number): void {
    if (++this.curveSkip < this.curveStep) {
      if (this.curve.length) this.curve[this.curve.length - 1] = [time, equity]
      return
    }
    this.curveSkip = 0
    this.curve.push([time, equity])
    if (this.curve.length >= CURVE_POINTS) {
      this.curve = this.curve.filter((_, i) => i % 2 === 1 || i === this.curve.length - 1)
      this.curveStep *= 2
    }
  }

  /** Every closed paper trade so far (the broker's record). */
  get trades(): SimulatedBroker['trades'] {
    return this.broker.trades
  }

  /** The paper account as the API shows it. */
  account(): PaperAccount {
    const positions: PaperPosition[] = []
    const p = this.broker.position(this.spec.symbol)
    if (p) {
      const mark = this.broker.markOf(this.spec.symbol) ?? p.entryPrice
      positions.push({
        strategy: this.spec.strategy,
        symbol: this.spec.symbol,
        venue: this.spec.venue,
        timeframe: this.spec.timeframe,
        side: p.side,
        qty: p.qty,
        entryPrice: p.entryPrice,
        entryTime: p.entryTime,
        stop: p.stop === p.stop ? p.stop : null,
        target: p.target === p.target ? p.target : null,
        mark,
        openPnl: (p.side === 'long' ? 1 : -1) * p.qty * (mark - p.entryPrice),
      })
    }
    return {
      strategy: this.spec.strategy,
      symbol: this.spec.symbol,
      venue: this.spec.venue,
      timeframe: this.spec.timeframe,
      ml: this.mlOn,
      mlNote: this.failure ? `stopped: ${this.failure}` : this.ml.note,
      initialEquity: this.engine.initialEquity,
      equity: this.broker.equity(),
      closedTrades: this.broker.trades.length,
      positions,
      equityCurve: this.curve.slice(),
      bars: this.processed,
      lastBarTime: this.last === Number.NEGATIVE_INFINITY ? null : this.last,
    }
  }
}

/** Stable key of a node: `strategy@SYMBOL.VENUE:tf`. */
export function strategyNodeKey(s: Pick<LiveStrategySpec, 'strategy' | 'symbol' | 'venue' | 'timeframe'>): string {
  return `${s.strategy}@${s.symbol}.${s.venue}:${s.timeframe}`
}
