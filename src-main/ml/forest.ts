import { binColumns, binValueRanges, buildBinMapper, type BinMapper } from './binning'
import { trainedCard } from './card'
import { treeEnsembleToOnnx } from './onnx-writer'
import { resolveParams, type ParamRule } from './params'
import { gainImportance, predictEnsemble, TreeBuilder, type Tree, type TreeEnsemble } from './tree'
import {
  balancedClassWeights,
  Rng,
  throwIfAborted,
  validateDataset,
  yieldToLoop,
  type Dataset,
  type ProgressFn,
  type TrainedModel,
  type Trainer,
} from './types'

/**
 * Random forest / extra trees parameters (scikit-learn names). Splits are searched on bins (`max_bin`, NaN in its
 * own bin, sent to the better side), Gini criterion, depth-first growth. With the default `max_bin` (65534) every
 * distinct training value of a feature up to that many gets its own bin, so splits are exact, as scikit-learn's;
 * a smaller `max_bin` gives quantile bins (faster on large tables, coarser thresholds).
 */
export interface ForestParams {
  n_estimators: number
  /** ≤ 0: unlimited. */
  max_depth: number
  /** 'sqrt' | 'log2' | 'all', a fraction in (0, 1), or an integer count ≥ 1. */
  max_features: 'sqrt' | 'log2' | 'all' | number
  min_samples_split: number
  min_samples_leaf: number
  bootstrap: boolean
  class_weight: 'balanced' | 'none'
  max_bin: number
  seed: number
}

export const FOREST_DEFAULTS: ForestParams = {
  n_estimators: 100,
  max_depth: -1,
  max_features: 'sqrt',
  min_samples_split: 2,
  min_samples_leaf: 1,
  bootstrap: true,
  class_weight: 'none',
  max_bin: 65534,
  seed: 0,
}

/** Largest `max_bin` of a forest (Uint16 bin cells, the NaN bin included). */
export const MAX_FOREST_BIN = 65534

/** What each forest parameter accepts (checked once per fit, at the door). */
const FOREST_PARAM_RULES: { readonly [K in keyof ForestParams]: ParamRule } = {
  n_estimators: { kind: 'int', min: 1 },
  max_depth: { kind: 'int' },
  max_features: { kind: 'enum-or-positive', values: ['sqrt', 'log2', 'all'] },
  min_samples_split: { kind: 'int', min: 2 },
  min_samples_leaf: { kind: 'int', min: 1 },
  bootstrap: { kind: 'bool' },
  class_weight: { kind: 'enum', values: ['balanced', 'none'] },
  max_bin: { kind: 'int', min: 2, max: MAX_FOREST_BIN },
  seed: { kind: 'int' },
}

/** Number of features tried per split. */
export function featuresPerSplit(mf: ForestParams['max_features'], f: number): number {
  if (mf === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(f)))
  if (mf === 'log2') return Math.max(1, Math.floor(Math.log2(f)))
  if (mf === 'all') return f
  if (typeof mf === 'number' && mf > 0 && mf < 1) return Math.max(1, Math.floor(mf * f))
  if (typeof mf === 'number' && mf >= 1) return Math.min(f, Math.floor(mf))
  throw new Error(`max_features must be sqrt, log2, all, a fraction in (0,1) or a count ≥ 1; got ${String(mf)}`)
}

interface Best {
  score: number
  feature: number
  /** Largest bin going left (random splits: the drawn cut bin). */
  bin: number
  /** Smallest non-missing bin of the node going right. */
  binR: number
  missingLeft: boolean
}

/**
 * Grows one classification tree with weighted Gini, as scikit-learn's depth-first builder does: at each node `mtry`
 * features are drawn without replacement, constant ones included, and drawing goes on past `mtry` while every feature
 * drawn so far was constant at the node; the best valid split is taken even when it does not lower the impurity
 * (scikit-learn's `min_impurity_decrease = 0`); a best split's threshold is the midpoint between the largest value
 * going left and the smallest going right (with exact bins, the node's own two neighbouring values).
 * `random` draws one cut per feature instead (extra trees).
 *
 * Rows are kept sorted by bin per feature (`sorted`: F blocks of `k` rows, each node a contiguous segment [s, e) of
 * every block, NaN rows last), so a split search is one pass over the node's rows in order, with no sort and no
 * per-bin tables; a split partitions every block's segment stably.
 */
class ForestTreeGrower {
  private readonly side: Uint8Array
  private readonly tmp: Int32Array
  private readonly featIdx: Int32Array
  private readonly L: Float64Array
  private readonly Lm: Float64Array
  private readonly dist: Float64Array
  private readonly n: number
  private readonly f: number
  constructor(
    private readonly m: BinMapper,
    private readonly binned: Uint16Array,
    private readonly lo: readonly Float32Array[],
    private readonly hi: readonly Float32Array[],
    private readonly y: Int32Array,
    private readonly c: number,
    private readonly p: ForestParams,
    private readonly random: boolean,
    private readonly mtry: number,
    private readonly nTrees: number,
  ) {
    this.f = m.nFeatures
    this.n = binned.length / m.nFeatures
    this.side = new Uint8Array(this.n)
    this.tmp = new Int32Array(this.n)
    this.featIdx = new Int32Array(m.nFeatures).map((_, j) => j)
    this.L = new Float64Array(c)
    this.Lm = new Float64Array(c)
    this.dist = new Float64Array(c)
  }

  /** Weighted class counts of the rows of segment [s, e) (block 0 of `sorted`). */
  private classWeights(sorted: Int32Array, s: number, e: number, w: Float64Array): Float64Array {
    const d = this.dist
    const y = this.y
    d.fill(0)
    for (let i = s; i < e; i++) {
      const r = sorted[i]
      d[y[r]] += w[r]
    }
    return d
  }

  private toLeaf(d: Float64Array): number[] {
    let tot = 0
    for (let k = 0; k < this.c; k++) tot += d[k]
    return Array.from(d, (v) => Math.fround((tot > 0 ? v / tot : 1 / this.c) / this.nTrees))
  }

  /** Whether a node at `depth` with `rows` rows and class weights `d` may be split (scikit-learn's leaf tests). */
  private splittable(depth: number, rows: number, d: Float64Array): boolean {
    const p = this.p
    if ((p.max_depth > 0 && depth >= p.max_depth) || rows < p.min_samples_split || rows < 2 * p.min_samples_leaf)
      return false
    let classes = 0
    for (let q = 0; q < this.c; q++) if (d[q] > 0) classes++
    return classes > 1
  }

  /** Grows a tree over `k` rows, `sorted` holding them sorted by bin per feature (F blocks of `k`); reorders `sorted`. */
  grow(sorted: Int32Array, k: number, w: Float64Array, rng: Rng): Tree {
    const c = this.c
    const f = this.f
    const n = this.n
    const y = this.y
    const tb = new TreeBuilder(c, -1)
    interface Node {
      id: number
      s: number
      e: number
      depth: number
      /** Class weights of the node's rows. */
      d: Float64Array
    }
    const stack: Node[] = []
    const side = this.side
    const tmp = this.tmp
    const binned = this.binned
    const d0 = Float64Array.from(this.classWeights(sorted, 0, k, w))
    const root: Node = { id: tb.addLeaf(this.toLeaf(d0)), s: 0, e: k, depth: 0, d: d0 }
    if (this.splittable(0, k, d0)) stack.push(root)
    while (stack.length) {
      const { id, s, e, depth, d: total } = stack.pop() as Node
      const best = this.bestSplit(sorted, k, w, s, e, total, rng)
      if (best.feature < 0) continue
      const j = best.feature
      // Side of every row of the node (1 = left) from the split feature's column, and each child's class weights.
      const mb = this.m.missingBin[j]
      const col = j * n
      const cut = best.bin
      const ml = best.missingLeft ? 1 : 0
      // Child class weights side by side (right then left), indexed without a branch.
      const d2 = new Float64Array(2 * c)
      let nl = 0
      for (let i = s; i < e; i++) {
        const r = sorted[i]
        const v = binned[col + r]
        const l = v === mb ? ml : v <= cut ? 1 : 0
        side[r] = l
        nl += l
        d2[l * c + y[r]] += w[r]
      }
      const dr = d2.subarray(0, c)
      const dl = d2.subarray(c)
      const mid = s + nl
      const splitL = this.splittable(depth + 1, nl, dl)
      const splitR = this.splittable(depth + 1, e - mid, dr)
      // Each block's segment partitioned stably, so every block stays sorted by its feature within both children;
      // not needed when neither child is searched again.
      if (splitL || splitR) {
        for (let q = 0; q < f; q++) {
          const o = q * k
          let a = o + s
          let z = 0
          for (let i = o + s; i < o + e; i++) {
            const r = sorted[i]
            const l = side[r]
            sorted[a] = r
            tmp[z] = r
            a += l
            z += 1 - l
          }
          sorted.set(tmp.subarray(0, z), a)
        }
      }
      const lid = tb.addLeaf(this.toLeaf(dl))
      const rid = tb.addLeaf(this.toLeaf(dr))
      let parentTerm = 0
      let W = 0
      for (let q = 0; q < c; q++) {
        parentTerm += total[q] * total[q]
        W += total[q]
      }
      tb.split(id, j, this.threshold(j, best), best.missingLeft, Math.max(0, best.score - parentTerm / W), lid, rid)
      if (splitR) stack.push({ id: rid, s: mid, e, depth: depth + 1, d: dr })
      if (splitL) stack.push({ id: lid, s, e: mid, depth: depth + 1, d: dl })
    }
    return tb.build()
  }

  /** Float32 threshold of a split: `x ≤ t` holds for every training value in bins ≤ `bin` and for none in bins ≥ `binR`. */
  private threshold(j: number, best: Best): number {
    if (this.random) return this.m.uppers[j][best.bin]
    const a = this.hi[j][best.bin]
    const b = this.lo[j][best.binR]
    const t = Math.fround(a / 2 + b / 2)
    return t < b ? t : a
  }

  /** Best split over the drawn features; score = Σ_k L_k²/W_L + Σ_k R_k²/W_R (larger = purer). */
  private bestSplit(
    sorted: Int32Array,
    k: number,
    w: Float64Array,
    s: number,
    e: number,
    total: Float64Array,
    rng: Rng,
  ): Best {
    const { c, binned, L, Lm, y } = this
    const f = this.f
    const n = this.n
    const minLeaf = this.p.min_samples_leaf
    const best: Best = { score: -Infinity, feature: -1, bin: -1, binR: -1, missingLeft: false }
    let W = 0
    for (let q = 0; q < c; q++) W += total[q]
    const nRows = e - s
    // Partial Fisher–Yates over feature indices: distinct features, `mtry` of them, more while all were constant.
    const fi = this.featIdx
    let nonConstant = 0
    for (let q = 0; q < f && (q < this.mtry || nonConstant === 0); q++) {
      const z = q + rng.int(f - q)
      const t = fi[q]
      fi[q] = fi[z]
      fi[z] = t
      const j = fi[q]
      const mb = this.m.missingBin[j]
      const col = j * n
      const o = j * k
      // NaN rows sort last: their class weights go to one side or the other as a whole.
      let end = o + e
      Lm.fill(0)
      while (end > o + s && binned[col + sorted[end - 1]] === mb) {
        const r = sorted[--end]
        Lm[y[r]] += w[r]
      }
      const mRows = o + e - end
      const first = o + s
      if (end - first < 2 || binned[col + sorted[first]] === binned[col + sorted[end - 1]]) continue
      nonConstant++
      let cutBin = -1
      if (this.random) {
        // One uniformly drawn cut between the node's smallest and largest bin.
        const b0 = binned[col + sorted[first]]
        cutBin = b0 + rng.int(binned[col + sorted[end - 1]] - b0)
      }
      let wMiss = 0
      for (let q = 0; q < c; q++) wMiss += Lm[q]
      L.fill(0)
      let wL = 0
      let bPrev = binned[col + sorted[first]]
      for (let i = first; i < end - 1; i++) {
        const r = sorted[i]
        const yr = y[r]
        const wr = w[r]
        L[yr] += wr
        wL += wr
        const bNext = binned[col + sorted[i + 1]]
        if (bNext === bPrev) continue
        const b = bPrev
        bPrev = bNext
        // Extra trees: only the boundary the drawn cut falls in (b ≤ cutBin < bNext), i.e. left = bins ≤ cutBin.
        if (this.random && bNext <= cutBin) continue
        const lRows = i + 1 - first
        for (let sd = 0; sd < (mRows > 0 ? 2 : 1); sd++) {
          const ml = sd === 1
          const lr = lRows + (ml ? mRows : 0)
          const rr = nRows - lr
          if (lr < minLeaf || rr < minLeaf) continue
          const wl = ml ? wL + wMiss : wL
          const wrt = W - wl
          if (wl <= 0 || wrt <= 0) continue
          let sl = 0
          let sr = 0
          for (let q = 0; q < c; q++) {
            const lk = ml ? L[q] + Lm[q] : L[q]
            const rk = total[q] - lk
            sl += lk * lk
            sr += rk * rk
          }
          const score = sl / wl + sr / wrt
          if (score > best.score + 1e-12) {
            best.score = score
            best.feature = j
            best.bin = this.random ? cutBin : b
            best.binR = bNext
            best.missingLeft = ml
          }
        }
        if (this.random) break
      }
    }
    return best
  }
}

/** Row order of every feature sorted by bin (a counting sort per feature, stable): F blocks of n row indices. */
function sortByBin(m: BinMapper, binned: Uint16Array, n: number): Int32Array {
  const f = m.nFeatures
  const out = new Int32Array(n * f)
  for (let j = 0; j < f; j++) {
    const start = new Int32Array(m.missingBin[j] + 2)
    const col = j * n
    for (let i = 0; i < n; i++) start[binned[col + i] + 1]++
    for (let b = 1; b < start.length; b++) start[b] += start[b - 1]
    for (let i = 0; i < n; i++) out[col + start[binned[col + i]]++] = i
  }
  return out
}

/** Random forest (`random` false: best bin split per feature) or extra trees (`random` true: one random cut per feature). */
export class ForestTrainer implements Trainer<ForestParams> {
  readonly algo: string
  constructor(private readonly extraTrees = false) {
    this.algo = extraTrees ? 'extra-trees' : 'rf'
  }

  params(given: object): ForestParams {
    return resolveParams(this.algo, { ...FOREST_DEFAULTS, bootstrap: !this.extraTrees }, FOREST_PARAM_RULES, given)
  }

  async fit(
    data: Dataset,
    params: Partial<ForestParams> = {},
    onProgress?: ProgressFn,
    signal?: AbortSignal,
  ): Promise<TrainedModel> {
    validateDataset(data)
    const p = this.params(params)
    const { n } = data
    const f = data.features.length
    const c = data.classes.length
    // Every row feeds the bins, so with max_bin ≥ the distinct values of a feature its bins are exact.
    const m = buildBinMapper(data.x, n, f, p.max_bin, n, MAX_FOREST_BIN)
    const binned = binColumns(m, data.x, n)
    const { lo, hi } = binValueRanges(m, data.x, n, binned)
    const cw =
      p.class_weight === 'balanced' ? balancedClassWeights(data.y, c, data.weights) : new Float64Array(c).fill(1)
    const grower = new ForestTreeGrower(
      m,
      binned,
      lo,
      hi,
      data.y,
      c,
      p,
      this.extraTrees,
      featuresPerSplit(p.max_features, f),
      p.n_estimators,
    )
    const order = sortByBin(m, binned, n)
    const sorted = new Int32Array(n * f)
    const rng = new Rng(p.seed)
    const trees: Tree[] = []
    const w = new Float64Array(n)
    const mult = new Int32Array(n)
    for (let t = 0; t < p.n_estimators; t++) {
      throwIfAborted(signal)
      mult.fill(p.bootstrap ? 0 : 1)
      if (p.bootstrap) for (let i = 0; i < n; i++) mult[rng.int(n)]++
      // The tree's rows (drawn at least once, positive weight), as scikit-learn keeps them: bootstrap counts are weights.
      for (let i = 0; i < n; i++) w[i] = mult[i] * cw[data.y[i]] * (data.weights ? data.weights[i] : 1)
      let k = 0
      for (let i = 0; i < n; i++) if (w[i] > 0) k++
      for (let j = 0; j < f; j++) {
        let q = j * k
        for (let i = j * n; i < (j + 1) * n; i++) if (w[order[i]] > 0) sorted[q++] = order[i]
      }
      trees.push(grower.grow(sorted, k, w, rng))
      onProgress?.((t + 1) / p.n_estimators)
      if (t % 4 === 3) await yieldToLoop()
    }
    const ensemble: TreeEnsemble = { trees, nClasses: c, nFeatures: f, postTransform: 'NONE' }
    const card = trainedCard(data, this.algo, p, {
      training: { growth: 'depth-first', splits: this.extraTrees ? 'random-bin' : 'best-bin' },
    })
    return {
      onnx: treeEnsembleToOnnx(ensemble, card),
      card,
      predict: (x, nRows) => predictEnsemble(ensemble, x, nRows),
      importance: { gain: gainImportance(ensemble) },
    }
  }
}
