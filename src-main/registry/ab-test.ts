import type { Clock } from '../../src-shared'
import type { AbTestRow, SqliteModelRegistryStore } from '../store'
import { pairedBootstrap, type PairedComparison } from './paired-bootstrap'
import { RegistryError } from './types'

const DAY = 86_400_000

/** How an A/B (shadow) test decides (DOMAIN.md §6 defaults). */
export interface AbTestConfig {
  /** Classes both models output. */
  readonly classes: number
  /** Time from a bar's close until its outcome is known (the label horizon), ms. */
  readonly horizonMs: number
  /** Resolved samples needed before a winner can be declared (100). */
  readonly minSamples: number
  /** Paired-bootstrap confidence needed (0.95). */
  readonly confidence: number
  /** Metric that decides: F1 (default) or log loss; both are always reported. */
  readonly metric: 'f1' | 'logLoss'
  /** The test ends without a winner after this long (7 days). */
  readonly maxDurationMs: number
  /** A test still running after this long is flagged stale (14 days). */
  readonly staleAfterMs: number
  /** Promote the challenger to champion when it wins. */
  readonly autoPromote: boolean
  readonly resamples: number
  readonly seed: number
}

export const AB_DEFAULTS: Omit<AbTestConfig, 'classes' | 'horizonMs'> = {
  minSamples: 100,
  confidence: 0.95,
  metric: 'f1',
  maxDurationMs: 7 * DAY,
  staleAfterMs: 14 * DAY,
  autoPromote: false,
  resamples: 1000,
  seed: 1,
}

/** What the UI shows for a test. */
export interface AbTestStatus {
  readonly id: number
  readonly name: string
  readonly champion: string
  readonly challenger: string
  readonly startedAt: number
  readonly endedAt?: number
  readonly status: AbTestRow['status']
  readonly winner?: string
  readonly recorded: number
  readonly resolved: number
  /** Latest comparison (once ≥ minSamples outcomes resolved). */
  readonly comparison?: PairedComparison
  /** One line: why it is still running or why it ended. */
  readonly reason: string
  /** Running for longer than `staleAfterMs`. */
  readonly stale: boolean
  /** The challenger was promoted automatically. */
  readonly promoted: boolean
  readonly config: AbTestConfig
}

/** A test's status from its stored row (read-only; used by listings too). */
export function abTestStatus(store: SqliteModelRegistryStore, row: AbTestRow, now: number): AbTestStatus {
  const config = JSON.parse(row.config) as AbTestConfig
  const result = row.result
    ? (JSON.parse(row.result) as { comparison?: PairedComparison; reason: string; promoted?: boolean })
    : undefined
  const counts = store.abSampleCounts(row.id)
  return {
    id: row.id,
    name: row.name,
    champion: row.champion,
    challenger: row.challenger,
    startedAt: row.started_at,
    ...(row.ended_at !== null ? { endedAt: row.ended_at } : {}),
    status: row.status,
    ...(row.winner !== null ? { winner: row.winner } : {}),
    ...counts,
    ...(result?.comparison ? { comparison: result.comparison } : {}),
    reason: result?.reason ?? `collecting: ${counts.resolved} of ${config.minSamples} outcomes resolved`,
    stale: row.status === 'running' && now - row.started_at > config.staleAfterMs,
    promoted: result?.promoted ?? false,
    config,
  }
}

/**
 * One champion-vs-challenger test: both models score every live bar (`record`), outcomes arrive once the
 * horizon has passed (`resolve`), and after each resolution a seeded paired bootstrap decides. A winner needs
 * ≥ minSamples resolved outcomes and confidence ≥ the threshold; the test ends on a winner or after maxDuration.
 */
export class AbTest {
  constructor(
    private readonly store: SqliteModelRegistryStore,
    private readonly clock: Clock,
    readonly id: number,
    /** Called inside the transaction that records a challenger win when autoPromote is on; returns true when promoted. */
    private readonly promoteWinner: (row: AbTestRow, comparison: PairedComparison) => boolean,
  ) {}

  private row(): AbTestRow {
    const row = this.store.getAbTest(this.id)
    if (!row) throw new RegistryError('not-found', `A/B test #${this.id} does not exist`)
    return row
  }

  /** Current status (read-only). */
  status(): AbTestStatus {
    return abTestStatus(this.store, this.row(), this.clock.now())
  }

  /** Stores both models' probabilities for the bar at `time` (close time, ms). Ignored once the test has ended. */
  record(time: number, probsChampion: ArrayLike<number>, probsChallenger: ArrayLike<number>): AbTestStatus {
    const row = this.row()
    const { classes } = JSON.parse(row.config) as AbTestConfig
    if (probsChampion.length !== classes || probsChallenger.length !== classes)
      throw new RegistryError('invalid', `A/B test #${this.id}: expected ${classes} probabilities per model`)
    if (row.status === 'running') {
      this.expireIfDue(row)
      if (this.row().status === 'running')
        this.store.insertAbSample(
          this.id,
          time,
          JSON.stringify(Array.from(probsChampion)),
          JSON.stringify(Array.from(probsChallenger)),
        )
    }
    return this.status()
  }

  /** Sets the outcome (class index) of the bar recorded at `time`; throws if its horizon has not passed yet. */
  resolve(time: number, outcome: number): AbTestStatus {
    const row = this.row()
    const config = JSON.parse(row.config) as AbTestConfig
    if (!Number.isInteger(outcome) || outcome < 0 || outcome >= config.classes)
      throw new RegistryError('invalid', `A/B test #${this.id}: outcome ${outcome} is not a class index`)
    const now = this.clock.now()
    if (now < time + config.horizonMs)
      throw new RegistryError(
        'invalid',
        `A/B test #${this.id}: the outcome of ${new Date(time).toISOString()} is due at ${new Date(time + config.horizonMs).toISOString()}`,
      )
    if (row.status === 'running') {
      this.store.resolveAbSample(this.id, time, outcome, now)
      this.evaluate()
    }
    return this.status()
  }

  /** Resolves every recorded bar whose horizon has passed and whose outcome `outcomeAt` knows. */
  resolveDue(outcomeAt: (time: number) => number | undefined): AbTestStatus {
    const row = this.row()
    const config = JSON.parse(row.config) as AbTestConfig
    const now = this.clock.now()
    if (row.status !== 'running') return this.status()
    for (const s of this.store.abSamples(this.id)) {
      if (s.outcome !== null || now < s.time + config.horizonMs) continue
      const y = outcomeAt(s.time)
      if (y !== undefined) this.store.resolveAbSample(this.id, s.time, y, now)
    }
    this.evaluate()
    return this.status()
  }

  /** Ends a running test without a winner. */
  stop(reason: string): AbTestStatus {
    const row = this.row()
    if (row.status === 'running')
      this.store.updateAbTest(this.id, {
        status: 'stopped',
        ended_at: this.clock.now(),
        winner: null,
        result: JSON.stringify({ ...this.result(row), reason: `stopped: ${reason}` }),
      })
    return this.status()
  }

  private result(row: AbTestRow): { comparison?: PairedComparison } {
    return row.result ? (JSON.parse(row.result) as { comparison?: PairedComparison }) : {}
  }

  private expireIfDue(row: AbTestRow): void {
    const config = JSON.parse(row.config) as AbTestConfig
    const now = this.clock.now()
    if (now - row.started_at < config.maxDurationMs) return
    const days = (config.maxDurationMs / DAY).toFixed(0)
    this.store.updateAbTest(this.id, {
      status: 'expired',
      ended_at: now,
      winner: null,
      result: JSON.stringify({ ...this.result(row), reason: `ended after ${days} days without a winner` }),
    })
  }

  /** Decides on the resolved samples; ends the test on a winner or when it has run too long. */
  private evaluate(): void {
    const row = this.row()
    if (row.status !== 'running') return
    const config = JSON.parse(row.config) as AbTestConfig
    const samples = this.store.abSamples(this.id, true)
    if (samples.length < config.minSamples) {
      this.expireIfDue(row)
      return
    }
    const c = config.classes
    const y = new Int32Array(samples.length)
    const pA = new Float64Array(samples.length * c)
    const pB = new Float64Array(samples.length * c)
    samples.forEach((s, i) => {
      y[i] = s.outcome as number
      pA.set(JSON.parse(s.probs_champion) as number[], i * c)
      pB.set(JSON.parse(s.probs_challenger) as number[], i * c)
    })
    const comparison = pairedBootstrap(y, pA, pB, c, { resamples: config.resamples, seed: config.seed })
    const pChallenger = config.metric === 'f1' ? comparison.confidenceBBetterF1 : comparison.confidenceBBetterLogLoss
    const label = config.metric === 'f1' ? 'F1' : 'log loss'
    const winner =
      pChallenger >= config.confidence
        ? row.challenger
        : 1 - pChallenger >= config.confidence
          ? row.champion
          : undefined
    const now = this.clock.now()
    if (!winner) {
      const reason = `no winner yet: challenger better on ${label} with confidence ${pChallenger.toFixed(3)} over ${samples.length} outcomes (needs ≥ ${config.confidence} either way)`
      this.store.updateAbTest(this.id, {
        status: 'running',
        ended_at: null,
        winner: null,
        result: JSON.stringify({ comparison, reason }),
      })
      this.expireIfDue(this.row())
      return
    }
    const who = winner === row.challenger ? 'challenger' : 'champion'
    const reason = `${who} won on ${label} with confidence ${Math.max(pChallenger, 1 - pChallenger).toFixed(3)} over ${samples.length} outcomes`
    this.store.transaction(() => {
      this.store.updateAbTest(this.id, {
        status: 'won',
        ended_at: now,
        winner,
        result: JSON.stringify({ comparison, reason }),
      })
      if (winner === row.challenger && config.autoPromote) {
        const promoted = this.promoteWinner(this.row(), comparison)
        this.store.updateAbTest(this.id, {
          status: 'won',
          ended_at: now,
          winner,
          result: JSON.stringify({ comparison, reason, promoted }),
        })
      }
    })
  }
}
