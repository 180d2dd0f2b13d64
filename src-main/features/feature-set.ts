/**
 * Declarative, versioned feature sets (DOMAIN.md): a definition (name, version, params, ordered feature names)
 * with a spec hash, and one step function shared by the streaming computer and the batch computer.
 */
import { createHash } from 'node:crypto'
import type { Bar, BarColumns } from '../../src-shared/domain'
import * as kernelModule from './kernel'
import type { BarRow } from './kernel'
import * as indicatorSpecModule from './indicator-spec'

// Bound once at load: tsx/vitest compile named imports into getter calls, which cost ~10 ns in hot loops.
const { emptyBarRow, snapshot } = kernelModule
const { loadRow } = indicatorSpecModule

/** Optional per-bar inputs beyond OHLCV; NaN (or absent) when the source has none. */
export interface MarketContext {
  /** Best bid / ask (quotes). */
  bidPrice: number
  askPrice: number
  /** Resting size within 1 % of mid (or top-N levels) on each side. */
  bidDepth: number
  askDepth: number
  /** Funding rate per interval (0.0001 = 0.01 %), the latest known at the bar's close. */
  fundingRate: number
  markPrice: number
  /** Liquidation notional that occurred within this bar. */
  liquidationNotional: number
  /** Close of the paired instrument (ES/NQ, BTC/ETH) at this bar. */
  pairClose: number
  /** Options-derived inputs. */
  optionsFlowBias: number
  gammaProximity: number
  ivSkew: number
  ivTermStructure: number
  /** Fear & Greed index 0–100. */
  fearGreed: number
}

/** Context columns for batch computation (any subset; missing ones are NaN). */
export type ContextColumns = Partial<Record<keyof MarketContext, Float64Array>>

const CONTEXT_KEYS: readonly (keyof MarketContext)[] = [
  'bidPrice',
  'askPrice',
  'bidDepth',
  'askDepth',
  'fundingRate',
  'markPrice',
  'liquidationNotional',
  'pairClose',
  'optionsFlowBias',
  'gammaProximity',
  'ivSkew',
  'ivTermStructure',
  'fearGreed',
]

/** A context with every input missing. */
export function emptyContext(): MarketContext {
  return {
    bidPrice: NaN,
    askPrice: NaN,
    bidDepth: NaN,
    askDepth: NaN,
    fundingRate: NaN,
    markPrice: NaN,
    liquidationNotional: NaN,
    pairClose: NaN,
    optionsFlowBias: NaN,
    gammaProximity: NaN,
    ivSkew: NaN,
    ivTermStructure: NaN,
    fearGreed: NaN,
  }
}

function fillContext(dst: MarketContext, src: Partial<MarketContext> | undefined): void {
  for (const k of CONTEXT_KEYS) dst[k] = src?.[k] ?? NaN
}

/** The context columns actually given, resolved once so the per-row loop does no keyed lookups. */
function presentColumns(cols: ContextColumns | undefined): { key: keyof MarketContext; col: Float64Array }[] {
  const out: { key: keyof MarketContext; col: Float64Array }[] = []
  for (const key of CONTEXT_KEYS) {
    const col = cols?.[key]
    if (col) out.push({ key, col })
  }
  return out
}

/** What a feature set is: hashed so a stored model or cache row can tell whether its features still mean the same. */
export interface FeatureSetDefinition {
  readonly name: string
  readonly version: number
  readonly params: Readonly<Record<string, number | string | boolean>>
  readonly features: readonly string[]
}

/** Canonical JSON (object keys sorted) — the bytes the spec hash is taken over. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  if (v && typeof v === 'object')
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(v)
}

/** sha256 (hex) of the canonical JSON of a definition (name, version, params, feature names). */
export function specHash(def: FeatureSetDefinition): string {
  return createHash('sha256').update(canonicalJson(def)).digest('hex')
}

/** One bar's step of a single-instrument feature set: writes `features.length` values into `out`. */
export interface FeatureStep<S> {
  readonly definition: FeatureSetDefinition
  init(): S
  step(s: S, bar: BarRow, ctx: MarketContext, out: Float64Array): void
}

/** Row-major feature table: `data[i * names.length + j]` is feature j at bar i. */
export interface FeatureMatrix {
  readonly names: readonly string[]
  readonly specHash: string
  readonly rows: number
  readonly time: Float64Array
  readonly data: Float64Array
}

/** Column j of a feature matrix as its own array. */
export function featureColumn(m: FeatureMatrix, name: string): Float64Array {
  const j = m.names.indexOf(name)
  if (j < 0) throw new RangeError(`feature ${name} not in set`)
  const f = m.names.length
  const out = new Float64Array(m.rows)
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * f + j]
  return out
}

/** Streaming computer: `update(bar)` → the feature vector at that bar's close. */
export class FeatureStream<S> {
  readonly names: readonly string[]
  readonly specHash: string
  private state: S
  private readonly row = emptyBarRow()
  private readonly ctx = emptyContext()

  constructor(private readonly set: FeatureStep<S>) {
    this.names = set.definition.features
    this.specHash = specHash(set.definition)
    this.state = set.init()
  }

  /** Advances one closed bar; returns a fresh vector (or fills `out`). */
  update(
    bar: Bar,
    context?: Partial<MarketContext>,
    out: Float64Array = new Float64Array(this.names.length),
  ): Float64Array {
    const r = this.row
    r.time = bar.time
    r.open = bar.open
    r.high = bar.high
    r.low = bar.low
    r.close = bar.close
    r.volume = bar.volume
    r.takerBuyVolume = bar.takerBuyVolume ?? NaN
    fillContext(this.ctx, context)
    this.set.step(this.state, r, this.ctx, out)
    return out
  }

  /** Deep copy of the state (plain objects and typed arrays). */
  snapshot(): S {
    return snapshot(this.state)
  }

  /** Restores a state from `snapshot()`. */
  restore(state: S): void {
    this.state = snapshot(state)
  }
}

/** Batch computer: the same step over every row of columnar bars. */
export function computeFeatureMatrix<S>(
  set: FeatureStep<S>,
  bars: BarColumns,
  context?: ContextColumns,
): FeatureMatrix {
  const names = set.definition.features
  const f = names.length
  const n = bars.close.length
  const data = new Float64Array(n * f)
  const s = set.init()
  const row = emptyBarRow()
  const ctx = emptyContext()
  const given = presentColumns(context)
  const out = new Float64Array(f)
  for (let i = 0; i < n; i++) {
    loadRow(bars, i, row)
    for (let g = 0; g < given.length; g++) ctx[given[g].key] = given[g].col[i]
    set.step(s, row, ctx, out)
    // One native copy per row: a 43-element JS loop into the fresh (page-faulting) matrix cost ~60 ms per 1M bars more.
    data.set(out, i * f)
  }
  return { names, specHash: specHash(set.definition), rows: n, time: bars.time.slice(), data }
}

/** 1 when x is NaN, else 0 (missing flags). */
export function missing(x: number): number {
  return x !== x ? 1 : 0
}

/** Clips x to [lo, hi] (NaN stays NaN). */
export function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x
}
