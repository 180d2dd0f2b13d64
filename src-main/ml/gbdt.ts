import { binRows, buildBinMapper, type BinMapper } from './binning'
import { trainedCard } from './card'
import { treeEnsembleToOnnx } from './onnx-writer'
import { gainImportance, predictEnsemble, TreeBuilder, type Tree, type TreeEnsemble } from './tree'
import { Rng, throwIfAborted, validateDataset, yieldToLoop, type Dataset, type ProgressFn, type TrainedModel, type Trainer } from './types'

/**
 * Histogram gradient boosting parameters (LightGBM names). Growth is leaf-wise (best-first, as LightGBM):
 * the leaf with the largest gain splits next until `num_leaves`; `max_depth` > 0 also caps depth, so
 * `num_leaves ≥ 2^max_depth` gives depth-wise-equivalent trees (as xgboost `grow_policy=depthwise`).
 */
export interface GbdtParams {
  n_estimators: number
  learning_rate: number
  num_leaves: number
  /** ≤ 0: unlimited. */
  max_depth: number
  min_data_in_leaf: number
  min_sum_hessian_in_leaf: number
  lambda_l2: number
  min_gain_to_split: number
  /** Fraction of features considered per tree. */
  feature_fraction: number
  /** Fraction of rows (without replacement) re-drawn every `bagging_freq` rounds; freq 0 = off. */
  bagging_fraction: number
  bagging_freq: number
  max_bin: number
  /** Stop when the validation log loss has not improved for this many rounds (needs `data.valid`); 0 = off. */
  early_stopping_rounds: number
  seed: number
}

export const GBDT_DEFAULTS: GbdtParams = {
  n_estimators: 100,
  learning_rate: 0.1,
  num_leaves: 31,
  max_depth: -1,
  min_data_in_leaf: 20,
  min_sum_hessian_in_leaf: 1e-3,
  lambda_l2: 0,
  min_gain_to_split: 0,
  feature_fraction: 1,
  bagging_fraction: 1,
  bagging_freq: 0,
  max_bin: 255,
  early_stopping_rounds: 0,
  seed: 0,
}

interface Split {
  gain: number
  feature: number
  bin: number
  missingLeft: boolean
}

/** Grows one regression tree on gradients/hessians with histograms (row-wise build, subtraction for the larger child). */
class TreeGrower {
  private readonly hists: Float64Array[] = []
  private readonly tmp: Int32Array
  constructor(
    private readonly m: BinMapper,
    private readonly binned: Uint8Array,
    private readonly gidx: Uint16Array | Uint32Array,
    private readonly p: GbdtParams,
  ) {
    this.tmp = new Int32Array(binned.length / m.nFeatures)
  }

  private alloc(): Float64Array {
    return this.hists.pop() ?? new Float64Array(this.m.totalBins * 3)
  }

  private build(h: Float64Array, rows: Int32Array, s: number, e: number, gh: Float64Array): void {
    h.fill(0)
    const f = this.m.nFeatures
    const gi = this.gidx
    for (let i = s; i < e; i++) {
      const r = rows[i]
      const g = gh[2 * r]
      const hh = gh[2 * r + 1]
      const base = r * f
      for (let j = 0; j < f; j++) {
        const o = gi[base + j] * 3
        h[o] += g
        h[o + 1] += hh
        h[o + 2] += 1
      }
    }
  }

  private best(h: Float64Array, feats: Int32Array, G: number, H: number, C: number): Split {
    const { lambda_l2: lam, min_data_in_leaf: minC, min_sum_hessian_in_leaf: minH } = this.p
    const parent = (G * G) / (H + lam)
    let best: Split = { gain: 0, feature: -1, bin: -1, missingLeft: false }
    let bestGain = this.p.min_gain_to_split
    for (let q = 0; q < feats.length; q++) {
      const j = feats[q]
      const off = this.m.offsets[j]
      const mb = this.m.missingBin[j]
      const mo = (off + mb) * 3
      const gm = h[mo]
      const hm = h[mo + 1]
      const cm = h[mo + 2]
      let gl = 0
      let hl = 0
      let cl = 0
      for (let b = 0; b < mb - 1; b++) {
        const o = (off + b) * 3
        gl += h[o]
        hl += h[o + 1]
        cl += h[o + 2]
        // Missing right.
        let cr = C - cl
        if (cl >= minC && cr >= minC && hl >= minH && H - hl >= minH) {
          const gr = G - gl
          const gain = (gl * gl) / (hl + lam) + (gr * gr) / (H - hl + lam) - parent
          if (gain > bestGain) {
            bestGain = gain
            best = { gain, feature: j, bin: b, missingLeft: false }
          }
        }
        if (cm > 0) {
          const gl2 = gl + gm
          const hl2 = hl + hm
          const cl2 = cl + cm
          cr = C - cl2
          if (cl2 >= minC && cr >= minC && hl2 >= minH && H - hl2 >= minH) {
            const gr = G - gl2
            const gain = (gl2 * gl2) / (hl2 + lam) + (gr * gr) / (H - hl2 + lam) - parent
            if (gain > bestGain) {
              bestGain = gain
              best = { gain, feature: j, bin: b, missingLeft: true }
            }
          }
        }
      }
    }
    return best
  }

  /** Grows a tree over `rows` (in place partitioned); leaf value = −lr·G/(H+λ) + `shift`. */
  grow(rows: Int32Array, gh: Float64Array, feats: Int32Array, targetClass: number, shift: number): { tree: Tree; bins: Int32Array } {
    const p = this.p
    const f = this.m.nFeatures
    const maxDepth = p.max_depth > 0 ? p.max_depth : Infinity
    const tb = new TreeBuilder(1, targetClass)
    const splitBins: number[] = []
    interface Leaf {
      id: number
      s: number
      e: number
      depth: number
      h: Float64Array | null
      G: number
      H: number
      split: Split
    }
    const leafValue = (G: number, H: number) => Math.fround(-p.learning_rate * (G / (H + p.lambda_l2)) + shift)
    const sums = (h: Float64Array): [number, number] => {
      // Feature 0's bins (incl. NaN) cover every row once.
      let G = 0
      let H = 0
      const end = this.m.offsets[0] + this.m.missingBin[0] + 1
      for (let b = this.m.offsets[0]; b < end; b++) {
        G += h[b * 3]
        H += h[b * 3 + 1]
      }
      return [G, H]
    }
    const rootH = this.alloc()
    this.build(rootH, rows, 0, rows.length, gh)
    const [G0, H0] = sums(rootH)
    const root: Leaf = { id: tb.addLeaf([leafValue(G0, H0)]), s: 0, e: rows.length, depth: 0, h: rootH, G: G0, H: H0, split: this.best(rootH, feats, G0, H0, rows.length) }
    splitBins.push(-1)
    const leaves: Leaf[] = [root]
    let nLeaves = 1
    while (nLeaves < p.num_leaves) {
      let bi = -1
      for (let i = 0; i < leaves.length; i++) {
        const l = leaves[i]
        if (l.split.feature >= 0 && l.depth < maxDepth && (bi < 0 || l.split.gain > leaves[bi].split.gain)) bi = i
      }
      if (bi < 0) break
      const L = leaves[bi]
      const { feature: j, bin: b, missingLeft } = L.split
      const mb = this.m.missingBin[j]
      // Stable partition of rows[s, e) into left then right.
      let nl = 0
      let nr = 0
      const tmp = this.tmp
      for (let i = L.s; i < L.e; i++) {
        const r = rows[i]
        const v = this.binned[r * f + j]
        if (v === mb ? missingLeft : v <= b) rows[L.s + nl++] = r
        else tmp[nr++] = r
      }
      rows.set(tmp.subarray(0, nr), L.s + nl)
      const mid = L.s + nl
      const parentH = L.h as Float64Array
      const small = this.alloc()
      const leftSmaller = nl <= nr
      if (leftSmaller) this.build(small, rows, L.s, mid, gh)
      else this.build(small, rows, mid, L.e, gh)
      for (let k = 0; k < parentH.length; k++) parentH[k] -= small[k]
      const hl = leftSmaller ? small : parentH
      const hr = leftSmaller ? parentH : small
      const [Gl, Hl] = sums(hl)
      const Gr = L.G - Gl
      const Hr = L.H - Hl
      const lid = tb.addLeaf([leafValue(Gl, Hl)])
      const rid = tb.addLeaf([leafValue(Gr, Hr)])
      splitBins.push(-1, -1)
      tb.split(L.id, j, this.m.uppers[j][b], missingLeft, L.split.gain, lid, rid)
      splitBins[L.id] = b
      const depth = L.depth + 1
      const canSplit = depth < maxDepth && nLeaves + 1 < p.num_leaves
      const left: Leaf = { id: lid, s: L.s, e: mid, depth, h: hl, G: Gl, H: Hl, split: canSplit ? this.best(hl, feats, Gl, Hl, nl) : NO_SPLIT }
      const right: Leaf = { id: rid, s: mid, e: L.e, depth, h: hr, G: Gr, H: Hr, split: canSplit ? this.best(hr, feats, Gr, Hr, nr) : NO_SPLIT }
      leaves[bi] = left
      leaves.push(right)
      nLeaves++
    }
    for (const l of leaves) if (l.h) this.hists.push(l.h)
    return { tree: tb.build(), bins: Int32Array.from(splitBins) }
  }
}

const NO_SPLIT: Split = { gain: 0, feature: -1, bin: -1, missingLeft: false }

/** Adds a tree's leaf values (float32) to `raw[i * stride + k]` for binned rows. */
function addTree(t: Tree, bins: Int32Array, m: BinMapper, binned: Uint8Array, n: number, raw: Float64Array, stride: number, k: number): void {
  const f = m.nFeatures
  for (let i = 0; i < n; i++) {
    let node = 0
    while (t.feature[node] >= 0) {
      const j = t.feature[node]
      const v = binned[i * f + j]
      node = (v === m.missingBin[j] ? t.missingLeft[node] === 1 : v <= bins[node]) ? t.left[node] : t.right[node]
    }
    raw[i * stride + k] += t.value[node]
  }
}

function logLoss(raw: Float64Array, y: Int32Array, w: Float32Array | undefined, n: number, nOut: number): number {
  let s = 0
  let sw = 0
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1
    let l: number
    if (nOut === 1) {
      const z = raw[i]
      // log(1 + e^-z) for y=1, log(1 + e^z) for y=0, computed stably.
      const t = y[i] === 1 ? -z : z
      l = t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))
    } else {
      let mx = -Infinity
      for (let k = 0; k < nOut; k++) mx = Math.max(mx, raw[i * nOut + k])
      let se = 0
      for (let k = 0; k < nOut; k++) se += Math.exp(raw[i * nOut + k] - mx)
      l = mx + Math.log(se) - raw[i * nOut + y[i]]
    }
    s += wi * l
    sw += wi
  }
  return s / sw
}

/** Histogram gradient boosting: binary logistic (one tree per round) or multiclass softmax (one tree per class per round). */
export class GbdtTrainer implements Trainer<GbdtParams> {
  readonly algo = 'gbdt'

  async fit(data: Dataset, params: Partial<GbdtParams> = {}, onProgress?: ProgressFn, signal?: AbortSignal): Promise<TrainedModel> {
    validateDataset(data)
    const p: GbdtParams = { ...GBDT_DEFAULTS, ...params }
    const { n } = data
    const f = data.features.length
    const c = data.classes.length
    const nOut = c === 2 ? 1 : c
    const rng = new Rng(p.seed)
    const m = buildBinMapper(data.x, n, f, p.max_bin)
    const binned = binRows(m, data.x, n)
    const gidx = m.totalBins < 65536 ? new Uint16Array(n * f) : new Uint32Array(n * f)
    for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) gidx[i * f + j] = m.offsets[j] + binned[i * f + j]
    const valid = data.valid && p.early_stopping_rounds > 0 ? data.valid : undefined
    const vBinned = valid ? binRows(m, valid.x, valid.n) : new Uint8Array(0)
    const grower = new TreeGrower(m, binned, gidx, p)
    const w = data.weights
    const y = data.y

    // Base scores (folded into the first tree of each output): log-odds or log-priors.
    const prior = new Float64Array(c)
    let sw = 0
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i] : 1
      prior[y[i]] += wi
      sw += wi
    }
    const base = new Float64Array(nOut)
    if (nOut === 1) base[0] = Math.log(Math.max(prior[1], 1e-12) / Math.max(prior[0], 1e-12))
    else for (let k = 0; k < c; k++) base[k] = Math.log(Math.max(prior[k] / sw, 1e-12))

    const raw = new Float64Array(n * nOut)
    const vRaw = new Float64Array((valid?.n ?? 0) * nOut)
    const gh = new Float64Array(2 * n)
    const prob = new Float64Array(n * nOut)
    const trees: Tree[] = []
    let rows: Int32Array = new Int32Array(n).map((_, i) => i)
    const allFeats = new Int32Array(f).map((_, j) => j)
    let bestLoss = Infinity
    let bestIter = -1
    for (let it = 0; it < p.n_estimators; it++) {
      throwIfAborted(signal)
      if (p.bagging_freq > 0 && p.bagging_fraction < 1 && it % p.bagging_freq === 0) rows = rng.sample(n, Math.max(1, Math.round(n * p.bagging_fraction)))
      // Probabilities for this round's gradients.
      for (let i = 0; i < n; i++) {
        if (nOut === 1) prob[i] = 1 / (1 + Math.exp(-(raw[i] + (it === 0 ? base[0] : 0))))
        else {
          let mx = -Infinity
          for (let k = 0; k < nOut; k++) mx = Math.max(mx, raw[i * nOut + k] + (it === 0 ? base[k] : 0))
          let se = 0
          for (let k = 0; k < nOut; k++) se += prob[i * nOut + k] = Math.exp(raw[i * nOut + k] + (it === 0 ? base[k] : 0) - mx)
          for (let k = 0; k < nOut; k++) prob[i * nOut + k] /= se
        }
      }
      const feats = p.feature_fraction < 1 ? rng.sample(f, Math.max(1, Math.round(f * p.feature_fraction))) : allFeats
      for (let k = 0; k < nOut; k++) {
        for (let i = 0; i < n; i++) {
          const pk = prob[i * nOut + k]
          const yk = nOut === 1 ? y[i] : y[i] === k ? 1 : 0
          const wi = w ? w[i] : 1
          gh[2 * i] = (pk - yk) * wi
          gh[2 * i + 1] = Math.max(pk * (1 - pk), 1e-16) * wi
        }
        const shift = it === 0 ? base[k] : 0
        const { tree, bins } = grower.grow(rows.slice(), gh, feats, nOut === 1 ? 1 : k, shift)
        trees.push(tree)
        addTree(tree, bins, m, binned, n, raw, nOut, k)
        if (valid) addTree(tree, bins, m, vBinned, valid.n, vRaw, nOut, k)
      }
      if (valid) {
        const loss = logLoss(vRaw, valid.y, valid.weights, valid.n, nOut)
        if (loss < bestLoss - 1e-12) {
          bestLoss = loss
          bestIter = it
        } else if (it - bestIter >= p.early_stopping_rounds) break
      }
      onProgress?.((it + 1) / p.n_estimators)
      if (it % 4 === 3) await yieldToLoop()
    }
    const used = valid && bestIter >= 0 ? trees.slice(0, (bestIter + 1) * nOut) : trees
    const ensemble: TreeEnsemble = { trees: used, nClasses: c, nFeatures: f, postTransform: nOut === 1 ? 'LOGISTIC' : 'SOFTMAX' }
    const card = trainedCard(data, this.algo, p, {
      training: { rounds: used.length / nOut, growth: 'leaf-wise' },
      ...(valid ? { metrics: { validLogLoss: bestLoss, bestIteration: bestIter + 1 } } : {}),
    })
    onProgress?.(1)
    return {
      onnx: treeEnsembleToOnnx(ensemble, card),
      card,
      predict: (rowsX, nRows) => predictEnsemble(ensemble, rowsX, nRows),
      importance: { gain: gainImportance(ensemble) },
    }
  }
}
