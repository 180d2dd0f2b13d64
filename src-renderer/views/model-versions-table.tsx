import type { KeyboardEvent } from 'react'
import type { ModelVersionInfo } from '../../src-shared'
import { formatMetric, formatUtc, shortId, timeZoneLabel } from '../format'
import { useModels, useStores } from '../store-hooks'
import { baselineVerdict, COMPARED_METRICS, compareToBaselines, versionAlgo, type MetricComparison } from '../stores'

/** A model metric with both baselines under it; coloured by how many of them it beats. */
function MetricCell({ m }: { m: MetricComparison }) {
  const wins = [m.beatsMajority, m.beatsPersistence].filter((b) => b === true).length
  const known = [m.beatsMajority, m.beatsPersistence].filter((b) => b !== null).length
  const tone = known === 0 ? 'unknown' : wins === known ? 'good' : wins === 0 ? 'bad' : 'warn'
  return (
    <td
      className={`num metric metric--${tone}`}
      data-testid={`metric-${m.key}`}
      data-beats-majority={String(m.beatsMajority)}
      data-beats-persistence={String(m.beatsPersistence)}
    >
      <div className="metric__value">{formatMetric(m.model)}</div>
      <div className="metric__baselines">
        <span className={m.beatsMajority === false ? 'metric__loses' : undefined} title="majority-class baseline">
          M {formatMetric(m.majority)}
        </span>
        <span
          className={m.beatsPersistence === false ? 'metric__loses' : undefined}
          title="persistence baseline (previous label)"
        >
          P {formatMetric(m.persistence)}
        </span>
      </div>
    </td>
  )
}

/** Versions of the open model, newest first: metrics next to the baselines, aliases, overfitting, Promote. */
export function ModelVersionsTable({ versions }: { versions: readonly ModelVersionInfo[] }) {
  const selected = useModels((s) => s.selectedVersion)
  const { models } = useStores()
  const { selectVersion, moveVersion, openPromote } = models.getState()
  const onKey = (e: KeyboardEvent<HTMLTableRowElement>, id: string) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault()
      moveVersion(e.key === 'ArrowDown' ? 1 : -1)
      const row = e.key === 'ArrowDown' ? e.currentTarget.nextElementSibling : e.currentTarget.previousElementSibling
      ;(row as HTMLElement | null)?.focus()
    } else if (e.key === 'Enter') selectVersion(id)
    else if (e.key === 'p' || e.key === 'P') {
      e.preventDefault()
      openPromote(id)
    }
  }
  return (
    <table className="table table--models" data-testid="versions-table">
      <thead>
        <tr>
          <th>Version</th>
          <th>Trained ({timeZoneLabel()})</th>
          <th>Aliases</th>
          {COMPARED_METRICS.map((m) => (
            <th key={m.key} className="num" title={m.lower ? 'lower is better' : 'higher is better'}>
              {m.label}
              {m.lower ? ' ↓' : ''}
            </th>
          ))}
          <th>vs baselines</th>
          <th>Overfitting</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => {
          const verdict = baselineVerdict(v.metrics)
          const ev = v.metrics.evaluation
          return (
            <tr
              key={v.id}
              data-testid="version-row"
              data-version={v.id}
              tabIndex={0}
              aria-selected={v.id === selected}
              onClick={() => selectVersion(v.id)}
              onFocus={() => selectVersion(v.id)}
              onKeyDown={(e) => onKey(e, v.id)}
            >
              <td title={v.id}>
                <div className="mono strong-id">{shortId(v.id)}</div>
                <div className="version-algo">{versionAlgo(v)}</div>
              </td>
              <td className="mono">{formatUtc(v.createdAt)}</td>
              <td>
                <span className="alias-list" data-testid="version-aliases">
                  {v.aliases.map((a) => (
                    <span key={a} className={`alias-badge alias-badge--${a}`} data-testid={`alias-${a}`}>
                      {a}
                    </span>
                  ))}
                </span>
              </td>
              {compareToBaselines(v.metrics).map((m) => (
                <MetricCell key={m.key} m={m} />
              ))}
              <td>
                <span className={`verdict verdict--${verdict.tone}`} data-testid="baseline-verdict">
                  {verdict.text}
                </span>
              </td>
              <td>
                {ev ? (
                  <span
                    className={`overfit overfit--${ev.overfitting}`}
                    title={`mean train–test gap ${formatMetric(ev.gap)} over ${ev.folds.length} folds`}
                  >
                    {ev.overfitting} <span className="mono">{formatMetric(ev.gap, 2)}</span>
                  </span>
                ) : (
                  '—'
                )}
              </td>
              <td className="actions">
                <button
                  type="button"
                  className="button button--small"
                  data-testid="promote-button"
                  title="Move an alias to this version (P)"
                  onClick={(e) => {
                    e.stopPropagation()
                    openPromote(v.id)
                  }}
                >
                  Promote…
                </button>
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
