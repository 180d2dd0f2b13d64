import { formatUtc } from '../format'

const W = 300
const H = 84
const M = { l: 4, r: 4, t: 8, b: 14 }

/**
 * A paper account's equity over time (plain SVG): the curve, dashed at the initial equity, green above it and red
 * below at the end; the first and last times under it.
 */
export function EquityCurve({
  curve,
  initialEquity,
  label,
}: {
  curve: readonly (readonly [number, number])[]
  initialEquity: number
  label: string
}) {
  if (curve.length < 2) {
    return (
      <div className="equity-curve__none" data-testid="equity-curve" data-points={curve.length}>
        The equity curve starts after the first bars.
      </div>
    )
  }
  const pw = W - M.l - M.r
  const ph = H - M.t - M.b
  const t0 = curve[0][0]
  const t1 = curve[curve.length - 1][0]
  let lo = initialEquity
  let hi = initialEquity
  for (const [, e] of curve) {
    lo = Math.min(lo, e)
    hi = Math.max(hi, e)
  }
  const pad = (hi - lo) * 0.08 || Math.abs(initialEquity) * 0.001 || 1
  lo -= pad
  hi += pad
  const x = (t: number) => M.l + ((t - t0) / (t1 - t0 || 1)) * pw
  const y = (v: number) => M.t + (1 - (v - lo) / (hi - lo)) * ph
  const path = curve.map(([t, e], i) => `${i ? 'L' : 'M'}${x(t).toFixed(1)},${y(e).toFixed(1)}`).join(' ')
  const last = curve[curve.length - 1][1]
  return (
    <svg
      className="chart-svg equity-curve"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={label}
      data-testid="equity-curve"
      data-points={curve.length}
      data-last={last}
    >
      <line className="equity-curve__start" x1={M.l} x2={W - M.r} y1={y(initialEquity)} y2={y(initialEquity)} />
      <path className={`equity-curve__line equity-curve__line--${last >= initialEquity ? 'up' : 'down'}`} d={path} />
      <text className="chart-svg__tick" x={M.l} y={H - 3} textAnchor="start">
        {formatUtc(t0)}
      </text>
      <text className="chart-svg__tick" x={W - M.r} y={H - 3} textAnchor="end">
        {formatUtc(t1)}
      </text>
    </svg>
  )
}
