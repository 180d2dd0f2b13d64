import type { Alert, AlertSeverity, AlertType, Timeframe } from '../domain'
import type { SkillVerdict } from '../skill'

// ── Predictive alerts (DOMAIN.md §2): the live loop's alerts for the Alerts view, chart markers and REST ────

/** `listAlerts` (REST `GET /api/alerts`): newest first; every filter optional. */
export interface AlertsQuery {
  /** Alert time range (ms, inclusive). */
  readonly from?: number
  readonly to?: number
  readonly types?: readonly AlertType[]
  /** `S3` keeps only S3; `S2` (default) keeps both. */
  readonly minSeverity?: AlertSeverity
  /** open: horizon not passed yet; resolved: outcome known. Default all. */
  readonly status?: 'open' | 'resolved' | 'all'
  readonly acknowledged?: boolean
  /** Only alerts whose `assets` include this symbol. */
  readonly symbol?: string
  /** Alerts of muted models (no walk-forward skill) are left out unless true. */
  readonly includeMuted?: boolean
  readonly limit?: number
}

/** The `alert` topic: an alert fired, was raised to S3 (escalated), was acknowledged, or was resolved. */
export interface AlertEvent {
  readonly kind: 'fired' | 'escalated' | 'acknowledged' | 'resolved'
  readonly alert: Alert
}

/** One (type, horizon) alert model the live loop scores, its validation record and its live record. */
export interface AlertModelStatus {
  readonly type: AlertType
  readonly horizonHours: number
  readonly modelName: string
  /** Null when no version is registered for it (then `reason` says why, e.g. too few positive labels). */
  readonly versionId: string | null
  readonly reason?: string
  /** Walk-forward metrics next to the majority (and label of t−H) baselines (from the registry record), when known. */
  readonly validation?: {
    readonly rocAuc: number | null
    readonly f1: number
    readonly baselineF1: number
    readonly logLoss?: number
    readonly baselineLogLoss?: number
    readonly persistenceF1?: number
    readonly baseRate?: number
  }
  /** Whether the champion beats its baselines on walk-forward, with the numbers (absent: its record has no metrics). */
  readonly skill?: SkillVerdict
  /** True while it fires nothing: no skill (the default) or the trader muted it; its alerts are still stored and resolved. */
  readonly muted: boolean
  /** Bars the champion was trained on (open time of the first, close of the last): alerts after `to` are out of sample. */
  readonly trainingWindow?: { readonly from: number; readonly to: number }
  /** Newest ensemble probability and when it was scored (shown even below the S2 threshold). */
  readonly lastProbability: number | null
  readonly lastScoredAt: number | null
  readonly fired: number
  readonly resolved: number
  /** Share of resolved alerts that were hits; null before any is resolved. */
  readonly hitRate: number | null
}

/** `getAlertStatus`: the basket the live loop scores, its models and why it is not scoring when it is not. */
export interface AlertStatus {
  readonly basket: string | null
  readonly assets: readonly string[]
  readonly timeframe: Timeframe | null
  /** Venue of the basket's stored series (null when off). */
  readonly venue: string | null
  /** Name prefix of the basket's models (`<prefix>-<type>-h<H>h`; null when off). */
  readonly modelPrefix: string | null
  /** Who chose the basket: the trader (Alerts view, settings API), `serve --alert-basket`, the embedded demo, or none. */
  readonly source: 'trader' | 'config' | 'embedded' | null
  /** Scoring, waiting (for aligned bars / models), or off with the reason. */
  readonly state: 'scoring' | 'waiting' | 'off'
  readonly detail?: string
  readonly models: readonly AlertModelStatus[]
  readonly open: number
  readonly lastScoredAt: number | null
}

// ── The alert basket (DOMAIN.md §2): which stored series the live loop scores, chosen by the trader ────

/** Setting holding the trader's basket (`AlertBasketSpec`); absent: the embedded default's, or alerts off. */
export const ALERT_BASKET_SETTING = 'alerts.basket'

/** `setAlertBasket`: ≥ 3 stored series of one venue and timeframe, the lead first, the second major next. */
export interface AlertBasketSpec {
  /** Shown with every alert (default: the symbols joined by "," and the timeframe). */
  readonly name?: string
  readonly assets: readonly string[]
  readonly venue: string
  readonly timeframe: Timeframe
  /** Bars per year for annualised volatility (default: 365 days of the timeframe, a 24/7 market). */
  readonly barsPerYear?: number
}

/** `trainAlertBasket`: the basket's (type, horizon) models as one job (default every type and horizon). */
export interface TrainAlertBasketRequest {
  readonly types?: readonly AlertType[]
  readonly horizonsHours?: readonly number[]
}

/** A basket's display name: its own, or its symbols and timeframe. */
export function alertBasketName(b: Pick<AlertBasketSpec, 'name' | 'assets' | 'timeframe'>): string {
  return b.name?.trim() || `${b.assets.join(',')}-${b.timeframe}`
}

/**
 * Name prefix of a trader's basket's alert models: `alerts-<basket name, lower case, runs of other characters as
 * "-">`, so each basket keeps its own champions (`<prefix>-<type>-h<H>h`). The embedded demo keeps the shipped `alerts`.
 */
export function alertModelPrefix(basketName: string): string {
  const slug = basketName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return `alerts-${slug || 'basket'}`
}

/**
 * Parses `LEAD,SECOND,MEMBER…@VENUE:TF` (`serve --alert-basket`), optionally `NAME=` first. Throws a one-line
 * message naming what is wrong.
 */
export function parseAlertBasket(text: string): AlertBasketSpec {
  const m = /^(?:([^=]+)=)?([^@]+)@([^:]+):(\S+)$/.exec(text.trim())
  if (!m) throw new Error(`"${text}" must look like LEAD,SECOND,MEMBER…@VENUE:TF (e.g. SPY,AAPL,IBM@USA:1h)`)
  const assets = m[2]
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean)
  return {
    ...(m[1]?.trim() ? { name: m[1].trim() } : {}),
    assets,
    venue: m[3].trim().toUpperCase(),
    timeframe: m[4] as Timeframe,
  }
}
