/**
 * The one shape every indicator has (STYLE.md rule 10): `init()` builds plain, cloneable state and `update()`
 * advances it by one input. Streaming calls `update` per bar; batch is the same `update` in a loop.
 */

/** A one-input, one-output step. Returns NaN during warm-up. */
export interface Kernel<S> {
  init(): S
  update(s: S, x: number): number
}

/** One bar as the bar kernels read it; `takerBuyVolume` is NaN when unknown. */
export interface BarRow {
  time: number
  open: number
  high: number
  low: number
  close: number
  volume: number
  takerBuyVolume: number
}

/**
 * A bar-driven step with one or more named outputs (`outputs[0] === ''` for single-output indicators).
 * `update` writes `outputs.length` values into `out` starting at `at`; NaN during warm-up.
 */
export interface BarKernel<S> {
  readonly outputs: readonly string[]
  init(): S
  update(s: S, b: BarRow, out: Float64Array, at: number): void
}

/** Runs a kernel over a series: the batch form of a streaming kernel (same update rule, so identical values). */
export function batch<S>(
  kernel: Kernel<S>,
  xs: ArrayLike<number>,
  out: Float64Array = new Float64Array(xs.length),
): Float64Array {
  const s = kernel.init()
  for (let i = 0; i < xs.length; i++) out[i] = kernel.update(s, xs[i])
  return out
}

/** A deep copy of a kernel state (plain objects and typed arrays only), for snapshots and restore. */
export function snapshot<S>(state: S): S {
  return structuredClone(state)
}

/** An empty bar row (all NaN) to be filled in place; one per loop keeps V8's object shape stable. */
export function emptyBarRow(): BarRow {
  return { time: NaN, open: NaN, high: NaN, low: NaN, close: NaN, volume: NaN, takerBuyVolume: NaN }
}

/**
 * How often running sums are rebuilt from their window: bounds floating-point drift over millions of bars
 * while staying O(1) amortised. Deterministic in the bar count, so streaming and batch stay identical.
 */
export const RECOMPUTE_EVERY = 4096

/**
 * Sum of `n` values of `buf` starting at index `from`, wrapping at `buf.length`, added oldest to newest. Streaming
 * kernels rebuild from their ring (`from` = oldest slot); batch loops from the series itself (`from` = i − n + 1,
 * no wrap): same values in the same order, so the rebuilt sums are identical.
 */
export function windowSum(buf: ArrayLike<number>, from: number, n: number): number {
  const len = buf.length
  let t = 0
  let j = from
  for (let k = 0; k < n; k++) {
    t += buf[j]
    if (++j === len) j = 0
  }
  return t
}

/** Σ (v − mean)² over the same window as `windowSum` (second pass of an exact variance). */
export function windowSquares(buf: ArrayLike<number>, from: number, n: number, mean: number): number {
  const len = buf.length
  let t = 0
  let j = from
  for (let k = 0; k < n; k++) {
    const d = buf[j] - mean
    t += d * d
    if (++j === len) j = 0
  }
  return t
}

/**
 * The input of a windowed batch loop that reads values behind its write position: `xs` itself, or a copy when it
 * shares memory with an output (in-place use).
 */
export function unaliased(xs: ArrayLike<number>, ...outs: Float64Array[]): ArrayLike<number> {
  if (!ArrayBuffer.isView(xs)) return xs
  const buffer = (xs as unknown as ArrayBufferView).buffer
  for (const o of outs) if (o.buffer === buffer) return Float64Array.from(xs)
  return xs
}

/** Throws when a window length or period is not a positive integer (fail fast, STYLE.md rule 14). */
export function assertPeriod(name: string, n: number, min = 1): void {
  if (!Number.isInteger(n) || n < min) throw new RangeError(`${name}: period must be an integer ≥ ${min}, got ${n}`)
}

/** Wraps a one-series kernel as a bar kernel reading the close. */
export function onClose<S>(k: Kernel<S>): BarKernel<S> {
  return {
    outputs: [''],
    init: k.init,
    update: (s, b, out, at) => {
      out[at] = k.update(s, b.close)
    },
  }
}
