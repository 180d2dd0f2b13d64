import { TIMEFRAME_MS, type AlertType, type BarColumns, type StoredBar, type Timeframe } from '../../src-shared'
import { alignBasket, barsToColumns } from '../features'
import type { SqliteBarStore } from '../store'
import { alertLabelAt, alertLabelSeries, VOL_PERCENTILE_DAYS } from './alert-labels'
import { LABEL_SIGMA_WINDOW, NO_LABEL } from './regime-label'

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

/** A due alert whose H bars have not all closed yet: how many more aligned basket bars it needs. */
export interface AlertWait {
  readonly id: string
  readonly bars: number
}

/** What one resolution request found: outcomes to store, and alerts to ask about again after `bars` more bars. */
export interface AlertResolution {
  readonly outcomes: AlertOutcome[]
  readonly waits: AlertWait[]
}

/** The basket's stored bars in [from, to], aligned on open time (null when a member has none). */
export function alignedBasketBars(
  bars: SqliteBarStore,
  spec: BasketSpec,
  from: number,
  to: number,
): BarColumns[] | null {
  const cols: BarColumns[] = []
  for (const symbol of spec.assets) {
    const rows: StoredBar[] = []
    for (const page of bars.pages({
      symbol,
      venue: spec.venue,
      timeframe: spec.timeframe,
      from: Math.max(from, Number.MIN_SAFE_INTEGER),
      to: Math.min(to, Number.MAX_SAFE_INTEGER),
    }))
      rows.push(...page)
    if (!rows.length) return null
    cols.push(barsToColumns(rows))
  }
  const aligned = alignBasket(cols)
  return aligned[0].time.length ? aligned : null
}

/**
 * Aligned basket bars a type's §2 label at a bar needs before it, so that every window it reads is complete and the
 * label equals the one computed over the whole stored series: VOLATILITY_SPIKE_IMMINENT the 30-day percentile of the
 * 24 h vol; the correlation types their 24 h windows; REGIME_CHANGE_PENDING the §1 regime 12 bars back with its 100-bar σ.
 */
export function labelLookbackBars(type: AlertType, barsPerHour: number): number {
  const day = Math.round(24 * barsPerHour)
  const regime = 12 + LABEL_SIGMA_WINDOW + 1
  return type === 'VOLATILITY_SPIKE_IMMINENT'
    ? (VOL_PERCENTILE_DAYS + 1) * day + 1
    : type === 'REGIME_CHANGE_PENDING'
      ? regime
      : day + 1
}

/**
 * Outcomes of alerts whose target time is at or before `time`: the §2 label of each alert's type at its bar, over its
 * horizon, from the stored basket bars in [enough bars before the earliest alert for its type's windows (`labelLookbackBars`), time]. Reads and computes only: the caller stores the outcomes. Runs in the alert resolver's worker thread.
 * An alert whose horizon has not yet passed in bars is left out (asked again later): on a basket with gaps (US equities
 * trade 7 of 24 hours) the target time passes in calendar time long before H bars have closed.
 */
export function resolveOutcomes(
  bars: SqliteBarStore,
  spec: BasketSpec,
  due: readonly DueAlert[],
  time: number,
): AlertOutcome[] {
  return resolveDueAlerts(bars, spec, due, time).outcomes
}

/**
 * {@link resolveOutcomes}, also saying for each alert left out how many more aligned basket bars its horizon needs, so
 * the loop asks again only then (on a basket with gaps it would otherwise recompute the labels on every bar).
 */
export function resolveDueAlerts(
  bars: SqliteBarStore,
  spec: BasketSpec,
  due: readonly DueAlert[],
  time: number,
): AlertResolution {
  if (!due.length) return { outcomes: [], waits: [] }
  const barsPerHour = TIMEFRAME_MS['1h'] / TIMEFRAME_MS[spec.timeframe]
  // Read the aligned bars from `need` of the lead's bars before the earliest alert (counted in bars, not time: a basket
  // with gaps — weekends, nights — needs more time for as many bars), asking for more while members' gaps leave the
  // aligned basket short and older bars exist.
  const earliest = Math.min(...due.map((a) => a.time))
  const need = Math.max(...due.map((a) => labelLookbackBars(a.type, barsPerHour)))
  const lead = { symbol: spec.assets[0], venue: spec.venue, timeframe: spec.timeframe }
  let basket: BarColumns[] | null = null
  for (let ask = need; ; ask *= 2) {
    const older = bars.latestBars({ ...lead, to: earliest - 1 }, ask)
    basket = alignedBasketBars(bars, spec, older.length ? older[0].time : earliest, time)
    if (!basket || older.length < ask) break
    const t = basket[0].time
    let k = 0
    while (k < t.length && t[k] < earliest) k++
    if (k >= need) break
  }
  if (!basket) return { outcomes: due.map((a) => ({ id: a.id, outcome: null })), waits: [] }
  const index = new Map<number, number>()
  basket[0].time.forEach((t, i) => index.set(t, i))
  const series = alertLabelSeries({ basket, barsPerHour })
  const n = basket[0].time.length
  const outcomes: AlertOutcome[] = []
  const waits: AlertWait[] = []
  for (const a of due) {
    const i = index.get(a.time)
    const h = Math.max(1, Math.round(a.horizonHours * barsPerHour))
    if (i !== undefined && i + h >= n) {
      waits.push({ id: a.id, bars: i + h - n + 1 })
      continue
    }
    const label = i === undefined ? NO_LABEL : alertLabelAt(a.type, series, h, i)
    outcomes.push({ id: a.id, outcome: label === NO_LABEL ? null : label === 1 ? 'hit' : 'miss' })
  }
  return { outcomes, waits }
}
