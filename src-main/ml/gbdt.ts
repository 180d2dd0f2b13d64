import { binRows, buildBinMapper, type BinMapper } from './binning'
import { trainedCard } from './card'
import { treeEnsembleToOnnx } from './onnx-writer'
import { resolveParams, type ParamRule } from './params'
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
}

interface Split {
  gain: number
  feature: number
  bin: number
  missingLeft: boolean
  /** Left child's gradient and hessian sums (from the histogram). */
  gl: number
  hl: number
}

/**
 * Grows one regression tree on gradients/hessians with histograms. Row-wise build over precomputed global bin
 * indices (`slots`: stride × (feature offset + bin), so the inner loop has no index arithmetic); bins of [Σg, Σh]
 * plus a row count only where min_data_in_leaf needs one (`histogramStride`); rows are partitioned in place; only
 * children that can still split get a histogram (the smaller one built, the larger = parent − smaller); histograms
 * come from a pool, so a tree allocates none once warm. Split search pre-tests candidates without division.
 */
class TreeGrower {
  private readonly pool: Float64Array[] = []
  private readonly tmp: Int32Array
  private readonly goLeft = new Uint8Array(256)
  private readonly f: number
  constructor(
    private readonly m: BinMapper,
    /** Column-major bins `[F, n]`. */
    private readonly cols: Uint8Array,
    /** `stride` × global bin (feature offset + bin) of every cell, row-major: the cell's slot in a histogram. */
    private readonly slots: Uint16Array | Uint32Array,
    private readonly p: GbdtParams,
    /** Doubles per histogram bin: 3 = [Σg, Σh, count], 2 = [Σg, Σh] (see `histogramStride`). */
    private readonly stride: 2 | 3,
  ) {
    this.f = m.nFeatures
    this.tmp = new Int32Array(cols.length / m.nFeatures)
  }

  private alloc(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.m.totalBins * this.stride)
  }

  private build(h: Float64Array, rows: Int32Array, s: number, e: number, gh: Float64Array): void {
    if (this.stride === 3) this.build3(h, rows, s, e, gh)
    else this.build2(h, rows, s, e, gh)
  }

  private best(h: Float64Array, feats: Int32Array, G: number, H: number, C: number): Split {
    return this.stride === 3 ? this.best3(h, feats, G, H, C) : this.best2(h, feats, G, H)
  }

  /** `build3` without the count channel. */
  private build2(h: Float64Array, rows: Int32Array, s: number, e: number, gh: Float64Array): void {
    h.fill(0)
    const f = this.f
    const gi = this.slots
    let i = s
    for (const t = s + ((e - s) & 3); i < t; i++) {
      const r = rows[i]
      const g = gh[2 * r]
      const hh = gh[2 * r + 1]
      const base = r * f
      for (let j = 0; j < f; j++) {
        const o = gi[base + j]
        h[o] += g
        h[o + 1] += hh
      }
    }
    for (; i < e; i += 4) {
      const r0 = rows[i]
      const r1 = rows[i + 1]
      const r2 = rows[i + 2]
      const r3 = rows[i + 3]
      const g0 = gh[2 * r0]
      const h0 = gh[2 * r0 + 1]
      const g1 = gh[2 * r1]
      const h1 = gh[2 * r1 + 1]
      const g2 = gh[2 * r2]
      const h2 = gh[2 * r2 + 1]
      const g3 = gh[2 * r3]
      const h3 = gh[2 * r3 + 1]
      const b0 = r0 * f
      const b1 = r1 * f
      const b2 = r2 * f
      const b3 = r3 * f
      for (let j = 0; j < f; j++) {
        let o = gi[b0 + j]
        h[o] += g0
        h[o + 1] += h0
        o = gi[b1 + j]
        h[o] += g1
        h[o + 1] += h1
        o = gi[b2 + j]
        h[o] += g2
        h[o + 1] += h2
        o = gi[b3 + j]
        h[o] += g3
        h[o + 1] += h3
      }
    }
  }

  /**
   * `best3` without counts (min_data_in_leaf ≤ 1 and a positive hessian floor, see `histogramStride`): a bin with
   * Σh = 0 holds no row, and a side with Σh ≥ min_sum_hessian_in_leaf holds at least one.
   */
  private best2(h: Float64Array, feats: Int32Array, G: number, H: number): Split {
    const lam = this.p.lambda_l2
    const minH = this.p.min_sum_hessian_in_leaf
    const parent = (G * G) / (H + lam)
    let bestGain = this.p.min_gain_to_split
    let bar = lowered(bestGain + parent)
    let bestFeature = -1
    let bestBin = -1
    let bestMissingLeft = false
    let bestGl = 0
    let bestHl = 0
    const offsets = this.m.offsets
    const missing = this.m.missingBin
    for (let q = 0; q < feats.length; q++) {
      const j = feats[q]
      const off = offsets[j]
      const mb = missing[j]
      const mo = (off + mb) * 2
      const gm = h[mo]
      const hm = h[mo + 1]
      let gl = 0
      let hl = 0
      const end = (off + mb - 1) * 2
      const withMissing = hm !== 0
      for (let o = off * 2; o < end; o += 2) {
        const hb = h[o + 1]
        if (hb === 0) continue
        gl += h[o]
        hl += hb
        // Missing right.
        let hr = H - hl
        if (hl >= minH && hr >= minH) {
          const gr = G - gl
          const a = hl + lam
          const b = hr + lam
          if (gl * gl * b + gr * gr * a > bar * a * b) {
            const gain = (gl * gl) / a + (gr * gr) / b - parent
            if (gain > bestGain) {
              bestGain = gain
              bar = lowered(bestGain + parent)
              bestFeature = j
              bestBin = (o / 2 - off) | 0
              bestMissingLeft = false
              bestGl = gl
              bestHl = hl
            }
          }
        }
        if (!withMissing) continue
        // Missing left.
        const gl2 = gl + gm
        const hl2 = hl + hm
        hr = H - hl2
        if (hl2 >= minH && hr >= minH) {
          const gr = G - gl2
          const a = hl2 + lam
          const b = hr + lam
          if (gl2 * gl2 * b + gr * gr * a > bar * a * b) {
            const gain = (gl2 * gl2) / a + (gr * gr) / b - parent
            if (gain > bestGain) {
              bestGain = gain
              bar = lowered(bestGain + parent)
              bestFeature = j
              bestBin = (o / 2 - off) | 0
              bestMissingLeft = true
              bestGl = gl2
              bestHl = hl2
            }
          }
        }
      }
    }
    return bestFeature < 0 ? NO_SPLIT : { gain: bestGain, feature: bestFeature, bin: bestBin, missingLeft: bestMissingLeft, gl: bestGl, hl: bestHl }
  }

  private release(h: Float64Array | null): void {
    if (h) this.pool.push(h)
  }

  /**
   * Histogram of rows[s, e) into `h` (cleared first): per global bin, [Σg, Σh, count]. Four rows per step
   * for instruction-level parallelism; each bin still sums its rows in row order (one feature's bins per j).
   */
  private build3(h: Float64Array, rows: Int32Array, s: number, e: number, gh: Float64Array): void {
    h.fill(0)
    const f = this.f
    const gi = this.slots
    // The first (e − s) mod 4 rows one by one, then four per step.
    let i = s
    for (const t = s + ((e - s) & 3); i < t; i++) {
      const r = rows[i]
      const g = gh[2 * r]
      const hh = gh[2 * r + 1]
      const base = r * f
      for (let j = 0; j < f; j++) {
        const o = gi[base + j]
        h[o] += g
        h[o + 1] += hh
        h[o + 2] += 1
      }
    }
    for (; i < e; i += 4) {
      const r0 = rows[i]
      const r1 = rows[i + 1]
      const r2 = rows[i + 2]
      const r3 = rows[i + 3]
      const g0 = gh[2 * r0]
      const h0 = gh[2 * r0 + 1]
      const g1 = gh[2 * r1]
      const h1 = gh[2 * r1 + 1]
      const g2 = gh[2 * r2]
      const h2 = gh[2 * r2 + 1]
      const g3 = gh[2 * r3]
      const h3 = gh[2 * r3 + 1]
      const b0 = r0 * f
      const b1 = r1 * f
      const b2 = r2 * f
      const b3 = r3 * f
      for (let j = 0; j < f; j++) {
        let o = gi[b0 + j]
        h[o] += g0
        h[o + 1] += h0
        h[o + 2] += 1
        o = gi[b1 + j]
        h[o] += g1
        h[o + 1] += h1
        h[o + 2] += 1
        o = gi[b2 + j]
        h[o] += g2
        h[o + 1] += h2
        h[o + 2] += 1
        o = gi[b3 + j]
        h[o] += g3
        h[o + 1] += h3
        h[o + 2] += 1
      }
    }
  }

  private best3(h: Float64Array, feats: Int32Array, G: number, H: number, C: number): Split {
    const lam = this.p.lambda_l2
    const minC = this.p.min_data_in_leaf
    const minH = this.p.min_sum_hessian_in_leaf
    const parent = (G * G) / (H + lam)
    let bestGain = this.p.min_gain_to_split
    // Division-free pre-test of a candidate: gl²/a + gr²/b > bestGain + parent ⇔ gl²·b + gr²·a > (bestGain + parent)·a·b
    // (a, b > 0), against a bar lowered by 1e-9 relative so that it never rejects a candidate the exact test below
    // accepts (both sides are sums of non-negative terms, good to a few ulps): the chosen split is the same, most
    // candidates cost no division.
    let bar = lowered(bestGain + parent)
    let bestFeature = -1
    let bestBin = -1
    let bestMissingLeft = false
    let bestGl = 0
    let bestHl = 0
    const offsets = this.m.offsets
    const missing = this.m.missingBin
    for (let q = 0; q < feats.length; q++) {
      const j = feats[q]
      const off = offsets[j]
      const mb = missing[j]
      const mo = (off + mb) * 3
      const gm = h[mo]
      const hm = h[mo + 1]
      const cm = h[mo + 2]
      let gl = 0
      let hl = 0
      let cl = 0
      const end = (off + mb - 1) * 3
      // An empty bin repeats the previous bin's candidate splits, whose gains cannot beat bestGain again.
      if (cm === 0) {
        for (let o = off * 3; o < end; o += 3) {
          const cb = h[o + 2]
          if (cb === 0) continue
          gl += h[o]
          hl += h[o + 1]
          cl += cb
          const hr = H - hl
          if (cl >= minC && C - cl >= minC && hl >= minH && hr >= minH) {
            const gr = G - gl
            const a = hl + lam
            const b = hr + lam
            if (gl * gl * b + gr * gr * a <= bar * a * b) continue
            const gain = (gl * gl) / a + (gr * gr) / b - parent
            if (gain > bestGain) {
              bestGain = gain
              bar = lowered(bestGain + parent)
              bestFeature = j
              bestBin = (o / 3 - off) | 0
              bestMissingLeft = false
              bestGl = gl
              bestHl = hl
            }
          }
        }
        continue
      }
      for (let o = off * 3; o < end; o += 3) {
        const cb = h[o + 2]
        if (cb === 0) continue
        gl += h[o]
        hl += h[o + 1]
        cl += cb
        // Missing right.
        let hr = H - hl
        if (cl >= minC && C - cl >= minC && hl >= minH && hr >= minH) {
          const gr = G - gl
          const a = hl + lam
          const b = hr + lam
          const gain = gl * gl * b + gr * gr * a <= bar * a * b ? -Infinity : (gl * gl) / a + (gr * gr) / b - parent
          if (gain > bestGain) {
            bestGain = gain
            bar = lowered(bestGain + parent)
            bestFeature = j
            bestBin = (o / 3 - off) | 0
            bestMissingLeft = false
            bestGl = gl
            bestHl = hl
          }
        }
        // Missing left.
        const gl2 = gl + gm
        const hl2 = hl + hm
        const cl2 = cl + cm
        hr = H - hl2
        if (cl2 >= minC && C - cl2 >= minC && hl2 >= minH && hr >= minH) {
          const gr = G - gl2
          const a = hl2 + lam
          const b = hr + lam
          const gain = gl2 * gl2 * b + gr * gr * a <= bar * a * b ? -Infinity : (gl2 * gl2) / a + (gr * gr) / b - parent
          if (gain > bestGain) {
            bestGain = gain
            bar = lowered(bestGain + parent)
            bestFeature = j
            bestBin = (o / 3 - off) | 0
            bestMissingLeft = true
            bestGl = gl2
            bestHl = hl2
          }
        }
      }
    }
    return bestFeature < 0 ? NO_SPLIT : { gain: bestGain, feature: bestFeature, bin: bestBin, missingLeft: bestMissingLeft, gl: bestGl, hl: bestHl }
  }

  /**
   * Grows a tree over `rows` (partitioned in place: each leaf owns a contiguous range); leaf value =
   * −lr·G/(H+λ) + `shift`. Returns the tree, each node's split bin, and each leaf's row range.
   */
  grow(rows: Int32Array, gh: Float64Array, feats: Int32Array, targetClass: number, shift: number): { tree: Tree; bins: Int32Array; leaves: readonly { id: number; s: number; e: number }[] } {
    const p = this.p
    const f = this.f
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
      h: Float64Array | null
      G: number
      H: number
      split: Split
    }
    const leafValue = (G: number, H: number) => Math.fround(-p.learning_rate * (G / (H + p.lambda_l2)) + shift)
    // Any valid split leaves ≥ minC rows and ≥ minH hessian on each side.
    const splittable = (depth: number, c: number, H: number, leavesAfter: number) => depth < maxDepth && leavesAfter < p.num_leaves && c >= 2 * minC && H >= 2 * minH
    let G0 = 0
    let H0 = 0
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]
      G0 += gh[2 * r]
      H0 += gh[2 * r + 1]
    }
    let rootH: Float64Array | null = null
    let rootSplit = NO_SPLIT
    if (splittable(0, rows.length, H0, 1)) {
      rootH = this.alloc()
      this.build(rootH, rows, 0, rows.length, gh)
      rootSplit = this.best(rootH, feats, G0, H0, rows.length)
    }
    const root: Leaf = { id: tb.addLeaf([leafValue(G0, H0)]), s: 0, e: rows.length, depth: 0, h: rootH, G: G0, H: H0, split: rootSplit }
    splitBins.push(-1)
    const leaves: Leaf[] = [root]
    let nLeaves = 1
    const cols = this.cols
    const nRows = this.tmp.length
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
      // Stable partition of rows[s, e) into left then right, branch-free (a bin → side table; both
      // destinations written, one cursor advanced), over feature j's column.
      goLeft.fill(1, 0, b + 1)
      goLeft.fill(0, b + 1)
      goLeft[mb] = missingLeft ? 1 : 0
      const s0 = L.s
      const nl = partitionRows(rows, s0, L.e, cols, j * nRows, goLeft, tmp)
      const nr = L.e - s0 - nl
      const mid = s0 + nl
      const Gl = L.split.gl
      const Hl = L.split.hl
      const Gr = L.G - Gl
      const Hr = L.H - Hl
      const depth = L.depth + 1
      const needL = splittable(depth, nl, Hl, nLeaves + 1)
      const needR = splittable(depth, nr, Hr, nLeaves + 1)
      const parentH = L.h as Float64Array
      let hl: Float64Array | null = null
      let hr: Float64Array | null = null
      const leftSmaller = nl <= nr
      if (needL && needR) {
        const small = this.alloc()
        if (leftSmaller) this.build(small, rows, s0, mid, gh)
        else this.build(small, rows, mid, L.e, gh)
        subtractInto(parentH, small)
        hl = leftSmaller ? small : parentH
        hr = leftSmaller ? parentH : small
      } else if (needL || needR) {
        // One child needs a histogram: build it directly, unless subtracting the other is cheaper.
        const wantSmaller = needL === leftSmaller
        const [a, z] = needL ? [s0, mid] : [mid, L.e]
        if (wantSmaller || (z - a) * f < parentH.length) this.build(parentH, rows, a, z, gh)
        else {
          const other = this.alloc()
          if (needL) this.build(other, rows, mid, L.e, gh)
          else this.build(other, rows, s0, mid, gh)
          subtractInto(parentH, other)
          this.release(other)
        }
        if (needL) hl = parentH
        else hr = parentH
      } else this.release(parentH)
      const lid = tb.addLeaf([leafValue(Gl, Hl)])
      const rid = tb.addLeaf([leafValue(Gr, Hr)])
      splitBins.push(-1, -1)
      tb.split(L.id, j, this.m.uppers[j][b], missingLeft, L.split.gain, lid, rid)
      splitBins[L.id] = b
      leaves[bi] = { id: lid, s: s0, e: mid, depth, h: hl, G: Gl, H: Hl, split: hl ? this.best(hl, feats, Gl, Hl, nl) : NO_SPLIT }
      leaves.push({ id: rid, s: mid, e: L.e, depth, h: hr, G: Gr, H: Hr, split: hr ? this.best(hr, feats, Gr, Hr, nr) : NO_SPLIT })
      nLeaves++
    }
    for (const l of leaves) this.release(l.h)
    return { tree: tb.build(), bins: Int32Array.from(splitBins), leaves: leaves.map((l) => ({ id: l.id, s: l.s, e: l.e })) }
  }
}

/** `v` lowered by 1e-9 of its magnitude: the bar of `best`'s division-free pre-test. */
function lowered(v: number): number {
  return v - 1e-9 * Math.abs(v)
}

const NO_SPLIT: Split = { gain: 0, feature: -1, bin: -1, missingLeft: false, gl: 0, hl: 0 }

/**
 * Stable in-place partition of rows[s, e) by `goLeft[bin]` over one column; returns the left count. Branch-free:
 * both destinations are written and one cursor advances. A function of its own so V8 optimises it early.
 */
function partitionRows(rows: Int32Array, s: number, e: number, cols: Uint8Array, col: number, goLeft: Uint8Array, tmp: Int32Array): number {
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

/** a -= b, elementwise (a histogram minus its smaller child's). */
function subtractInto(a: Float64Array, b: Float64Array): void {
  const n = a.length
  let k = 0
  for (; k + 3 < n; k += 4) {
    a[k] -= b[k]
    a[k + 1] -= b[k + 1]
    a[k + 2] -= b[k + 2]
    a[k + 3] -= b[k + 3]
  }
  for (; k < n; k++) a[k] -= b[k]
}

/** Histogram slot of every cell, stride × (feature offset + bin), so the histogram build needs no index arithmetic. */
function histogramSlots(m: BinMapper, binned: Uint8Array, n: number, stride: number): Uint16Array | Uint32Array {
  const f = m.nFeatures
  const out = m.totalBins * stride < 65536 ? new Uint16Array(n * f) : new Uint32Array(n * f)
  const off = m.offsets
  for (let i = 0, q = 0; i < n; i++) for (let j = 0; j < f; j++, q++) out[q] = stride * (off[j] + binned[q])
  return out
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
function binaryGradients(ez: Float64Array, eBase: number, y: Int32Array, w: Float32Array | undefined, n: number, gh: Float64Array): void {
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
function classGradients(prob: Float64Array, c: number, k: number, y: Int32Array, w: Float32Array | undefined, n: number, gh: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const pk = prob[i * c + k]
    const yk = y[i] === k ? 1 : 0
    const wi = w ? w[i] : 1
    gh[2 * i] = (pk - yk) * wi
    gh[2 * i + 1] = Math.max(pk * (1 - pk), 1e-16) * wi
  }
}

/** Adds each leaf's value to the raw score of the rows in its partition range (and e^−value into `ez`, binary). */
function addLeaves(tree: Tree, leaves: readonly { id: number; s: number; e: number }[], part: Int32Array, raw: Float64Array, stride: number, k: number, ez: Float64Array | null): void {
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
function addTree(t: Tree, bins: Int32Array, m: BinMapper, binned: Uint8Array, n: number, raw: Float64Array, stride: number, k: number, ez: Float64Array | null = null): void {
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

  async fit(data: Dataset, params: Partial<GbdtParams> = {}, onProgress?: ProgressFn, signal?: AbortSignal): Promise<TrainedModel> {
    validateDataset(data)
    const p = this.params(params)
    const { n } = data
    const f = data.features.length
    const c = data.classes.length
    const nOut = c === 2 ? 1 : c
    const rng = new Rng(p.seed)
    const m = buildBinMapper(data.x, n, f, p.max_bin)
    const binned = binRows(m, data.x, n)
    const stride = histogramStride(p)
    const slots = histogramSlots(m, binned, n, stride)
    const valid = data.valid && p.early_stopping_rounds > 0 ? data.valid : undefined
    const vBinned = valid ? binRows(m, valid.x, valid.n) : new Uint8Array(0)
    const grower = new TreeGrower(m, transpose(binned, n, f), slots, p, stride)
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
    const prob = new Float64Array(nOut > 1 ? n * nOut : 0)
    const ez = nOut === 1 ? new Float64Array(n).fill(1) : null
    const trees: Tree[] = []
    let rows: Int32Array = new Int32Array(n).map((_, i) => i)
    const allFeats = new Int32Array(f).map((_, j) => j)
    const partBuf = new Int32Array(n)
    let bestLoss = Infinity
    let bestIter = -1
    for (let it = 0; it < p.n_estimators; it++) {
      throwIfAborted(signal)
      if (p.bagging_freq > 0 && p.bagging_fraction < 1 && it % p.bagging_freq === 0) rows = rng.sample(n, Math.max(1, Math.round(n * p.bagging_fraction)))
      // Probabilities for this round's gradients (softmax: all classes first, as every class tree uses them).
      if (nOut > 1) softmaxRows(raw, it === 0 ? base : null, n, nOut, prob)
      const feats = p.feature_fraction < 1 ? rng.sample(f, Math.max(1, Math.round(f * p.feature_fraction))) : allFeats
      for (let k = 0; k < nOut; k++) {
        if (nOut === 1) binaryGradients(ez as Float64Array, it === 0 ? Math.exp(-base[0]) : 1, y, w, n, gh)
        else classGradients(prob, nOut, k, y, w, n, gh)
        const shift = it === 0 ? base[k] : 0
        const part = rows.length === n ? partBuf : new Int32Array(rows.length)
        part.set(rows)
        const { tree, bins, leaves } = grower.grow(part, gh, feats, nOut === 1 ? 1 : k, shift)
        trees.push(tree)
        // Without bagging every row sits in its leaf's range of the partition: no tree walk needed.
        if (part.length === n) addLeaves(tree, leaves, part, raw, nOut, k, ez)
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
