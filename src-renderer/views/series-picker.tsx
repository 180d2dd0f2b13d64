import { useMemo } from 'react'
import { useChartState, useStores } from '../store-hooks'
import { instrumentsOf, timeframesFor } from '../stores'

/** Instrument select plus the stored timeframes of that instrument as a segmented control. */
export function SeriesPicker() {
  const series = useChartState((s) => s.series)
  const selection = useChartState((s) => s.selection)
  const { chart } = useStores()
  const instruments = useMemo(() => instrumentsOf(series), [series])
  const timeframes = useMemo(() => (selection ? timeframesFor(series, selection.symbol, selection.venue) : []), [series, selection])
  const value = selection ? `${selection.symbol}.${selection.venue}` : ''
  return (
    <div className="picker">
      <label className="picker__label" htmlFor="symbol-picker">
        Symbol
      </label>
      <select
        id="symbol-picker"
        className="select"
        data-testid="symbol-picker"
        value={value}
        disabled={instruments.length === 0}
        onChange={(e) => {
          const i = instruments.find((x) => `${x.symbol}.${x.venue}` === e.target.value)
          if (i) void chart.getState().select({ symbol: i.symbol, venue: i.venue })
        }}
      >
        {instruments.map((i) => (
          <option key={`${i.symbol}.${i.venue}`} value={`${i.symbol}.${i.venue}`}>
            {i.symbol} · {i.venue}
          </option>
        ))}
      </select>
      {timeframes.length > 0 && (
        <div className="segmented" role="group" aria-label="Timeframe" data-testid="timeframe-picker">
          {timeframes.map((tf) => (
            <button
              key={tf}
              type="button"
              className="segmented__item"
              aria-pressed={selection?.timeframe === tf}
              data-testid={`timeframe-${tf}`}
              onClick={() => void chart.getState().select({ timeframe: tf })}
            >
              {tf}
            </button>
          ))}
        </div>
      )}
    </div>
  )
}
