import { formatMetric } from '../format'

const W = 300
const ROW = 15
const M = { l: 118, r: 40, t: 18, b: 6 }

/**
 * Feature importance of the selected version: split gain of the final model (bar, share of total) and the
 * permutation importance on the last held-out block (thin bar: drop in ROC AUC when the feature is shuffled;
 * red when shuffling helped, i.e. the feature hurts out of sample).
 */
export function ImportanceChart({ rows }: { rows: readonly { feature: string; gain: number; permutation: number }[] }) {
  const h = M.t + rows.length * ROW + M.b
  const pw = W - M.l - M.r
  const maxGain = Math.max(1e-9, ...rows.map((r) => r.gain))
  const maxPerm = Math.max(1e-9, ...rows.map((r) => Math.abs(r.permutation)))
  return (
    <svg
      className="chart-svg"
      viewBox={`0 0 ${W} ${h}`}
      role="img"
      aria-label="Feature importance"
      data-testid="importance-chart"
      data-features={rows.length}
    >
      <g className="chart-svg__legend">
        <rect x={M.l} y={4} width={8} height={6} className="chart-svg__bar" />
        <text x={M.l + 12} y={10}>
          gain
        </text>
        <rect x={M.l + 46} y={6} width={8} height={2} className="chart-svg__perm" />
        <text x={M.l + 58} y={10}>
          permutation (AUC drop)
        </text>
      </g>
      {rows.map((r, i) => {
        const y = M.t + i * ROW
        const gw = (r.gain / maxGain) * pw
        const permW = (Math.abs(r.permutation) / maxPerm) * pw
        return (
          <g key={r.feature} data-testid="importance-row">
            <title>{`${r.feature}: gain ${formatMetric(r.gain)}, permutation ${formatMetric(r.permutation, 4)}`}</title>
            <text className="chart-svg__label" x={M.l - 6} y={y + 9} textAnchor="end">
              {r.feature}
            </text>
            <rect className="chart-svg__bar" x={M.l} y={y + 2} width={Math.max(1, gw)} height={7} />
            <rect
              className={r.permutation < 0 ? 'chart-svg__perm chart-svg__perm--negative' : 'chart-svg__perm'}
              x={M.l}
              y={y + 10}
              width={Math.max(r.permutation === 0 ? 0 : 1, permW)}
              height={2}
            />
            <text className="chart-svg__value" x={W - 2} y={y + 9} textAnchor="end">
              {(r.gain * 100).toFixed(1)}%
            </text>
          </g>
        )
      })}
    </svg>
  )
}
