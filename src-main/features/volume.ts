/**
 * Volume-weighted indicators from whole bars: on-balance volume, session VWAP and rolling VWAP. Each is a `BarKernel`
 * (init + update writing its output).
 */
import * as averagesModule from './averages'
import type { SmaState } from './averages'
import type { BarKernel, BarRow } from './kernel'

// Bound once at load: tsx/vitest compile named imports into getter calls, which cost ~10 ns in hot loops.
const { smaInit, smaUpdate } = averagesModule

/** `obv`: cumulative ±volume by close direction, 0 on the first bar (Tulip, StockCharts). */
export const obvKernel: BarKernel<{ prev: number; v: number }> = {
  outputs: [''],
  init: () => ({ prev: NaN, v: 0 }),
  update: (s, b, out, at) => {
    if (s.prev === s.prev) {
      if (b.close > s.prev) s.v += b.volume
      else if (b.close < s.prev) s.v -= b.volume
    }
    s.prev = b.close
    out[at] = s.v
  },
}

/** Session VWAP state. */
export interface VwapState {
  sessionMs: number
  offsetMs: number
  session: number
  pv: number
  v: number
}

/** Typical price (H+L+C)/3. */
export function typicalPrice(b: BarRow): number {
  return (b.high + b.low + b.close) / 3
}

/**
 * Adds a bar to a session VWAP (Σ TP·V / Σ V since the session opened); sessions are `sessionMs` long,
 * starting at `offsetMs` after the epoch (default: UTC days). NaN until the session has volume.
 */
export function vwapUpdate(s: VwapState, b: BarRow): number {
  const session = Math.floor((b.time - s.offsetMs) / s.sessionMs)
  if (session !== s.session) {
    s.session = session
    s.pv = 0
    s.v = 0
  }
  s.pv += typicalPrice(b) * b.volume
  s.v += b.volume
  return s.v > 0 ? s.pv / s.v : NaN
}

/** Fresh session-VWAP state. */
export function vwapInit(sessionMs = 86_400_000, offsetMs = 0): VwapState {
  return { sessionMs, offsetMs, session: NaN, pv: 0, v: 0 }
}

/** `vwap`: session VWAP. */
export function vwapKernel(sessionMs = 86_400_000, offsetMs = 0): BarKernel<VwapState> {
  return {
    outputs: [''],
    init: () => vwapInit(sessionMs, offsetMs),
    update: (s, b, out, at) => {
      out[at] = vwapUpdate(s, b)
    },
  }
}

/** Rolling VWAP state: rolling sums of TP·V and V. */
export interface RollingVwapState {
  pv: SmaState
  v: SmaState
}

/** `vwap:N`: Σ TP·V / Σ V over the last n bars. */
export function rollingVwapKernel(n: number): BarKernel<RollingVwapState> {
  return {
    outputs: [''],
    init: () => ({ pv: smaInit(n), v: smaInit(n) }),
    update: (s, b, out, at) => {
      const pv = smaUpdate(s.pv, typicalPrice(b) * b.volume)
      const v = smaUpdate(s.v, b.volume)
      out[at] = v > 0 ? pv / v : NaN
    },
  }
}
