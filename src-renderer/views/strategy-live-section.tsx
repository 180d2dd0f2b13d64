import { useMemo, useState } from 'react'
import type { StrategyInfo } from '../../src-shared'
import { useChartState, useLiveStrategies } from '../store-hooks'
import { seriesKey, type SeriesSelection } from '../stores'
import { LiveStrategyControls } from './live-strategy-controls'
import { PaperAccountSummary } from './paper-account-summary'
import { SignalQualityTrain } from './signal-quality-train'
import './strategy-live-section.css'

const label = (s: SeriesSelection) => `${s.symbol}.${s.venue} · ${s.timeframe}`

/**
 * A strategy live: pick a stored series (the charted one first), enable it there with its parameters, train its
 * signal-quality model with progress; then the paper account of every series it runs on (equity, open position, curve).
 */
export function StrategyLiveSection({ strategy }: { strategy: StrategyInfo }) {
  const stored = useChartState((s) => s.series)
  const charted = useChartState((s) => s.selection)
  const accounts = useLiveStrategies((s) => s.accounts)
  const specs = useLiveStrategies((s) => s.specs)
  const [picked, setPicked] = useState<string | undefined>(undefined)
  const mine = useMemo(
    () => accounts.filter((a) => a.strategy === strategy.name).sort((a, b) => label(a).localeCompare(label(b))),
    [accounts, strategy.name],
  )
  const runningOn = specs.filter((s) => s.strategy === strategy.name).length
  const choices = useMemo(() => [...stored].sort((a, b) => label(a).localeCompare(label(b))), [stored])
  // The series picked here, else the first the strategy runs on, else the charted one, else the first stored.
  const series: SeriesSelection | undefined =
    choices.find((s) => seriesKey(s) === picked) ??
    mine[0] ??
    (charted && choices.find((s) => seriesKey(s) === seriesKey(charted))) ??
    choices[0]
  const target = series
    ? { strategy: strategy.name, symbol: series.symbol, venue: series.venue, timeframe: series.timeframe }
    : undefined
  const id = `live-series-${strategy.name}`
  return (
    <div className="strategy-live" data-testid={`strategy-live-${strategy.name}`} data-running={runningOn}>
      <div className="strategy-panel__subhead">
        Live on the chart{' '}
        <span className="mono">
          {runningOn === 0 ? 'not running' : `running on ${runningOn} series · paper account each`}
        </span>
      </div>
      {series && target ? (
        <>
          <label className="strategy-live__pick" htmlFor={id}>
            <span className="field__label">Series</span>
            <select
              id={id}
              className="select select--small strategy-live__select"
              data-testid={`strategy-live-series-${strategy.name}`}
              value={seriesKey(series)}
              onChange={(e) => setPicked(e.target.value)}
            >
              {choices.map((s) => (
                <option key={seriesKey(s)} value={seriesKey(s)}>
                  {label(s)}
                  {specs.some((x) => x.strategy === strategy.name && seriesKey(x) === seriesKey(s)) ? ' · live' : ''}
                </option>
              ))}
            </select>
          </label>
          <div className="strategy-live__controls">
            <LiveStrategyControls strategy={strategy} series={series} showMl={false} />
          </div>
          <SignalQualityTrain target={target} />
        </>
      ) : (
        <div className="strategy-panel__none">No stored series yet — import bars (Data view) to run it live.</div>
      )}
      {mine.map((a) => (
        <div key={seriesKey(a)} className="strategy-live__account">
          <button
            type="button"
            className="strategy-live__account-title"
            title="Pick this series above"
            onClick={() => setPicked(seriesKey(a))}
          >
            {label(a)}
          </button>
          <PaperAccountSummary account={a} />
          {/* The picked series' note is in its controls above. */}
          {series && seriesKey(a) !== seriesKey(series) && <p className="strategy-panel__note">{a.mlNote}</p>}
        </div>
      ))}
    </div>
  )
}
