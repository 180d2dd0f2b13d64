import { useMemo } from 'react'
import { resampleSource } from '../../src-shared'
import { useChartState, useStores } from '../store-hooks'
import { chartTimeframesFor, instrumentsOf, timeframesFor } from '../stores'

/** Instrument select plus the timeframes the instrument can show (stored, or resampled from a finer one) as a segmented control. */
export function SeriesPicker() {
  const series = useChartState((s) => s.series)
  const selection = useChartState((s) => s.selection)
  const { chart } = useStores()
  const instruments = useMemo(() => instrumentsOf(series), [series])
  const timeframes = useMemo(
    () => (selection ? chartTimeframesFor(series, selection.symbol, selection.venue) : []),
    [series, selection],
  )
  const stored = useMemo(
    () => (selection ? timeframesFor(series, selection.symbol, selection.venue) : []),
    [series, selection],
  )
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
              className={stored.includes(tf) ? 'segmented__item' : 'segmented__item segmented__item--resampled'}
              aria-pressed={selection?.timeframe === tf}
              data-testid={`timeframe-${tf}`}
              data-resampled={!stored.includes(tf)}
              title={
                stored.includes(tf)
                  ? `${tf} bars as stored`
                  : `${tf} bars resampled from the stored ${resampleSource(stored, tf)} bars ([ and ] step through timeframes)`
              }
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
