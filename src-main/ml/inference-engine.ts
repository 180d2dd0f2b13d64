import * as ort from 'onnxruntime-node'
import type { ModelCard } from '../../src-shared'
import { mergeEnsembleOnnx, stackModelsOnnx, type StackedHead } from './ensemble-onnx'
import type { FusedTreeKernel } from './fused-tree-kernel'
import { checkInputShape, inspectOnnx, OnnxImportError } from './onnx-import'
import { createQuietSession, ortFailureReason, runSession } from './ort-session'

/** Execution providers Armada may ask onnxruntime-node for. */
export type ExecutionProvider = 'cpu' | 'webgpu' | 'cuda'

/** Scores of one call: `[n, C]` probabilities and where they were computed. */
export interface ScoreResult {
  readonly probabilities: Float32Array
  readonly n: number
  readonly classes: readonly string[]
  readonly provider: ExecutionProvider
  /** Why a requested GPU provider was not used (first failure reasons), when it fell back to cpu. */
  readonly fallback?: string
}

export interface InferenceOptions {
  /** Providers tried in order for batches of ≥ `batchThreshold` rows; cpu is always the last resort. Default: cpu only. */
  readonly batchProviders?: readonly ExecutionProvider[]
  /** Rows from which a call counts as a batch. */
  readonly batchThreshold?: number
  /** intra-op threads for batch sessions on cpu (0 = onnxruntime's default). */
  readonly batchThreads?: number
  /** intra-op threads for single-row sessions (default 1: a thread hand-off costs more than one row's work). */
  readonly singleThreads?: number
}

interface Entry {
  readonly bytes: Uint8Array
  readonly card: ModelCard
  readonly inputName: string
  readonly perRow: number
  readonly dims: number[]
  readonly fixedBatchOne: boolean
  readonly sessions: Map<
    string,
    Promise<{ session: ort.InferenceSession; provider: ExecutionProvider; fallback?: string }>
  >
  /** Set for merged ensembles: member ids in `member_probabilities` order and their normalised weights. */
  readonly ensemble?: { readonly members: readonly string[]; readonly weights: readonly number[] }
  /** Set for stacked models (`loadStacked`): the heads side by side in `probabilities` and `member_probabilities`. */
  readonly stack?: readonly StackedHead[]
  /** Set for merged tree ensembles (`loadMergedEnsemble`): single rows are scored in JS (see `FusedTreeKernel`). */
  readonly kernel?: FusedTreeKernel
}

/** Scores of a merged ensemble: the weighted mean plus every member's own probabilities. */
export interface MergedScoreResult extends ScoreResult {
  readonly members: readonly string[]
  readonly weights: readonly number[]
  /** `[n, members.length, C]` row-major: member k's probabilities for row i at `(i * K + k) * C`. */
  readonly memberProbabilities: Float32Array
}

/**
 * Where each of a model's features sits in a table whose columns are `names`: null when they are the same list in the
 * same order (the table is the model's input as it is), else the table column per feature (−1 for a feature the table lacks).
 */
export function featureColumns(features: readonly string[], names: readonly string[]): Int32Array | null {
  if (features.length === names.length && features.every((n, j) => n === names[j])) return null
  return Int32Array.from(features, (n) => names.indexOf(n))
}

/** Scores of stacked models: each head's own probabilities and its members', side by side. */
export interface StackedScoreResult {
  readonly n: number
  readonly heads: readonly StackedHead[]
  /** `[n, K, C]` row-major: head k's probabilities for row i at `(i * K + k) * C`. */
  readonly probabilities: Float32Array
  /** `[n, ΣM, C]` row-major: head k's member j for row i at `(i * ΣM + offset_k + j) * C` (`memberOffsets[k]`). */
  readonly memberProbabilities: Float32Array
  readonly memberOffsets: readonly number[]
  readonly provider: ExecutionProvider
}

/**
 * ONNX inference for model versions: sessions cached per version id and workload (single-row cpu with one
 * intra-op thread; batches on the configured providers with fallback to cpu, reason recorded), inputs
 * validated against the card, weighted ensembles. Owns its sessions: `dispose()` releases them.
 */
export class OnnxInferenceEngine {
  private readonly models = new Map<string, Entry>()
  private disposed = false
  /** Provider fallbacks that happened, for status displays and logs. */
  readonly fallbacks: { readonly id: string; readonly requested: ExecutionProvider; readonly reason: string }[] = []

  constructor(private readonly opts: InferenceOptions = {}) {}

  /** Registers a model version; the card comes from the ONNX metadata unless given. Throws if neither exists or they disagree with the graph. */
  load(id: string, bytes: Uint8Array, card?: ModelCard): ModelCard {
    return this.register(id, bytes, card)
  }

  /**
   * Registers, under `id`, ONE graph holding the loaded members (skipping members not loaded or weighted ≤ 0,
   * weights renormalised, as `scoreEnsemble`): a live bar is then one `session.run` instead of one per member.
   * Members may read different features (the merged input is their union, see `mergeEnsembleOnnx`).
   */
  loadMergedEnsemble(id: string, members: readonly { readonly id: string; readonly weight: number }[]): ModelCard {
    if (this.disposed) throw new Error('inference engine is disposed')
    const present = members.filter((m) => this.models.has(m.id) && m.weight > 0)
    if (!present.length) throw new Error(`no ensemble member is loaded (${members.map((m) => m.id).join(', ')})`)
    const merged = mergeEnsembleOnnx(
      present.map((m) => {
        const e = this.entry(m.id)
        return { id: m.id, onnx: e.bytes, card: e.card, weight: m.weight }
      }),
      id,
    )
    return this.register(
      id,
      merged.onnx,
      merged.card,
      { members: merged.memberIds, weights: merged.weights },
      undefined,
      merged.kernel,
    )
  }

  /**
   * Registers, under `id`, ONE graph holding the loaded models side by side (see `stackModelsOnnx`): models that
   * score the same bar — every alert model of a basket — then cost one `session.run` together instead of one each.
   * Each keeps its own probabilities and members' probabilities (`scoreStacked`).
   */
  loadStacked(id: string, ids: readonly string[]): ModelCard {
    if (this.disposed) throw new Error('inference engine is disposed')
    const stacked = stackModelsOnnx(
      ids.map((m) => {
        const e = this.entry(m)
        return { id: m, onnx: e.bytes, card: e.card }
      }),
      id,
    )
    return this.register(id, stacked.onnx, stacked.card, undefined, stacked.heads)
  }

  private register(
    id: string,
    bytes: Uint8Array,
    card: ModelCard | undefined,
    ensemble?: Entry['ensemble'],
    stack?: Entry['stack'],
    kernel?: FusedTreeKernel,
  ): ModelCard {
    if (this.disposed) throw new Error('inference engine is disposed')
    const existing = this.models.get(id)
    if (existing) return existing.card
    const sig = inspectOnnx(bytes)
    const c = card ?? sig.card
    if (!c) throw new OnnxImportError(`model ${id} has no "armada.card" metadata and no card was given`)
    if (sig.inputs.length !== 1) throw new OnnxImportError(`model ${id} has ${sig.inputs.length} inputs; expected 1`)
    if (!sig.outputs.some((o) => o.name === 'probabilities' && o.kind === 'tensor'))
      throw new OnnxImportError(`model ${id} has no tensor output "probabilities" (prepare foreign models first)`)
    const input = sig.inputs[0]
    if (input.elemType !== 'FLOAT')
      throw new OnnxImportError(`model ${id} input "${input.name}" is ${input.elemType}; expected FLOAT`)
    // A merged ensemble registered as one version (mergeEnsembleOnnx) still exposes its members' probabilities.
    const listed = (c.training as { ensemble?: { id?: unknown; weight?: unknown }[] } | undefined)?.ensemble
    if (
      !ensemble &&
      !stack &&
      Array.isArray(listed) &&
      listed.length &&
      sig.outputs.some((o) => o.name === 'member_probabilities')
    )
      ensemble = { members: listed.map((m) => String(m.id ?? '')), weights: listed.map((m) => Number(m.weight ?? 0)) }
    const dims = c.inputShape.slice(1).map((d) => Number(d))
    if (dims.some((d) => !(d > 0)))
      throw new OnnxImportError(
        `model ${id} card inputShape ${JSON.stringify(c.inputShape)} needs fixed non-batch dimensions`,
      )
    if (dims[dims.length - 1] !== c.features.length)
      throw new OnnxImportError(
        `model ${id} card has ${c.features.length} features but inputShape ends in ${dims[dims.length - 1]}`,
      )
    checkInputShape(input, c.inputShape, `model ${id}`)
    this.models.set(id, {
      bytes,
      card: c,
      inputName: input.name,
      dims,
      perRow: dims.reduce((a, b) => a * b, 1),
      fixedBatchOne: c.inputShape[0] === 1 || input.shape?.[0] === 1,
      sessions: new Map(),
      ...(ensemble ? { ensemble } : {}),
      ...(stack ? { stack } : {}),
      ...(kernel ? { kernel } : {}),
    })
    return c
  }

  has(id: string): boolean {
    return this.models.has(id)
  }

  card(id: string): ModelCard {
    return this.entry(id).card
  }

  private entry(id: string): Entry {
    const e = this.models.get(id)
    if (!e) throw new Error(`model ${id} is not loaded`)
    return e
  }

  private session(id: string, e: Entry, batch: boolean) {
    const key = batch ? 'batch' : 'single'
    let s = e.sessions.get(key)
    if (!s) {
      s = this.createSession(id, e, batch)
      e.sessions.set(key, s)
    }
    return s
  }

  private async createSession(
    id: string,
    e: Entry,
    batch: boolean,
  ): Promise<{ session: ort.InferenceSession; provider: ExecutionProvider; fallback?: string }> {
    const reasons: string[] = []
    const wanted = batch ? (this.opts.batchProviders ?? []).filter((p) => p !== 'cpu') : []
    for (const p of wanted) {
      try {
        const session = await createQuietSession(e.bytes, { executionProviders: [p], graphOptimizationLevel: 'all' })
        return { session, provider: p }
      } catch (err) {
        const reason = `${p}: ${ortFailureReason(err)}`
        reasons.push(reason)
        this.fallbacks.push({ id, requested: p, reason })
      }
    }
    let session: ort.InferenceSession
    try {
      session = await createQuietSession(e.bytes, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: batch ? (this.opts.batchThreads ?? 0) : (this.opts.singleThreads ?? 1),
        interOpNumThreads: 1,
        executionMode: 'sequential',
      })
    } catch (err) {
      throw new OnnxImportError(`onnxruntime cannot load model ${id}: ${ortFailureReason(err)}`)
    }
    return { session, provider: 'cpu', ...(reasons.length ? { fallback: reasons.join('; ') } : {}) }
  }

  /** Class probabilities for `n` rows laid out as the card's input shape (`[n, F]` or `[n, T, F]`, row-major). */
  async score(id: string, rows: Float32Array, n: number): Promise<ScoreResult> {
    const r = await this.run(id, rows, n, false)
    return r.result
  }

  /** Scores a merged ensemble (see `loadMergedEnsemble`) in one run: weighted probabilities and each member's. */
  async scoreMerged(id: string, rows: Float32Array, n: number): Promise<MergedScoreResult> {
    const e = this.entry(id)
    if (!e.ensemble) throw new Error(`model ${id} is not a merged ensemble`)
    const r = await this.run(id, rows, n, true)
    return {
      ...r.result,
      members: e.ensemble.members,
      weights: e.ensemble.weights,
      memberProbabilities: r.members as Float32Array,
    }
  }

  /** Scores stacked models (see `loadStacked`) in one run: every head's probabilities and its members'. */
  async scoreStacked(id: string, rows: Float32Array, n: number): Promise<StackedScoreResult> {
    const e = this.entry(id)
    if (!e.stack) throw new Error(`model ${id} is not a stack`)
    const r = await this.run(id, rows, n, true)
    const memberOffsets: number[] = []
    let at = 0
    for (const h of e.stack) {
      memberOffsets.push(at)
      at += h.members
    }
    return {
      n,
      heads: e.stack,
      probabilities: r.result.probabilities,
      memberProbabilities: r.members as Float32Array,
      memberOffsets,
      provider: r.result.provider,
    }
  }

  private async run(
    id: string,
    rows: Float32Array,
    n: number,
    withMembers: boolean,
  ): Promise<{ result: ScoreResult; members?: Float32Array }> {
    if (this.disposed) throw new Error('inference engine is disposed')
    const e = this.entry(id)
    if (!(rows instanceof Float32Array)) throw new TypeError(`rows for model ${id} must be a Float32Array`)
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`)
    if (rows.length !== n * e.perRow)
      throw new RangeError(
        `model ${id} expects ${n} × [${e.dims.join(', ')}] = ${n * e.perRow} values, got ${rows.length}`,
      )
    const cls = e.card.classes.length
    // Columns of `probabilities` (a stack has one group of C per head) and of `member_probabilities`.
    const c = cls * (e.stack?.length ?? 1)
    const mc = (e.stack ? e.stack.reduce((a, h) => a + h.members, 0) : (e.ensemble?.members.length ?? 0)) * cls
    const names = withMembers ? ['probabilities', 'member_probabilities'] : ['probabilities']
    const batch = n >= (this.opts.batchThreshold ?? 256)
    if (e.kernel && !batch) {
      // A merged tree ensemble, a few rows: the JS kernel, no session run (the live path scores one row per bar).
      const r = e.kernel.score(rows, n, e.perRow)
      return {
        result: { probabilities: r.probabilities, n, classes: e.card.classes, provider: 'cpu' },
        ...(withMembers ? { members: r.members } : {}),
      }
    }
    const s = await this.session(id, e, batch)
    const run = async (x: Float32Array, k: number): Promise<[Float32Array, Float32Array | undefined]> => {
      const out = await runSession(
        s.session,
        { [e.inputName]: new ort.Tensor('float32', x, [k, ...e.dims]) },
        names,
        `model ${id}`,
      )
      const t = out.probabilities
      if (t.dims[0] !== k || t.dims[1] !== c)
        throw new Error(`model ${id} returned probabilities of shape [${t.dims.join(', ')}]; card says [${k}, ${c}]`)
      const m = withMembers ? out.member_probabilities : undefined
      if (m && (m.dims[0] !== k || m.dims[1] !== mc))
        throw new Error(
          `model ${id} returned member_probabilities of shape [${m.dims.join(', ')}]; expected [${k}, ${mc}]`,
        )
      return [t.data as Float32Array, m?.data as Float32Array | undefined]
    }
    let probabilities: Float32Array
    let members: Float32Array | undefined
    if (e.fixedBatchOne && n > 1) {
      probabilities = new Float32Array(n * c)
      members = withMembers ? new Float32Array(n * mc) : undefined
      for (let i = 0; i < n; i++) {
        const [p, m] = await run(rows.subarray(i * e.perRow, (i + 1) * e.perRow), 1)
        probabilities.set(p, i * c)
        if (members && m) members.set(m, i * mc)
      }
    } else [probabilities, members] = await run(rows, n)
    return {
      result: {
        probabilities,
        n,
        classes: e.card.classes,
        provider: s.provider,
        ...(s.fallback ? { fallback: s.fallback } : {}),
      },
      ...(members ? { members } : {}),
    }
  }

  /**
   * Weighted mean of member probabilities; members not loaded are skipped and weights renormalised over
   * those present (DOMAIN.md §1). All present members must share classes and input shape.
   */
  async scoreEnsemble(
    members: readonly { readonly id: string; readonly weight: number }[],
    rows: Float32Array,
    n: number,
  ): Promise<ScoreResult & { readonly members: readonly string[] }> {
    const present = members.filter((m) => this.models.has(m.id) && m.weight > 0)
    if (!present.length) throw new Error(`no ensemble member is loaded (${members.map((m) => m.id).join(', ')})`)
    const first = this.entry(present[0].id).card
    for (const m of present) {
      const cd = this.entry(m.id).card
      if (cd.classes.join('\u0000') !== first.classes.join('\u0000'))
        throw new Error(
          `ensemble member ${m.id} has classes [${cd.classes.join(', ')}], expected [${first.classes.join(', ')}]`,
        )
    }
    const total = present.reduce((a, m) => a + m.weight, 0)
    const c = first.classes.length
    const out = new Float32Array(n * c)
    const results = await Promise.all(present.map((m) => this.score(m.id, rows, n)))
    const acc = new Float64Array(n * c)
    results.forEach((r, q) => {
      const w = present[q].weight / total
      for (let i = 0; i < n * c; i++) acc[i] += w * r.probabilities[i]
    })
    out.set(acc)
    const fallback = results.find((r) => r.fallback)?.fallback
    return {
      probabilities: out,
      n,
      classes: first.classes,
      provider: results[0].provider,
      members: present.map((m) => m.id),
      ...(fallback ? { fallback } : {}),
    }
  }

  /** Releases one model's sessions. */
  async unload(id: string): Promise<void> {
    const e = this.models.get(id)
    if (!e) return
    this.models.delete(id)
    // A session that failed to open has nothing to release (its caller already got the failure).
    for (const s of e.sessions.values()) await (await s.catch(() => undefined))?.session.release()
  }

  /** Releases every session; the engine cannot be used afterwards. */
  async dispose(): Promise<void> {
    this.disposed = true
    for (const id of [...this.models.keys()]) await this.unload(id)
  }

  /** Number of open onnxruntime sessions (for tests that check nothing stays open). */
  get openSessions(): number {
    let k = 0
    for (const e of this.models.values()) k += e.sessions.size
    return k
  }
}
