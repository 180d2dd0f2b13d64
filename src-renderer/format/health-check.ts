import type { ModelHealthPoint } from '../../src-shared'
import { formatCount, formatMetric, formatUtc, shortId } from './format'

/** What PSI means, in one line (DOMAIN.md §6 levels). */
export const PSI_MEANING =
  'PSI (population stability index) compares each feature’s distribution on the checked rows with the reference: < 0.1 stable, 0.1–0.2 watch, > 0.2 drift'

/** One drift check in words: which version, on which rows, against which reference, and its largest PSI. */
export interface HealthCheckText {
  readonly version: string
  readonly data: string
  readonly reference: string
  readonly psi: string
}

const span = (from: number | undefined, to: number | undefined): string =>
  from !== undefined && to !== undefined ? `${formatUtc(from)} → ${formatUtc(to)} UTC` : 'dates not recorded'

/** The lines the Models view shows for a drift check (older checks recorded no window: say so). */
export function healthCheckText(p: ModelHealthPoint): HealthCheckText {
  return {
    version: `version ${shortId(p.versionId)} checked ${formatUtc(p.time)} UTC`,
    data: p.window
      ? `${p.window.label}, ${span(p.window.from, p.window.to)}`
      : `${formatCount(p.rows)} rows (this older check did not record which)`,
    reference: p.reference
      ? `its training data, ${formatCount(p.reference.rows)} rows, ${span(p.reference.from, p.reference.to)}`
      : 'the reference distributions stored in its card',
    psi: `max feature PSI ${formatMetric(p.maxPsi)}${p.predictionPsi !== undefined ? ` · predicted-class PSI ${formatMetric(p.predictionPsi)}` : ''}`,
  }
}
