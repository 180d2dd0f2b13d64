import { symbolKey } from '../../src-shared'
import { featureColumns, type OnnxInferenceEngine } from '../ml'
import type { ModelRegistry } from '../registry'
import { liveVersions, loadVersion, stackVersions } from './live-models'
import { combineMembers, REGIME_MEMBER_WEIGHTS, REGIME_SEQUENCE_KINDS } from './regime-outputs'

/** A sequence member (LSTM/Transformer) scored on the last `steps` feature rows. */
export interface RegimeSequenceMember {
  readonly versionId: string
  readonly weight: number
  readonly steps: number
  /** Window column of each of its card's features (absent: the regime set's own order). */
  columns?: Int32Array
}

/** One horizon's champion: the merged rf + gbdt graph plus any sequence members. */
export interface RegimeSlot {
  readonly name: string
  readonly horizon: number
  readonly versionId: string
  readonly members: readonly string[]
  readonly sequence: readonly RegimeSequenceMember[]
  /** Table column of each card feature (the merged card lists the regime set in its own order). */
  columns?: Int32Array
}

/** Catalogue key of a series' regime models: `<SYMBOL>-<tf>` (venue-free, as the model names are). */
export const regimeSeriesKey = (symbol: string, timeframe: string): string => `${symbolKey(symbol)}-${timeframe}`

/** Engine id of the stacked graph of a series' horizon models (none for a single model). */
export const regimeStackId = (slots: readonly RegimeSlot[]): string | undefined =>
  slots.length > 1 ? `regime-stack:${slots.map((m) => m.versionId).join(',')}` : undefined

/**
 * Every series' regime forecaster from one registry read: the champions of `regime-<symbol>-<tf>-h<H>` by
 * {@link regimeSeriesKey}, sorted by horizon, each with the champions of its `-lstm`/`-transformer` sequence members.
 */
export function regimeCatalogue(registry: ModelRegistry): Map<string, RegimeSlot[]> {
  const cat = new Map<string, RegimeSlot[]>()
  const champions = liveVersions(registry)
  // Sequence members are found whatever the case of their name: trained models are named in lower case
  // (`regime-btcusd-1h-h12`), an imported member is often named after the symbol as traders spell it (`…-BTCUSD-…`).
  const byLowerName = new Map([...champions].map(([n, v]) => [n.toLowerCase(), v]))
  for (const [name, v] of champions) {
    if (!v) continue
    const match = /^regime-(.+)-([0-9]+[smhdwM])-h([0-9]+)$/.exec(name)
    if (!match || v.card.predictor !== 'regime' || v.card.inputShape.length !== 2) continue
    const sequence: RegimeSequenceMember[] = []
    for (const kind of REGIME_SEQUENCE_KINDS) {
      const sv = byLowerName.get(`${name}-${kind}`.toLowerCase())
      if (sv && sv.card.inputShape.length === 3)
        sequence.push({ versionId: sv.id, weight: REGIME_MEMBER_WEIGHTS[kind], steps: Number(sv.card.inputShape[1]) })
    }
    const ensemble = (v.card.training as { ensemble?: { name?: string }[] } | undefined)?.ensemble
    const slot: RegimeSlot = {
      name,
      horizon: Number(match[3]),
      versionId: v.id,
      members: ensemble?.map((e) => String(e.name ?? '')) ?? [v.name],
      sequence,
    }
    const id = regimeSeriesKey(match[1], match[2])
    cat.set(
      id,
      [...(cat.get(id) ?? []), slot].sort((a, b) => a.horizon - b.horizon),
    )
  }
  return cat
}

/**
 * The newest feature rows of a series (float32, newest last), as many as its sequence members read, in a ring of twice
 * that many rows where each row is written twice: the last `steps` rows are then always one contiguous block, so a bar
 * costs two row copies and `last()` no copy at all (no shifting, no per-bar copy of the whole window).
 */
export class FeatureWindow {
  private buf = new Float32Array(0)
  private width = 0
  private cap = 0
  private count = 0
  /** Ring slot the next row goes to. */
  private head = 0
  /** Open time of the newest row (−∞ when empty or unknown). */
  newestTime = -Infinity

  /** Appends a row (of bar `time`), keeping the newest `keep` (at least one). */
  push(row: Float32Array, keep: number, time = -Infinity): void {
    const cap = Math.max(1, keep)
    if (row.length !== this.width || cap !== this.cap) this.resize(row.length, cap)
    const w = this.width
    this.buf.set(row, this.head * w)
    this.buf.set(row, (this.head + cap) * w)
    this.head = (this.head + 1) % cap
    this.count = Math.min(this.count + 1, cap)
    this.newestTime = time
  }

  /** Forgets every row (a gap in the series: the rows no longer end at the bar before the next). */
  clear(): void {
    this.count = 0
    this.head = 0
    this.newestTime = -Infinity
  }

  get length(): number {
    return this.count
  }

  /**
   * The last `steps` rows as one [steps, width] block: a view into the ring, valid until the next `push` (score it
   * before pushing again). Throws when fewer rows are held.
   */
  last(steps: number): Float32Array {
    if (!(steps >= 1 && steps <= this.count))
      throw new RangeError(`the window holds ${this.count} rows; ${steps} were asked for`)
    const start = (this.head - steps + this.cap) % this.cap
    return this.buf.subarray(start * this.width, (start + steps) * this.width)
  }

  /** A new ring of `cap` rows of `width`, keeping the newest rows held so far when the width is unchanged. */
  private resize(width: number, cap: number): void {
    const kept = width === this.width ? Math.min(this.count, cap) : 0
    const old = kept ? this.last(kept).slice() : undefined
    this.buf = new Float32Array(2 * cap * width)
    this.width = width
    this.cap = cap
    this.count = 0
    this.head = 0
    for (let i = 0; i < kept; i++) {
      const row = old!.subarray(i * width, (i + 1) * width)
      this.buf.set(row, this.head * width)
      this.buf.set(row, (this.head + cap) * width)
      this.head = (this.head + 1) % cap
      this.count++
    }
  }
}

/**
 * One series' regime forecaster (DOMAIN.md §1): every horizon's champion scored on one feature row of the `regime`
 * set, in one run of their stacked graph where it could be built (else one single-row run each), each blended with its
 * LSTM/Transformer members once their window is full (rf 0.2 + gbdt 0.4, 0.4 each). The live forecast loop and the
 * strategies' regime provider (live nodes and backtests alike) score through this class, so a strategy reads the
 * probabilities the chart shows. Sessions live in the engine it was given; build it with {@link loadRegimeEnsemble}.
 */
export class RegimeEnsemble {
  /** Rows the sequence members read (0 without any). */
  readonly steps: number

  constructor(
    private readonly engine: OnnxInferenceEngine,
    readonly slots: readonly RegimeSlot[],
    private readonly stack: { readonly id: string; readonly columns: Int32Array | null } | undefined,
  ) {
    this.steps = Math.max(0, ...slots.flatMap((m) => m.sequence.map((q) => q.steps)))
  }

  /** Engine ids this ensemble scores (versions, members, the stacked graph). */
  get engineIds(): string[] {
    return [
      ...this.slots.flatMap((m) => [m.versionId, ...m.sequence.map((q) => q.versionId)]),
      ...(this.stack ? [this.stack.id] : []),
    ]
  }

  /** Each horizon's class probabilities (card order) for `row`, the newest row of `window`. */
  async score(row: Float32Array, window: FeatureWindow): Promise<number[][]> {
    const tabs = await this.tabular(row)
    return Promise.all(
      this.slots.map(async (m, k) => {
        const p: ArrayLike<number> = m.sequence.length ? await this.withSequence(m, window, tabs[k]) : tabs[k]
        return Array.from(p, (v) => +v)
      }),
    )
  }

  /** Each horizon model's tabular probabilities for one feature row. */
  private async tabular(row: Float32Array): Promise<Float32Array[]> {
    const stack = this.stack
    if (stack) {
      const r = await this.engine.scoreStacked(
        stack.id,
        stack.columns ? Float32Array.from(stack.columns, (c) => row[c]) : row,
        1,
      )
      const c = r.probabilities.length / this.slots.length
      return this.slots.map((_, k) => r.probabilities.subarray(k * c, (k + 1) * c))
    }
    return Promise.all(
      this.slots.map(
        async (m) =>
          (await this.engine.score(m.versionId, m.columns ? Float32Array.from(m.columns, (c) => row[c]) : row, 1))
            .probabilities,
      ),
    )
  }

  /** Tabular ensemble (rf 0.2 + gbdt 0.4) with LSTM/Transformer members (0.4 each) when their window is full. */
  private async withSequence(m: RegimeSlot, window: FeatureWindow, tab: Float32Array): Promise<Float64Array> {
    const parts: { weight: number; probabilities: ArrayLike<number> }[] = [
      { weight: REGIME_MEMBER_WEIGHTS.rf + REGIME_MEMBER_WEIGHTS.gbdt, probabilities: tab },
    ]
    for (const q of m.sequence) {
      if (window.length < q.steps) continue
      const block = window.last(q.steps)
      const x = q.columns ? remap(block, q.columns, q.steps) : block
      parts.push({ weight: q.weight, probabilities: (await this.engine.score(q.versionId, x, 1)).probabilities })
    }
    return combineMembers(parts)
  }
}

/** A [steps, width] window block as [steps, columns.length] in a member's own feature order. */
function remap(block: Float32Array, columns: Int32Array, steps: number): Float32Array {
  const width = block.length / steps
  const f = columns.length
  const out = new Float32Array(steps * f)
  for (let t = 0; t < steps; t++) for (let j = 0; j < f; j++) out[t * f + j] = block[t * width + columns[j]]
  return out
}

/**
 * Loads a series' regime slots into `engine` (sessions created and warmed here, so the first bar pays nothing) and
 * stacks them into one graph when there are several and it can be built. `names` is the regime set's column order.
 */
export async function loadRegimeEnsemble(
  engine: OnnxInferenceEngine,
  registry: ModelRegistry,
  slots: readonly RegimeSlot[],
  names: readonly string[],
  what: string,
): Promise<RegimeEnsemble> {
  const own = slots.map((m) => ({ ...m }))
  for (const m of own) {
    for (const id of [m.versionId, ...m.sequence.map((q) => q.versionId)]) loadVersion(engine, registry, id)
    m.columns = featureColumns(engine.card(m.versionId).features, names) ?? undefined
    if (m.columns?.some((c) => c < 0)) throw new Error(`${m.name} needs features the regime set does not have`)
    m.sequence = m.sequence.map((q) => {
      const columns = featureColumns(engine.card(q.versionId).features, names)
      if (columns?.some((c) => c < 0))
        throw new Error(`${m.name}'s sequence member ${q.versionId} needs features the regime set does not have`)
      return { ...q, ...(columns ? { columns } : {}) }
    })
  }
  const id = regimeStackId(own)
  const card = id
    ? await stackVersions(
        engine,
        id,
        own.map((m) => m.versionId),
        what,
        true,
      )
    : undefined
  if (!card)
    for (const m of own) await engine.score(m.versionId, new Float32Array(engine.card(m.versionId).features.length), 1)
  return new RegimeEnsemble(engine, own, card && id ? { id, columns: featureColumns(card.features, names) } : undefined)
}
