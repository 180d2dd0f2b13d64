/**
 * The GBDT's histogram kernels: build a node's histogram, derive a sibling's by subtraction, find the best split.
 * Each works on one share of the features (a contiguous range), so threads can split a node's work by feature and
 * every bin is still summed by one thread, in row order: the model is the same bits whatever the thread count.
 *
 * These functions also run inside worker threads from their own source text (`Function.prototype.toString`, see
 * `histogramWorkerSource`), so they use nothing from module scope but each other: the control layout comes in
 * `TeamMemory.layout`.
 */

/** Int32 slots of the team's control array: the job in hand and how far each thread has got with it. */
export const TEAM_CTRL = {
  /** Job generation: bumped by the main thread to start a job. */
  SEQ: 0,
  /** Workers done with the current job. */
  DONE: 1,
  /** 1: workers exit. */
  STOP: 2,
  /** A worker's failure (1), read by the main thread after the job. */
  ERROR: 3,
  /** Histogram to build (−1: none) from rows[BUILD_S, BUILD_E). */
  BUILD_DST: 4,
  BUILD_S: 5,
  BUILD_E: 6,
  /** SUB_A −= SUB_B (−1: none), after the build. */
  SUB_A: 7,
  SUB_B: 8,
  /** Histograms to scan for the best split (−1: none) and their row counts; G and H in `jobF`. */
  SCAN0: 9,
  SCAN0_C: 10,
  SCAN1: 11,
  SCAN1_C: 12,
  /** Histogram holding only the counts of every row's bins (−1: none): the build starts from it and adds Σg, Σh. */
  BUILD_COUNTS: 13,
  /** Per share s: features [j0, j1) at RANGES + 4s, and the slice [q0, q1) of `feats` that falls in it. */
  RANGES: 16,
} as const

/** One thread's view of the team's memory: the same typed arrays (shared memory) in every thread. */
export interface TeamMemory {
  /** `TEAM_CTRL`, passed along so the kernels need no module scope. */
  readonly layout: typeof TEAM_CTRL
  /** Row-major `[n, f]`: stride × (feature offset + bin) of each cell, its slot in a histogram. */
  readonly slots: Uint16Array | Uint32Array
  /** Gradient and hessian of each row, `[2n]`. */
  readonly gh: Float64Array
  /** Row partition: each open leaf owns a contiguous range. */
  readonly rows: Int32Array
  /** Features this tree may split on, ascending. */
  readonly feats: Int32Array
  /** Histogram offset (in bins) of each feature, `[f + 1]` (the last = total bins). */
  readonly offsets: Int32Array
  readonly missingBin: Int32Array
  /** Histograms by id (views into shared pages). */
  readonly hists: Float64Array[]
  readonly ctrl: Int32Array
  /** [G0, H0, G1, H1] of the histograms to scan. */
  readonly jobF: Float64Array
  /** Per share and scanned histogram: [gain, feature, bin, missingLeft, Σg left, Σh left]. */
  readonly res: Float64Array
  readonly f: number
  /** Doubles per bin: 3 = [Σg, Σh, count], 2 = [Σg, Σh]. */
  readonly stride: 2 | 3
  readonly lambda: number
  readonly minData: number
  readonly minHessian: number
  readonly minGain: number
}

/** Doubles per split result in `res`. */
export const RESULT_WIDTH = 6

/** Runs share `s` of the job described in `m.ctrl`: build, then subtract, then scan, each over the share's features. */
export function runShare(m: TeamMemory, s: number): void {
  const c = m.ctrl
  const L = m.layout
  const r = L.RANGES + 4 * s
  const j0 = c[r]
  const j1 = c[r + 1]
  const lo = m.offsets[j0] * m.stride
  const hi = m.offsets[j1] * m.stride
  const dst = c[L.BUILD_DST]
  const counts = c[L.BUILD_COUNTS]
  if (dst >= 0 && counts >= 0) {
    m.hists[dst].set(m.hists[counts].subarray(lo, hi), lo)
    addGradients3(m.hists[dst], m.slots, m.f, m.rows, c[L.BUILD_S], c[L.BUILD_E], m.gh, j0, j1)
  } else if (dst >= 0) {
    if (m.stride === 3)
      buildHistogram3(m.hists[dst], m.slots, m.f, m.rows, c[L.BUILD_S], c[L.BUILD_E], m.gh, j0, j1, lo, hi)
    else buildHistogram2(m.hists[dst], m.slots, m.f, m.rows, c[L.BUILD_S], c[L.BUILD_E], m.gh, j0, j1, lo, hi)
  }
  if (c[L.SUB_A] >= 0) subtractHistogram(m.hists[c[L.SUB_A]], m.hists[c[L.SUB_B]], lo, hi)
  for (let k = 0; k < 2; k++) {
    const id = c[L.SCAN0 + 2 * k]
    const o = (2 * s + k) * 6
    if (id < 0) continue
    if (m.stride === 3)
      bestSplit3(m, m.hists[id], c[r + 2], c[r + 3], m.jobF[2 * k], m.jobF[2 * k + 1], c[L.SCAN0_C + 2 * k], m.res, o)
    else bestSplit2(m, m.hists[id], c[r + 2], c[r + 3], m.jobF[2 * k], m.jobF[2 * k + 1], m.res, o)
  }
}

/**
 * Histogram of rows[s, e) over features [j0, j1) into h[lo, hi) (cleared first): per bin [Σg, Σh, count]. Four rows
 * per step for instruction-level parallelism; each bin still sums its rows in row order.
 */
export function buildHistogram3(
  h: Float64Array,
  gi: Uint16Array | Uint32Array,
  f: number,
  rows: Int32Array,
  s: number,
  e: number,
  gh: Float64Array,
  j0: number,
  j1: number,
  lo: number,
  hi: number,
): void {
  h.fill(0, lo, hi)
  // The first (e − s) mod 4 rows one by one, then four per step.
  let i = s
  for (const t = s + ((e - s) & 3); i < t; i++) {
    const r = rows[i]
    const g = gh[2 * r]
    const hh = gh[2 * r + 1]
    const base = r * f
    for (let j = j0; j < j1; j++) {
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
    for (let j = j0; j < j1; j++) {
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

/**
 * Adds rows[s, e)'s Σg and Σh over features [j0, j1) to a [Σg, Σh, count] histogram whose counts are already there (a
 * tree's root over every row: the counts are the same each round, so they are copied rather than added).
 */
export function addGradients3(
  h: Float64Array,
  gi: Uint16Array | Uint32Array,
  f: number,
  rows: Int32Array,
  s: number,
  e: number,
  gh: Float64Array,
  j0: number,
  j1: number,
): void {
  let i = s
  for (const t = s + ((e - s) & 3); i < t; i++) {
    const r = rows[i]
    const g = gh[2 * r]
    const hh = gh[2 * r + 1]
    const base = r * f
    for (let j = j0; j < j1; j++) {
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
    for (let j = j0; j < j1; j++) {
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

/** `buildHistogram3` without the count channel. */
export function buildHistogram2(
  h: Float64Array,
  gi: Uint16Array | Uint32Array,
  f: number,
  rows: Int32Array,
  s: number,
  e: number,
  gh: Float64Array,
  j0: number,
  j1: number,
  lo: number,
  hi: number,
): void {
  h.fill(0, lo, hi)
  let i = s
  for (const t = s + ((e - s) & 3); i < t; i++) {
    const r = rows[i]
    const g = gh[2 * r]
    const hh = gh[2 * r + 1]
    const base = r * f
    for (let j = j0; j < j1; j++) {
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
    for (let j = j0; j < j1; j++) {
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

/** a[lo, hi) −= b[lo, hi): a node's histogram becomes its larger child's once the smaller child's is built. */
export function subtractHistogram(a: Float64Array, b: Float64Array, lo: number, hi: number): void {
  let k = lo
  for (; k + 3 < hi; k += 4) {
    a[k] -= b[k]
    a[k + 1] -= b[k + 1]
    a[k + 2] -= b[k + 2]
    a[k + 3] -= b[k + 3]
  }
  for (; k < hi; k++) a[k] -= b[k]
}

/**
 * Best split of a node over feats[q0, q1), written to res[o..o+6) (feature −1: none beats min_gain_to_split). Gain
 * = Σg_L²/(Σh_L+λ) + Σg_R²/(Σh_R+λ) − Σg²/(Σh+λ); NaN rows go right, then left, of every threshold; the first of equal
 * gains wins (feature, then bin, then missing right before left), so shares scanned apart and compared in order pick
 * what one scan picks. Counts and hessians only grow along the bins: a threshold is skipped until the left side holds
 * min_data_in_leaf rows and min_sum_hessian_in_leaf, and the scan stops once the right side no longer does.
 */
export function bestSplit3(
  m: TeamMemory,
  h: Float64Array,
  q0: number,
  q1: number,
  G: number,
  H: number,
  C: number,
  res: Float64Array,
  ro: number,
): void {
  const lam = m.lambda
  const minC = m.minData
  const minH = m.minHessian
  const parent = (G * G) / (H + lam)
  let bestGain = m.minGain
  // Division-free pre-test of a candidate: gl²/a + gr²/b > bestGain + parent ⇔ gl²·b + gr²·a > (bestGain + parent)·a·b
  // (a, b > 0), against a bar lowered by 1e-9 relative so that it never rejects a candidate the exact test accepts
  // (both sides are sums of non-negative terms, good to a few ulps): the same split, most candidates without division.
  let target = bestGain + parent
  let bar = target - 1e-9 * Math.abs(target)
  let bestFeature = -1
  let bestBin = -1
  let bestMissingLeft = 0
  let bestGl = 0
  let bestHl = 0
  const feats = m.feats
  const offsets = m.offsets
  const missing = m.missingBin
  for (let q = q0; q < q1; q++) {
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
    if (cm === 0) {
      for (let o = off * 3; o < end; o += 3) {
        // An empty bin repeats the previous threshold's split (its Σg may hold rounding left by a subtraction).
        const cb = h[o + 2]
        if (cb === 0) continue
        gl += h[o]
        hl += h[o + 1]
        cl += cb
        if (cl < minC || hl < minH) continue
        const hr = H - hl
        if (C - cl < minC || hr < minH) break
        const gr = G - gl
        const a = hl + lam
        const b = hr + lam
        if (gl * gl * b + gr * gr * a <= bar * a * b) continue
        const gain = (gl * gl) / a + (gr * gr) / b - parent
        if (gain > bestGain) {
          bestGain = gain
          target = bestGain + parent
          bar = target - 1e-9 * Math.abs(target)
          bestFeature = j
          bestBin = (o / 3 - off) | 0
          bestMissingLeft = 0
          bestGl = gl
          bestHl = hl
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
        if (gl * gl * b + gr * gr * a > bar * a * b) {
          const gain = (gl * gl) / a + (gr * gr) / b - parent
          if (gain > bestGain) {
            bestGain = gain
            target = bestGain + parent
            bar = target - 1e-9 * Math.abs(target)
            bestFeature = j
            bestBin = (o / 3 - off) | 0
            bestMissingLeft = 0
            bestGl = gl
            bestHl = hl
          }
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
        if (gl2 * gl2 * b + gr * gr * a > bar * a * b) {
          const gain = (gl2 * gl2) / a + (gr * gr) / b - parent
          if (gain > bestGain) {
            bestGain = gain
            target = bestGain + parent
            bar = target - 1e-9 * Math.abs(target)
            bestFeature = j
            bestBin = (o / 3 - off) | 0
            bestMissingLeft = 1
            bestGl = gl2
            bestHl = hl2
          }
        }
      }
    }
  }
  res[ro] = bestGain
  res[ro + 1] = bestFeature
  res[ro + 2] = bestBin
  res[ro + 3] = bestMissingLeft
  res[ro + 4] = bestGl
  res[ro + 5] = bestHl
}

/**
 * `bestSplit3` without counts (min_data_in_leaf ≤ 1 and a positive hessian floor, see `histogramStride`): a side with
 * Σh ≥ min_sum_hessian_in_leaf holds at least one row.
 */
export function bestSplit2(
  m: TeamMemory,
  h: Float64Array,
  q0: number,
  q1: number,
  G: number,
  H: number,
  res: Float64Array,
  ro: number,
): void {
  const lam = m.lambda
  const minH = m.minHessian
  const parent = (G * G) / (H + lam)
  let bestGain = m.minGain
  let target = bestGain + parent
  let bar = target - 1e-9 * Math.abs(target)
  let bestFeature = -1
  let bestBin = -1
  let bestMissingLeft = 0
  let bestGl = 0
  let bestHl = 0
  const feats = m.feats
  const offsets = m.offsets
  const missing = m.missingBin
  for (let q = q0; q < q1; q++) {
    const j = feats[q]
    const off = offsets[j]
    const mb = missing[j]
    const mo = (off + mb) * 2
    const gm = h[mo]
    const hm = h[mo + 1]
    let gl = 0
    let hl = 0
    const end = (off + mb - 1) * 2
    if (hm === 0) {
      for (let o = off * 2; o < end; o += 2) {
        const hb = h[o + 1]
        if (hb === 0) continue
        gl += h[o]
        hl += hb
        if (hl < minH) continue
        const hr = H - hl
        if (hr < minH) break
        const gr = G - gl
        const a = hl + lam
        const b = hr + lam
        if (gl * gl * b + gr * gr * a <= bar * a * b) continue
        const gain = (gl * gl) / a + (gr * gr) / b - parent
        if (gain > bestGain) {
          bestGain = gain
          target = bestGain + parent
          bar = target - 1e-9 * Math.abs(target)
          bestFeature = j
          bestBin = (o / 2 - off) | 0
          bestMissingLeft = 0
          bestGl = gl
          bestHl = hl
        }
      }
      continue
    }
    for (let o = off * 2; o < end; o += 2) {
      const hb = h[o + 1]
      if (hb === 0) continue
      gl += h[o]
      hl += hb
      let hr = H - hl
      if (hl >= minH && hr >= minH) {
        const gr = G - gl
        const a = hl + lam
        const b = hr + lam
        if (gl * gl * b + gr * gr * a > bar * a * b) {
          const gain = (gl * gl) / a + (gr * gr) / b - parent
          if (gain > bestGain) {
            bestGain = gain
            target = bestGain + parent
            bar = target - 1e-9 * Math.abs(target)
            bestFeature = j
            bestBin = (o / 2 - off) | 0
            bestMissingLeft = 0
            bestGl = gl
            bestHl = hl
          }
        }
      }
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
            target = bestGain + parent
            bar = target - 1e-9 * Math.abs(target)
            bestFeature = j
            bestBin = (o / 2 - off) | 0
            bestMissingLeft = 1
            bestGl = gl2
            bestHl = hl2
          }
        }
      }
    }
  }
  res[ro] = bestGain
  res[ro + 1] = bestFeature
  res[ro + 2] = bestBin
  res[ro + 3] = bestMissingLeft
  res[ro + 4] = bestGl
  res[ro + 5] = bestHl
}

/**
 * The worker's program: these kernels' own source text, then `histogramWorkerMain` (a module's own functions keep
 * their names when it is transpiled or bundled, so the text calls what it defines).
 */
export function histogramWorkerSource(spin: number): string {
  return [
    // tsx/esbuild may wrap named inner functions in __name(); a worker has no such helper.
    'const __name = (f) => f;',
    ...[runShare, buildHistogram3, addGradients3, buildHistogram2, subtractHistogram, bestSplit3, bestSplit2].map((k) =>
      k.toString(),
    ),
    `(${histogramWorkerMain.toString()})(require('node:worker_threads'), ${spin})`,
  ].join('\n')
}

/** What a histogram worker is given. */
export interface HistogramWorkerData {
  readonly memory: Omit<TeamMemory, 'hists'>
  /** Its share of the features. */
  readonly share: number
  readonly threads: number
  /** New histogram pages (SharedArrayBuffers) arrive here. */
  readonly port: import('node:worker_threads').MessagePort
  readonly histLength: number
}

/**
 * A worker's life: wait for a job (polling `spin` times, then asleep), pick up new histogram pages, run its share,
 * report, until told to stop. A share that throws is reported in ERROR, never left hanging.
 */
function histogramWorkerMain(wt: typeof import('node:worker_threads'), spin: number): void {
  const d = wt.workerData as HistogramWorkerData
  const m: TeamMemory = { ...d.memory, hists: [] }
  const L = m.layout
  const ctrl = m.ctrl
  let seen = 0
  for (;;) {
    let seq = Atomics.load(ctrl, L.SEQ)
    for (let k = 0; seq === seen && k < spin; k++) seq = Atomics.load(ctrl, L.SEQ)
    while (seq === seen) {
      Atomics.wait(ctrl, L.SEQ, seen)
      seq = Atomics.load(ctrl, L.SEQ)
    }
    seen = seq
    if (Atomics.load(ctrl, L.STOP) === 1) return
    for (let msg = wt.receiveMessageOnPort(d.port); msg; msg = wt.receiveMessageOnPort(d.port)) {
      const page = new Float64Array(msg.message as SharedArrayBuffer)
      for (let o = 0; o < page.length; o += d.histLength) m.hists.push(page.subarray(o, o + d.histLength))
    }
    try {
      runShare(m, d.share)
    } catch {
      Atomics.store(ctrl, L.ERROR, 1)
    }
    if (Atomics.add(ctrl, L.DONE, 1) === d.threads - 2) Atomics.notify(ctrl, L.DONE)
  }
}
