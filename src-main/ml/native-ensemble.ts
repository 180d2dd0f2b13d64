import type { ModelCard } from '../../src-shared'
import { classifierModel, TreeClassifierLists } from './onnx-writer'

/**
 * One tree of a LightGBM or XGBoost model as the library stores it: node arrays, leaves marked by feature -1.
 * Thresholds keep the library's own precision (LightGBM: float64, XGBoost: float32 values).
 */
export interface NativeTree {
  readonly feature: Int32Array
  readonly threshold: Float64Array
  readonly left: Int32Array
  readonly right: Int32Array
  /** LightGBM missing types: 0 none (NaN is read as 0), 1 zero (0 and NaN take the default), 2 NaN (NaN takes the default). */
  readonly missingType: Uint8Array
  readonly defaultLeft: Uint8Array
  /** Leaf value (raw margin) per node; 0 for splits. */
  readonly value: Float64Array
  /** The class whose margin this tree adds to (0 for binary models). */
  readonly targetClass: number
}

/** A boosted tree classifier read from a library's native file: margins = base + Σ trees, then sigmoid / softmax. */
export interface NativeEnsemble {
  readonly library: 'LightGBM' | 'XGBoost'
  readonly libraryVersion: string
  readonly objective: string
  /** How a split sends a value left: LightGBM `x <= t`, XGBoost `x < t`. */
  readonly split: 'LEQ' | 'LT'
  /** 2 for binary (one margin, sigmoid), ≥ 3 for multiclass (one margin per class, softmax). */
  readonly nClasses: number
  readonly features: readonly string[]
  /** Margin added before the link: one value for binary, one per class for multiclass. */
  readonly base: readonly number[]
  readonly trees: readonly NativeTree[]
}

/** LightGBM's `kZeroThreshold` (1e-35f): |x| at or below it counts as zero for missing type "zero". */
const ZERO_BAND = Math.fround(1e-35)
const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** The next float32 after the float32 `x` towards −∞ (`x` finite, not −max). */
function nextDown32(x: number): number {
  f32[0] = x
  if (x === 0) u32[0] = 0x80000001
  else if (x > 0) u32[0]--
  else u32[0]++
  return f32[0]
}

/** Largest float32 ≤ t: for float32 x, `x <= t` ⇔ `x <= floorToFloat32(t)`, so float32 thresholds decide like float64 ones. */
export function floorToFloat32(t: number): number {
  const r = Math.fround(t)
  return r > t ? nextDown32(r) : r
}

/** Smallest float32 ≥ t: for float32 x, `x < t` ⇔ `x < ceilToFloat32(t)`. */
export function ceilToFloat32(t: number): number {
  const r = Math.fround(t)
  return r < t ? -nextDown32(-r) : r
}

/** Where the library sends `x` at split node `i` (true = left), with its own missing-value rules (LightGBM's NumericalDecision; XGBoost's `x < t`, NaN → default). */
function goesLeft(e: NativeEnsemble, t: NativeTree, i: number, x: number): boolean {
  const mt = t.missingType[i]
  let v = x
  if (Number.isNaN(v) && mt !== 2) v = 0
  if ((mt === 1 && v >= -ZERO_BAND && v <= ZERO_BAND) || (mt === 2 && Number.isNaN(v))) return t.defaultLeft[i] === 1
  return e.split === 'LEQ' ? v <= t.threshold[i] : v < t.threshold[i]
}

/** Margins `[n, K]` (K = 1 binary) computed as the library does, in float64, from `n` rows of float32 features. */
export function nativeMargins(e: NativeEnsemble, x: Float32Array, n: number): Float64Array {
  const f = e.features.length
  const k = e.base.length
  const out = new Float64Array(n * k)
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < k; c++) out[r * k + c] = e.base[c]
    for (const t of e.trees) {
      let i = 0
      while (t.feature[i] >= 0) i = goesLeft(e, t, i, x[r * f + t.feature[i]]) ? t.left[i] : t.right[i]
      out[r * k + t.targetClass] += t.value[i]
    }
  }
  return out
}

/** Class probabilities `[n, C]` as the library predicts them (binary: [1 − σ(m), σ(m)]; multiclass: softmax). */
export function nativeProbabilities(e: NativeEnsemble, x: Float32Array, n: number): Float64Array {
  const m = nativeMargins(e, x, n)
  const k = e.base.length
  const c = e.nClasses
  const p = new Float64Array(n * c)
  for (let r = 0; r < n; r++) {
    if (k === 1) {
      const s = 1 / (1 + Math.exp(-m[r]))
      p[r * 2] = 1 - s
      p[r * 2 + 1] = s
      continue
    }
    let max = -Infinity
    for (let j = 0; j < k; j++) max = Math.max(max, m[r * k + j])
    let sum = 0
    for (let j = 0; j < k; j++) sum += p[r * c + j] = Math.exp(m[r * k + j] - max)
    for (let j = 0; j < k; j++) p[r * c + j] /= sum
  }
  return p
}

/**
 * Rows that exercise every split: each feature takes one of its thresholds (float32-rounded, and one float32 step
 * either side), NaN or 0, picked by a fixed generator. Used as the import parity sample.
 */
export function splitProbeRows(e: NativeEnsemble, n: number, seed = 7): Float32Array {
  const f = e.features.length
  const pools: number[][] = Array.from({ length: f }, () => [NaN, 0])
  for (const t of e.trees)
    for (let i = 0; i < t.feature.length; i++) {
      if (t.feature[i] < 0) continue
      const v = Math.fround(t.threshold[i])
      if (Number.isFinite(v)) pools[t.feature[i]].push(v, nextDown32(v), -nextDown32(-v))
    }
  let s = seed >>> 0 || 1
  const next = (k: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return Math.floor((s / 4294967296) * k)
  }
  const x = new Float32Array(n * f)
  for (let r = 0; r < n; r++) for (let j = 0; j < f; j++) x[r * f + j] = pools[j][next(pools[j].length)]
  return x
}

/**
 * ONNX direction for NaN at node `i`, or a reason when ONNX cannot express the library's rule. ONNX routes NaN by
 * `missing_value_tracks_true` and everything else by the threshold; LightGBM's "zero" type also routes |x| ≤ 1e-35
 * by the default, which matches only when the threshold already sends that band the default way.
 */
function onnxMissingLeft(e: NativeEnsemble, t: NativeTree, i: number, threshold: number): boolean | string {
  const mt = t.missingType[i]
  if (mt === 2) return t.defaultLeft[i] === 1
  const zeroLeft = e.split === 'LEQ' ? 0 <= threshold : 0 < threshold
  if (mt === 0) return zeroLeft
  const bandLeft = e.split === 'LEQ' ? ZERO_BAND <= threshold : ZERO_BAND < threshold
  const bandRight = e.split === 'LEQ' ? -ZERO_BAND > threshold : -ZERO_BAND >= threshold
  const def = t.defaultLeft[i] === 1
  if ((def && bandLeft) || (!def && bandRight)) return def
  return `a zero-as-missing split (feature ${e.features[t.feature[i]]}, threshold ${t.threshold[i]}) routes 0 and NaN ${def ? 'left' : 'right'} (its default) but its threshold sends values near 0 ${def ? 'right' : 'left'}, which ONNX TreeEnsemble cannot express`
}

/**
 * ONNX bytes for a native ensemble: one ai.onnx.ml TreeEnsembleClassifier (BRANCH_LEQ for LightGBM with thresholds
 * rounded down to float32, BRANCH_LT for XGBoost), base margins in `base_values` (binary: folded into tree 0's leaves), SOFTMAX post transform (binary as
 * softmax of (−m/2, m/2) = (1 − σ(m), σ(m))), outputs `label` and `probabilities` [N, C], the card in metadata.
 * Throws an Error with the reason when a split cannot be expressed (see `onnxMissingLeft`); the caller adds the file.
 */
export function nativeEnsembleToOnnx(e: NativeEnsemble, card: ModelCard): Uint8Array {
  const binary = e.base.length === 1
  const lists = new TreeClassifierLists()
  const mode = e.split === 'LEQ' ? 'BRANCH_LEQ' : 'BRANCH_LT'
  e.trees.forEach((t, ti) => {
    for (let i = 0; i < t.feature.length; i++) {
      if (t.feature[i] < 0) {
        lists.leaf(ti, i)
        // Binary: the base margin is folded into tree 0's leaves (onnxruntime mishandles base_values with two classes).
        const v = binary && ti === 0 ? t.value[i] + e.base[0] : t.value[i]
        if (binary) (lists.weight(ti, i, 0, -v / 2), lists.weight(ti, i, 1, v / 2))
        else lists.weight(ti, i, t.targetClass, v)
        continue
      }
      const th = e.split === 'LEQ' ? floorToFloat32(t.threshold[i]) : ceilToFloat32(t.threshold[i])
      const miss = onnxMissingLeft(e, t, i, th)
      if (typeof miss === 'string') throw new Error(`tree ${ti} node ${i}: ${miss}`)
      lists.branch(ti, i, t.feature[i], th, mode, t.left[i], t.right[i], miss ? 1 : 0)
    }
  })
  return classifierModel([lists.treeClassifier(card, 'SOFTMAX', binary ? undefined : e.base)], card)
}
