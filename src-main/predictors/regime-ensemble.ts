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
  for (const [name, v] of champions) {
    if (!v) continue
    const match = /^regime-(.+)-([0-9]+[smhdwM])-h([0-9]+)$/.exec(name)
    if (!match || v.card.predictor !== 'regime' || v.card.inputShape.length !== 2) continue
    const sequence: RegimeSequenceMember[] = []
    for (const kind of REGIME_SEQUENCE_KINDS) {
      const sv = champions.get(`${name}-${kind}`)
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

/** The newest feature rows of a series (float32, newest last), as many as its sequence members read. */
export class FeatureWindow {
  private rows: Float32Array[] = []

  /** Appends a row, keeping the newest `keep` (at least one). */
  push(row: Float32Array, keep: number): void {
    this.rows.push(row)
    if (this.rows.length > keep) this.rows.splice(0, this.rows.length - Math.max(1, keep))
  }

  get length(): number {
    return this.rows.length
  }

  /** The last `steps` rows as one [steps, width] block. */
  last(steps: number): Float32Array {
    const width = this.rows[0].length
    const out = new Float32Array(steps * width)
    this.rows.slice(-steps).forEach((r, i) => out.set(r, i * width))
    return out
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
      parts.push({
        weight: q.weight,
        probabilities: (await this.engine.score(q.versionId, window.last(q.steps), 1)).probabilities,
      })
    }
    return combineMembers(parts)
  }
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
