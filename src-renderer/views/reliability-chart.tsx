import type { CalibrationBin } from '../../src-shared'
import { formatMetric } from '../format'

const W = 300
const H = 210
const M = { l: 44, r: 10, t: 10, b: 30 }
const PW = W - M.l - M.r
const PH = H - M.t - M.b

/**
 * Reliability diagram of the top-class probability (out-of-fold, walk-forward): mean predicted vs observed hit
 * rate per bin against the diagonal of perfect calibration; dot area and the bars below follow the bin counts.
 */
export function ReliabilityChart({ bins }: { bins: readonly CalibrationBin[] }) {
  const filled = bins.filter((b) => b.count > 0 && b.meanPredicted !== null && b.observed !== null)
  const maxCount = Math.max(1, ...bins.map((b) => b.count))
  const x = (p: number) => M.l + p * PW
  const y = (p: number) => M.t + (1 - p) * PH
  const path = filled
    .map((b, i) => `${i ? 'L' : 'M'}${x(b.meanPredicted!).toFixed(1)},${y(b.observed!).toFixed(1)}`)
    .join(' ')
  return (
    <svg
      className="chart-svg"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label="Reliability diagram"
      data-testid="reliability-chart"
      data-points={filled.length}
    >
      {[0, 0.25, 0.5, 0.75, 1].map((t) => (
        <g key={t}>
          <line className="chart-svg__grid" x1={x(0)} x2={x(1)} y1={y(t)} y2={y(t)} />
          <text className="chart-svg__tick" x={M.l - 6} y={y(t) + 3} textAnchor="end">
            {t.toFixed(2).replace(/0$/, '')}
          </text>
          <text className="chart-svg__tick" x={x(t)} y={H - M.b + 13} textAnchor="middle">
            {t.toFixed(2).replace(/0$/, '')}
          </text>
        </g>
      ))}
      {bins.map((b) => (
        <rect
          key={b.lo}
          className="chart-svg__count"
          x={x(b.lo) + 1}
          width={Math.max(0, (b.hi - b.lo) * PW - 2)}
          y={y(0) - (b.count / maxCount) * PH * 0.22}
          height={(b.count / maxCount) * PH * 0.22}
        >
          <title>{`${b.lo.toFixed(1)}–${b.hi.toFixed(1)}: ${b.count} rows`}</title>
        </rect>
      ))}
      <line className="chart-svg__diagonal" x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} />
      <path className="chart-svg__line" d={path} />
      {filled.map((b) => (
        <circle
          key={b.lo}
          className="chart-svg__dot"
          cx={x(b.meanPredicted!)}
          cy={y(b.observed!)}
          r={2.5 + 4 * Math.sqrt(b.count / maxCount)}
        >
          <title>{`predicted ${formatMetric(b.meanPredicted)} · observed ${formatMetric(b.observed)} · ${b.count} rows`}</title>
        </circle>
      ))}
      <text className="chart-svg__axis" x={M.l + PW / 2} y={H - 2} textAnchor="middle">
        mean predicted probability (top class)
      </text>
      <text className="chart-svg__axis" transform={`translate(10 ${M.t + PH / 2}) rotate(-90)`} textAnchor="middle">
        observed hit rate
      </text>
    </svg>
  )
}
