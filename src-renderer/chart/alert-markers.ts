import type { SeriesMarker, Time, UTCTimestamp } from 'lightweight-charts'
import { TIMEFRAME_MS, type Alert, type StoredBar } from '../../src-shared'
import { chartTime } from './bars-delta'
import { barIndexAt } from './use-focus-time'

/** Marker colours of the alert severities: S2 amber, S3 red (the theme's --warn and --down). */
export const ALERT_MARKER_COLORS = { S2: '#e0a43a', S3: '#ef5350' } as const

/** An alert placed on the chart: the open time (ms) of the bar that contains its time. */
export interface PlacedAlert {
  readonly alert: Alert
  readonly barTime: number
}

/**
 * Places alerts (oldest first) on the bars of the chart: each on the bar whose [open, open + timeframe) contains its
 * time, so a 5-minute basket alert lands on its hourly bar too; alerts outside the loaded bars are left out.
 */
export function placeAlerts(alerts: readonly Alert[], bars: readonly StoredBar[]): PlacedAlert[] {
  if (bars.length === 0) return []
  const step = TIMEFRAME_MS[bars[0].timeframe]
  const out: PlacedAlert[] = []
  for (const alert of alerts) {
    const i = barIndexAt(bars, alert.time)
    if (i >= 0 && alert.time < bars[i].time + step) out.push({ alert, barTime: bars[i].time })
  }
  return out
}

/** An alert as a marker above its bar: a square, amber for S2 and red (larger) for S3. */
export function alertMarker(p: PlacedAlert): SeriesMarker<Time> {
  const s3 = p.alert.severity === 'S3'
  return {
    id: `alert:${p.alert.id}`,
    time: chartTime(p.barTime) as UTCTimestamp,
    position: 'aboveBar',
    shape: 'square',
    color: ALERT_MARKER_COLORS[p.alert.severity],
    size: s3 ? 1.1 : 0.9,
  }
}

/**
 * One marker list for the series (lightweight-charts has one marker set per series): transition and alert markers
 * by time, ascending; at equal times the first list's markers come first (drawn nearest the bar).
 */
export function mergeMarkers(
  first: readonly SeriesMarker<Time>[],
  second: readonly SeriesMarker<Time>[],
): SeriesMarker<Time>[] {
  const out: SeriesMarker<Time>[] = []
  let i = 0
  let j = 0
  const a = [...first].sort((x, y) => (x.time as number) - (y.time as number))
  const b = [...second].sort((x, y) => (x.time as number) - (y.time as number))
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && (a[i].time as number) <= (b[j].time as number))) out.push(a[i++])
    else out.push(b[j++])
  }
  return out
}
