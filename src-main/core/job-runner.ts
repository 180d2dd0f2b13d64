import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import {
  CallRefused,
  type Clock,
  type DeviceChoice,
  type JobInfo,
  type JobKind,
  type JobRequests,
  type ParsedJob,
} from '../../src-shared'
import type { SqliteJobStore } from '../store'
import { executeJob, type JobInput, type JobReport } from './job-execution'
import type { WorkerInbound } from './job-worker'

/** Path of the worker entry: the built file beside the bundle, else the TypeScript source through tsx. */
function workerEntry(): string {
  // The bundle may place this code in out/main or out/main/chunks; the worker entry is out/main/worker.js.
  for (const built of [join(__dirname, 'worker.js'), join(__dirname, '..', 'worker.js')]) {
    if (existsSync(built)) return built
  }
  return join(__dirname, 'job-worker-dev.cjs')
}

/** The one-line `summary` a handler's result may carry, else undefined. */
function resultSummary(result: unknown): string | undefined {
  const summary = typeof result === 'object' && result !== null ? (result as { summary?: unknown }).summary : undefined
  return typeof summary === 'string' && summary ? summary.split('\n')[0] : undefined
}

/**
 * Where jobs run: `worker` gives each job its own worker thread (the shells stay responsive and a job can be
 * terminated); `inline` runs it on the caller's thread (the CLI, which only waits for its one job: a second thread
 * would double its memory). An inline job's progress is published, not stored.
 */
export type JobExecution = 'worker' | 'inline'

/** A report from a job's thread, or how its worker thread ended unasked. */
type RunnerReport =
  JobReport | { readonly type: 'crashed'; readonly error: string } | { readonly type: 'exited'; readonly code: number }

/** A started job: asked to stop with `cancel`, stopped hard with `terminate` (a worker thread only). */
interface Started {
  cancel(): void
  terminate(): void
}

function startInWorker(input: JobInput, report: (m: RunnerReport) => void): Started {
  const worker = new Worker(workerEntry(), { workerData: input })
  worker.on('message', report)
  worker.on('error', (err) => report({ type: 'crashed', error: err.message.split('\n')[0] }))
  worker.on('exit', (code) => report({ type: 'exited', code }))
  return {
    cancel: () => worker.postMessage({ type: 'cancel' } satisfies WorkerInbound),
    terminate: () => void worker.terminate(),
  }
}

function startInline(input: JobInput, report: (m: RunnerReport) => void): Started {
  const controller = new AbortController()
  // After `submit` returns, as a worker would start: the caller sees the job running before any progress.
  setImmediate(() => void executeJob(input, controller.signal, report))
  return { cancel: () => controller.abort(), terminate: () => undefined }
}

type JobPatch = Parameters<SqliteJobStore['update']>[1]
const CANCELLED: JobPatch = { state: 'cancelled', message: 'cancelled' }

/** How a job ends on its final report; `cancelRequested`: the user asked it to stop. */
function endOf(m: Exclude<RunnerReport, { type: 'progress' }>, cancelRequested: boolean): JobPatch {
  if (m.type === 'done') {
    return { state: 'succeeded', progress: 1, message: resultSummary(m.result) ?? 'done', result: m.result }
  }
  if (m.type === 'crashed') return { state: 'failed', error: m.error, message: 'worker crashed' }
  if (cancelRequested || (m.type === 'failed' && m.cancelled)) return CANCELLED
  if (m.type === 'exited') {
    return { state: 'failed', error: `worker exited with code ${m.code}`, message: 'worker exited' }
  }
  return { state: 'failed', error: m.error, message: m.error, ...(m.result !== undefined ? { result: m.result } : {}) }
}

interface Running {
  started: Started
  cancelRequested: boolean
  done: Promise<JobInfo>
}

/** How the runner runs jobs. */
export interface JobRunnerOptions {
  readonly execution?: JobExecution
  /** Armada's version, recorded by the jobs that register models. */
  readonly codeVersion?: string
  /** The core's device choice, given to batch jobs that do not name one (`JobContext.device`). */
  readonly device?: DeviceChoice
  /** How long a cancelled worker has to stop before it is terminated (ms). */
  readonly graceMs?: number
}

/**
 * Runs long work in worker threads (or inline), one job per thread, persisting every state change in SQLite and
 * reporting progress through `onUpdate`. Cancellation asks the job to stop, then terminates its worker after a grace
 * period. Requests arrive parsed (src-shared/job-requests.ts); handlers are listed in job-handlers.ts.
 */
export class JobRunner {
  private readonly running = new Map<string, Running>()
  private readonly lastPersist = new Map<string, number>()

  constructor(
    private readonly jobs: SqliteJobStore,
    private readonly clock: Clock,
    private readonly dbPath: string,
    private readonly onUpdate: (job: JobInfo) => void,
    private readonly options: JobRunnerOptions = {},
  ) {}

  /** Marks jobs a previous process left running as failed (interrupted). */
  start(): void {
    this.jobs.failInterrupted(this.clock.now())
  }

  /** Starts a job with its parsed request. Resolves `wait(id)` when it ends. */
  submit<K extends JobKind>(kind: K, request: JobRequests[K]): JobInfo {
    const id = randomUUID()
    this.jobs.create(id, kind, request, this.clock.now())
    const parsed = { kind, request } as ParsedJob
    const input: JobInput = {
      job: parsed,
      dbPath: this.dbPath,
      codeVersion: this.options.codeVersion ?? '',
      ...(this.options.device ? { device: this.options.device } : {}),
    }
    const entry = { cancelRequested: false } as Running
    entry.done = new Promise<JobInfo>((resolve) => {
      let settled = false
      const finish = (patch: JobPatch): void => {
        if (settled) return
        settled = true
        this.running.delete(id)
        this.lastPersist.delete(id)
        const job = this.jobs.update(id, patch, this.clock.now())
        this.onUpdate(job)
        entry.started.terminate()
        resolve(job)
      }
      const report = (m: RunnerReport): void => {
        if (m.type === 'progress') this.progress(id, m.fraction, m.message)
        else finish(endOf(m, entry.cancelRequested))
      }
      entry.started = this.options.execution === 'inline' ? startInline(input, report) : startInWorker(input, report)
    })
    this.running.set(id, entry)
    const job = this.jobs.update(id, { state: 'running', message: 'started' }, this.clock.now())
    this.onUpdate(job)
    return job
  }

  private progress(id: string, fraction: number, message: string): void {
    const now = this.clock.now()
    const job: JobInfo = { ...this.jobs.get(id)!, state: 'running', progress: fraction, message, updatedAt: now }
    // Persist at most every 250 ms; events go out every time so the bar moves smoothly. An inline job reports from
    // inside its own write transactions on this thread: its progress is published only (the end is stored).
    if (this.options.execution !== 'inline' && now - (this.lastPersist.get(id) ?? 0) >= 250) {
      this.jobs.update(id, { progress: fraction, message }, now)
      this.lastPersist.set(id, now)
    }
    this.onUpdate(job)
  }

  /** Requests cancellation; the job ends as `cancelled`. Unknown or finished jobs are returned as they are. */
  cancel(id: string): JobInfo {
    const entry = this.running.get(id)
    const job = this.jobs.get(id)
    if (!job) throw new CallRefused('not-found', `job ${id} not found`)
    if (!entry) return job
    entry.cancelRequested = true
    entry.started.cancel()
    const timer = setTimeout(() => entry.started.terminate(), this.options.graceMs ?? 2_000)
    timer.unref()
    return job
  }

  /** Resolves with the final job record. */
  wait(id: string): Promise<JobInfo> {
    return this.running.get(id)?.done ?? Promise.resolve(this.jobs.get(id)!)
  }

  get active(): number {
    return this.running.size
  }

  /** Cancels every running job and waits for them to end. */
  async dispose(): Promise<void> {
    const pending = [...this.running.entries()].map(([id, r]) => {
      this.cancel(id)
      return r.done
    })
    await Promise.all(pending)
  }
}
