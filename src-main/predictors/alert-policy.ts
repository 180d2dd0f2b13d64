import { ALERT_THRESHOLDS, type AlertType } from '../../src-shared'

/** Ensemble weights of an alert model (DOMAIN.md §2): random forest 0.6, GBDT 0.4. */
export const ALERT_MEMBER_WEIGHTS = { rf: 0.6, gbdt: 0.4 } as const

/** Anti-noise limits (DOMAIN.md §2 defaults; configurable). Times in minutes. */
export interface AlertNoiseLimits {
  readonly minIntervalMinutes: number
  readonly maxPerTypePerDay: number
  readonly maxPerHour: number
  readonly dedupMinutes: number
  /** Two S2 of one type within this window make the next one S3. */
  readonly escalateWithinMinutes: number
}

export const ALERT_NOISE_DEFAULTS: AlertNoiseLimits = {
  minIntervalMinutes: 360,
  maxPerTypePerDay: 4,
  maxPerHour: 20,
  dedupMinutes: 15,
  escalateWithinMinutes: 30,
}

/** One model output for an alert type and horizon at a time (ms). */
export interface AlertCandidate {
  readonly type: AlertType
  readonly horizonHours: number
  readonly time: number
  /** Ensemble probability 0.6·p_rf + 0.4·p_gbdt. */
  readonly probability: number
  readonly pRf: number
  readonly pGbdt: number
  /** Id the alert gets if it fires: an escalation names the open alert it raises by this id. */
  readonly ref: string
}

/** What the policy decided for a candidate. */
export type AlertDecision =
  | { readonly fire: true; readonly severity: 'S2' | 'S3'; readonly confidence: number; readonly escalated: boolean }
  /** An S3 inside the type's interval: no new alert; the open S2 alert `ref` of the same type becomes S3. */
  | { readonly fire: false; readonly reason: 'escalates'; readonly ref: string; readonly confidence: number }
  | {
      readonly fire: false
      readonly reason: 'below-threshold' | 'duplicate' | 'min-interval' | 'type-daily-cap' | 'hourly-cap'
    }

const MINUTE = 60_000

/** DOMAIN.md §2 confidence of an alert model: 1 − |p_rf − p_gbdt|. */
export function alertConfidence(pRf: number, pGbdt: number): number {
  return 1 - Math.abs(pRf - pGbdt)
}

/**
 * Trigger, severity and anti-noise of DOMAIN.md §2, fed candidates in time order: S2/S3 by per-type thresholds;
 * a candidate is dropped as a duplicate within 15 min of the same type's last alert (any horizon), inside the type's
 * 360 min minimum interval, past 4 per type per day or 20 per hour overall; two S2 of one type within 30 min escalate
 * the next to S3. The interval and the caps hold for every severity: inside the interval an S3 opens no new alert, it
 * raises the type's open S2 alert (target time not reached) to S3 once (`escalates`), else it is dropped. Holds only
 * recent history.
 */
export class AlertNoisePolicy {
  private readonly fired: { type: AlertType; time: number; targetTime: number; severity: 'S2' | 'S3'; ref: string }[] =
    []
  private readonly s2Seen = new Map<AlertType, number[]>()

  constructor(private readonly limits: AlertNoiseLimits = ALERT_NOISE_DEFAULTS) {}

  /** Decides one candidate and records it when it fires. */
  decide(c: AlertCandidate): AlertDecision {
    const th = ALERT_THRESHOLDS[c.type]
    if (c.probability < th.s2) return { fire: false, reason: 'below-threshold' }
    const l = this.limits
    this.prune(c.time)
    let severity: 'S2' | 'S3' = c.probability >= th.s3 ? 'S3' : 'S2'
    let escalated = false
    if (severity === 'S2') {
      const recent = (this.s2Seen.get(c.type) ?? []).filter((t) => c.time - t <= l.escalateWithinMinutes * MINUTE)
      recent.push(c.time)
      this.s2Seen.set(c.type, recent)
      if (recent.length > 2) {
        severity = 'S3'
        escalated = true
      }
    }
    const sameType = this.fired.filter((f) => f.type === c.type)
    const last = sameType[sameType.length - 1]
    if (last && c.time - last.time < l.dedupMinutes * MINUTE) return { fire: false, reason: 'duplicate' }
    if (last && c.time - last.time < l.minIntervalMinutes * MINUTE) {
      if (severity === 'S3' && last.severity === 'S2' && last.targetTime > c.time) {
        last.severity = 'S3'
        return { fire: false, reason: 'escalates', ref: last.ref, confidence: alertConfidence(c.pRf, c.pGbdt) }
      }
      return { fire: false, reason: 'min-interval' }
    }
    if (sameType.filter((f) => c.time - f.time < 1440 * MINUTE).length >= l.maxPerTypePerDay)
      return { fire: false, reason: 'type-daily-cap' }
    if (this.fired.filter((f) => c.time - f.time < 60 * MINUTE).length >= l.maxPerHour)
      return { fire: false, reason: 'hourly-cap' }
    this.fired.push({
      type: c.type,
      time: c.time,
      targetTime: c.time + c.horizonHours * 60 * MINUTE,
      severity,
      ref: c.ref,
    })
    return { fire: true, severity, confidence: alertConfidence(c.pRf, c.pGbdt), escalated }
  }

  private prune(now: number): void {
    while (this.fired.length && now - this.fired[0].time >= 1440 * MINUTE) this.fired.shift()
  }
}
