import { useMemo } from 'react'
import { formatUtc } from '../format'
import { useFeatures, useStores } from '../store-hooks'
import { FEATURE_SETS, latestVector, type FeatureSetChoice } from '../stores'
import { FeaturesTable } from './features-panel-table'

/**
 * The Features panel of the Chart view: a feature set of the chart's series, its latest vector as a filterable
 * table (missing values "—", availability flags marked), rows plotted as panes under the chart on click.
 */
export function FeaturesPanel() {
  const open = useFeatures((s) => s.open)
  const set = useFeatures((s) => s.set)
  const filter = useFeatures((s) => s.filter)
  const names = useFeatures((s) => s.names)
  const rows = useFeatures((s) => s.rows)
  const time = useFeatures((s) => s.time)
  const state = useFeatures((s) => s.state)
  const error = useFeatures((s) => s.error)
  const cached = useFeatures((s) => s.cached)
  const { features } = useStores()
  const vector = useMemo(() => latestVector({ names, rows }, filter), [names, rows, filter])
  const missing = useMemo(() => latestVector({ names, rows }).filter((r) => r.value === null).length, [names, rows])
  if (!open) return null
  const last = time[time.length - 1]

  return (
    <aside
      className="features-panel"
      id="features-panel"
      data-testid="features-panel"
      data-state={state}
      aria-label="Features"
    >
      <header className="features-panel__head">
        <h2 className="features-panel__title">Features</h2>
        <select
          className="select select--small features-panel__set"
          aria-label="Feature set"
          data-testid="features-set"
          value={set}
          onChange={(e) => void features.getState().setSet(e.target.value as FeatureSetChoice)}
        >
          {FEATURE_SETS.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="features-panel__close"
          aria-label="Close the Features panel"
          data-testid="features-close"
          onClick={() => void features.getState().setOpen(false)}
        >
          ×
        </button>
      </header>
      <div className="features-panel__meta" data-testid="features-meta">
        {state === 'loading' && names.length === 0 ? (
          'computing…'
        ) : last !== undefined ? (
          <>
            <span>
              <b>{names.length}</b> features
            </span>
            {missing > 0 && (
              <span className="features-panel__missing">
                <b>{missing}</b> missing
              </span>
            )}
            <span title={cached ? 'served from the feature cache' : 'computed for this request'}>
              {formatUtc(last)} {cached ? '· cached' : ''}
            </span>
          </>
        ) : null}
      </div>
      {error && (
        <div className="features-panel__error" data-testid="features-error" title={error}>
          {error}
        </div>
      )}
      <div className="features-panel__filter">
        <input
          className="input"
          type="search"
          placeholder="Filter features…"
          aria-label="Filter features"
          data-testid="features-filter"
          value={filter}
          onChange={(e) => features.getState().setFilter(e.target.value)}
        />
        {filter && (
          <span className="features-panel__count" data-testid="features-filter-count">
            {vector.length}/{names.length}
          </span>
        )}
      </div>
      <FeaturesTable rows={vector} />
      <footer className="features-panel__hint">
        <kbd>Click</kbd>/<kbd>Enter</kbd> plot under the chart · <kbd>↑</kbd>
        <kbd>↓</kbd> move
      </footer>
    </aside>
  )
}
