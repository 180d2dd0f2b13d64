import { binRows, buildBinMapper, type BinMapper } from './binning'
import { trainedCard } from './card'
import { treeEnsembleToOnnx } from './onnx-writer'
import { resolveParams, type ParamRule } from './params'
import { HistogramTeam, type ScanResult } from './gbdt-team'
import { gainImportance, predictEnsemble, TreeBuilder, type Tree, type TreeEnsemble } from './tree'
import {
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
  /** Threads that build histograms (0: every core); the model is the same whatever the count. */
  num_threads: number
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
  num_threads: 1,
}

/** What each GBDT parameter accepts (checked once per fit, at the door). */
const GBDT_PARAM_RULES: { readonly [K in keyof GbdtParams]: ParamRule } = {
  n_estimators: { kind: 'int', min: 1 },
  learning_rate: { kind: 'number', min: 0, minOpen: true },
  num_leaves: { kind: 'int', min: 2 },
  max_depth: { kind: 'int' },
  min_data_in_leaf: { kind: 'int', min: 0 },
  min_sum_hessian_in_leaf: { kind: 'number', min: 0 },
  lambda_l2: { kind: 'number', min: 0 },
  min_gain_to_split: { kind: 'number', min: 0 },
  feature_fraction: { kind: 'number', min: 0, max: 1, minOpen: true },
  bagging_fraction: { kind: 'number', min: 0, max: 1, minOpen: true },
  bagging_freq: { kind: 'int', min: 0 },
  max_bin: { kind: 'int', min: 2, max: 255 },
  early_stopping_rounds: { kind: 'int', min: 0 },
  seed: { kind: 'int' },
  num_threads: { kind: 'int', min: 0 },
}

/** A leaf's best split (feature −1: none). */
type Split = ScanResult

const NO_SPLIT: Split = { gain: 0, feature: -1, bin: -1, missingLeft: false, gl: 0, hl: 0 }

/**
 * Grows one regression tree leaf-wise (best-first, as LightGBM): the open leaf with the largest gain splits next until
 * `num_leaves`, each within `max_depth`. Rows are partitioned in place (each leaf owns a contiguous range); only
 * children that can still split get a histogram: the smaller child's is built and the larger's is the parent's minus
 * it. Histograms, split search and subtraction run on a `HistogramTeam` (the main thread, or threads by feature);
 * histograms come from its pool, so a tree allocates none once warm.
 */
class TreeGrower {
  private readonly tmp: Int32Array
  private readonly goLeft = new Uint8Array(256)
  constructor(
    private readonly m: BinMapper,
    /** Column-major bins `[F, n]`, for partitioning. */
    private readonly cols: Uint8Array,
    private readonly p: GbdtParams,
    private readonly team: HistogramTeam,
  ) {
    this.tmp = new Int32Array(cols.length / m.nFeatures)
  }

  /**
   * Grows a tree over the team's rows[0, nRows) (partitioned in place), on the gradients in the team's `gh`; leaf
   * value = −lr·G/(H+λ) + `shift`; `rootCounts`: a histogram of those rows' counts (`HistogramTeam.countsOf`) or −1.
   * Returns the tree, each node's split bin, and each leaf's row range.
   */
  grow(
    nRows: number,
    targetClass: number,
    shift: number,
    rootCounts: number,
  ): { tree: Tree; bins: Int32Array; leaves: readonly { id: number; s: number; e: number }[] } {
    const p = this.p
    const team = this.team
    const rows = team.rows
    const gh = team.gh
    const maxDepth = p.max_depth > 0 ? p.max_depth : Infinity
    const minC = p.min_data_in_leaf
    const minH = p.min_sum_hessian_in_leaf
    const tb = new TreeBuilder(1, targetClass)
    const splitBins: number[] = []
    interface Leaf {
      id: number
      s: number
      e: number
      depth: number
      /** Histogram id, −1: none (the leaf cannot split). */
      h: number
      G: number
      H: number
      split: Split
    }
    const leafValue = (G: number, H: number) => Math.fround(-p.learning_rate * (G / (H + p.lambda_l2)) + shift)
    // Any valid split leaves ≥ minC rows and ≥ minH hessian on each side.
    const splittable = (depth: number, c: number, H: number, leavesAfter: number) =>
      depth < maxDepth && leavesAfter < p.num_leaves && c >= 2 * minC && H >= 2 * minH
    let G0 = 0
    let H0 = 0
    for (let i = 0; i < nRows; i++) {
      const r = rows[i]
      G0 += gh[2 * r]
      H0 += gh[2 * r + 1]
    }
    let rootH = -1
    let rootSplit = NO_SPLIT
    if (splittable(0, nRows, H0, 1)) {
      rootH = team.alloc()
      rootSplit = team.run({
        build: { dst: rootH, s: 0, e: nRows, counts: rootCounts },
        scans: [{ id: rootH, G: G0, H: H0, C: nRows }],
      })[0]
    }
    const root: Leaf = {
      id: tb.addLeaf([leafValue(G0, H0)]),
      s: 0,
      e: nRows,
      depth: 0,
      h: rootH,
      G: G0,
      H: H0,
      split: rootSplit,
    }
    splitBins.push(-1)
    const leaves: Leaf[] = [root]
    let nLeaves = 1
    const cols = this.cols
    const n = this.tmp.length
    const tmp = this.tmp
    const goLeft = this.goLeft
    while (nLeaves < p.num_leaves) {
      let bi = -1
      for (let i = 0; i < leaves.length; i++) {
        const l = leaves[i]
        if (l.split.feature >= 0 && (bi < 0 || l.split.gain > leaves[bi].split.gain)) bi = i
      }
      if (bi < 0) break
      const L = leaves[bi]
      const { feature: j, bin: b, missingLeft } = L.split
      const mb = this.m.missingBin[j]
      goLeft.fill(1, 0, b + 1)
      goLeft.fill(0, b + 1)
      goLeft[mb] = missingLeft ? 1 : 0
      const s0 = L.s
      const nl = partitionRows(rows, s0, L.e, cols, j * n, goLeft, tmp)
      const nr = L.e - s0 - nl
      const mid = s0 + nl
      const Gl = L.split.gl
      const Hl = L.split.hl
      const Gr = L.G - Gl
      const Hr = L.H - Hl
      const depth = L.depth + 1
      const needL = splittable(depth, nl, Hl, nLeaves + 1)
      const needR = splittable(depth, nr, Hr, nLeaves + 1)
      const parentH = L.h
      let hl = -1
      let hr = -1
      let sl = NO_SPLIT
      let sr = NO_SPLIT
      const leftSmaller = nl <= nr
      if (needL && needR) {
        // Build the smaller child, derive the larger (parent − smaller), scan both: one job.
        const small = team.alloc()
        hl = leftSmaller ? small : parentH
        hr = leftSmaller ? parentH : small
        ;[sl, sr] = team.run({
          build: leftSmaller ? { dst: small, s: s0, e: mid } : { dst: small, s: mid, e: L.e },
          subtract: { a: parentH, b: small },
          scans: [
            { id: hl, G: Gl, H: Hl, C: nl },
            { id: hr, G: Gr, H: Hr, C: nr },
          ],
        })
      } else if (needL || needR) {
        // One child needs a histogram: build it directly, unless subtracting the other is cheaper.
        const [a, z] = needL ? [s0, mid] : [mid, L.e]
        const scan = needL ? { id: parentH, G: Gl, H: Hl, C: nl } : { id: parentH, G: Gr, H: Hr, C: nr }
        let split: Split
        if (needL === leftSmaller || (z - a) * this.m.nFeatures < team.histogramLength)
          split = team.run({ build: { dst: parentH, s: a, e: z }, scans: [scan] })[0]
        else {
          const other = team.alloc()
          split = team.run({
            build: needL ? { dst: other, s: mid, e: L.e } : { dst: other, s: s0, e: mid },
            subtract: { a: parentH, b: other },
            scans: [scan],
          })[0]
          team.release(other)
        }
        if (needL) {
          hl = parentH
          sl = split
        } else {
          hr = parentH
          sr = split
        }
      } else team.release(parentH)
      const lid = tb.addLeaf([leafValue(Gl, Hl)])
      const rid = tb.addLeaf([leafValue(Gr, Hr)])
      splitBins.push(-1, -1)
      tb.split(L.id, j, this.m.uppers[j][b], missingLeft, L.split.gain, lid, rid)
      splitBins[L.id] = b
      leaves[bi] = { id: lid, s: s0, e: mid, depth, h: hl, G: Gl, H: Hl, split: sl }
      leaves.push({ id: rid, s: mid, e: L.e, depth, h: hr, G: Gr, H: Hr, split: sr })
      nLeaves++
    }
    for (const l of leaves) team.release(l.h)
    return {
      tree: tb.build(),
      bins: Int32Array.from(splitBins),
      leaves: leaves.map((l) => ({ id: l.id, s: l.s, e: l.e })),
    }
  }
}

/**
 * Stable in-place partition of rows[s, e) by `goLeft[bin]` over one column; returns the left count. Branch-free:
 * both destinations are written and one cursor advances. A function of its own so V8 optimises it early.
 */
function partitionRows(
  rows: Int32Array,
  s: number,
  e: number,
  cols: Uint8Array,
  col: number,
  goLeft: Uint8Array,
  tmp: Int32Array,
): number {
  let nl = 0
  let nr = 0
  for (let i = s; i < e; i++) {
    const r = rows[i]
    const c = goLeft[cols[col + r]]
    rows[s + nl] = r
    tmp[nr] = r
    nl += c
    nr += 1 - c
  }
  rows.set(tmp.subarray(0, nr), s + nl)
  return nl
}

/** Row-major `[n, f]` bytes → column-major `[f, n]`. */
function transpose(a: Uint8Array, n: number, f: number): Uint8Array {
  const out = new Uint8Array(n * f)
  for (let i = 0, q = 0; i < n; i++) for (let j = 0; j < f; j++, q++) out[j * n + i] = a[q]
  return out
}

/** Histogram slot of every cell, stride × (feature offset + bin), so the histogram build needs no index arithmetic. */
function fillHistogramSlots(
  out: Uint16Array | Uint32Array,
  m: BinMapper,
  binned: Uint8Array,
  n: number,
  stride: number,
): void {
  const f = m.nFeatures
  const off = m.offsets
  for (let i = 0, q = 0; i < n; i++) for (let j = 0; j < f; j++, q++) out[q] = stride * (off[j] + binned[q])
}

/**
 * Doubles per histogram bin. Row counts are needed only to enforce min_data_in_leaf > 1: with min_data_in_leaf ≤ 1 and
 * min_sum_hessian_in_leaf ≥ 1e-9, a side meeting the hessian floor holds a row (every row's hessian is > 0 or it
 * adds nothing), and rounding left by histogram subtraction (≲ 1e-12 of a node's Σh) stays far below that floor, so
 * histograms drop the count channel: a third less to add, subtract and scan.
 */
function histogramStride(p: GbdtParams): 2 | 3 {
  return p.min_data_in_leaf <= 1 && p.min_sum_hessian_in_leaf >= 1e-9 ? 2 : 3
}

/**
 * Binary logistic gradients/hessians `gh[2i], gh[2i+1]` from `ez[i] = e^−raw[i]` (times `eBase` = e^−base):
 * p = 1 / (1 + e^−raw). `ez` is kept up to date by multiplying in e^−leaf after each tree (64 exps per tree
 * instead of one per row; the relative drift after 10⁴ rounds is ~1e-12, far below float32 leaf values).
 */
function binaryGradients(
  ez: Float64Array,
  eBase: number,
  y: Int32Array,
  w: Float32Array | undefined,
  n: number,
  gh: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    const pk = 1 / (1 + ez[i] * eBase)
    const wi = w ? w[i] : 1
    gh[2 * i] = (pk - y[i]) * wi
    gh[2 * i + 1] = Math.max(pk * (1 - pk), 1e-16) * wi
  }
}

/** Softmax probabilities `[n, c]` of raw scores (+ `base` per class). */
function softmaxRows(raw: Float64Array, base: Float64Array | null, n: number, c: number, prob: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const o = i * c
    let mx = -Infinity
    for (let k = 0; k < c; k++) mx = Math.max(mx, raw[o + k] + (base ? base[k] : 0))
    let se = 0
    for (let k = 0; k < c; k++) se += prob[o + k] = Math.exp(raw[o + k] + (base ? base[k] : 0) - mx)
    for (let k = 0; k < c; k++) prob[o + k] /= se
  }
}

/** Softmax gradients/hessians of class `k`. */
function classGradients(
  prob: Float64Array,
  c: number,
  k: number,
  y: Int32Array,
  w: Float32Array | undefined,
  n: number,
  gh: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    const pk = prob[i * c + k]
    const yk = y[i] === k ? 1 : 0
    const wi = w ? w[i] : 1
    gh[2 * i] = (pk - yk) * wi
    gh[2 * i + 1] = Math.max(pk * (1 - pk), 1e-16) * wi
  }
}

/** Adds each leaf's value to the raw score of the rows in its partition range (and e^−value into `ez`, binary). */
function addLeaves(
  tree: Tree,
  leaves: readonly { id: number; s: number; e: number }[],
  part: Int32Array,
  raw: Float64Array,
  stride: number,
  k: number,
  ez: Float64Array | null,
): void {
  for (const l of leaves) {
    const v = tree.value[l.id]
    for (let i = l.s; i < l.e; i++) raw[part[i] * stride + k] += v
    if (ez) {
      const ev = Math.exp(-v)
      for (let i = l.s; i < l.e; i++) ez[part[i]] *= ev
    }
  }
}

/** Adds a tree's leaf values (float32) to `raw[i * stride + k]` for binned rows (and e^−value into `ez`, binary). */
function addTree(
  t: Tree,
  bins: Int32Array,
  m: BinMapper,
  binned: Uint8Array,
  n: number,
  raw: Float64Array,
  stride: number,
  k: number,
  ez: Float64Array | null = null,
): void {
  const f = m.nFeatures
  const ev = ez ? Float64Array.from(t.value, (v) => Math.exp(-v)) : null
  for (let i = 0; i < n; i++) {
    let node = 0
    while (t.feature[node] >= 0) {
      const j = t.feature[node]
      const v = binned[i * f + j]
      node = (v === m.missingBin[j] ? t.missingLeft[node] === 1 : v <= bins[node]) ? t.left[node] : t.right[node]
    }
    raw[i * stride + k] += t.value[node]
    if (ez && ev) ez[i] *= ev[node]
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

  params(given: object): GbdtParams {
    return resolveParams(this.algo, GBDT_DEFAULTS, GBDT_PARAM_RULES, given)
  }

  async fit(
    data: Dataset,
    params: Partial<GbdtParams> = {},
    onProgress?: ProgressFn,
    signal?: AbortSignal,
  ): Promise<TrainedModel> {
    validateDataset(data)
    const p = this.params(params)
    const { n } = data
    const f = data.features.length
    const m = buildBinMapper(data.x, n, f, p.max_bin)
    const stride = histogramStride(p)
    // The workers start now and boot while this thread bins the rows.
    const team = new HistogramTeam({
      n,
      f,
      totalBins: m.totalBins,
      offsets: m.offsets,
      missingBin: m.missingBin,
      stride,
      lambda: p.lambda_l2,
      minData: p.min_data_in_leaf,
      minHessian: p.min_sum_hessian_in_leaf,
      minGain: p.min_gain_to_split,
      threads: p.num_threads,
    })
    try {
      const online = team.start()
      const binned = binRows(m, data.x, n)
      fillHistogramSlots(team.slots, m, binned, n, stride)
      const grower = new TreeGrower(m, transpose(binned, n, f), p, team)
      await online
      const { trees, bestLoss, bestIter } = await boost(data, p, m, binned, grower, team, onProgress, signal)
      const nOut = data.classes.length === 2 ? 1 : data.classes.length
      const valid = data.valid && p.early_stopping_rounds > 0
      const used = valid && bestIter >= 0 ? trees.slice(0, (bestIter + 1) * nOut) : trees
      const ensemble: TreeEnsemble = {
        trees: used,
        nClasses: data.classes.length,
        nFeatures: f,
        postTransform: nOut === 1 ? 'LOGISTIC' : 'SOFTMAX',
      }
      // The thread count changes how fast, not what: it stays off the card, so the ONNX bytes are the same.
      const { num_threads: _threads, ...modelParams } = p
      const card = trainedCard(data, this.algo, modelParams, {
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
    } finally {
      team.dispose()
    }
  }
}

/**
 * The boosting rounds: binary logistic (one tree per round) or multiclass softmax (one tree per class per round), with
 * bagging, feature fraction and early stopping on `data.valid`. Returns every tree and the best validation round.
 */
async function boost(
  data: Dataset,
  p: GbdtParams,
  m: BinMapper,
  binned: Uint8Array,
  grower: TreeGrower,
  team: HistogramTeam,
  onProgress?: ProgressFn,
  signal?: AbortSignal,
): Promise<{ trees: Tree[]; bestLoss: number; bestIter: number }> {
  const { n } = data
  const f = data.features.length
  const c = data.classes.length
  const nOut = c === 2 ? 1 : c
  const rng = new Rng(p.seed)
  const valid = data.valid && p.early_stopping_rounds > 0 ? data.valid : undefined
  const vBinned = valid ? binRows(m, valid.x, valid.n) : new Uint8Array(0)
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
  const gh = team.gh
  const part = team.rows
  const prob = new Float64Array(nOut > 1 ? n * nOut : 0)
  const ez = nOut === 1 ? new Float64Array(n).fill(1) : null
  const trees: Tree[] = []
  let rows: Int32Array = new Int32Array(n).map((_, i) => i)
  const allFeats = new Int32Array(f).map((_, j) => j)
  let bestLoss = Infinity
  let bestIter = -1
  const bagging = p.bagging_freq > 0 && p.bagging_fraction < 1
  // Trees grown on the same rows: their roots' counts are computed once (with the count channel) and copied.
  const treesPerDraw = (bagging ? Math.min(p.bagging_freq, p.n_estimators) : p.n_estimators) * nOut
  const reuseCounts = team.stride === 3 && treesPerDraw > 1
  let rootCounts = -1
  for (let it = 0; it < p.n_estimators; it++) {
    throwIfAborted(signal)
    const draw = it === 0 || (bagging && it % p.bagging_freq === 0)
    if (bagging && it % p.bagging_freq === 0) rows = rng.sample(n, Math.max(1, Math.round(n * p.bagging_fraction)))
    if (draw && reuseCounts) {
      team.release(rootCounts)
      part.set(rows)
      rootCounts = team.countsOf(rows.length)
    }
    // Probabilities for this round's gradients (softmax: all classes first, as every class tree uses them).
    if (nOut > 1) softmaxRows(raw, it === 0 ? base : null, n, nOut, prob)
    team.setFeatures(p.feature_fraction < 1 ? rng.sample(f, Math.max(1, Math.round(f * p.feature_fraction))) : allFeats)
    for (let k = 0; k < nOut; k++) {
      if (nOut === 1) binaryGradients(ez as Float64Array, it === 0 ? Math.exp(-base[0]) : 1, y, w, n, gh)
      else classGradients(prob, nOut, k, y, w, n, gh)
      const shift = it === 0 ? base[k] : 0
      part.set(rows)
      const { tree, bins, leaves } = grower.grow(rows.length, nOut === 1 ? 1 : k, shift, rootCounts)
      trees.push(tree)
      // Without bagging every row sits in its leaf's range of the partition: no tree walk needed.
      if (rows.length === n) addLeaves(tree, leaves, part, raw, nOut, k, ez)
      else addTree(tree, bins, m, binned, n, raw, nOut, k, ez)
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
  return { trees, bestLoss, bestIter }
}
