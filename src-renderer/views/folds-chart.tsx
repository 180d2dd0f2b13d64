import type { WalkForwardFold } from '../../src-shared'
import { formatMetric, formatUtc } from '../format'

const W = 300
const H = 210
const M = { l: 34, r: 8, t: 22, b: 30 }
const SERIES = [
  { key: 'test', label: 'model', cls: 'chart-svg__bar' },
  { key: 'majority', label: 'majority', cls: 'chart-svg__bar--majority' },
  { key: 'persistence', label: 'persistence', cls: 'chart-svg__bar--persistence' },
] as const

/** Macro F1 per walk-forward fold: the model's test block next to the majority and persistence baselines. */
export function FoldsChart({ folds }: { folds: readonly WalkForwardFold[] }) {
  const pw = W - M.l - M.r
  const ph = H - M.t - M.b
  const max = Math.max(0.1, ...folds.flatMap((f) => SERIES.map((s) => f[s.key].f1 ?? 0)))
  const top = Math.min(1, Math.ceil(max * 10) / 10)
  const group = pw / Math.max(1, folds.length)
  const bw = Math.min(18, (group - 10) / 3)
  const y = (v: number) => M.t + (1 - v / top) * ph
  return (
    <svg
      className="chart-svg"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label="F1 per walk-forward fold"
      data-testid="folds-chart"
      data-folds={folds.length}
    >
      <g className="chart-svg__legend">
        {SERIES.map((s, i) => (
          <g key={s.key} transform={`translate(${M.l + i * 78} 4)`}>
            <rect width={8} height={8} className={s.cls} />
            <text x={12} y={7}>
              {s.label}
            </text>
          </g>
        ))}
      </g>
      {[0, top / 2, top].map((t) => (
        <g key={t}>
          <line className="chart-svg__grid" x1={M.l} x2={W - M.r} y1={y(t)} y2={y(t)} />
          <text className="chart-svg__tick" x={M.l - 6} y={y(t) + 3} textAnchor="end">
            {t.toFixed(2)}
          </text>
        </g>
      ))}
      {folds.map((f, i) => {
        const x0 = M.l + i * group + (group - 3 * bw) / 2
        return (
          <g key={f.fold}>
            {SERIES.map((s, j) => {
              const v = f[s.key].f1 ?? 0
              return (
                <rect
                  key={s.key}
                  className={s.cls}
                  x={x0 + j * bw}
                  y={y(v)}
                  width={bw - 2}
                  height={Math.max(0, y(0) - y(v))}
                >
                  <title>{`fold ${f.fold} ${s.label}: F1 ${formatMetric(f[s.key].f1)} (${f.testRows} test rows from ${formatUtc(f.testFrom)})`}</title>
                </rect>
              )
            })}
            <text className="chart-svg__tick" x={M.l + i * group + group / 2} y={H - M.b + 13} textAnchor="middle">
              {`fold ${f.fold}`}
            </text>
          </g>
        )
      })}
      <text className="chart-svg__axis" x={M.l + pw / 2} y={H - 2} textAnchor="middle">
        macro F1 on each test block (expanding window)
      </text>
    </svg>
  )
}
