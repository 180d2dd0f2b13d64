import type { ModelHealthPoint } from '../../src-shared'
import { formatMetric, formatUtc, shortId } from '../format'

const W = 300
const H = 150
const M = { l: 34, r: 10, t: 12, b: 24 }

/**
 * Drift and health history: the largest feature PSI of each drift check over time, with the watch (0.1) and
 * drift (0.2) thresholds of DOMAIN.md §6; each check's dot is coloured by the health it concluded.
 */
export function HealthChart({ points }: { points: readonly ModelHealthPoint[] }) {
  const pw = W - M.l - M.r
  const ph = H - M.t - M.b
  const t0 = points[0]?.time ?? 0
  const t1 = points[points.length - 1]?.time ?? 1
  const top = Math.max(0.3, ...points.map((p) => p.maxPsi)) * 1.1
  const x = (t: number) => (t1 === t0 ? M.l + pw / 2 : M.l + ((t - t0) / (t1 - t0)) * pw)
  const y = (v: number) => M.t + (1 - Math.min(v, top) / top) * ph
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.time).toFixed(1)},${y(p.maxPsi).toFixed(1)}`).join(' ')
  return (
    <svg
      className="chart-svg"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label="Drift and health history"
      data-testid="health-chart"
      data-points={points.length}
    >
      {[
        { v: 0.1, cls: 'chart-svg__threshold--watch', label: 'watch', x: M.l + 4, anchor: 'start' as const },
        { v: 0.2, cls: 'chart-svg__threshold--drift', label: 'drift', x: W - M.r, anchor: 'end' as const },
      ].map((t) => (
        <g key={t.v}>
          <line className={t.cls} x1={M.l} x2={W - M.r} y1={y(t.v)} y2={y(t.v)} />
          <text className="chart-svg__tick" x={t.x} y={y(t.v) - 3} textAnchor={t.anchor}>
            {`${t.label} ${t.v}`}
          </text>
        </g>
      ))}
      {[0, top].map((t) => (
        <text key={t} className="chart-svg__tick" x={M.l - 6} y={y(t) + 3} textAnchor="end">
          {t.toFixed(2)}
        </text>
      ))}
      <line className="chart-svg__grid" x1={M.l} x2={W - M.r} y1={y(0)} y2={y(0)} />
      <path className="chart-svg__line" d={path} />
      {points.map((p) => (
        <circle
          key={`${p.time}-${p.versionId}`}
          className={`chart-svg__health chart-svg__health--${p.health}`}
          cx={x(p.time)}
          cy={y(p.maxPsi)}
          r={4}
        >
          <title>{`${formatUtc(p.time)} ${shortId(p.versionId)}: ${p.health}; max PSI ${formatMetric(p.maxPsi)}, ${p.driftedFeatures} drifted, ${p.watchFeatures} on watch, ${p.rows} rows${p.reasons.length ? ` — ${p.reasons.join('; ')}` : ''}`}</title>
        </circle>
      ))}
      <text className="chart-svg__tick" x={M.l} y={H - 8} textAnchor="start">
        {formatUtc(t0)}
      </text>
      {t1 !== t0 && (
        <text className="chart-svg__tick" x={W - M.r} y={H - 8} textAnchor="end">
          {formatUtc(t1)}
        </text>
      )}
    </svg>
  )
}
