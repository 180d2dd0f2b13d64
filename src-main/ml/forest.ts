import { binColumns, buildBinMapper, type BinMapper } from './binning'
import { trainedCard } from './card'
import { treeEnsembleToOnnx } from './onnx-writer'
import { gainImportance, predictEnsemble, TreeBuilder, type Tree, type TreeEnsemble } from './tree'
import { balancedClassWeights, Rng, throwIfAborted, validateDataset, yieldToLoop, type Dataset, type ProgressFn, type TrainedModel, type Trainer } from './types'

/**
 * Random forest / extra trees parameters (scikit-learn names). Splits are searched on quantile bins
 * (`max_bin`, NaN in its own bin, sent to the better side), Gini criterion, depth-first growth.
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
  max_bin: 255,
  seed: 0,
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
  bin: number
  missingLeft: boolean
}

/** Grows one classification tree on column-major binned data with weighted Gini; `random` picks one random threshold per feature (extra trees). */
class ForestTreeGrower {
  private readonly cnt: Float64Array
  private readonly rowsPerBin: Int32Array
  private readonly touched: Int32Array
  private readonly mark: Uint8Array
  private readonly sorted = new Int32Array(256)
  private readonly tmp: Int32Array
  private readonly featIdx: Int32Array
  private readonly n: number
  constructor(
    private readonly m: BinMapper,
    private readonly binned: Uint8Array,
    private readonly y: Int32Array,
    private readonly c: number,
    private readonly p: ForestParams,
    private readonly random: boolean,
    private readonly mtry: number,
    private readonly nTrees: number,
  ) {
    this.cnt = new Float64Array(256 * c)
    this.rowsPerBin = new Int32Array(256)
    this.touched = new Int32Array(256)
    this.mark = new Uint8Array(256)
    this.n = binned.length / m.nFeatures
    this.tmp = new Int32Array(this.n)
    this.featIdx = new Int32Array(m.nFeatures).map((_, j) => j)
  }

  grow(rows: Int32Array, w: Float64Array, rng: Rng): Tree {
    const c = this.c
    const tb = new TreeBuilder(c, -1)
    const maxDepth = this.p.max_depth > 0 ? this.p.max_depth : Infinity
    const dist = new Float64Array(c)
    const stack: { id: number; s: number; e: number; depth: number }[] = []
    const leafValues = (s: number, e: number): Float64Array => {
      dist.fill(0)
      for (let i = s; i < e; i++) dist[this.y[rows[i]]] += w[rows[i]]
      return dist
    }
    const toLeaf = (d: Float64Array): number[] => {
      const tot = d.reduce((a, b) => a + b, 0)
      return Array.from(d, (v) => Math.fround((tot > 0 ? v / tot : 1 / c) / this.nTrees))
    }
    stack.push({ id: tb.addLeaf(toLeaf(leafValues(0, rows.length))), s: 0, e: rows.length, depth: 0 })
    while (stack.length) {
      const node = stack.pop() as { id: number; s: number; e: number; depth: number }
      const nRows = node.e - node.s
      if (node.depth >= maxDepth || nRows < this.p.min_samples_split || nRows < 2 * this.p.min_samples_leaf) continue
      const d = leafValues(node.s, node.e)
      let pure = 0
      for (let k = 0; k < c; k++) if (d[k] > 0) pure++
      if (pure <= 1) continue
      const total = Float64Array.from(d)
      const best = this.bestSplit(rows, w, node.s, node.e, total, rng)
      if (best.feature < 0) continue
      const j = best.feature
      const mb = this.m.missingBin[j]
      let nl = 0
      let nr = 0
      for (let i = node.s; i < node.e; i++) {
        const r = rows[i]
        const v = this.binned[j * this.n + r]
        if (v === mb ? best.missingLeft : v <= best.bin) rows[node.s + nl++] = r
        else this.tmp[nr++] = r
      }
      rows.set(this.tmp.subarray(0, nr), node.s + nl)
      const mid = node.s + nl
      const lid = tb.addLeaf(toLeaf(leafValues(node.s, mid)))
      const rid = tb.addLeaf(toLeaf(leafValues(mid, node.e)))
      let parentTerm = 0
      let W = 0
      for (let k = 0; k < c; k++) {
        parentTerm += total[k] * total[k]
        W += total[k]
      }
      tb.split(node.id, j, this.m.uppers[j][best.bin], best.missingLeft, best.score - parentTerm / W, lid, rid)
      stack.push({ id: rid, s: mid, e: node.e, depth: node.depth + 1 }, { id: lid, s: node.s, e: mid, depth: node.depth + 1 })
    }
    return tb.build()
  }

  /** Best split over `mtry` random features; score = Σ_k L_k²/W_L + Σ_k R_k²/W_R (larger = purer). */
  private bestSplit(rows: Int32Array, w: Float64Array, s: number, e: number, total: Float64Array, rng: Rng): Best {
    const { c, cnt, rowsPerBin, touched, mark, binned, sorted } = this
    const f = this.m.nFeatures
    const minLeaf = this.p.min_samples_leaf
    let best: Best = { score: -Infinity, feature: -1, bin: -1, missingLeft: false }
    let parentTerm = 0
    let W = 0
    for (let k = 0; k < c; k++) {
      parentTerm += total[k] * total[k]
      W += total[k]
    }
    parentTerm /= W
    const L = new Float64Array(c)
    const Lm = new Float64Array(c)
    const nRows = e - s
    // Partial Fisher–Yates over feature indices: mtry distinct features.
    const fi = this.featIdx
    for (let q = 0; q < this.mtry; q++) {
      const z = q + rng.int(f - q)
      const t = fi[q]
      fi[q] = fi[z]
      fi[z] = t
      const j = fi[q]
      const mb = this.m.missingBin[j]
      const col = binned.subarray(j * this.n, (j + 1) * this.n)
      let nt = 0
      for (let i = s; i < e; i++) {
        const r = rows[i]
        const b = col[r]
        if (!mark[b]) {
          mark[b] = 1
          touched[nt++] = b
        }
        cnt[b * c + this.y[r]] += w[r]
        rowsPerBin[b]++
      }
      let tb: Int32Array
      if (nt * 8 > mb) {
        // Many distinct bins: an ordered sweep over the marks beats sorting.
        let k = 0
        for (let b = 0; b <= mb; b++) if (mark[b]) sorted[k++] = b
        tb = sorted.subarray(0, k)
      } else tb = touched.subarray(0, nt).sort()
      // Missing bin is the largest index of the feature, so it sorts last when present.
      const hasMissing = tb[nt - 1] === mb
      const nb = hasMissing ? nt - 1 : nt
      if (nb >= 2) {
        const mRows = hasMissing ? rowsPerBin[mb] : 0
        for (let k = 0; k < c; k++) Lm[k] = hasMissing ? cnt[mb * c + k] : 0
        let lo = 0
        let hi = nb - 2
        let cutBin = -1
        if (this.random) {
          // One uniformly drawn cut between the node's smallest and largest bin.
          cutBin = tb[0] + rng.int(tb[nb - 1] - tb[0])
          let t = 0
          while (t + 1 < nb - 1 && tb[t + 1] <= cutBin) t++
          lo = hi = t
        }
        L.fill(0)
        let lRows = 0
        for (let t = 0; t <= hi; t++) {
          const b = tb[t]
          for (let k = 0; k < c; k++) L[k] += cnt[b * c + k]
          lRows += rowsPerBin[b]
          if (t < lo) continue
          for (let side = 0; side < (hasMissing ? 2 : 1); side++) {
            const ml = side === 1
            const lr = lRows + (ml ? mRows : 0)
            const rr = nRows - lr
            if (lr < minLeaf || rr < minLeaf) continue
            let wl = 0
            let sl = 0
            let sr = 0
            for (let k = 0; k < c; k++) wl += L[k] + (ml ? Lm[k] : 0)
            const wr = W - wl
            if (wl <= 0 || wr <= 0) continue
            for (let k = 0; k < c; k++) {
              const lk = L[k] + (ml ? Lm[k] : 0)
              const rk = total[k] - lk
              sl += lk * lk
              sr += rk * rk
            }
            const score = sl / wl + sr / wr
            if (score > best.score + 1e-12 && score > parentTerm + 1e-12) best = { score, feature: j, bin: this.random ? cutBin : b, missingLeft: ml }
          }
        }
      }
      for (let t = 0; t < nt; t++) {
        const b = touched[t]
        mark[b] = 0
        rowsPerBin[b] = 0
        for (let k = 0; k < c; k++) cnt[b * c + k] = 0
      }
    }
    return best
  }
}

/** Random forest (`random` false: best bin split per feature) or extra trees (`random` true: one random cut per feature). */
export class ForestTrainer implements Trainer<ForestParams> {
  readonly algo: string
  constructor(private readonly extraTrees = false) {
    this.algo = extraTrees ? 'extra-trees' : 'rf'
  }

  async fit(data: Dataset, params: Partial<ForestParams> = {}, onProgress?: ProgressFn, signal?: AbortSignal): Promise<TrainedModel> {
    validateDataset(data)
    const p: ForestParams = { ...FOREST_DEFAULTS, bootstrap: !this.extraTrees, ...params }
    const { n } = data
    const f = data.features.length
    const c = data.classes.length
    const m = buildBinMapper(data.x, n, f, p.max_bin)
    const binned = binColumns(m, data.x, n)
    const cw = p.class_weight === 'balanced' ? balancedClassWeights(data.y, c, data.weights) : new Float64Array(c).fill(1)
    const grower = new ForestTreeGrower(m, binned, data.y, c, p, this.extraTrees, featuresPerSplit(p.max_features, f), p.n_estimators)
    const rng = new Rng(p.seed)
    const trees: Tree[] = []
    const w = new Float64Array(n)
    const mult = new Int32Array(n)
    for (let t = 0; t < p.n_estimators; t++) {
      throwIfAborted(signal)
      mult.fill(p.bootstrap ? 0 : 1)
      if (p.bootstrap) for (let i = 0; i < n; i++) mult[rng.int(n)]++
      let k = 0
      for (let i = 0; i < n; i++) if (mult[i] > 0) k++
      const rows = new Int32Array(k)
      k = 0
      for (let i = 0; i < n; i++) {
        w[i] = mult[i] * cw[data.y[i]] * (data.weights ? data.weights[i] : 1)
        if (mult[i] > 0) rows[k++] = i
      }
      trees.push(grower.grow(rows, w, rng))
      onProgress?.((t + 1) / p.n_estimators)
      if (t % 4 === 3) await yieldToLoop()
    }
    const ensemble: TreeEnsemble = { trees, nClasses: c, nFeatures: f, postTransform: 'NONE' }
    const card = trainedCard(data, this.algo, p, { training: { growth: 'depth-first', splits: this.extraTrees ? 'random-bin' : 'best-bin' } })
    return {
      onnx: treeEnsembleToOnnx(ensemble, card),
      card,
      predict: (x, nRows) => predictEnsemble(ensemble, x, nRows),
      importance: { gain: gainImportance(ensemble) },
    }
  }
}
