import { JobFailed, type DeviceChoice, type ParsedJob } from '../../src-shared'
import { runJobHandler } from './job-handlers'

/** What an executing job tells the runner: progress, its result, or why it failed. */
export type JobReport =
  | { readonly type: 'progress'; readonly fraction: number; readonly message: string }
  | { readonly type: 'done'; readonly result: unknown }
  | { readonly type: 'failed'; readonly error: string; readonly cancelled: boolean; readonly result?: unknown }

/** Where a job runs and what it needs there: the job, the database file, the version it records. */
export interface JobInput {
  readonly job: ParsedJob
  readonly dbPath: string
  readonly codeVersion: string
  readonly device?: DeviceChoice
}

/**
 * Runs a job's handler and reports its progress and end through `report` (progress clamped to [0, 1]; a failure as its
 * first line, with the result a {@link JobFailed} carries). Used in the job worker thread and, for the CLI, inline.
 */
export function executeJob(input: JobInput, signal: AbortSignal, report: (m: JobReport) => void): Promise<void> {
  const ctx = {
    signal,
    dbPath: input.dbPath,
    codeVersion: input.codeVersion,
    ...(input.device ? { device: input.device } : {}),
    progress: (fraction: number, message = '') =>
      report({ type: 'progress', fraction: Math.max(0, Math.min(1, fraction)), message }),
  }
  return Promise.resolve()
    .then(() => runJobHandler(input.job, ctx))
    .then(
      (result) => report({ type: 'done', result: result ?? null }),
      (err: unknown) =>
        report({
          type: 'failed',
          error: ((err as Error)?.message ?? String(err)).split('\n')[0],
          cancelled: signal.aborted,
          ...(err instanceof JobFailed ? { result: err.result } : {}),
        }),
    )
}
