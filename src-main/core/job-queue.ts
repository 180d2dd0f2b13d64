/**
 * Jobs on a BullMQ queue in Redis: `armada worker` machines take them, `armada sweep --queue` farms shards out.
 * Sweep shards carry their bars in the job (gzip'd float64 columns, a few hundred kB per symbol), so any worker runs
 * them without data of its own; every other kind reads the worker's own database (`--db`: a shared or synced store
 * holding the series and models the job names), exactly as a local job reads the workstation's.
 */
import { randomUUID } from 'node:crypto'
import type { Job } from 'bullmq'
import {
  ALERTS_TRAIN_JOB_KIND,
  BACKTEST_JOB_KIND,
  parseJob,
  REGIME_TRAIN_JOB_KIND,
  SIGNAL_QUALITY_TRAIN_JOB_KIND,
  TRAIN_JOB_KIND,
  WAIT_JOB_KIND,
  type JobKind,
  type SweepRow,
} from '../../src-shared'
import { decodeBars, encodeBars, type ShardExecutor, type SweepShard } from '../backtest'

/** The one queue Armada's jobs travel on. */
export const JOB_QUEUE_NAME = 'armada-jobs'
/** BullMQ job name of a sweep shard (its data: the shard with its bars encoded). */
export const SWEEP_SHARD_JOB = 'sweep.shard'
/** Job kinds a worker takes besides sweep shards (each read from the worker's own database). */
export const QUEUE_JOB_KINDS: readonly JobKind[] = [
  BACKTEST_JOB_KIND,
  TRAIN_JOB_KIND,
  REGIME_TRAIN_JOB_KIND,
  ALERTS_TRAIN_JOB_KIND,
  SIGNAL_QUALITY_TRAIN_JOB_KIND,
  WAIT_JOB_KIND,
]
/** Attempts per job and the first retry's delay (doubling after it). */
export const JOB_ATTEMPTS = 3
export const RETRY_DELAY_MS = 1000

/** BullMQ connection options of a `redis://[:password@]HOST:PORT[/DB]` URL; throws naming a URL it cannot read. */
export function redisConnection(url: string) {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new Error(`queue URL "${url}" is not redis://HOST:PORT`)
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new Error(`queue URL "${url}" is not redis://HOST:PORT`)
  const db = Number(u.pathname.slice(1) || 0)
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // Workers block on Redis; BullMQ requires unlimited retries per request on their connections.
    maxRetriesPerRequest: null,
  }
}

/** A sweep shard as a queue job's data: its bars encoded. */
export type ShardPayload = Omit<SweepShard, 'bars'> & { readonly bars: ReturnType<typeof encodeBars> }

/** A shard as job data, and back. */
export const payloadOf = (s: SweepShard): ShardPayload => ({ ...s, bars: encodeBars(s.bars) })
export const shardOf = (p: ShardPayload): SweepShard => ({ ...p, bars: decodeBars(p.bars) })

/**
 * Runs sweep shards on the workers of a queue: one BullMQ job per shard, id `sweep-<run>-<shard>` (adding it again is
 * a no-op), retried with exponential backoff; a shard whose worker died is re-run by another after its lock expires.
 * Each shard's rows come back as its job's return value.
 */
export class QueueShardExecutor implements ShardExecutor {
  constructor(private readonly url: string) {}

  async run(shards: readonly SweepShard[], onRow: (row: SweepRow) => void, signal: AbortSignal): Promise<void> {
    const connection = redisConnection(this.url)
    // Loaded on first use: every CLI command and shell imports core, few of them talk to a queue.
    const { Queue, QueueEvents } = await import('bullmq')
    const queue = new Queue(JOB_QUEUE_NAME, { connection })
    const events = new QueueEvents(JOB_QUEUE_NAME, { connection })
    // One waiter per shard listens on both (BullMQ's default cap of 10 listeners is for leaks, not for this).
    queue.setMaxListeners(shards.length + 10)
    events.setMaxListeners(shards.length + 10)
    const run = randomUUID()
    let jobs: Job[] = []
    try {
      await events.waitUntilReady()
      jobs = await queue.addBulk(
        shards.map((s, i) => ({
          name: SWEEP_SHARD_JOB,
          data: payloadOf(s),
          opts: {
            jobId: `sweep-${run}-${i}`,
            attempts: JOB_ATTEMPTS,
            backoff: { type: 'exponential', delay: RETRY_DELAY_MS },
            removeOnComplete: { age: 3600 },
            removeOnFail: { age: 86_400 },
          },
        })),
      )
      const cancelled = new Promise<never>((_, reject) => {
        if (signal.aborted) reject(new Error('cancelled'))
        signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true })
      })
      await Promise.race([
        cancelled,
        Promise.all(
          jobs.map(async (j) => {
            for (const row of (await j.waitUntilFinished(events)) as SweepRow[]) onRow(row)
          }),
        ),
      ])
    } finally {
      // A cancelled sweep takes its shards that no worker has started off the queue.
      if (signal.aborted) await Promise.all(jobs.map((j) => j.remove().catch(() => undefined)))
      await events.close()
      await queue.close()
    }
  }
}
