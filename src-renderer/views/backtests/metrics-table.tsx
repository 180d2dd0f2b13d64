import { mlActivity, mlImpactText, type BacktestDetail } from '../../../src-shared'
import { formatMetric, formatUtc } from '../../format'
import { BACKTEST_METRICS } from '../../stores/backtests-store'

const value = (m: Readonly<Record<string, unknown>> | null | undefined, key: string, percent: boolean): string => {
  const v = m?.[key]
  if (typeof v !== 'number') return '—'
  if (!Number.isFinite(v)) return String(v)
  return percent ? `${(v * 100).toFixed(2)} %` : Number.isInteger(v) ? String(v) : formatMetric(v, 3)
}

/** Metrics side by side: ML off, ML on, and a compared run; the better of off/on is marked per row. */
export function MetricsTable({ run, compare }: { run: BacktestDetail; compare?: BacktestDetail | undefined }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="backtest-metrics">
        <thead>
          <tr>
            <th>Metric</th>
            <th className="num">ML off</th>
            {run.mlMetrics && <th className="num">ML on</th>}
            {compare && <th className="num">{`#${compare.id} ${compare.strategy}${compare.ml ? ' (ML on)' : ''}`}</th>}
          </tr>
        </thead>
        <tbody>
          {BACKTEST_METRICS.map((m) => {
            const a = run.metrics[m.key]
            const b = run.mlMetrics?.[m.key]
            const better =
              typeof a === 'number' && typeof b === 'number' && a !== b
                ? b > a === m.higherIsBetter
                  ? 'ml'
                  : 'base'
                : undefined
            return (
              <tr key={m.key} data-testid={`metric-${m.key}`}>
                <td>{m.label}</td>
                <td className={`num${better === 'base' ? ' strong' : ''}`}>{value(run.metrics, m.key, m.percent)}</td>
                {run.mlMetrics && (
                  <td className={`num${better === 'ml' ? ' strong' : ''}`}>{value(run.mlMetrics, m.key, m.percent)}</td>
                )}
                {compare && <td className="num">{value(compare.mlMetrics ?? compare.metrics, m.key, m.percent)}</td>}
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}

/** When ML acted in an ML-on run (src-shared `mlActivity`), above the metrics. */
export function MlActivity({ run }: { run: BacktestDetail }) {
  const a = run.ml ? mlActivity(run.mlSummary, formatUtc) : null
  if (!a) return null
  const impact = a.active ? mlImpactText(run.mlSummary) : null
  return (
    <>
      <div
        className="panel__note"
        data-testid="ml-activity"
        data-active={a.active ? 'yes' : 'no'}
        style={{ whiteSpace: 'normal', marginBottom: 6, color: a.active ? undefined : '#ffb74d' }}
      >
        {a.text}
      </div>
      {impact && (
        <div
          className="panel__note"
          data-testid="ml-impact"
          data-helped={impact.helped ? 'yes' : 'no'}
          style={{ whiteSpace: 'normal', marginBottom: 6 }}
        >
          {impact.text}
        </div>
      )}
    </>
  )
}

interface PromotionLike {
  readonly promote?: boolean
  readonly checks?: readonly {
    readonly name: string
    readonly value: number | string | null
    readonly rule: string
    readonly passed: boolean
  }[]
}

/** Narrower cells than the tables' default, so the four columns fit a one-column panel. */
const CELL = { padding: '0 6px' } as const

/** The DOMAIN.md §4 promotion verdict of the ML model: each condition with its value and pass/fail. */
export function PromotionChecks({ run }: { run: BacktestDetail }) {
  const p = (run.mlSummary?.promotion ?? null) as PromotionLike | null
  if (!p?.checks) return null
  return (
    <div data-testid="promotion" data-promote={p.promote ? 'yes' : 'no'}>
      <div className="panel__note">
        {p.promote ? 'ML model passes the promotion rule' : 'ML model does not pass the promotion rule'} (purged
        walk-forward out-of-sample)
      </div>
      <div className="table-scroll">
        <table className="table">
          <tbody>
            {p.checks.map((c) => (
              <tr key={c.name} data-testid={`promotion-${c.name.replace(/\W+/g, '-')}`}>
                <td style={{ ...CELL, whiteSpace: 'normal' }}>{c.name}</td>
                <td className="num" style={CELL}>
                  {typeof c.value === 'number' ? formatMetric(c.value, 3) : c.value === null ? '—' : String(c.value)}
                </td>
                <td className="mono" style={{ ...CELL, whiteSpace: 'normal' }}>
                  {c.rule}
                </td>
                <td className="strong" style={{ ...CELL, color: c.passed ? '#26a69a' : '#ef5350' }}>
                  {c.passed ? 'pass' : 'FAIL'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
