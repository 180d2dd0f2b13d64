/**
 * Quantile binning of float32 features (the last bin of each feature holds NaN): ≤ 256 bins per feature for
 * boosting (Uint8 cells), up to 65535 for forests (Uint16 cells; with at least as many bins as distinct values the
 * bins are exact: one training value per bin, as an exact-threshold tree sees them).
 * Bin b of feature f holds values x ≤ uppers[f][b] (and > uppers[f][b-1]); the thresholds are float32 so a
 * split "bin ≤ b" is exactly "x ≤ threshold" in ONNX Runtime's float32 comparison.
 */
export interface BinMapper {
  readonly nFeatures: number
  /** Float32 upper bounds per feature; non-missing bins = uppers.length + 1. */
  readonly uppers: readonly Float32Array[]
  /** Index of the NaN bin per feature (= uppers.length + 1). */
  readonly missingBin: Int32Array
  /** Histogram offset of each feature (sum of earlier features' bin counts incl. NaN bin). */
  readonly offsets: Int32Array
  readonly totalBins: number
}

/** Builds quantile bins from (at most `sampleRows` evenly spaced) rows; `maxBin` ≤ `limit` (255: Uint8 cells, ≤ 65534: Uint16). */
export function buildBinMapper(
  x: Float32Array,
  n: number,
  f: number,
  maxBin: number,
  sampleRows = 200_000,
  limit = 255,
): BinMapper {
  if (!Number.isInteger(maxBin) || maxBin < 2 || maxBin > limit)
    throw new Error(`max_bin must be in [2, ${limit}], got ${maxBin}`)
  const step = Math.max(1, Math.floor(n / sampleRows))
  const uppers: Float32Array[] = []
  const missingBin = new Int32Array(f)
  const offsets = new Int32Array(f)
  let total = 0
  const buf = new Float32Array(Math.ceil(n / step))
  const scratch = new Uint32Array(buf.length)
  const distinct = new Float32Array(buf.length)
  for (let j = 0; j < f; j++) {
    let m = 0
    for (let i = 0; i < n; i += step) {
      const v = x[i * f + j]
      if (v === v) buf[m++] = v
    }
    const sorted = sortFloat32(buf.subarray(0, m), scratch)
    let nd = 0
    for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct[nd++] = sorted[i]
    const cuts: number[] = []
    if (nd <= maxBin) {
      for (let i = 0; i + 1 < nd; i++) cuts.push(Math.fround((distinct[i] + distinct[i + 1]) / 2))
    } else {
      for (let k = 1; k < maxBin; k++) {
        const q = sorted[Math.min(m - 1, Math.floor((k * m) / maxBin))]
        // Cut just above the quantile value: the midpoint to the next distinct value.
        let lo = 0
        let hi = nd - 1
        while (lo < hi) {
          const mid = (lo + hi) >> 1
          if (distinct[mid] < q) lo = mid + 1
          else hi = mid
        }
        if (lo + 1 < nd) cuts.push(Math.fround((distinct[lo] + distinct[lo + 1]) / 2))
      }
    }
    const u = Float32Array.from(new Set(cuts)).sort()
    uppers.push(u)
    missingBin[j] = u.length + 1
    offsets[j] = total
    total += u.length + 2
  }
  return { nFeatures: f, uppers, missingBin, offsets, totalBins: total }
}

/**
 * Sorts non-NaN float32 values ascending in place and returns them: LSD radix sort (4 passes of 8 bits) on
 * order-preserving keys of their bit patterns (negatives: all bits flipped; others: sign bit set). Same order as
 * `Float32Array.prototype.sort` (−0 before +0), which V8 runs as a generic merge sort, ~50× slower on 10⁴ values.
 */
export function sortFloat32(a: Float32Array, scratch: Uint32Array): Float32Array {
  const n = a.length
  const u = new Uint32Array(a.buffer, a.byteOffset, n)
  const t = scratch.subarray(0, n)
  for (let i = 0; i < n; i++) {
    const k = u[i]
    u[i] = k & 0x80000000 ? ~k >>> 0 : (k | 0x80000000) >>> 0
  }
  const count = new Int32Array(256)
  let src = u
  let dst = t
  for (let shift = 0; shift < 32; shift += 8) {
    count.fill(0)
    for (let i = 0; i < n; i++) count[(src[i] >>> shift) & 255]++
    // A byte every key shares needs no pass.
    if (count[(src[0] >>> shift) & 255] === n) continue
    let sum = 0
    for (let b = 0; b < 256; b++) {
      const c = count[b]
      count[b] = sum
      sum += c
    }
    for (let i = 0; i < n; i++) {
      const k = src[i]
      dst[count[(k >>> shift) & 255]++] = k
    }
    const z = src
    src = dst
    dst = z
  }
  if (src !== u) u.set(src)
  for (let i = 0; i < n; i++) {
    const k = u[i]
    u[i] = k & 0x80000000 ? (k & 0x7fffffff) >>> 0 : ~k >>> 0
  }
  return a
}

/** Bin index of one value. */
export function binOf(m: BinMapper, j: number, v: number): number {
  if (v !== v) return m.missingBin[j]
  const u = m.uppers[j]
  let lo = 0
  let hi = u.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (v <= u[mid]) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** Row-major Uint8 bin matrix `[n, F]`. */
export function binRows(m: BinMapper, x: Float32Array, n: number): Uint8Array {
  const f = m.nFeatures
  const out = new Uint8Array(n * f)
  // Feature by feature, so the bounds and the search stay in registers/L1.
  for (let j = 0; j < f; j++) {
    const u = m.uppers[j]
    const len = u.length
    const mb = m.missingBin[j]
    for (let q = j; q < n * f; q += f) {
      const v = x[q]
      if (v !== v) {
        out[q] = mb
        continue
      }
      // Lower bound (first b with v ≤ u[b], else len) with the step taken arithmetically: ~25 % faster than the
      // if/else halving, whose branch is a coin flip per level.
      let lo = 0
      let rest = len
      while (rest > 0) {
        const half = rest >> 1
        const c = v > u[lo + half] ? 1 : 0
        lo += c * (half + 1)
        rest = c ? rest - half - 1 : half
      }
      out[q] = lo
    }
  }
  return out
}

/** Column-major bin matrix `[F, n]` (feature j's bins at `j*n .. j*n+n`); Uint16 cells, for mappers of up to 65535 bins per feature. */
export function binColumns(m: BinMapper, x: Float32Array, n: number): Uint16Array {
  const f = m.nFeatures
  const out = new Uint16Array(n * f)
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) out[j * n + i] = binOf(m, j, x[i * f + j])
  return out
}

/**
 * Smallest and largest value of the rows in each non-missing bin of each feature (`lo[j][b]`, `hi[j][b]`; NaN for an
 * empty bin), from column-major bins: the values a split between two bins can place its threshold between.
 */
export function binValueRanges(
  m: BinMapper,
  x: Float32Array,
  n: number,
  cols: Uint16Array,
): { lo: Float32Array[]; hi: Float32Array[] } {
  const f = m.nFeatures
  const lo: Float32Array[] = []
  const hi: Float32Array[] = []
  for (let j = 0; j < f; j++) {
    const nb = m.missingBin[j]
    const l = new Float32Array(nb).fill(Infinity)
    const h = new Float32Array(nb).fill(-Infinity)
    for (let i = 0; i < n; i++) {
      const b = cols[j * n + i]
      if (b === nb) continue
      const v = x[i * f + j]
      if (v < l[b]) l[b] = v
      if (v > h[b]) h[b] = v
    }
    for (let b = 0; b < nb; b++) if (l[b] === Infinity) l[b] = h[b] = NaN
    lo.push(l)
    hi.push(h)
  }
  return { lo, hi }
}
