import {
  ALERTS_TRAIN_JOB_KIND,
  BACKFILL_JOB_KIND,
  BACKTEST_JOB_KIND,
  DB_CHECK_JOB_KIND,
  HMM_TRAIN_JOB_KIND,
  LIQUIDATION_TRAIN_JOB_KIND,
  IMPORT_JOB_KIND,
  REGIME_TRAIN_JOB_KIND,
  SIGNAL_QUALITY_TRAIN_JOB_KIND,
  SWEEP_JOB_KIND,
  throwIfCancelled,
  TRAIN_JOB_KIND,
  WAIT_JOB_KIND,
  type JobContext,
  type JobHandler,
  type JobKind,
  type ParsedJob,
  type SweepJobRequest,
  type WaitJobRequest,
} from '../../src-shared'
import { availableParallelism } from 'node:os'
import { backtestJob, signalQualityTrainJob, sweepJob, ThreadShardExecutor } from '../backtest'
import { importJob } from '../data'
import {
  backfillJob,
  trainAlertsJob,
  trainHmmJob,
  trainLiquidationJob,
  trainModelJob,
  trainRegimeJob,
} from '../predictors'
import { dbCheckJob } from '../store'
import { QueueShardExecutor } from './job-queue'

/** `diagnostics.wait`: waits in steps; exercises progress and cancellation end to end (tests, UI smoke checks). */
async function waitJob(request: WaitJobRequest, ctx: JobContext): Promise<{ steps: number }> {
  const steps = Math.max(1, Math.min(10_000, request.steps ?? 10))
  const stepMs = Math.max(0, Math.min(10_000, request.stepMs ?? 50))
  for (let i = 0; i < steps; i++) {
    throwIfCancelled(ctx.signal)
    await new Promise((r) => setTimeout(r, stepMs))
    ctx.progress((i + 1) / steps, `step ${i + 1}/${steps}`)
  }
  return { steps }
}

/** `backtest.sweep`: shards on the queue's workers with `queue`, else in worker threads here (default: one per core). */
function runSweep(request: SweepJobRequest, ctx: JobContext): Promise<unknown> {
  if (request.queue) return sweepJob(request, ctx, new QueueShardExecutor(request.queue), 8)
  const threads = request.workers ?? availableParallelism()
  return sweepJob(request, ctx, new ThreadShardExecutor(threads), threads)
}

/**
 * The handler of every job kind (src-shared/job-requests.ts lists the kinds and their requests). Each handler lives
 * beside its area; this table is the one place they are put together.
 */
export const JOB_HANDLERS: { readonly [K in JobKind]: JobHandler<K> } = {
  [DB_CHECK_JOB_KIND]: dbCheckJob,
  [IMPORT_JOB_KIND]: importJob,
  [TRAIN_JOB_KIND]: trainModelJob,
  [REGIME_TRAIN_JOB_KIND]: trainRegimeJob,
  [ALERTS_TRAIN_JOB_KIND]: trainAlertsJob,
  [BACKTEST_JOB_KIND]: backtestJob,
  [SIGNAL_QUALITY_TRAIN_JOB_KIND]: signalQualityTrainJob,
  [HMM_TRAIN_JOB_KIND]: trainHmmJob,
  [LIQUIDATION_TRAIN_JOB_KIND]: trainLiquidationJob,
  [BACKFILL_JOB_KIND]: backfillJob,
  [WAIT_JOB_KIND]: waitJob,
  [SWEEP_JOB_KIND]: runSweep,
}

/** Runs a parsed job's handler (in a worker thread, or on the caller's thread for the CLI). */
export function runJobHandler(job: ParsedJob, ctx: JobContext): Promise<unknown> {
  const handler = JOB_HANDLERS[job.kind] as (request: ParsedJob['request'], ctx: JobContext) => Promise<unknown>
  return handler(job.request, ctx)
}
