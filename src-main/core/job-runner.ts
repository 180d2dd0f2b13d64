import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { CallRefused, type Clock, type JobInfo } from '../../src-shared'
import type { SqliteJobStore } from '../store'
import { JOB_KINDS } from './job-kinds'
import type { WorkerOutbound } from './job-worker'

/** Path of the worker entry: the built file beside the bundle, else the TypeScript source through tsx. */
function workerEntry(): string {
  // The bundle may place this code in out/main or out/main/chunks; the worker entry is out/main/worker.js.
  for (const built of [join(__dirname, 'worker.js'), join(__dirname, '..', 'worker.js')]) if (existsSync(built)) return built
  return join(__dirname, 'job-worker-dev.cjs')
}

/** The one-line `summary` a handler's result may carry (job-kinds.ts), else undefined. */
function resultSummary(result: unknown): string | undefined {
  const summary = typeof result === 'object' && result !== null ? (result as { summary?: unknown }).summary : undefined
  return typeof summary === 'string' && summary ? summary.split('\n')[0] : undefined
}

interface Running {
  worker: Worker
  cancelRequested: boolean
  done: Promise<JobInfo>
}

/**
 * Runs long work in worker threads, one thread per job, persisting every state change in SQLite and
 * reporting progress through `onUpdate`. Cancellation asks the worker to stop, then terminates it after a grace period.
 */
export class JobRunner {
  private readonly running = new Map<string, Running>()
  private readonly lastPersist = new Map<string, number>()

  constructor(
    private readonly jobs: SqliteJobStore,
    private readonly clock: Clock,
    private readonly dbPath: string,
    private readonly onUpdate: (job: JobInfo) => void,
    private readonly graceMs = 2_000,
  ) {}

  /** Marks jobs a previous process left running as failed (interrupted). */
  start(): void {
    this.jobs.failInterrupted(this.clock.now())
  }

  /** Known job kinds. */
  kinds(): string[] {
    return Object.keys(JOB_KINDS)
  }

  /** Starts a job; throws on an unknown kind. Resolves `wait(id)` when it ends. */
  submit(kind: string, params: Record<string, unknown> = {}): JobInfo {
    if (!Object.hasOwn(JOB_KINDS, kind)) throw new CallRefused('bad-request', `unknown job kind "${kind}" (known: ${this.kinds().join(', ')})`)
    const id = randomUUID()
    this.jobs.create(id, kind, params, this.clock.now())
    const worker = new Worker(workerEntry(), { workerData: { kind, params, dbPath: this.dbPath } })
    const entry: Running = { worker, cancelRequested: false, done: Promise.resolve(undefined as unknown as JobInfo) }
    entry.done = new Promise<JobInfo>((resolve) => {
      let settled = false
      const finish = (patch: Parameters<SqliteJobStore['update']>[1]): void => {
        if (settled) return
        settled = true
        this.running.delete(id)
        this.lastPersist.delete(id)
        const job = this.jobs.update(id, patch, this.clock.now())
        this.onUpdate(job)
        void worker.terminate()
        resolve(job)
      }
      worker.on('message', (m: WorkerOutbound) => {
        if (m.type === 'progress') this.progress(id, m.fraction, m.message)
        else if (m.type === 'done') finish({ state: 'succeeded', progress: 1, message: resultSummary(m.result) ?? 'done', result: m.result })
        else if (m.cancelled || entry.cancelRequested) finish({ state: 'cancelled', message: 'cancelled' })
        else finish({ state: 'failed', error: m.error, message: m.error, ...(m.result !== undefined ? { result: m.result } : {}) })
      })
      worker.on('error', (err) => finish({ state: 'failed', error: err.message.split('\n')[0], message: 'worker crashed' }))
      worker.on('exit', (code) =>
        finish(entry.cancelRequested ? { state: 'cancelled', message: 'cancelled' } : { state: 'failed', error: `worker exited with code ${code}`, message: 'worker exited' }),
      )
    })
    this.running.set(id, entry)
    const job = this.jobs.update(id, { state: 'running', message: 'started' }, this.clock.now())
    this.onUpdate(job)
    return job
  }

  private progress(id: string, fraction: number, message: string): void {
    const now = this.clock.now()
    const job: JobInfo = { ...this.jobs.get(id)!, state: 'running', progress: fraction, message, updatedAt: now }
    // Persist at most every 250 ms; events go out every time so the bar moves smoothly.
    if (now - (this.lastPersist.get(id) ?? 0) >= 250) {
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
    entry.worker.postMessage({ type: 'cancel' })
    const timer = setTimeout(() => void entry.worker.terminate(), this.graceMs)
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

  /** Cancels every running job and waits for the workers to end. */
  async dispose(): Promise<void> {
    const pending = [...this.running.entries()].map(([id, r]) => {
      this.cancel(id)
      return r.done
    })
    await Promise.all(pending)
  }
}
