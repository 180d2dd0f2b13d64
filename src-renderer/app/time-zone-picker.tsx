import {
  DISPLAY_ZONE_CHOICES,
  displayZoneChoice,
  resolveDisplayZone,
  zoneLabel,
  type DisplayZoneChoice,
} from '../../src-shared'
import { useDisplay, useStores } from '../store-hooks'

const CHOICE_LABELS: Record<DisplayZoneChoice, string> = { utc: 'UTC', local: 'Local', exchange: 'Exchange' }

/** Status-bar select of the display time zone: UTC, the computer's zone, or the charted exchange's (stored in the settings). */
export function TimeZonePicker() {
  const choice = useDisplay((s) => s.choice)
  const localZone = useDisplay((s) => s.localZone)
  const venue = useDisplay((s) => s.venue)
  const error = useDisplay((s) => s.error)
  const { display } = useStores()
  return (
    <label
      className="status__item tz-picker"
      data-testid="status-time-zone"
      title={error ?? 'Time zone of every time shown: chart axis, legend, tables'}
    >
      <span className="status__label">Time</span>
      <select
        className="tz-picker__select"
        data-testid="time-zone-picker"
        value={choice}
        onChange={(e) => void display.getState().setChoice(displayZoneChoice(e.target.value))}
      >
        {DISPLAY_ZONE_CHOICES.map((c) => (
          <option key={c} value={c}>
            {c === 'utc' ? 'UTC' : `${CHOICE_LABELS[c]} · ${zoneLabel(resolveDisplayZone(c, venue, localZone))}`}
          </option>
        ))}
      </select>
      {error && <span className="status__error">{error}</span>}
    </label>
  )
}
