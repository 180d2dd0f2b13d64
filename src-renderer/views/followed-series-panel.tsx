import { useState } from 'react'
import { TIMEFRAMES, type FollowedSeries, type Timeframe } from '../../src-shared'
import { useChartState, useFollowed, useStores } from '../store-hooks'
import { Panel } from './panel'

const FOLLOW_TIMEFRAMES: readonly Timeframe[] = TIMEFRAMES.filter((t) =>
  ['1m', '5m', '15m', '30m', '1h', '4h', '1d'].includes(t),
)

/**
 * Followed series (Data view): the series the workstation follows live — subscribed on the live feed (an exchange, or
 * the replay server offline) or followed as stored — with regime forecasts on or off; add one, flip its forecasts,
 * stop following it. A series with forecasts on and no forecaster gets one trained (the Jobs tray shows it).
 */
export function FollowedSeriesPanel() {
  const list = useFollowed((s) => s.list)
  const busy = useFollowed((s) => s.busy)
  const error = useFollowed((s) => s.error)
  const series = useChartState((s) => s.series)
  const { followed, chart, navigation } = useStores()
  const [symbol, setSymbol] = useState('')
  const [timeframe, setTimeframe] = useState<Timeframe>('1h')
  const [source, setSource] = useState<'feed' | 'stored'>('feed')
  const [forecast, setForecast] = useState(true)
  const symbols = [...new Set(series.map((s) => s.symbol))].sort()
  const key = (f: FollowedSeries) => `${f.symbol}.${f.venue}-${f.timeframe}`
  const open = (f: FollowedSeries) => {
    void chart.getState().select({ symbol: f.symbol, venue: f.venue, timeframe: f.timeframe })
    navigation.getState().show('chart')
  }
  return (
    <Panel
      title="Followed series"
      note="live from the feed or as stored · regime forecasts on or off · a forecaster is trained for a series without one"
      testId="followed-series"
    >
      <form
        className="followed-form"
        data-testid="follow-form"
        onSubmit={(e) => {
          e.preventDefault()
          if (!symbol.trim()) return
          void followed
            .getState()
            .follow({ symbol: symbol.trim(), timeframe, source, forecast })
            .then((ok) => ok && setSymbol(''))
        }}
      >
        <label className="field">
          <span className="field__label">Symbol</span>
          <input
            className="input"
            data-testid="follow-symbol"
            list="follow-symbols"
            value={symbol}
            placeholder="BTCUSDT"
            onChange={(e) => setSymbol(e.target.value.toUpperCase())}
          />
          <datalist id="follow-symbols">
            {symbols.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </label>
        <label className="field">
          <span className="field__label">Timeframe</span>
          <select
            className="select"
            data-testid="follow-timeframe"
            value={timeframe}
            onChange={(e) => setTimeframe(e.target.value as Timeframe)}
          >
            {FOLLOW_TIMEFRAMES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">From</span>
          <select
            className="select"
            data-testid="follow-source"
            value={source}
            onChange={(e) => setSource(e.target.value as 'feed' | 'stored')}
          >
            <option value="feed">the live feed</option>
            <option value="stored">stored data</option>
          </select>
        </label>
        <label className="followed-form__check">
          <input
            type="checkbox"
            data-testid="follow-forecast"
            checked={forecast}
            onChange={(e) => setForecast(e.target.checked)}
          />
          regime forecasts
        </label>
        <button
          type="submit"
          className="button button--primary button--small"
          data-testid="follow-add"
          disabled={!symbol.trim()}
        >
          Follow
        </button>
      </form>
      {error && (
        <div className="banner banner--error" role="alert" data-testid="follow-error">
          {error}
        </div>
      )}
      {list.length === 0 ? (
        <p className="panel__empty" data-testid="followed-none">
          No followed series yet: follow one above (on the command line: armada serve --follow BTCUSDT:5m,ETHUSDT:1h).
        </p>
      ) : (
        <table className="table" data-testid="followed-table">
          <thead>
            <tr>
              <th>Symbol</th>
              <th>Venue</th>
              <th>TF</th>
              <th>From</th>
              <th>Forecasts</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((f) => (
              <tr key={key(f)} data-testid="followed-row" data-key={key(f)} data-forecast={f.forecast}>
                <td className="strong">
                  <button
                    type="button"
                    className="link-button"
                    title="Open on the chart"
                    data-testid="followed-open"
                    onClick={() => open(f)}
                  >
                    {f.symbol}
                  </button>
                </td>
                <td>{f.venue}</td>
                <td>{f.timeframe}</td>
                <td>{f.source === 'feed' ? 'live feed' : 'stored'}</td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`regime forecasts of ${f.symbol} ${f.timeframe}`}
                    data-testid="followed-forecast"
                    checked={f.forecast}
                    disabled={busy.includes(key(f))}
                    onChange={(e) => void followed.getState().follow({ ...f, forecast: e.target.checked })}
                  />
                </td>
                <td className="num">
                  <button
                    type="button"
                    className="button button--small"
                    data-testid="followed-remove"
                    disabled={busy.includes(key(f))}
                    onClick={() => void followed.getState().unfollow(f)}
                  >
                    Stop following
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  )
}
