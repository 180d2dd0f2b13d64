import type { DriftReport } from './drift'

/** What can start a retraining run. */
export type RetrainingTrigger = 'drift' | 'decay' | 'schedule'

/** Retraining policy of one model name (DOMAIN.md §6). */
export interface RetrainingPolicy {
  /** Expanding from `start` (or the start of the data) to now, or sliding over the last `lengthMs`. */
  readonly window:
    { readonly kind: 'expanding'; readonly start?: number } | { readonly kind: 'sliding'; readonly lengthMs: number }
  /** Minimum time between scheduled runs, ms. */
  readonly cadenceMs: number
  readonly triggers: readonly RetrainingTrigger[]
}

/** Throws a one-line error for a policy that cannot work. */
export function validatePolicy(p: RetrainingPolicy): void {
  if (p.window.kind === 'sliding' && !(p.window.lengthMs > 0)) throw new Error('sliding window needs lengthMs > 0')
  if (p.window.kind !== 'sliding' && p.window.kind !== 'expanding')
    throw new Error(`unknown window kind "${(p.window as { kind: string }).kind}"`)
  if (!(p.cadenceMs > 0)) throw new Error('cadenceMs must be > 0')
  for (const t of p.triggers)
    if (t !== 'drift' && t !== 'decay' && t !== 'schedule') throw new Error(`unknown trigger "${String(t)}"`)
}

/** Training window a run uses, given the data available [dataStart, dataEnd). */
export function trainingWindow(p: RetrainingPolicy, dataStart: number, dataEnd: number): { from: number; to: number } {
  if (p.window.kind === 'sliding') return { from: Math.max(dataStart, dataEnd - p.window.lengthMs), to: dataEnd }
  return { from: Math.max(dataStart, p.window.start ?? dataStart), to: dataEnd }
}

/**
 * Why a run is due now (empty when it is not): a drift or decay report newer than the last run, when those
 * triggers are enabled; the schedule when `cadenceMs` has passed since the last run (or since `since`).
 */
export function dueReasons(
  p: RetrainingPolicy,
  now: number,
  lastRunAt: number | undefined,
  since: number,
  latestReport: DriftReport | undefined,
): string[] {
  const reasons: string[] = []
  const fresh = latestReport && (lastRunAt === undefined || latestReport.time > lastRunAt) ? latestReport : undefined
  if (fresh && p.triggers.includes('drift') && fresh.drift)
    reasons.push(
      `drift: health ${fresh.health} at ${new Date(fresh.time).toISOString()} (${fresh.reasons[0] ?? 'drift'})`,
    )
  if (fresh && p.triggers.includes('decay') && fresh.decay)
    reasons.push(
      `decay: recent F1 ${fresh.performance?.recentF1.toFixed(3)} vs validation ${fresh.performance?.validationF1.toFixed(3)}`,
    )
  const last = lastRunAt ?? since
  if (p.triggers.includes('schedule') && now - last >= p.cadenceMs)
    reasons.push(
      `schedule: ${((now - last) / 3_600_000).toFixed(1)} h since ${lastRunAt === undefined ? 'the champion was registered' : 'the last run'} (cadence ${(p.cadenceMs / 3_600_000).toFixed(1)} h)`,
    )
  return reasons
}
