import { JobRefused, strategyDefaults, systemClock } from '../../src-shared'
import type { BacktestJobRequest, CatalogStrategyName, JobContext } from '../../src-shared'
import { hmmModelName } from '../predictors'
import { ModelRegistry } from '../registry'
import { openDatabase } from '../store'
import { HmmRegimeProvider, isHmmCard } from './hmm-regime-provider'
import { EnsembleRegimeProvider } from './regime-provider'
import type { PromotionVerdict } from './signal-quality'
import { runStoredBacktest } from './stored-backtest'

/** What a `backtest.run` job returns: the stored run's id, both runs' metrics and the ML promotion verdict. */
export interface BacktestJobResult {
  readonly id: number
  readonly metrics: unknown
  readonly mlMetrics: unknown
  readonly promotion: PromotionVerdict | null
}

// Failures that name bad input (a series that is not stored, a strategy without its model), not a broken run.
const REFUSAL = /^no stored|several venues|needs a regime model|no bar series/

/** The engine's slippage: bps of the price, or a fraction of ATR14 (absent: the engine's default). */
function slippageOf(r: BacktestJobRequest) {
  if (r.slippageBps !== undefined) return { slippage: { kind: 'bps' as const, bps: r.slippageBps } }
  return r.slippageAtr !== undefined ? { slippage: { kind: 'atr' as const, fraction: r.slippageAtr } } : {}
}

type RegimeProvider = EnsembleRegimeProvider | HmmRegimeProvider

/**
 * The regime forecaster a regime-reading run reads: without `ref`, each traded series' champions scored as the live
 * forecast loop scores them (the h12 forecast); with it, one version (a model name's champion, or a version id); `hmm`
 * names the regime HMM of the run's first symbol (`hmm-<symbol>-<tf>`, `armada train hmm`), which runs as an
 * `HmmRegimeProvider` (filtered, ≥ 5 bars). Refuses a name without a champion and a series without a forecaster.
 */
function regimeProvider(registry: ModelRegistry, request: BacktestJobRequest): RegimeProvider {
  const ref = request.regimeModel
  try {
    if (ref === undefined) {
      const provider = EnsembleRegimeProvider.champions(registry)
      for (const symbol of request.symbols)
        if (!provider.has(symbol, request.timeframe))
          throw new JobRefused(
            `${request.strategy} needs a regime model: ${symbol} ${request.timeframe} has no regime forecaster (train one with \`armada train regime\`, or name one with --regime-model)`,
          )
      return provider
    }
    const name = ref === 'hmm' ? hmmModelName(request.symbols[0], request.timeframe) : ref
    if (ref === 'hmm' && !registry.hasModel(name))
      throw new JobRefused(`no regime HMM ${name}: fit one with armada train hmm`)
    const id = registry.hasModel(name) ? registry.aliases(name).champion : registry.resolveId(name)
    if (!id) throw new JobRefused(`model ${name} has no champion; name a version`)
    const card = registry.get(id).card
    if (isHmmCard(card)) return new HmmRegimeProvider(id, card)
    return EnsembleRegimeProvider.version(registry, id)
  } catch (err) {
    throw err instanceof JobRefused ? err : new JobRefused((err as Error).message)
  }
}

/**
 * The `backtest.run` job: backtests a strategy over stored bars and stores the run (ML on: also the ML-off run, the
 * walk-forward signal-quality models and the promotion verdict). The run stores every strategy parameter, defaults
 * included. Returns the run id and metrics.
 */
export async function backtestJob(request: BacktestJobRequest, ctx: JobContext): Promise<BacktestJobResult> {
  const strategy = request.strategy as CatalogStrategyName
  const db = openDatabase(ctx.dbPath)
  const registry = new ModelRegistry(db, systemClock)
  let regime: RegimeProvider | null = null
  try {
    if (request.regimeModel !== undefined || strategy === 'regime-following') regime = regimeProvider(registry, request)
    const { id, report } = await runStoredBacktest(
      db,
      systemClock,
      {
        strategy,
        // Every parameter with its value, defaults included: the stored run says exactly what it ran with.
        strategyParams: { ...strategyDefaults(strategy), ...request.strategyParams },
        symbols: request.symbols,
        timeframe: request.timeframe,
        ml: request.ml,
        ...(request.venue !== undefined ? { venue: request.venue } : {}),
        ...(request.from !== undefined ? { from: request.from } : {}),
        ...(request.to !== undefined ? { to: request.to } : {}),
        engine: {
          ...(request.takerFeeBps !== undefined ? { takerFeeBps: request.takerFeeBps } : {}),
          ...(request.makerFeeBps !== undefined ? { makerFeeBps: request.makerFeeBps } : {}),
          ...slippageOf(request),
          ...(request.riskFraction !== undefined ? { riskFraction: request.riskFraction } : {}),
          ...(request.threshold !== undefined ? { threshold: request.threshold } : {}),
        },
      },
      { regime, signal: ctx.signal, onProgress: (f, m) => ctx.progress(f, m) },
    )
    const mlMetrics = report.enhanced?.metrics ?? null
    return { id, metrics: report.base.metrics, mlMetrics, promotion: report.ml?.promotion ?? null }
  } catch (err) {
    const refused = err instanceof Error && !(err instanceof JobRefused) && REFUSAL.test(err.message)
    if (refused) throw new JobRefused(err.message)
    throw err
  } finally {
    await regime?.dispose()
    await registry.dispose()
    db.close()
  }
}
