import { ALERT_TYPES, type AlertType } from '../../src-shared'
import { useAlerts, useStores } from '../store-hooks'
import { ALERT_TYPE_LABELS, type AlertFilters } from '../stores'

/** A labelled segmented control for one filter. */
function Segments<K extends keyof AlertFilters>({
  label,
  field,
  options,
  testId,
}: {
  label: string
  field: K
  options: readonly { value: AlertFilters[K]; text: string }[]
  testId: string
}) {
  const value = useAlerts((s) => s.filters[field])
  const store = useStores().alerts
  return (
    <div className="alerts-filter" role="group" aria-label={label} data-testid={testId}>
      <span className="picker__label">{label}</span>
      <div className="segmented">
        {options.map((o) => (
          <button
            type="button"
            key={String(o.value)}
            className="segmented__item"
            aria-pressed={value === o.value}
            data-value={String(o.value)}
            onClick={() => store.getState().setFilters({ [field]: o.value } as Partial<AlertFilters>)}
          >
            {o.text}
          </button>
        ))}
      </div>
    </div>
  )
}

/** The Alerts view's filters: type, severity, open/resolved, acknowledged, symbol. */
export function AlertsFilters() {
  const type = useAlerts((s) => s.filters.type)
  const symbol = useAlerts((s) => s.filters.symbol)
  const store = useStores().alerts
  return (
    <div className="alerts-filters" data-testid="alerts-filters">
      <label className="alerts-filter">
        <span className="picker__label">Type</span>
        <select
          className="select alerts-filter__type"
          data-testid="alerts-filter-type"
          value={type}
          onChange={(e) => store.getState().setFilters({ type: e.target.value as AlertType | 'all' })}
        >
          <option value="all">all types</option>
          {ALERT_TYPES.map((t) => (
            <option key={t} value={t}>
              {ALERT_TYPE_LABELS[t]}
            </option>
          ))}
        </select>
      </label>
      <Segments
        label="Severity"
        field="severity"
        testId="alerts-filter-severity"
        options={[
          { value: 'all', text: 'all' },
          { value: 'S2', text: 'S2' },
          { value: 'S3', text: 'S3' },
        ]}
      />
      <Segments
        label="Status"
        field="status"
        testId="alerts-filter-status"
        options={[
          { value: 'all', text: 'all' },
          { value: 'open', text: 'open' },
          { value: 'resolved', text: 'resolved' },
        ]}
      />
      <Segments
        label="Ack"
        field="acknowledged"
        testId="alerts-filter-ack"
        options={[
          { value: 'all', text: 'all' },
          { value: 'no', text: 'new' },
          { value: 'yes', text: 'ack’d' },
        ]}
      />
      <label className="alerts-filter">
        <span className="picker__label">Symbol</span>
        <input
          className="input alerts-filter__symbol"
          data-testid="alerts-filter-symbol"
          placeholder="e.g. ETHBTC"
          spellCheck={false}
          value={symbol}
          onChange={(e) => store.getState().setFilters({ symbol: e.target.value })}
        />
      </label>
    </div>
  )
}
