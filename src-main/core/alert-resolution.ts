import { TIMEFRAME_MS, type AlertType, type BarColumns, type StoredBar, type Timeframe } from '../../src-shared'
import { alignBasket, barsToColumns } from '../features'
import { alertLabels, alertLabelSeries, NO_LABEL, VOL_PERCENTILE_DAYS } from '../predictors'
import type { SqliteBarStore } from '../store'

/** Which stored series make up the basket (members upper case, lead first). */
export interface BasketSpec {
  readonly assets: readonly string[]
  readonly venue: string
  readonly timeframe: Timeframe
}

/** What resolving an open alert needs to know about it. */
export interface DueAlert {
  readonly id: string
  readonly type: AlertType
  readonly time: number
  readonly horizonHours: number
}

/** The §2 outcome of one due alert: null when its label is undefined (bars missing around it). */
export interface AlertOutcome {
  readonly id: string
  readonly outcome: 'hit' | 'miss' | null
}

/** The basket's stored bars in [from, to], aligned on open time (null when a member has none). */
export function alignedBasketBars(bars: SqliteBarStore, spec: BasketSpec, from: number, to: number): BarColumns[] | null {
  const cols: BarColumns[] = []
  for (const symbol of spec.assets) {
    const rows: StoredBar[] = []
    for (const page of bars.pages({ symbol, venue: spec.venue, timeframe: spec.timeframe, from: Math.max(from, Number.MIN_SAFE_INTEGER), to: Math.min(to, Number.MAX_SAFE_INTEGER) })) rows.push(...page)
    if (!rows.length) return null
    cols.push(barsToColumns(rows))
  }
  const aligned = alignBasket(cols)
  return aligned[0].time.length ? aligned : null
}

/**
 * Outcomes of alerts whose target bar is at or before `time`: the §2 label of each alert's type at its bar, over its
 * horizon, from the stored basket bars in [earliest alert − (30 + 2) days, time] (the label's windows need 30 days + 1
 * day before it). Reads and computes only: the caller stores the outcomes. Runs in the alert resolver's worker thread.
 */
export function resolveOutcomes(bars: SqliteBarStore, spec: BasketSpec, due: readonly DueAlert[], time: number): AlertOutcome[] {
  if (!due.length) return []
  const barsPerHour = TIMEFRAME_MS['1h'] / TIMEFRAME_MS[spec.timeframe]
  const lookback = (VOL_PERCENTILE_DAYS + 2) * 24 * 3_600_000
  const from = Math.min(...due.map((a) => a.time)) - lookback
  const basket = alignedBasketBars(bars, spec, from, time)
  if (!basket) return due.map((a) => ({ id: a.id, outcome: null }))
  const index = new Map<number, number>()
  basket[0].time.forEach((t, i) => index.set(t, i))
  const series = alertLabelSeries({ basket, barsPerHour })
  const labels = new Map<string, Int32Array>()
  return due.map((a) => {
    const h = Math.max(1, Math.round(a.horizonHours * barsPerHour))
    const key = `${a.type}:${h}`
    let l = labels.get(key)
    if (!l) labels.set(key, (l = alertLabels(a.type, series, h)))
    const i = index.get(a.time)
    const label = i === undefined ? NO_LABEL : l[i]
    return { id: a.id, outcome: label === NO_LABEL ? null : label === 1 ? 'hit' : 'miss' }
  })
}
