import { MODEL_ALIASES, type ModelDetail } from '../../src-shared'
import { formatCount, formatMetric, formatUtc, healthCheckText, shortId } from '../format'
import { useModels, useStores } from '../store-hooks'
import { rollbackTarget, topImportance } from '../stores'
import { AliasTimeline } from './alias-timeline'
import { ConfusionMatrix } from './confusion-matrix'
import { FoldsChart } from './folds-chart'
import { HealthChart } from './health-chart'
import { HealthCheck } from './health-check'
import { ImportanceChart } from './importance-chart'
import { ModelBackfill } from './model-backfill'
import { ModelVersionsTable } from './model-versions-table'
import { Panel } from './panel'
import { ReliabilityChart } from './reliability-chart'

const str = (x: unknown): string => (typeof x === 'string' || typeof x === 'number' ? String(x) : '—')

/** One model name: aliases with rollback, health and A/B state, versions vs baselines, and the selected version's charts. */
export function ModelDetailPanel({ detail }: { detail: ModelDetail }) {
  const selectedVersion = useModels((s) => s.selectedVersion)
  const { models } = useStores()
  const v = detail.versions.find((x) => x.id === selectedVersion) ?? detail.versions[0]
  const ev = v?.metrics.evaluation
  const health = detail.healthHistory[detail.healthHistory.length - 1]
  const healthText = health ? healthCheckText(health) : undefined
  const ab = detail.abTests[0]
  const training = (v?.card.training ?? {}) as Record<string, unknown>
  const window = v?.lineage.trainingWindow as { from?: number; to?: number } | undefined
  const symbols = v?.lineage.symbols as string[] | undefined
  return (
    <div className="model-detail" data-testid="model-detail" data-name={detail.name}>
      <div className="model-head" data-testid="model-head">
        <div className="model-head__aliases">
          {MODEL_ALIASES.map((a) => (
            <div
              key={a}
              className={`alias-slot${detail.aliases[a] ? '' : ' alias-slot--empty'}`}
              data-testid={`alias-slot-${a}`}
            >
              <span className={`alias-badge alias-badge--${a}`}>{a}</span>
              <span className="mono alias-slot__id" title={detail.aliases[a]}>
                {detail.aliases[a] ? shortId(detail.aliases[a]) : '—'}
              </span>
              {detail.aliases[a] && (
                <button
                  type="button"
                  className="button button--small button--ghost"
                  data-testid={`rollback-${a}`}
                  disabled={!rollbackTarget(detail.history, a)}
                  title={
                    rollbackTarget(detail.history, a)
                      ? `Restore ${shortId(rollbackTarget(detail.history, a))} as ${a}`
                      : `No earlier ${a} to restore`
                  }
                  onClick={() => models.getState().openRollback(a)}
                >
                  ↶ Roll back…
                </button>
              )}
            </div>
          ))}
        </div>
        <div className="model-head__state">
          <span
            className="state-item"
            data-testid="model-health"
            data-health={health?.health ?? 'none'}
            title={
              healthText ? `${healthText.version} on ${healthText.data}, against ${healthText.reference}` : undefined
            }
          >
            <span className={`health-dot health-dot--${health?.health ?? 'unknown'}`} />
            {health ? (
              <>
                health <b>{health.health}</b> · <span className="mono">{shortId(health.versionId)}</span> · max PSI{' '}
                {formatMetric(health.maxPsi)}
              </>
            ) : (
              'no drift check yet'
            )}
          </span>
          <span className="state-item" data-testid="model-ab" title={ab?.reason}>
            A/B{' '}
            {ab ? (
              <>
                <b>
                  #{ab.id} {ab.status}
                  {ab.stale ? ' (stale)' : ''}
                </b>{' '}
                {ab.resolved}/{ab.recorded} resolved · {shortId(ab.champion)} vs {shortId(ab.challenger)}
              </>
            ) : (
              <b>none</b>
            )}
          </span>
        </div>
      </div>
      {detail.aliases.champion && v?.card.predictor === 'regime' && <ModelBackfill name={detail.name} />}

      <Panel
        title="Versions"
        testId="versions-panel"
        note={
          <>
            out-of-fold walk-forward metrics; under each: <b>M</b> majority-class and <b>P</b> persistence baselines,{' '}
            <span className="metric__loses">red</span> where the model loses · <kbd>↑</kbd>
            <kbd>↓</kbd> select · <kbd>P</kbd> promote
          </>
        }
      >
        <div className="table-scroll">
          <ModelVersionsTable versions={detail.versions} />
        </div>
      </Panel>

      {v && (
        <div className="panel-grid" data-testid="version-charts" data-version={v.id}>
          <Panel
            title="Reliability"
            note={`${shortId(v.id)} · top-class probability, out of fold`}
            testId="reliability-panel"
          >
            {ev ? (
              <ReliabilityChart bins={ev.calibration} />
            ) : (
              <div className="panel__empty">No calibration stored (imported model).</div>
            )}
          </Panel>
          <Panel
            title="Feature importance"
            note="top 15 by gain · permutation on the last test block"
            testId="importance-panel"
          >
            {ev ? (
              <ImportanceChart rows={topImportance(v, 15)} />
            ) : (
              <div className="panel__empty">No importance stored (imported model).</div>
            )}
          </Panel>
          <Panel
            title="Walk-forward"
            note={ev ? `${ev.folds.length} folds · purge ${ev.purge} · embargo ${ev.embargo} bars` : undefined}
            testId="folds-panel"
          >
            {ev ? (
              <>
                <FoldsChart folds={ev.folds} />
                <div className="kv">
                  <span>train–test gap</span>
                  <b className={`overfit overfit--${ev.overfitting}`}>
                    {formatMetric(ev.gap)} ({ev.overfitting})
                  </b>
                  <span>pooled test rows</span>
                  <b>{formatCount(ev.pooled.model.n)}</b>
                </div>
              </>
            ) : (
              <div className="panel__empty">No walk-forward report (imported model).</div>
            )}
          </Panel>
        </div>
      )}

      <div className="panel-grid">
        <Panel title="Alias history" note="append-only · newest first" testId="history-panel">
          <AliasTimeline events={detail.history} />
        </Panel>
        <Panel title="Health & drift" note="max feature PSI per drift check" testId="health-panel">
          {detail.healthHistory.length ? (
            <>
              <HealthChart points={detail.healthHistory} />
              {health && <HealthCheck point={health} />}
            </>
          ) : (
            <div className="panel__empty">No drift checks yet.</div>
          )}
        </Panel>
        {v && (
          <Panel title="Model card" note={shortId(v.id)} testId="card-panel">
            <div className="kv kv--card">
              <span>label</span>
              <span className="kv__text">{v.card.label ?? '—'}</span>
              <span>horizon</span>
              <b>{v.card.horizon ? `${v.card.horizon.bars} bars · ${v.card.horizon.timeframe ?? ''}` : '—'}</b>
              <span>features</span>
              <b>
                {v.card.features.length} · <span className="mono">{v.card.featureSpecHash?.slice(0, 12) ?? '—'}</span>
              </b>
              <span>data</span>
              <b>
                {symbols?.join(', ') ?? '—'}
                {window?.from !== undefined && window.to !== undefined
                  ? ` · ${formatUtc(window.from)} → ${formatUtc(window.to)}`
                  : ''}
              </b>
              <span>training</span>
              <b>
                {str(training.algo)} · {formatCount(Number(training.rows ?? 0))} rows · seed {str(v.lineage.seed)}
              </b>
            </div>
            {ev && <ConfusionMatrix classes={v.card.classes} matrix={ev.confusion} />}
          </Panel>
        )}
      </div>
    </div>
  )
}
