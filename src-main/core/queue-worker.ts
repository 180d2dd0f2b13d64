import { hostname } from 'node:os'
import type { Job, UnrecoverableError as BullUnrecoverable, Worker } from 'bullmq'
import { parseJob, type SweepRow } from '../../src-shared'
import { runSweepShard } from '../backtest'
import { executeJob } from './job-execution'
import {
  JOB_QUEUE_NAME,
  QUEUE_JOB_KINDS,
  redisConnection,
  shardOf,
  SWEEP_SHARD_JOB,
  type ShardPayload,
} from './job-queue'

/** How a queue worker runs. */
export interface QueueWorkerOptions {
  readonly url: string
  readonly concurrency: number
  /** The worker's own database (jobs other than sweep shards read their series and models from it). */
  readonly dbPath: string
  readonly codeVersion: string
  /** How long a job's lock lasts without renewal: a dead worker's job is taken over after about this long. */
  readonly lockMs?: number
  readonly log: (line: string) => void
}

/**
 * A headless Armada taking jobs from the queue: sweep shards (bars in the job) and the kinds of {@link QUEUE_JOB_KINDS}
 * (run by the same handlers as local jobs, on this worker's database). Progress goes to the job; the result is its
 * return value; a request that does not parse fails at once (no retry).
 */
export class QueueWorker {
  private worker: Worker | undefined
  /** BullMQ's "fail now, do not retry" error class (set by `start`). */
  private Unrecoverable: typeof BullUnrecoverable = Error
  readonly name = `armada-${hostname()}-${process.pid}`

  constructor(private readonly options: QueueWorkerOptions) {}

  /** Connects and starts taking jobs. */
  async start(): Promise<void> {
    const o = this.options
    const lockDuration = o.lockMs ?? 30_000
    // Loaded on first use: every CLI command and shell imports core, few of them talk to a queue.
    const bull = await import('bullmq')
    this.Unrecoverable = bull.UnrecoverableError
    this.worker = new bull.Worker(JOB_QUEUE_NAME, (job) => this.process(job), {
      connection: redisConnection(o.url),
      concurrency: o.concurrency,
      name: this.name,
      lockDuration,
      stalledInterval: Math.max(500, Math.round(lockDuration / 2)),
      maxStalledCount: 2,
    })
    this.worker.on('completed', (job) => o.log(`done ${job.name} ${job.id}`))
    this.worker.on('failed', (job, err) => o.log(`failed ${job?.name} ${job?.id}: ${err.message.split('\n')[0]}`))
    this.worker.on('error', (err) => o.log(`queue error: ${err.message.split('\n')[0]}`))
    await this.worker.waitUntilReady()
  }

  private async process(job: Job): Promise<unknown> {
    this.options.log(`start ${job.name} ${job.id} (attempt ${job.attemptsMade + 1})`)
    if (job.name === SWEEP_SHARD_JOB) {
      const shard = shardOf(job.data as ShardPayload)
      const rows: SweepRow[] = []
      await runSweepShard(shard, (row) => {
        rows.push(row)
        void job.updateProgress(rows.length / shard.cells.length).catch(() => undefined)
      })
      return rows
    }
    if (!(QUEUE_JOB_KINDS as readonly string[]).includes(job.name))
      throw new this.Unrecoverable(
        `a worker does not run "${job.name}" jobs (it runs ${SWEEP_SHARD_JOB}, ${QUEUE_JOB_KINDS.join(', ')})`,
      )
    let parsed
    try {
      parsed = parseJob(job.name, job.data)
    } catch (err) {
      throw new this.Unrecoverable((err as Error).message)
    }
    const input = { job: parsed, dbPath: this.options.dbPath, codeVersion: this.options.codeVersion }
    return new Promise((resolve, reject) => {
      void executeJob(input, new AbortController().signal, (m) => {
        if (m.type === 'progress') void job.updateProgress(m.fraction).catch(() => undefined)
        else if (m.type === 'done') resolve(m.result)
        // Refused input (no such series, too few bars) fails the same way on every attempt: no retry.
        else if ((m.result as { refused?: unknown } | undefined)?.refused === true)
          reject(new this.Unrecoverable(m.error))
        else reject(new Error(m.error))
      })
    })
  }

  /** Stops taking jobs, waits for the running ones and disconnects. */
  async dispose(): Promise<void> {
    await this.worker?.close()
  }
}
