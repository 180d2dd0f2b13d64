import {
  ALERTS_TRAIN_JOB_KIND,
  BACKTEST_JOB_KIND,
  DB_CHECK_JOB_KIND,
  HMM_TRAIN_JOB_KIND,
  IMPORT_JOB_KIND,
  REGIME_TRAIN_JOB_KIND,
  SIGNAL_QUALITY_TRAIN_JOB_KIND,
  throwIfCancelled,
  TRAIN_JOB_KIND,
  WAIT_JOB_KIND,
  type JobContext,
  type JobHandler,
  type JobKind,
  type ParsedJob,
  type WaitJobRequest,
} from '../../src-shared'
import { backtestJob, signalQualityTrainJob } from '../backtest'
import { importJob } from '../data'
import { trainAlertsJob, trainHmmJob, trainModelJob, trainRegimeJob } from '../predictors'
import { dbCheckJob } from '../store'

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
  [WAIT_JOB_KIND]: waitJob,
}

/** Runs a parsed job's handler (in a worker thread, or on the caller's thread for the CLI). */
export function runJobHandler(job: ParsedJob, ctx: JobContext): Promise<unknown> {
  const handler = JOB_HANDLERS[job.kind] as (request: ParsedJob['request'], ctx: JobContext) => Promise<unknown>
  return handler(job.request, ctx)
}
