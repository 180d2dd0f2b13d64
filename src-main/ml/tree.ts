/**
 * Flat decision trees and ensembles shared by boosting and forests, scored exactly like ONNX Runtime's
 * TreeEnsembleClassifier: float32 thresholds, `x <= t` goes left (BRANCH_LEQ), NaN follows `missingLeft`.
 */
export interface Tree {
  /** Split feature per node; -1 marks a leaf. */
  readonly feature: Int32Array
  readonly threshold: Float32Array
  readonly left: Int32Array
  readonly right: Int32Array
  /** 1 when NaN goes to the left (true) branch: ONNX `nodes_missing_value_tracks_true`. */
  readonly missingLeft: Uint8Array
  /** Split gain per node (0 for leaves), for importance. */
  readonly gain: Float64Array
  /** Leaf values, `width` per node (float32, as stored in ONNX). */
  readonly value: Float32Array
  /** 1: the tree adds to class `targetClass`; C: it adds a value to every class. */
  readonly width: number
  readonly targetClass: number
}

/** A tree ensemble classifier. Base scores are folded into the first tree of each class, so no base_values. */
export interface TreeEnsemble {
  readonly trees: readonly Tree[]
  readonly nClasses: number
  readonly nFeatures: number
  /** LOGISTIC: binary, trees add to class 1; SOFTMAX: multiclass logits; NONE: averaged leaf distributions. */
  readonly postTransform: 'LOGISTIC' | 'SOFTMAX' | 'NONE'
}

/** Mutable builder for one tree, grown node by node. */
export class TreeBuilder {
  feature: number[] = []
  threshold: number[] = []
  left: number[] = []
  right: number[] = []
  missingLeft: number[] = []
  gain: number[] = []
  value: number[] = []
  constructor(
    readonly width: number,
    readonly targetClass: number,
  ) {}

  /** Adds a leaf (to be split later or kept) and returns its id. */
  addLeaf(values: ArrayLike<number>): number {
    const id = this.feature.length
    this.feature.push(-1)
    this.threshold.push(0)
    this.left.push(-1)
    this.right.push(-1)
    this.missingLeft.push(0)
    this.gain.push(0)
    for (let k = 0; k < this.width; k++) this.value.push(values[k])
    return id
  }

  /** Turns leaf `id` into a split whose children are `l` and `r`. */
  split(
    id: number,
    feature: number,
    threshold: number,
    missingLeft: boolean,
    gain: number,
    l: number,
    r: number,
  ): void {
    this.feature[id] = feature
    this.threshold[id] = threshold
    this.missingLeft[id] = missingLeft ? 1 : 0
    this.gain[id] = gain
    this.left[id] = l
    this.right[id] = r
    for (let k = 0; k < this.width; k++) this.value[id * this.width + k] = 0
  }

  setValue(id: number, values: ArrayLike<number>): void {
    for (let k = 0; k < this.width; k++) this.value[id * this.width + k] = values[k]
  }

  build(): Tree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float32Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      missingLeft: Uint8Array.from(this.missingLeft),
      gain: Float64Array.from(this.gain),
      value: Float32Array.from(this.value),
      width: this.width,
      targetClass: this.targetClass,
    }
  }
}

/** Leaf node reached by row `r` of `x` (row-major, `f` columns). */
export function leafOf(t: Tree, x: Float32Array, base: number): number {
  let node = 0
  const feat = t.feature
  while (feat[node] >= 0) {
    const v = x[base + feat[node]]
    node = v <= t.threshold[node] || (v !== v && t.missingLeft[node] === 1) ? t.left[node] : t.right[node]
  }
  return node
}

/** Raw per-class scores (before post-transform) for `n` rows; `[n, C]`. */
export function rawScores(e: TreeEnsemble, x: Float32Array, n: number): Float64Array {
  const c = e.nClasses
  const f = e.nFeatures
  const out = new Float64Array(n * c)
  for (const t of e.trees) {
    for (let i = 0; i < n; i++) {
      const leaf = leafOf(t, x, i * f)
      if (t.width === 1) out[i * c + t.targetClass] += t.value[leaf]
      else for (let k = 0; k < c; k++) out[i * c + k] += t.value[leaf * c + k]
    }
  }
  return out
}

/** Class probabilities `[n, C]` as ONNX Runtime computes them for this ensemble. */
export function predictEnsemble(e: TreeEnsemble, x: Float32Array, n: number): Float32Array {
  const c = e.nClasses
  const raw = rawScores(e, x, n)
  const out = new Float32Array(n * c)
  for (let i = 0; i < n; i++) {
    if (e.postTransform === 'LOGISTIC') {
      const p = 1 / (1 + Math.exp(-raw[i * c + 1]))
      out[i * c] = 1 - p
      out[i * c + 1] = p
    } else if (e.postTransform === 'SOFTMAX') {
      softmaxInto(raw, i * c, c, out)
    } else {
      for (let k = 0; k < c; k++) out[i * c + k] = raw[i * c + k]
    }
  }
  return out
}

/** Writes softmax of `src[o..o+c)` into `dst[o..o+c)`. */
export function softmaxInto(src: ArrayLike<number>, o: number, c: number, dst: { [i: number]: number }): void {
  let m = -Infinity
  for (let k = 0; k < c; k++) m = Math.max(m, src[o + k])
  let s = 0
  for (let k = 0; k < c; k++) s += Math.exp(src[o + k] - m)
  for (let k = 0; k < c; k++) dst[o + k] = Math.exp(src[o + k] - m) / s
}

/** Total split gain per feature, normalised to sum 1. */
export function gainImportance(e: TreeEnsemble): Float64Array {
  const g = new Float64Array(e.nFeatures)
  for (const t of e.trees)
    for (let i = 0; i < t.feature.length; i++) if (t.feature[i] >= 0) g[t.feature[i]] += t.gain[i]
  const s = g.reduce((a, b) => a + b, 0)
  if (s > 0) for (let j = 0; j < g.length; j++) g[j] /= s
  return g
}
