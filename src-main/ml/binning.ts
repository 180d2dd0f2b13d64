/**
 * Quantile binning of float32 features into ≤ 256 bins per feature (the last bin of each feature holds NaN).
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

/** Builds quantile bins from (at most `sampleRows` evenly spaced) rows; `maxBin` ≤ 255. */
export function buildBinMapper(x: Float32Array, n: number, f: number, maxBin: number, sampleRows = 200_000): BinMapper {
  if (maxBin < 2 || maxBin > 255) throw new Error(`max_bin must be in [2, 255], got ${maxBin}`)
  const step = Math.max(1, Math.floor(n / sampleRows))
  const uppers: Float32Array[] = []
  const missingBin = new Int32Array(f)
  const offsets = new Int32Array(f)
  let total = 0
  const buf = new Float32Array(Math.ceil(n / step))
  const distinct = new Float32Array(buf.length)
  for (let j = 0; j < f; j++) {
    let m = 0
    for (let i = 0; i < n; i += step) {
      const v = x[i * f + j]
      if (v === v) buf[m++] = v
    }
    const sorted = buf.subarray(0, m).sort()
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
      let lo = 0
      let hi = len
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (v <= u[mid]) hi = mid
        else lo = mid + 1
      }
      out[q] = lo
    }
  }
  return out
}

/** Column-major Uint8 bin matrix `[F, n]` (feature j's bins at `j*n .. j*n+n`). */
export function binColumns(m: BinMapper, x: Float32Array, n: number): Uint8Array {
  const f = m.nFeatures
  const out = new Uint8Array(n * f)
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) out[j * n + i] = binOf(m, j, x[i * f + j])
  return out
}
