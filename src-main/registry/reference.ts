/**
 * Reference distributions stored in the card at registration (`card.reference`) and the population
 * stability index used against them (DOMAIN.md §6: PSI < 0.1 stable, 0.1–0.2 watch, > 0.2 drift).
 */

/** One feature's training distribution: quantile cut points, the share of non-missing values per bin, and the missing share. */
export interface FeatureReference {
  /** Increasing cut points; bin k holds values in (edges[k-1], edges[k]], the last bin everything above. */
  readonly edges: readonly number[]
  /** Length `edges.length + 1`, sums to 1 (all 0 when every value was missing). */
  readonly proportions: readonly number[]
  /** Share of NaN values. */
  readonly missing: number
}

/** What `card.reference` holds for a model registered with its training data. */
export interface ReferenceDistribution {
  readonly rows: number
  readonly features: Readonly<Record<string, FeatureReference>>
  /** Share of training rows whose predicted class is k. */
  readonly predictions?: { readonly classProportions: readonly number[] }
}

export type PsiLevel = 'stable' | 'watch' | 'drift'

/** Bin index of `v` for `edges` (binary search; values equal to a cut point go left). */
function binOf(edges: readonly number[], v: number): number {
  let lo = 0
  let hi = edges.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (v > edges[mid]) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Proportions of the non-NaN `values` per bin of `edges`, and the NaN share. */
export function binProportions(
  values: ArrayLike<number>,
  edges: readonly number[],
): { proportions: number[]; missing: number } {
  const counts = new Array<number>(edges.length + 1).fill(0)
  let seen = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v !== v) continue
    counts[binOf(edges, v)]++
    seen++
  }
  return {
    proportions: counts.map((c) => (seen ? c / seen : 0)),
    missing: values.length ? 1 - seen / values.length : 0,
  }
}

/** Column `j` of a row-major `[n, F]` matrix. */
export function column(x: Float32Array, n: number, f: number, j: number): Float64Array {
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = x[i * f + j]
  return out
}

/** Quantile cut points (deduplicated) of the non-NaN values, `bins` bins at most. */
export function quantileEdges(values: ArrayLike<number>, bins = 10): number[] {
  const v = Array.from(values)
    .filter((a) => a === a)
    .sort((a, b) => a - b)
  if (!v.length) return []
  const edges: number[] = []
  for (let k = 1; k < bins; k++) {
    const e = v[Math.min(v.length - 1, Math.floor((k * v.length) / bins))]
    if (!edges.length || e > edges[edges.length - 1]) edges.push(e)
  }
  // A cut at the maximum would leave the last bin empty by construction.
  if (edges.length && edges[edges.length - 1] >= v[v.length - 1]) edges.pop()
  return edges
}

/** Per-feature reference distributions of a training matrix `[n, F]`. */
export function referenceDistribution(
  x: Float32Array,
  n: number,
  features: readonly string[],
  bins = 10,
): ReferenceDistribution {
  const f = features.length
  if (x.length !== n * f) throw new Error(`training data has ${x.length} values; expected ${n} × ${f}`)
  const out: Record<string, FeatureReference> = {}
  features.forEach((name, j) => {
    const col = column(x, n, f, j)
    const edges = quantileEdges(col, bins)
    out[name] = { edges, ...binProportions(col, edges) }
  })
  return { rows: n, features: out }
}

const PSI_FLOOR = 1e-4

/** Population stability index Σ (a − e)·ln(a/e), proportions floored at 1e-4 so empty bins stay finite. */
export function psi(expected: readonly number[], actual: readonly number[]): number {
  if (expected.length !== actual.length)
    throw new Error(`psi: ${expected.length} expected bins vs ${actual.length} actual`)
  let s = 0
  for (let k = 0; k < expected.length; k++) {
    const e = Math.max(PSI_FLOOR, expected[k])
    const a = Math.max(PSI_FLOOR, actual[k])
    s += (a - e) * Math.log(a / e)
  }
  return s
}

/** DOMAIN.md §6 levels. */
export function psiLevel(value: number): PsiLevel {
  return value < 0.1 ? 'stable' : value <= 0.2 ? 'watch' : 'drift'
}

/** Share of rows per predicted class (argmax of `[n, C]` probabilities). */
export function classProportions(probabilities: ArrayLike<number>, n: number, c: number): number[] {
  const counts = new Array<number>(c).fill(0)
  for (let i = 0; i < n; i++) {
    let best = 0
    for (let k = 1; k < c; k++) if (probabilities[i * c + k] > probabilities[i * c + best]) best = k
    counts[best]++
  }
  return counts.map((v) => (n ? v / n : 0))
}
